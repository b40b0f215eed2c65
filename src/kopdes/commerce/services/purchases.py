"""Purchase orders and goods receipts. A receipt (against an order, or a direct purchase) puts the
goods into the unit's stock at their cost and books them into persediaan (1-107-xx) against the
unit's cash box, the bank or utang usaha ("stock.received"), in one transaction, once per
idempotency key. MANAGE_STOCK (a person; the system, actor None, for the demo's import)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce.errors import (
    ExpiryRequired,
    InvalidLines,
    InvalidPayment,
    OverReceipt,
    PurchaseOrderState,
)
from kopdes.commerce.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from kopdes.commerce.services._common import (
    _require,
    _same_cooperative,
    books_text,
    document_number,
    post,
)
from kopdes.commerce.stock import business_date, check_stock_unit, stock_link_entry, stock_restore
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.core.money import AMOUNT_MAX

QUANTITY_MAX = 10**7


def _int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _purchase_lines(unit: BusinessUnit, lines: Any) -> list[tuple[Product, int, int, date | None]]:
    """(product, quantity, unit cost[, expiry date]) checked: products of the unit's cooperative,
    each once, whole quantities above zero, whole-rupiah costs."""
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidLines()
    out = []
    seen: set[int] = set()
    for line in lines:
        if not isinstance(line, (list, tuple)) or len(line) not in (3, 4):
            raise InvalidLines()
        product, quantity, unit_cost = line[0], line[1], line[2]
        expiry = line[3] if len(line) == 4 else None
        if (
            not isinstance(product, Product)
            or product.cooperative_id != unit.cooperative_id
            or product.pk in seen
            or not _int(quantity, 1, QUANTITY_MAX)
            or not _int(unit_cost, 1, AMOUNT_MAX)
            or quantity * unit_cost > AMOUNT_MAX
            or (expiry is not None and not isinstance(expiry, date))
        ):
            raise InvalidLines()
        seen.add(product.pk)
        out.append((product, quantity, unit_cost, expiry))
    return out


@transaction.atomic
def purchase_order_create(
    *,
    actor: Actor,
    unit: BusinessUnit,
    supplier: Supplier,
    lines: list[tuple],
    expected_on: date | None = None,
    note: str = "",
) -> PurchaseOrder:
    """A draft purchase order "PO-<year>-<0001>" for goods to be received at `unit`: lines
    (product, quantity, unit cost), each product once. Raises InvalidLines, NotStockUnit,
    NotAllowed."""
    cooperative = unit.cooperative
    _require(actor, cooperative, Capability.MANAGE_STOCK)
    _same_cooperative(cooperative.pk, supplier)
    check_stock_unit(unit)
    checked = _purchase_lines(unit, lines)
    today = clock.today()
    order = PurchaseOrder.objects.create(
        cooperative=cooperative,
        number=document_number(cooperative, "PO", today),
        supplier=supplier,
        unit=unit,
        ordered_on=today,
        expected_on=expected_on,
        note=(note or "").strip(),
        created_by_label=actor_label(actor),
    )
    PurchaseOrderLine.objects.bulk_create(
        [
            PurchaseOrderLine(
                cooperative=cooperative,
                order=order,
                product=product,
                quantity=quantity,
                unit_cost=unit_cost,
            )
            for product, quantity, unit_cost, _e in checked
        ]
    )
    audit_record(
        actor=actor, action="commerce.purchase_order_create", obj=order, after=snapshot(order)
    )
    return order


def _order_step(
    actor: Actor, order: PurchaseOrder, allowed: tuple[str, ...], to: str, action: str
) -> PurchaseOrder:
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    _require(actor, order.cooperative, Capability.MANAGE_STOCK)
    if order.status not in allowed:
        raise PurchaseOrderState(status=order.get_status_display())
    before = snapshot(order, ["status"])
    order.status = to
    if to == PurchaseOrder.Status.ORDERED:
        order.ordered_on = clock.today()
    order.save(update_fields=["status", "ordered_on"])
    audit_record(
        actor=actor, action=action, obj=order, before=before, after=snapshot(order, ["status"])
    )
    return order


@transaction.atomic
def purchase_order_submit(*, actor: Actor, order: PurchaseOrder) -> PurchaseOrder:
    """Send a draft order to the supplier (status "ordered", dated today)."""
    return _order_step(actor, order, ("draft",), "ordered", "commerce.purchase_order_submit")


@transaction.atomic
def purchase_order_cancel(*, actor: Actor, order: PurchaseOrder) -> PurchaseOrder:
    """Cancel an order nothing has been received on yet."""
    return _order_step(
        actor, order, ("draft", "ordered"), "cancelled", "commerce.purchase_order_cancel"
    )


def goods_receive(
    *,
    actor: Actor,
    unit: BusinessUnit,
    supplier: Supplier,
    lines: list[tuple],
    payment: str,
    order: PurchaseOrder | None = None,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> GoodsReceipt:
    """Goods received at `unit`: lines (product, quantity, unit cost[, expiry date]); payment
    "cash" (the unit's cash box), "bank" or "credit" (utang usaha); against `order` (its lines'
    received quantities and its status follow) or a direct purchase. Dated the business date.

    The same idempotency key with the same request returns the first receipt; with another
    request: IdempotencyConflict. Raises InvalidLines, InvalidPayment, ExpiryRequired,
    OverReceipt, PurchaseOrderState, NotStockUnit, Backdated, FutureDate, NotAllowed."""
    cooperative = unit.cooperative
    _require(actor, cooperative, Capability.MANAGE_STOCK)
    _same_cooperative(cooperative.pk, supplier, order)
    request = {
        "op": "commerce.goods_receive",
        "unit": unit.pk,
        "supplier": supplier.pk,
        "order": order.pk if order else None,
        "payment": payment,
        "on": on.isoformat() if on else None,
        "lines": [
            [line[0].pk if isinstance(line[0], Product) else None, *map(str, line[1:])]
            for line in (lines or [])
        ],
    }
    return idempotency.once(
        GoodsReceipt.objects.filter(cooperative=cooperative),
        key=idempotency_key,
        request=request,
        run=lambda fingerprint: _receive(
            actor=actor,
            unit=unit,
            supplier=supplier,
            lines=lines,
            payment=payment,
            order=order,
            on=on,
            key=idempotency_key,
            fingerprint=fingerprint,
        ),
    )


def _receive(
    *,
    actor: Actor,
    unit: BusinessUnit,
    supplier: Supplier,
    lines: list[tuple],
    payment: str,
    order: PurchaseOrder | None,
    on: date | None,
    key: str | None,
    fingerprint: str,
) -> GoodsReceipt:
    cooperative = unit.cooperative
    on = business_date(on)
    check_stock_unit(unit)
    if payment not in GoodsReceipt.Payment.values:
        raise InvalidPayment(fields={"payment": [str(InvalidPayment.message)]})
    checked = _purchase_lines(unit, lines)
    for product, _q, _c, expiry in checked:
        if product.tracks_expiry and expiry is None:
            raise ExpiryRequired(product=product.name)
    total = sum(quantity * unit_cost for _p, quantity, unit_cost, _e in checked)
    if total <= 0 or total > AMOUNT_MAX:
        raise InvalidLines()
    if order is not None:
        _receive_on_order(order, unit, supplier, checked)
    number = document_number(cooperative, "GR", on)
    entry = post(
        cooperative=cooperative,
        event="stock.received",
        key=f"{unit.code}:{payment}",
        amounts={"amount": total},
        on=on,
        memo=books_text(
            gettext_lazy("Goods received %(number)s from %(supplier)s"),
            number=number,
            supplier=supplier.name,
        ),
        source_id=number,
        actor=actor,
    )
    reference = f"receipt:{number}"
    stock_restore(
        unit=unit,
        lines=[(p, q, q * c) for p, q, c, _e in checked],
        on=on,
        kind="receipt",
        reference=reference,
        expiry={p.pk: e for p, _q, _c, e in checked if e is not None and p.tracks_expiry},
        actor_label=actor_label(actor),
    )
    stock_link_entry(cooperative_id=cooperative.pk, reference=reference, entry_id=entry.pk)
    receipt = GoodsReceipt.objects.create(
        cooperative=cooperative,
        number=number,
        order=order,
        supplier=supplier,
        unit=unit,
        received_on=on,
        payment=payment,
        total=total,
        entry=entry,
        idempotency_key=key,
        request_hash=fingerprint,
        actor_label=actor_label(actor),
    )
    GoodsReceiptLine.objects.bulk_create(
        [
            GoodsReceiptLine(
                cooperative=cooperative,
                receipt=receipt,
                product=product,
                quantity=quantity,
                unit_cost=unit_cost,
                expiry_date=expiry,
            )
            for product, quantity, unit_cost, expiry in checked
        ]
    )
    audit_record(actor=actor, action="commerce.goods_receive", obj=receipt, after=snapshot(receipt))
    return receipt


def _receive_on_order(
    order: PurchaseOrder,
    unit: BusinessUnit,
    supplier: Supplier,
    checked: list[tuple[Product, int, int, date | None]],
) -> None:
    """Count the goods against the order's open quantities (under the order's lock)."""
    locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status not in ("ordered", "partly_received"):
        raise PurchaseOrderState(status=locked.get_status_display())
    if locked.unit_id != unit.pk or locked.supplier_id != supplier.pk:
        raise InvalidLines(fields={"order": [_("The order is for another unit or supplier.")]})
    order_lines = {line.product_id: line for line in locked.lines.select_for_update()}
    for product, quantity, _c, _e in checked:
        line = order_lines.get(product.pk)
        open_quantity = line.quantity - line.received_quantity if line else 0
        if quantity > open_quantity:
            raise OverReceipt(product=product.name, open=open_quantity)
        assert line is not None
        line.received_quantity += quantity
        line.save(update_fields=["received_quantity"])
    complete = all(line.received_quantity >= line.quantity for line in order_lines.values())
    locked.status = "received" if complete else "partly_received"
    locked.save(update_fields=["status"])
    order.status = locked.status
