"""PDF documents (statements, member account statements): the one place that calls WeasyPrint."""


def render_pdf(html: str) -> bytes:
    """Render a self-contained HTML document (inline CSS, system fonts, no external resources:
    no base URL, so nothing is fetched) to PDF bytes."""
    from weasyprint import HTML  # imported on use: loading WeasyPrint takes a while

    return HTML(string=html, base_url=None).write_pdf()
