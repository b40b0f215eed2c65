from kopdes.core.pdf import render_pdf


def test_render_pdf():
    html = (
        "<html><body><h1>Neraca Saldo</h1><table><tr><td>1-102</td>"
        "<td>Rp100.000.000</td></tr></table></body></html>"
    )
    assert render_pdf(html).startswith(b"%PDF")
