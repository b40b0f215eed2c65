"""`{% member_purchase_years member as purchases %}`: the member's purchases at the outlets per
unit, this year and last, net of returns (the member page's table, web/members/_purchases.html;
one query). A tag, so the member page's view stays the members app's own."""

from django import template

from kopdes.commerce import selectors
from kopdes.core import clock

register = template.Library()


@register.simple_tag
def member_purchase_years(member) -> selectors.PurchaseYears:
    return selectors.member_purchase_years(member=member, year=clock.today().year)
