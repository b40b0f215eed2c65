from django import template

from kopdes.core import masking, money

register = template.Library()


@register.filter
def rupiah(value):
    """{{ amount|rupiah }} -> Rp1.500.000"""
    if value is None or value == "":
        return ""
    return money.format_rupiah(int(value))


@register.filter
def terbilang(value):
    return money.terbilang(int(value))


@register.filter
def mask_phone(value):
    return masking.mask_phone(value)


@register.filter
def mask_id(value):
    return masking.mask_identity_number(value)
