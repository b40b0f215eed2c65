from typing import Any

from django import template

from kopdes.core import masking, money

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """{{ amount|rupiah }} -> Rp1.500.000"""
    if value is None or value == "":
        return ""
    return money.format_rupiah(int(value))


@register.filter
def terbilang(value: Any) -> str:
    return money.terbilang(int(value))


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_identity_number(value)
