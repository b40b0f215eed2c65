"""Reads for the outlets' reports (selectors: one cooperative, no writes).

Sales by outlet, product, day and kasir; margins (revenue - HPP); stock position and value;
slow and fast movers; expiring lots; shrinkage (opname and write-off losses against sales).
Every aggregation is done by the database: one query per table read, whatever the number of
sales, products or units (pinned in commerce/tests/test_reports.py). Sales count when completed
(a QRIS sale still waiting for its payment is not a sale yet); returns are shown apart, so a
report's sales agree with the receipts printed that day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Max, QuerySet, Sum

from kopdes.commerce import selectors
from kopdes.commerce.models import (
    Sale,
    SaleLine,
    SaleReturn,
    StockLevel,
    StockMovement,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative

SALES_BY = ("unit", "product", "day", "kasir")
# Days of cover above which a product that sells is a slow mover (and always when nothing sold).
SLOW_COVER_DAYS = 90
FAST_SHARE = Decimal("0.2")  # the products selling most, this share of those that sold
EXPIRY_DAYS_DEFAULT = 60
LOSS_KINDS = ("count", "write_off")


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, to two decimals; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def this_month(today: date) -> Period:
    """The default period: from the first of this month to today."""
    return Period(today.replace(day=1), today)


def units(cooperative: Cooperative) -> QuerySet[BusinessUnit]:
    """The cooperative's units that hold stock or sell (the reports' unit filter)."""
    from kopdes.ledger.rules import STOCK_UNITS

    return BusinessUnit.objects.filter(cooperative=cooperative, kind__in=STOCK_UNITS).order_by(
        "code"
    )


def _completed(cooperative: Cooperative, period: Period, unit: BusinessUnit | None):
    rows = Sale.objects.filter(
        cooperative=cooperative,
        status=Sale.Status.COMPLETED,
        on__gte=period.start,
        on__lte=period.end,
    )
    return rows.filter(unit=unit) if unit is not None else rows


def _lines(cooperative: Cooperative, period: Period, unit: BusinessUnit | None):
    rows = SaleLine.objects.filter(
        sale__cooperative=cooperative,
        sale__status=Sale.Status.COMPLETED,
        sale__on__gte=period.start,
        sale__on__lte=period.end,
    )
    return rows.filter(sale__unit=unit) if unit is not None else rows


# -- sales and margins ---------------------------------------------------------------------------


@dataclass
class SalesRow:
    key: str  # the unit's code, the product's sku, the day (ISO) or the kasir's id
    label: str
    sales: int = 0  # receipts (by product: the receipts with the product on them)
    quantity: int = 0  # units sold (by product only)
    revenue: int = 0
    cost: int = 0  # HPP
    returns: int = 0  # approved returns' refunds (by unit only)
    day: date | None = None

    @property
    def margin(self) -> int:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        return percent(self.margin, self.revenue)


@dataclass
class SalesReport:
    period: Period
    by: str
    rows: list[SalesRow]
    total: SalesRow


def _total(rows: list[SalesRow]) -> SalesRow:
    return SalesRow(
        key="",
        label="",
        sales=sum(r.sales for r in rows),
        quantity=sum(r.quantity for r in rows),
        revenue=sum(r.revenue for r in rows),
        cost=sum(r.cost for r in rows),
        returns=sum(r.returns for r in rows),
    )


def sales(
    *, cooperative: Cooperative, period: Period, by: str = "unit", unit: BusinessUnit | None = None
) -> SalesReport:
    """Completed sales over the period grouped by outlet, product, day or kasir (one query; by
    outlet one more for the approved returns). Revenue is what the receipts say, cost the HPP
    the stock issued at moving-average cost."""
    if by not in SALES_BY:
        raise ValueError(by)
    rows: list[SalesRow]
    if by == "product":
        rows = [
            SalesRow(
                key=row["product__sku"],
                label=row["product__name"],
                sales=row["n"],
                quantity=row["qty"] or 0,
                revenue=row["revenue"] or 0,
                cost=row["hpp"] or 0,
            )
            for row in _lines(cooperative, period, unit)
            .values("product__sku", "product__name")
            .annotate(
                n=Count("sale", distinct=True),
                qty=Sum("quantity"),
                revenue=Sum("amount"),
                hpp=Sum("cost"),
            )
            .order_by("-revenue", "product__sku")
        ]
        return SalesReport(period=period, by=by, rows=rows, total=_total(rows))
    group = {"unit": ("unit__code", "unit__name"), "day": ("on",), "kasir": ("kasir_id",)}[by]
    named = {"name": Max("kasir_label")} if by == "kasir" else {}
    aggregated = (
        _completed(cooperative, period, unit)
        .values(*group)
        .annotate(n=Count("id"), revenue=Sum("total"), hpp=Sum("cost"), **named)
        .order_by(*group)
    )
    if by == "unit":
        rows = [
            SalesRow(
                key=row["unit__code"],
                label=row["unit__name"],
                sales=row["n"],
                revenue=row["revenue"] or 0,
                cost=row["hpp"] or 0,
            )
            for row in aggregated
        ]
        returned = dict(
            SaleReturn.objects.filter(
                cooperative=cooperative,
                status=SaleReturn.Status.APPROVED,
                on__gte=period.start,
                on__lte=period.end,
                **({"sale__unit": unit} if unit is not None else {}),
            )
            .values_list("sale__unit__code")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for row in rows:
            row.returns = returned.pop(row.key, 0) or 0
        # a unit with returns and no sale in the period still shows its returns
        names = dict(
            BusinessUnit.objects.filter(cooperative=cooperative, code__in=returned).values_list(
                "code", "name"
            )
            if returned
            else []
        )
        rows += [
            SalesRow(key=code, label=str(names.get(code) or code), returns=amount or 0)
            for code, amount in returned.items()
        ]
    elif by == "day":
        rows = [
            SalesRow(
                key=row["on"].isoformat(),
                label="",
                day=row["on"],
                sales=row["n"],
                revenue=row["revenue"] or 0,
                cost=row["hpp"] or 0,
            )
            for row in aggregated
        ]
    else:
        # the kasir as the sales name them (their label, not an id)
        rows = [
            SalesRow(
                key=str(row["kasir_id"]),
                label=row["name"] or "",
                sales=row["n"],
                revenue=row["revenue"] or 0,
                cost=row["hpp"] or 0,
            )
            for row in aggregated
        ]
        rows.sort(key=lambda r: (-r.revenue, r.label))
    return SalesReport(period=period, by=by, rows=rows, total=_total(rows))


# -- stock position ------------------------------------------------------------------------------


@dataclass
class PositionRow:
    unit_code: str
    unit_name: str
    sku: str
    name: str
    product_unit: str
    quantity: int
    reserved: int
    value: int
    min_stock: int

    @property
    def average_cost(self) -> int:
        return self.value // self.quantity if self.quantity else 0

    @property
    def below_minimum(self) -> bool:
        """At or below the reorder point (what is available: on hand less reserved)."""
        return self.min_stock > 0 and self.quantity - self.reserved <= self.min_stock


@dataclass
class UnitPosition:
    code: str
    name: str
    rows: list[PositionRow] = field(default_factory=list)

    @property
    def value(self) -> int:
        return sum(r.value for r in self.rows)

    @property
    def quantity(self) -> int:
        return sum(r.quantity for r in self.rows)


def stock_position(
    *, cooperative: Cooperative, unit: BusinessUnit | None = None
) -> list[UnitPosition]:
    """`selectors.stock_position` (one query) grouped by unit: quantity, reserved quantity and
    value per product at moving-average cost."""
    out: dict[str, UnitPosition] = {}
    for row in selectors.stock_position(cooperative, unit):
        position = out.setdefault(
            row.unit.code, UnitPosition(code=row.unit.code, name=row.unit.name)
        )
        position.rows.append(
            PositionRow(
                unit_code=row.unit.code,
                unit_name=row.unit.name,
                sku=row.product.sku,
                name=row.product.name,
                product_unit=row.product.unit,
                quantity=row.quantity,
                reserved=row.reserved,
                value=row.value,
                min_stock=row.product.min_stock,
            )
        )
    return list(out.values())


# -- movers --------------------------------------------------------------------------------------


@dataclass
class MoverRow:
    unit_code: str
    unit_name: str
    sku: str
    name: str
    sold: int  # units sold over the period
    on_hand: int
    per_day: Decimal  # units sold a day, on average over the period
    cover_days: int | None  # days the stock on hand lasts at that pace; None: nothing sold
    kind: str = ""  # "fast", "slow" or ""


@dataclass
class Movers:
    period: Period
    rows: list[MoverRow]

    @property
    def fast(self) -> list[MoverRow]:
        return [r for r in self.rows if r.kind == "fast"]

    @property
    def slow(self) -> list[MoverRow]:
        return [r for r in self.rows if r.kind == "slow"]


def movers(*, cooperative: Cooperative, period: Period, unit: BusinessUnit | None = None) -> Movers:
    """Units sold per product per unit over the period against the stock on hand, and the days
    of cover that gives (two queries). Fast movers: the fifth of the products that sold the most
    units in their unit; slow movers: stock on hand that did not sell, or would last more than
    90 days at the period's pace."""
    sold: dict[tuple[str, str], dict] = {
        (row["sale__unit__code"], row["product__sku"]): row
        for row in _lines(cooperative, period, unit)
        .values("sale__unit__code", "sale__unit__name", "product__sku", "product__name")
        .annotate(qty=Sum("quantity"))
        .order_by()
    }
    levels = StockLevel.objects.filter(cooperative=cooperative, quantity__gt=0)
    if unit is not None:
        levels = levels.filter(unit=unit)
    hand: dict[tuple[str, str], Any] = {
        (row["unit__code"], row["product__sku"]): row
        for row in levels.values(
            "unit__code", "unit__name", "product__sku", "product__name", "quantity"
        )
    }
    rows = []
    for key in sorted(sold.keys() | hand.keys()):
        sale, level = sold.get(key), hand.get(key)
        source = sale or {}
        qty = (sale or {}).get("qty") or 0
        on_hand = (level or {}).get("quantity", 0)
        per_day = (Decimal(qty) / period.days).quantize(Decimal("0.01"), ROUND_HALF_UP)
        cover = int(Decimal(on_hand) * period.days / qty) if qty else None
        rows.append(
            MoverRow(
                unit_code=key[0],
                unit_name=source.get("sale__unit__name") or (level or {}).get("unit__name", ""),
                sku=key[1],
                name=source.get("product__name") or (level or {}).get("product__name", ""),
                sold=qty,
                on_hand=on_hand,
                per_day=per_day,
                cover_days=cover,
            )
        )
    by_unit: dict[str, list[MoverRow]] = defaultdict(list)
    for row in rows:
        if row.sold:
            by_unit[row.unit_code].append(row)
        if row.on_hand and (row.cover_days is None or row.cover_days > SLOW_COVER_DAYS):
            row.kind = "slow"
    for selling in by_unit.values():
        selling.sort(key=lambda r: (-r.sold, r.sku))
        count = max(1, int(len(selling) * FAST_SHARE))
        for row in selling[:count]:
            if not row.kind:
                row.kind = "fast"
    rows.sort(key=lambda r: (r.unit_code, -r.sold, r.sku))
    return Movers(period=period, rows=rows)


# -- expiring lots -------------------------------------------------------------------------------


@dataclass
class ExpiringRow:
    unit_code: str
    unit_name: str
    sku: str
    name: str
    expiry_date: date
    quantity: int
    days_left: int  # negative: already expired
    value: int  # at the product's moving-average cost in the unit


def expiring(
    *,
    cooperative: Cooperative,
    today: date,
    days: int = EXPIRY_DAYS_DEFAULT,
    unit: BusinessUnit | None = None,
) -> list[ExpiringRow]:
    """`selectors.expiring_lots`: lots on hand that expire within `days` days (or have
    expired), soonest first, valued at the moving-average cost of their unit (two queries: the
    lots, the levels of their products)."""
    lots = selectors.expiring_lots(cooperative, days, on=today)
    if unit is not None:
        lots = lots.filter(unit=unit)
    found = list(lots)
    if not found:
        return []
    costs = {
        (row["unit_id"], row["product_id"]): (row["value"], row["quantity"])
        for row in StockLevel.objects.filter(
            cooperative=cooperative, product_id__in={lot.product_id for lot in found}
        ).values("unit_id", "product_id", "value", "quantity")
    }
    rows = []
    for lot in found:
        value, quantity = costs.get((lot.unit_id, lot.product_id), (0, 0))
        rows.append(
            ExpiringRow(
                unit_code=lot.unit.code,
                unit_name=lot.unit.name,
                sku=lot.product.sku,
                name=lot.product.name,
                expiry_date=lot.expiry_date,
                quantity=lot.quantity,
                days_left=(lot.expiry_date - today).days,
                value=value * lot.quantity // quantity if quantity else 0,
            )
        )
    return rows


# -- shrinkage -----------------------------------------------------------------------------------


@dataclass
class ShrinkRow:
    unit_code: str
    unit_name: str
    sku: str = ""  # "" on a unit's total row
    name: str = ""
    count_loss: int = 0  # opname differences, net (a positive number is value lost)
    write_off: int = 0  # approved write-offs
    sales: int = 0  # revenue of completed sales
    quantity_lost: int = 0

    @property
    def loss(self) -> int:
        return self.count_loss + self.write_off

    @property
    def share(self) -> Decimal | None:
        """Losses as a percentage of sales."""
        return percent(self.loss, self.sales)


@dataclass
class Shrinkage:
    period: Period
    units: list[ShrinkRow]  # one per unit
    products: list[ShrinkRow]  # products with a loss
    total: ShrinkRow


def shrinkage(
    *, cooperative: Cooperative, period: Period, unit: BusinessUnit | None = None
) -> Shrinkage:
    """Stock lost to opname differences and write-offs over the period (the stock sub-ledger's
    movements, at their value), against the sales of the same units and products, as a
    percentage of sales (two queries)."""
    moves = StockMovement.objects.filter(
        cooperative=cooperative, kind__in=LOSS_KINDS, on__gte=period.start, on__lte=period.end
    )
    if unit is not None:
        moves = moves.filter(unit=unit)
    losses = list(
        moves.values("unit__code", "unit__name", "product__sku", "product__name", "kind")
        .annotate(value=Sum("value"), qty=Sum("quantity"))
        .order_by()
    )
    revenue = {
        (row["sale__unit__code"], row["product__sku"]): (row["sale__unit__name"], row["revenue"])
        for row in _lines(cooperative, period, unit)
        .values("sale__unit__code", "sale__unit__name", "product__sku")
        .annotate(revenue=Sum("amount"))
        .order_by()
    }
    products: dict[tuple[str, str], ShrinkRow] = {}
    for row in losses:
        key = (row["unit__code"], row["product__sku"])
        item = products.setdefault(
            key,
            ShrinkRow(
                unit_code=row["unit__code"],
                unit_name=row["unit__name"],
                sku=row["product__sku"],
                name=row["product__name"],
            ),
        )
        # movements are signed (a loss is negative): shown as the value lost
        if row["kind"] == "count":
            item.count_loss -= row["value"] or 0
        else:
            item.write_off -= row["value"] or 0
        item.quantity_lost -= row["qty"] or 0
    for key, item in products.items():
        item.sales = (revenue.get(key) or ("", 0))[1] or 0
    per_unit: dict[str, ShrinkRow] = {}
    for (code, _sku), (name, amount) in revenue.items():
        per_unit.setdefault(code, ShrinkRow(unit_code=code, unit_name=name)).sales += amount or 0
    for item in products.values():
        total = per_unit.setdefault(
            item.unit_code, ShrinkRow(unit_code=item.unit_code, unit_name=item.unit_name)
        )
        total.count_loss += item.count_loss
        total.write_off += item.write_off
        total.quantity_lost += item.quantity_lost
    unit_rows = sorted(per_unit.values(), key=lambda r: r.unit_code)
    grand = ShrinkRow(
        unit_code="",
        unit_name="",
        count_loss=sum(r.count_loss for r in unit_rows),
        write_off=sum(r.write_off for r in unit_rows),
        sales=sum(r.sales for r in unit_rows),
        quantity_lost=sum(r.quantity_lost for r in unit_rows),
    )
    return Shrinkage(
        period=period,
        units=unit_rows,
        products=sorted(products.values(), key=lambda r: (r.unit_code, -r.loss, r.sku)),
        total=grand,
    )


# -- the Beranda's numbers -----------------------------------------------------------------------


@dataclass(frozen=True)
class DaySales:
    units: list[tuple[str, int, int]]  # (unit name, sales, revenue)

    @property
    def revenue(self) -> int:
        return sum(r for _n, _c, r in self.units)

    @property
    def count(self) -> int:
        return sum(c for _n, c, _r in self.units)


def sales_today(*, cooperative: Cooperative, day: date) -> DaySales:
    """Completed sales of the day per unit (one query)."""
    rows = (
        Sale.objects.filter(cooperative=cooperative, status=Sale.Status.COMPLETED, on=day)
        .values("unit__code", "unit__name")
        .annotate(n=Count("id"), revenue=Sum("total"))
        .order_by("unit__code")
    )
    return DaySales(units=[(r["unit__name"], r["n"], r["revenue"] or 0) for r in rows])


def below_minimum_count(*, cooperative: Cooperative) -> int:
    """Stock rows of active products at or below their reorder point, counting what is available
    (on hand less reserved), as `selectors.StockRow.below_reorder_point` does (one query). A
    product never stocked in a unit has no row there and is not counted."""
    return StockLevel.objects.filter(
        cooperative=cooperative,
        product__is_active=True,
        product__min_stock__gt=0,
        quantity__lte=F("product__min_stock") + F("reserved"),
    ).count()


def expiring_count(*, cooperative: Cooperative, today: date, days: int = 30) -> int:
    """Lots on hand expiring within `days` days (expired ones too; one query)."""
    return selectors.expiring_lots(cooperative, days, on=today).count()
