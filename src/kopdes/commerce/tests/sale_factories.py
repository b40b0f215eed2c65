"""Point-of-sale data for the sale tests: stock in the sembako unit, members with sukarela,
the balances and lines the tests compare."""

from datetime import date
from typing import Any

from django.db.models import Sum

from kopdes.commerce.models import StockLevel, StockMovement
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.ledger.models import Account, JournalLine
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member

__all__ = ["D", "at", "make_member", "make_product", "stock_in", "unit_of"]


def stocked(place, quantity: int = 10, unit_cost: int = 65_000):
    """The sembako unit with `quantity` sak of beras (Rp65.000 each) and 20 kg of telur."""
    unit = unit_of(place.cooperative)
    beras = make_product(place.cooperative)
    telur = make_product(
        place.cooperative,
        sku="TLR",
        name="Telur ayam",
        unit="kg",
        member_price=27_000,
        non_member_price=28_000,
    )
    stock_in(place, beras, quantity, unit_cost=unit_cost)
    stock_in(place, telur, 20, unit_cost=25_000)
    return unit, beras, telur


def member_with_savings(place, amount: int = 500_000, on: date = D):
    member = make_member(place.cooperative)
    with at(on):
        savings.savings_deposit(
            actor=None,
            cooperative=place.cooperative,
            member=member,
            kind="sukarela",
            amount=amount,
            on=on,
        )
    return member


def balance(cooperative, code: str) -> int:
    """Debit minus credit of an account (and its children)."""
    row = JournalLine.objects.filter(
        cooperative=cooperative, account__code__startswith=code
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (row["d"] or 0) - (row["c"] or 0)


def code(unit, prefix: str) -> str:
    """The unit's own account under `prefix` (1-101 -> 1-101-02 for the sembako)."""
    return Account.objects.get(
        cooperative_id=unit.cooperative_id, business_unit=unit, code__startswith=f"{prefix}-"
    ).code


def lines_of(entry) -> list[tuple[str, int, int]]:
    return [
        (ln.account.code, ln.debit, ln.credit)
        for ln in JournalLine.objects.filter(entry=entry)
        .select_related("account")
        .order_by("line_no")
    ]


def stock_value(unit) -> int:
    return StockLevel.objects.filter(unit=unit).aggregate(v=Sum("value"))["v"] or 0


def movements_value(unit) -> int:
    return StockMovement.objects.filter(unit=unit).aggregate(v=Sum("value"))["v"] or 0


def level(unit, product) -> StockLevel:
    return StockLevel.objects.get(unit=unit, product=product)


def assert_stock_reconciles(unit) -> None:
    """Per unit: movements == levels == persediaan 1-107-xx."""
    gl = balance(unit.cooperative, code(unit, "1-107"))
    assert stock_value(unit) == movements_value(unit) == gl


def exists(code_: str, cooperative: Any) -> bool:
    return Account.objects.filter(cooperative=cooperative, code=code_).exists()
