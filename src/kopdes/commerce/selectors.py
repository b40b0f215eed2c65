"""Reads of the gerai: stock position, the stock sub-ledger against persediaan, product lookup for
the kasir and the pages, lots about to expire. Pages and the API call these, scoped to one
cooperative."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear

from kopdes.commerce.models import (
    CashShift,
    Order,
    OrderLine,
    PosDevice,
    Product,
    Sale,
    SaleLine,
    SaleReturn,
    StockLevel,
    StockLot,
    StockMovement,
    SyncRejection,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.ledger.models import Account, JournalLine
from kopdes.ledger.rules import STOCK_UNITS
from kopdes.members.models import Member


@dataclass(frozen=True)
class StockRow:
    unit: BusinessUnit
    product: Product
    quantity: int
    reserved: int
    value: int
    last_movement_on: date | None

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def average_cost(self) -> int:
        """The moving-average cost of one unit, rounded down (0 with nothing on hand)."""
        return self.value // self.quantity if self.quantity else 0

    @property
    def below_reorder_point(self) -> bool:
        return self.product.min_stock > 0 and self.available <= self.product.min_stock


def stock_position(cooperative: Cooperative, unit: BusinessUnit | None = None) -> list[StockRow]:
    """What each unit holds of each product (rows with something on hand or a reorder point),
    by unit then product name."""
    levels = (
        StockLevel.objects.filter(cooperative=cooperative)
        .filter(Q(quantity__gt=0) | Q(product__min_stock__gt=0))
        .select_related("unit", "product", "product__category")
        .order_by("unit__code", "product__name", "pk")
    )
    if unit is not None:
        levels = levels.filter(unit=unit)
    return [
        StockRow(
            unit=level.unit,
            product=level.product,
            quantity=level.quantity,
            reserved=level.reserved,
            value=level.value,
            last_movement_on=level.last_movement_on,
        )
        for level in levels
    ]


@dataclass(frozen=True)
class ReconcileRow:
    unit: BusinessUnit
    account: str  # the unit's persediaan account, 1-107-xx ("" when it has none)
    stock: int  # sum of StockLevel.value
    movements: int  # sum of StockMovement.value
    ledger: int  # the account's debit balance

    @property
    def difference(self) -> int:
        """The stock value less the ledger's balance."""
        return self.stock - self.ledger

    @property
    def movements_difference(self) -> int:
        """The stock value less the sum of the movements (the sub-ledger's own check)."""
        return self.stock - self.movements

    @property
    def reconciles(self) -> bool:
        return self.stock == self.movements == self.ledger


def commerce_reconcile(cooperative: Cooperative) -> list[ReconcileRow]:
    """Per stock unit: the stock levels' value, the stock movements' sum and the balance of its
    persediaan account 1-107-xx; all three must be equal (docs/invariants.md)."""
    units = list(
        BusinessUnit.objects.filter(cooperative=cooperative, kind__in=STOCK_UNITS).order_by("pk")
    )
    accounts = dict(
        Account.objects.filter(
            cooperative=cooperative, business_unit__in=units, code__startswith="1-107-"
        ).values_list("business_unit_id", "code")
    )
    stock = dict(
        StockLevel.objects.filter(cooperative=cooperative)
        .values("unit_id")
        .annotate(v=Sum("value"))
        .values_list("unit_id", "v")
    )
    movements = dict(
        StockMovement.objects.filter(cooperative=cooperative)
        .values("unit_id")
        .annotate(v=Sum("value"))
        .values_list("unit_id", "v")
    )
    balances = {
        row["account__code"]: (row["d"] or 0) - (row["c"] or 0)
        for row in JournalLine.objects.filter(
            cooperative=cooperative, account__code__in=list(accounts.values())
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    return [
        ReconcileRow(
            unit=unit,
            account=accounts.get(unit.pk, ""),
            stock=stock.get(unit.pk) or 0,
            movements=movements.get(unit.pk) or 0,
            ledger=balances.get(accounts.get(unit.pk, ""), 0),
        )
        for unit in units
    ]


def product_lookup(cooperative: Cooperative, query: str, *, limit: int = 20) -> list[Product]:
    """Active products for a search box or a scanner: an exact barcode first, else an exact SKU,
    else names (and SKUs) containing the text."""
    text = (query or "").strip()
    if not text:
        return []
    products = Product.objects.filter(cooperative=cooperative, is_active=True)
    if text.isdigit() and len(text) == 13:
        found = list(products.filter(barcode=text)[:1])
        if found:
            return found
    found = list(products.filter(sku__iexact=text)[:1])
    if found:
        return found
    return list(
        products.filter(Q(name__icontains=text) | Q(sku__icontains=text)).order_by("name")[:limit]
    )


def products(cooperative: Cooperative, *, active: bool | None = None) -> QuerySet[Product]:
    rows = Product.objects.filter(cooperative=cooperative).select_related("category")
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("name")


def expiring_lots(
    cooperative: Cooperative, within_days: int, *, on: date | None = None
) -> QuerySet[StockLot]:
    """Lots still held that expire within `within_days` of the business date (already expired
    ones included), soonest first."""
    today = on or clock.today()
    return (
        StockLot.objects.filter(
            cooperative=cooperative,
            quantity__gt=0,
            expiry_date__lte=today + timedelta(days=within_days),
        )
        .select_related("unit", "product")
        .order_by("expiry_date", "unit__code", "product__name")
    )


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


def member_purchase_years(*, member: Member, year: int) -> PurchaseYears:
    """The member's purchases per unit in `year` and the year before, net of returns: the
    member page's table. The same rule as `member_purchases` (the SHU's jasa usaha basis:
    completed sales by their date, less returns approved, by the day they were approved; tested
    to agree), in two queries for both years."""
    years = (year - 1, year)
    rows: dict[int, UnitPurchases] = {}

    def add(unit_id: int, code: str, name: str, when: int, amount: int) -> None:
        item = rows.setdefault(
            unit_id,
            UnitPurchases(
                unit_id=unit_id,
                cooperative_id=member.cooperative_id,
                code=code,
                name=name,
                cooperative=member.cooperative,
            ),
        )
        if when == year:
            item.this_year += amount
        else:
            item.last_year += amount

    for row in (
        Sale.objects.filter(
            cooperative_id=member.cooperative_id,
            member=member,
            status=Sale.Status.COMPLETED,
            on__year__in=years,
        )
        .values("unit_id", "unit__code", "unit__name", year=ExtractYear("on"))
        .annotate(total=Sum("total"))
        .order_by()
    ):
        add(row["unit_id"], row["unit__code"], row["unit__name"], row["year"], row["total"] or 0)
    for row in (
        SaleReturn.objects.filter(
            cooperative_id=member.cooperative_id,
            sale__member=member,
            status=SaleReturn.Status.APPROVED,
            on__year__in=years,
        )
        .values("sale__unit_id", "sale__unit__code", "sale__unit__name", year=ExtractYear("on"))
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        add(
            row["sale__unit_id"],
            row["sale__unit__code"],
            row["sale__unit__name"],
            row["year"],
            -(row["total"] or 0),
        )
    return PurchaseYears(year=year, rows=sorted(rows.values(), key=lambda r: r.code))


def my_purchase_totals(*, user, year: int) -> list[UnitPurchases]:
    """The person's purchases per unit in `year` in every cooperative where they are a member,
    net of returns (`member_purchases`)."""
    out = []
    for member in Member.objects.filter(user=user).select_related("cooperative__village"):
        out += [
            row for row in member_purchase_years(member=member, year=year).rows if row.this_year
        ]
    return out


# -- point of sale: member purchases (the SHU's jasa usaha basis), shifts, devices (H-sale) ----


@dataclass(frozen=True)
class MemberPurchases:
    """A member's purchases at one unit in a period, net of approved returns."""

    member_id: int
    member_public_id: str
    member_name: str
    niak: str
    unit_id: int
    unit_code: str
    unit_name: str
    purchases: int
    returns: int

    @property
    def net(self) -> int:
        return self.purchases - self.returns


def member_purchases(
    cooperative: Cooperative, year: int | None = None, member: Member | None = None
) -> list[MemberPurchases]:
    """Per member per unit: completed sales to the member less the returns approved (in `year`
    when given: sales by their date, returns by the day they were approved). The basis of the
    member's jasa usaha in the SHU. Two grouped queries."""
    sales = Sale.objects.filter(
        cooperative=cooperative, status=Sale.Status.COMPLETED, member__isnull=False
    )
    returns = SaleReturn.objects.filter(
        cooperative=cooperative, status=SaleReturn.Status.APPROVED, sale__member__isnull=False
    )
    if year is not None:
        sales = sales.filter(on__year=year)
        returns = returns.filter(on__year=year)
    if member is not None:
        sales = sales.filter(member=member)
        returns = returns.filter(sale__member=member)
    bought: dict[tuple[int, int], int] = {
        (row["member_id"], row["unit_id"]): row["total"]
        for row in sales.values("member_id", "unit_id").annotate(total=Sum("total"))
    }
    back: dict[tuple[int, int], int] = {
        (row["sale__member_id"], row["sale__unit_id"]): row["total"]
        for row in returns.values("sale__member_id", "sale__unit_id").annotate(total=Sum("amount"))
    }
    keys = set(bought) | set(back)
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in={k[0] for k in keys}).only(
            "pk", "public_id", "full_name", "number"
        )
    }
    units = {u.pk: u for u in BusinessUnit.objects.filter(pk__in={k[1] for k in keys})}
    rows = [
        MemberPurchases(
            member_id=member_id,
            member_public_id=str(members[member_id].public_id),
            member_name=members[member_id].full_name,
            niak=members[member_id].niak,
            unit_id=unit_id,
            unit_code=units[unit_id].code,
            unit_name=units[unit_id].name,
            purchases=bought.get((member_id, unit_id), 0),
            returns=back.get((member_id, unit_id), 0),
        )
        for member_id, unit_id in keys
    ]
    rows.sort(key=lambda r: (r.niak, r.unit_code))
    return rows


def expected_cash(shift: CashShift) -> dict[str, int]:
    """The shift's cash: the float, its cash sales, the cash refunded for the approved returns
    its kasir asked for during the shift, and what the drawer should hold."""
    sales = (
        Sale.objects.filter(
            shift=shift, payment=Sale.Payment.CASH, status=Sale.Status.COMPLETED
        ).aggregate(total=Sum("total"))["total"]
        or 0
    )
    refunds = (
        SaleReturn.objects.filter(
            shift=shift, refund=SaleReturn.Refund.CASH, status=SaleReturn.Status.APPROVED
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return {
        "opening_float": shift.opening_float,
        "cash_sales": sales,
        "cash_refunds": refunds,
        "expected": shift.opening_float + sales - refunds,
    }


def shift_report(shift: CashShift) -> dict[str, Any]:
    """A shift's figures: the float, cash sales, cash refunds, expected, counted and the
    difference (for a closed shift), and its sales by payment (count and total)."""
    figures = expected_cash(shift)
    by_payment = {
        row["payment"]: {"count": row["count"], "total": row["total"]}
        for row in Sale.objects.filter(shift=shift, status=Sale.Status.COMPLETED)
        .values("payment")
        .annotate(count=Count("pk"), total=Sum("total"))
    }
    return {
        **figures,
        "expected": shift.expected_cash if shift.expected_cash is not None else figures["expected"],
        "counted": shift.counted_cash,
        "difference": shift.difference,
        "by_payment": by_payment,
        "status": shift.status,
    }


def device_sync_rejections(device: PosDevice, *, open_only: bool = True) -> list[SyncRejection]:
    rows = SyncRejection.objects.filter(device=device)
    if open_only:
        rows = rows.filter(status=SyncRejection.Status.OPEN)
    return list(rows.order_by("-created_at"))
