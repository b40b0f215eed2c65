"""Reads of the gerai for one cooperative or one person (no writes)."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear

from kopdes.commerce.models import (
    Order,
    OrderLine,
    Product,
    Sale,
    SaleLine,
    SaleReturn,
    StockLevel,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.members.models import Member

# -- the member app's shop, pickup orders, member purchases (H-orders) ---------------------------


def _active_memberships(user) -> QuerySet[Member]:
    return Member.objects.filter(user=user, status=Member.Status.ACTIVE)


def shop_outlets(*, user) -> QuerySet[BusinessUnit]:
    """The active selling units (GOODS_UNITS) of the cooperatives where `user` is an active
    member, by cooperative and code."""
    from kopdes.ledger.rules import GOODS_UNITS

    return (
        BusinessUnit.objects.filter(
            cooperative__in=_active_memberships(user).values("cooperative"),
            kind__in=GOODS_UNITS,
            is_active=True,
        )
        .select_related("cooperative__village")
        .order_by("cooperative_id", "code")
    )


def shop_outlet(*, user, code: str, cooperative_id=None) -> BusinessUnit:
    """One of `shop_outlets` by its code (and cooperative, when the person is a member of
    several cooperatives with that code); NotFound otherwise."""
    rows = shop_outlets(user=user).filter(code=code)
    if cooperative_id is not None:
        rows = rows.filter(cooperative__public_id=cooperative_id)
    found = list(rows[:2])
    if len(found) != 1:
        raise NotFound()
    return found[0]


def shop_member(*, user, cooperative: Cooperative) -> Member:
    member = _active_memberships(user).filter(cooperative=cooperative).first()
    if member is None:
        raise NotFound()
    return member


def shop_catalogue(*, unit: BusinessUnit, q: str = "") -> QuerySet[Product]:
    """The cooperative's active products with `available` (on hand minus reserved in `unit`, 0
    without stock there), by name; `q` part of the name or sku, or the barcode."""
    level = StockLevel.objects.filter(unit=unit, product=OuterRef("pk"))
    rows = (
        Product.objects.filter(cooperative_id=unit.cooperative_id, is_active=True)
        .select_related("category")
        .annotate(
            available=Coalesce(
                Subquery(level.values("quantity")[:1]) - Subquery(level.values("reserved")[:1]),
                0,
            )
        )
        .order_by("name", "sku")
    )
    q = " ".join((q or "").split())[:100]
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(sku__iexact=q) | Q(barcode=q))
    return rows


def shop_products(*, unit: BusinessUnit, public_ids: list) -> dict:
    """The products of the unit's cooperative by public id; NotFound when one is not."""
    wanted = set(public_ids)
    found = {
        p.public_id: p
        for p in Product.objects.filter(cooperative_id=unit.cooperative_id, public_id__in=wanted)
    }
    if len(found) != len(wanted):
        raise NotFound()
    return found


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("unit__cooperative__village", "sale").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
    )


def my_orders(*, user, open_only: bool = False) -> QuerySet[Order]:
    rows = _orders().filter(member__user=user)
    if open_only:
        rows = rows.filter(status__in=(Order.Status.PLACED, Order.Status.READY))
    return rows.order_by("-placed_at", "-id")


def my_order(*, user, public_id) -> Order:
    found = _orders().filter(member__user=user, public_id=parse_public_id(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def open_orders(*, cooperative: Cooperative, unit: BusinessUnit | None = None) -> QuerySet[Order]:
    """The orders still to collect (placed, ready), of one unit or all, nearest pickup first."""
    rows = (
        _orders()
        .select_related("member")
        .filter(cooperative=cooperative, status__in=(Order.Status.PLACED, Order.Status.READY))
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows.order_by("pickup_by", "placed_at", "id")


def order_get(*, cooperative: Cooperative, public_id) -> Order:
    found = (
        Order.objects.select_related("unit", "member", "cooperative")
        .filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def waiting_orders_count(*, cooperative: Cooperative) -> int:
    return Order.objects.filter(
        cooperative=cooperative, status__in=(Order.Status.PLACED, Order.Status.READY)
    ).count()


def my_purchases(*, user) -> QuerySet[Sale]:
    """The person's completed purchases as a member, newest first, with their lines."""
    return (
        Sale.objects.filter(member__user=user, status=Sale.Status.COMPLETED)
        .select_related("unit__cooperative__village")
        .prefetch_related(
            Prefetch("lines", queryset=SaleLine.objects.select_related("product").order_by("id"))
        )
        .order_by("-sold_at", "-id")
    )


@dataclass
class UnitPurchases:
    unit_id: int
    cooperative_id: int
    code: str
    name: str
    this_year: int = 0
    last_year: int = 0
    cooperative: Cooperative | None = None  # filled by my_purchase_totals (the API names it)


@dataclass
class PurchaseYears:
    year: int
    rows: list[UnitPurchases]

    @property
    def last_year(self) -> int:
        return self.year - 1

    @property
    def this_year(self) -> int:
        return sum(r.this_year for r in self.rows)

    @property
    def last_year_total(self) -> int:
        return sum(r.last_year for r in self.rows)


def _purchase_years(members: dict, year: int) -> list[UnitPurchases]:
    """Completed sales to the members matched by `members` (lookups on Sale), in `year` and
    the year before, per unit, less the approved returns of those sales (two queries)."""
    years = (year - 1, year)
    rows: dict[int, UnitPurchases] = {}
    for row in (
        Sale.objects.filter(**members, status=Sale.Status.COMPLETED, on__year__in=years)
        .values(
            "unit_id", "unit__cooperative_id", "unit__code", "unit__name", year=ExtractYear("on")
        )
        .annotate(amount=Sum("total"))
        .order_by()
    ):
        item = rows.setdefault(
            row["unit_id"],
            UnitPurchases(
                unit_id=row["unit_id"],
                cooperative_id=row["unit__cooperative_id"],
                code=row["unit__code"],
                name=row["unit__name"],
            ),
        )
        _add(item, row["year"], year, row["amount"] or 0)
    for row in (
        SaleReturn.objects.filter(
            **{f"sale__{k}": v for k, v in members.items()},
            status=SaleReturn.Status.APPROVED,
            sale__status=Sale.Status.COMPLETED,
            sale__on__year__in=years,
        )
        .values("sale__unit_id", year=ExtractYear("sale__on"))
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        found = rows.get(row["sale__unit_id"])
        if found is not None:
            _add(found, row["year"], year, -(row["amount"] or 0))
    return sorted(rows.values(), key=lambda r: (r.cooperative_id, r.code))


def _add(item: UnitPurchases, when: int, year: int, amount: int) -> None:
    if when == year:
        item.this_year += amount
    else:
        item.last_year += amount


def member_purchase_years(*, member: Member, year: int) -> PurchaseYears:
    """The member's purchases per unit in `year` and the year before, net of returns (the SHU's
    jasa usaha basis, on the member page)."""
    return PurchaseYears(year=year, rows=_purchase_years({"member": member}, year))


def my_purchase_totals(*, user, year: int) -> list[UnitPurchases]:
    """The person's purchases per unit (every cooperative where they are a member) in `year`,
    net of returns, each with its cooperative (three queries)."""
    rows = [r for r in _purchase_years({"member__user": user}, year) if r.this_year]
    cooperatives = Cooperative.objects.select_related("village").in_bulk(
        {r.cooperative_id for r in rows}
    )
    for row in rows:
        row.cooperative = cooperatives[row.cooperative_id]
    return rows
