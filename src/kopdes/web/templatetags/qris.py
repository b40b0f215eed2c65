"""`{% qris_svg payload %}`: a QRIS payload drawn as an inline SVG QR code, server-side (segno;
no script, nothing sent anywhere). The QRIS settings show the stored static QR with it; the point
of sale shows a sale's dynamic QR (`PaymentIntent.payload`) the same way."""

import segno
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def qris_svg(payload: str, scale: int = 4) -> SafeString:
    """The QR of `payload` (error correction M, as QRIS asks), with a text alternative."""
    if not payload:
        return mark_safe("")
    svg = segno.make(payload, error="m", micro=False).svg_inline(
        scale=scale, dark="#000", light="#fff", border=4
    )
    # segno writes the SVG itself from the payload's modules: no text of the payload is in it.
    return format_html(
        '<div class="qris-code" role="img" aria-label="{}">{}</div>',
        _("QRIS code"),
        mark_safe(svg),  # noqa: S308
    )
