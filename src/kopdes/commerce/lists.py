"""Reads for the gerai's back-office pages (kopdes.web.views.commerce_catalogue and
commerce_stock): lists, one object of a cooperative by public id (NotFound for absent and
foreign alike), the units' summaries and a product's stock card. The stock position and the
reconciliation are `kopdes.commerce.selectors`'. Nothing here writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from kopdes.commerce.models import (
    Category,
    GoodsReceipt,
    GoodsReceiptLine,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
    StockTransfer,
    StockTransferLine,
    StockWriteOff,
    Supplier,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.errors import NotFound
from kopdes.ledger.rules import STOCK_UNITS


def _one(queryset: QuerySet, public_id: uuid.UUID | str) -> Any:
    try:
        found = queryset.filter(public_id=public_id).first()
    except (ValueError, TypeError):  # a malformed id, like an absent one
        found = None
    if found is None:
        raise NotFound()
    return found


# --- units --------------------------------------------------------------------------------------


def stock_units(cooperative: Cooperative) -> QuerySet[BusinessUnit]:
    """The units that hold stock (gerai that sell goods, and the warehouse), active ones."""
    return BusinessUnit.objects.filter(
        cooperative=cooperative, kind__in=STOCK_UNITS, is_active=True
    ).order_by("code")


@dataclass
class UnitSummary:
    unit: BusinessUnit
    products: int  # products held (quantity above zero)
    value: int  # stock value at moving-average cost
    low: int  # products at or below their reorder point


def unit_summaries(cooperative: Cooperative) -> list[UnitSummary]:
    units = list(stock_units(cooperative))
    totals = {
        row["unit_id"]: row
        for row in StockLevel.objects.filter(cooperative=cooperative)
        .values("unit_id")
        .annotate(
            value=Sum("value"),
            products=Count("id", filter=Q(quantity__gt=0)),
            low=Count(
                "id",
                filter=Q(
                    product__min_stock__gt=0,
                    quantity__lte=F("product__min_stock") + F("reserved"),
                ),
            ),
        )
    }
    return [
        UnitSummary(
            unit=unit,
            products=(totals.get(unit.pk) or {}).get("products") or 0,
            value=(totals.get(unit.pk) or {}).get("value") or 0,
            low=(totals.get(unit.pk) or {}).get("low") or 0,
        )
        for unit in units
    ]


# --- catalogue ----------------------------------------------------------------------------------


def categories(cooperative: Cooperative) -> QuerySet[Category]:
    return Category.objects.filter(cooperative=cooperative).order_by("name")


def category_rows(cooperative: Cooperative) -> QuerySet[Category]:
    """The categories with `product_count` (products on sale in each)."""
    return categories(cooperative).annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    )


def products(
    cooperative: Cooperative, *, q: str = "", category: Category | None = None
) -> QuerySet[Product]:
    """The catalogue, active first then by name: `q` is a barcode (exact), or part of a SKU or
    name."""
    rows = Product.objects.filter(cooperative=cooperative).select_related("category")
    q = q.strip()
    if q:
        rows = rows.filter(Q(barcode=q) | Q(sku__icontains=q) | Q(name__icontains=q))
    if category is not None:
        rows = rows.filter(category=category)
    return rows.order_by("-is_active", "name", "id")


def active_products(cooperative: Cooperative) -> QuerySet[Product]:
    return Product.objects.filter(cooperative=cooperative, is_active=True).order_by("name")


def product(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> Product:
    return _one(Product.objects.filter(cooperative=cooperative), public_id)


def suppliers(cooperative: Cooperative, *, active_only: bool = False) -> QuerySet[Supplier]:
    rows = Supplier.objects.filter(cooperative=cooperative)
    if active_only:
        rows = rows.filter(is_active=True)
    return rows.order_by("-is_active", "name")


def supplier(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> Supplier:
    return _one(Supplier.objects.filter(cooperative=cooperative), public_id)


# --- purchases ----------------------------------------------------------------------------------


def purchase_orders(cooperative: Cooperative) -> QuerySet[PurchaseOrder]:
    return (
        PurchaseOrder.objects.filter(cooperative=cooperative)
        .select_related("supplier", "unit")
        .order_by("-ordered_on", "-id")[:200]
    )


def purchase_order(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> PurchaseOrder:
    return _one(
        PurchaseOrder.objects.filter(cooperative=cooperative).select_related("supplier", "unit"),
        public_id,
    )


def purchase_order_lines(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    lines = list(order.lines.select_related("product").order_by("id"))
    for line in lines:
        line.amount = line.quantity * line.unit_cost  # type: ignore[attr-defined]  # for the page
    return lines


def receipts_of_order(order: PurchaseOrder) -> QuerySet[GoodsReceipt]:
    return order.receipts.order_by("received_on", "id")


def receipts(cooperative: Cooperative) -> QuerySet[GoodsReceipt]:
    return (
        GoodsReceipt.objects.filter(cooperative=cooperative)
        .select_related("supplier", "unit", "order")
        .order_by("-received_on", "-id")[:200]
    )


def receipt(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> GoodsReceipt:
    return _one(
        GoodsReceipt.objects.filter(cooperative=cooperative).select_related(
            "supplier", "unit", "order", "entry"
        ),
        public_id,
    )


def receipt_lines(receipt: GoodsReceipt) -> list[GoodsReceiptLine]:
    lines = list(receipt.lines.select_related("product").order_by("id"))
    for line in lines:
        line.amount = line.quantity * line.unit_cost  # type: ignore[attr-defined]  # for the page
    return lines


# --- stock --------------------------------------------------------------------------------------


def stock_card(product: Product, *, unit: BusinessUnit | None = None) -> list[StockMovement]:
    """The product's movements, oldest first, each with the running `balance_quantity` and
    `balance_value` of its unit after it."""
    movements = StockMovement.objects.filter(
        cooperative_id=product.cooperative_id, product=product
    ).select_related("unit")
    if unit is not None:
        movements = movements.filter(unit=unit)
    rows = list(movements.order_by("on", "id"))
    running: dict[int, tuple[int, int]] = {}
    for row in rows:
        quantity, value = running.get(row.unit_id, (0, 0))
        quantity, value = quantity + row.quantity, value + row.value
        running[row.unit_id] = (quantity, value)
        row.balance_quantity = quantity  # type: ignore[attr-defined]  # for the page
        row.balance_value = value  # type: ignore[attr-defined]  # for the page
        # "receipt:GR-2026-0001" -> the document's number (the kind is its own column)
        row.document = row.reference.partition(":")[2] or row.reference  # type: ignore[attr-defined]  # for the page
    return rows


# --- transfers ----------------------------------------------------------------------------------


def transfers(cooperative: Cooperative) -> QuerySet[StockTransfer]:
    return (
        StockTransfer.objects.filter(cooperative=cooperative)
        .select_related("from_unit", "to_unit")
        .annotate(total=Sum("lines__value"))
        .order_by("-on", "-id")[:200]
    )


def transfer(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> StockTransfer:
    return _one(
        StockTransfer.objects.filter(cooperative=cooperative).select_related(
            "from_unit", "to_unit", "entry"
        ),
        public_id,
    )


def transfer_lines(transfer: StockTransfer) -> QuerySet[StockTransferLine]:
    return transfer.lines.select_related("product").order_by("id")


# --- opname -------------------------------------------------------------------------------------


def counts(cooperative: Cooperative) -> QuerySet[StockCount]:
    return (
        StockCount.objects.filter(cooperative=cooperative)
        .select_related("unit")
        .order_by("-started_on", "-id")[:200]
    )


def count(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> StockCount:
    return _one(
        StockCount.objects.filter(cooperative=cooperative).select_related("unit", "entry"),
        public_id,
    )


def count_lines(count: StockCount) -> list[StockCountLine]:
    """The count's lines by product name, each with `differs` (the first count is not what the
    books expected: it needs a second count) and `difference` (final count minus expected)."""
    lines = list(count.lines.select_related("product").order_by("product__name", "id"))
    for line in lines:
        line.differs = differs(line)  # type: ignore[attr-defined]  # for the page
        final = line.final_count
        line.difference = None if final is None else final - line.expected_quantity  # type: ignore[attr-defined]  # for the page
    return lines


def differs(line: StockCountLine) -> bool:
    """The first count is not what the books expected: the line needs a second count."""
    return line.first_count is not None and line.first_count != line.expected_quantity


# --- write-offs ---------------------------------------------------------------------------------


def write_offs(cooperative: Cooperative) -> QuerySet[StockWriteOff]:
    return (
        StockWriteOff.objects.filter(cooperative=cooperative)
        .select_related("unit", "product")
        .order_by("-on", "-id")[:200]
    )


def write_off(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> StockWriteOff:
    return _one(
        StockWriteOff.objects.filter(cooperative=cooperative).select_related("unit", "product"),
        public_id,
    )
