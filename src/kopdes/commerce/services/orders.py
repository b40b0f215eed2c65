"""Pickup orders from the member app: the member orders from an outlet of their own cooperative,
the stock is held for them (`StockLevel.reserved`, under row locks) until the kasir hands the
goods over (`order_collect`: the reservation is released and the sale made through
`sale_record(source="order")`, in one transaction), the order is cancelled (by the member or an
officer, with a reason) or its pickup day passes (`orders_expire`, the daily close).

Reservations and releases go through the one stock mechanism (`kopdes.commerce.stock`:
`stock_reserve`, `stock_release`), which locks the unit's stock rows in one order, so two orders,
or an order and a sale, never wait on each other's locks.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, capabilities
from kopdes.commerce.errors import (
    InvalidLines,
    InvalidPickupDate,
    NotAllowed,
    OrderReasonMissing,
    OrderStatusInvalid,
    OrderUnavailable,
    OrderUnitInvalid,
)
from kopdes.commerce.models import Order, OrderLine, Product, Sale, StockLevel
from kopdes.commerce.services._common import document_number
from kopdes.commerce.services.sales import sale_record
from kopdes.commerce.stock import stock_release, stock_reserve
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger.rules import GOODS_UNITS
from kopdes.members.models import Member

# How long an order waits for its member by default, and at most (days after it is placed).
PICKUP_DAYS_DEFAULT = 2
PICKUP_DAYS_MAX = 14
LINES_MAX = 50
QUANTITY_MAX = 10_000
OPEN = (Order.Status.PLACED, Order.Status.READY)


def _is_member_actor(actor: Actor, member: Member) -> bool:
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and member.user_id is not None
        and member.user_id == getattr(actor, "pk", None)
    )


def _is_cashier(actor: Actor, cooperative: Cooperative) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return Capability.HANDLE_CASH in capabilities(actor, cooperative)  # type: ignore[arg-type]


def _require_cashier(actor: Actor, cooperative: Cooperative) -> None:
    if not _is_cashier(actor, cooperative):
        raise NotAllowed()


def _merged(lines: list[tuple[Product, int]]) -> list[tuple[Product, int]]:
    """The lines with one row per product (quantities added), in product order."""
    if not lines or len(lines) > LINES_MAX:
        raise InvalidLines(
            fields={"lines": [_("Order from 1 to %(n)s products.") % {"n": LINES_MAX}]}
        )
    products: dict[int, Product] = {}
    quantities: dict[int, int] = defaultdict(int)
    for product, quantity in lines:
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= QUANTITY_MAX
        ):
            raise InvalidLines(
                fields={
                    "lines": [
                        _("The quantity of %(product)s must be a whole number from 1 to %(max)s.")
                        % {"product": product.name, "max": QUANTITY_MAX}
                    ]
                }
            )
        products[product.pk] = product
        quantities[product.pk] += quantity
    return [(products[pk], quantities[pk]) for pk in sorted(products)]


def _reserve(unit: BusinessUnit, lines: list[tuple[Product, int]]) -> None:
    """Hold the quantities for an order through `stock_reserve`; first, under the same row
    locks, every product short of stock is named in one refusal (`commerce.order_unavailable`,
    each with its own code and what is available), not only the first."""
    levels = {
        level.product_id: level
        for level in StockLevel.objects.select_for_update()
        .filter(unit=unit, product_id__in=[p.pk for p, _q in lines])
        .order_by("pk")
    }
    refusals: list[dict[str, Any]] = []
    for product, quantity in lines:
        level = levels.get(product.pk)
        available = max(level.available, 0) if level is not None else 0
        if not product.is_active:
            refusals.append(
                {"product": product.sku, "code": "commerce.product_inactive", "available": 0}
            )
        elif quantity > available:
            refusals.append(
                {
                    "product": product.sku,
                    "code": "commerce.insufficient_stock",
                    "available": available,
                }
            )
    if refusals:
        names = {p.sku: p.name for p, _q in lines}
        raise OrderUnavailable(
            products=", ".join(names[r["product"]] for r in refusals),
            refusals=refusals,
            fields={
                "lines": [
                    _("%(product)s: %(available)s available.")
                    % {"product": names[r["product"]], "available": r["available"]}
                    for r in refusals
                ]
            },
        )
    stock_reserve(unit=unit, lines=lines)


def _release(order: Order) -> None:
    """Give back what the order held (`stock_release`)."""
    stock_release(
        unit=order.unit,
        lines=[(line.product, line.quantity) for line in order.lines.select_related("product")],
    )


def order_place(
    *,
    actor: Actor,
    member: Member,
    unit: BusinessUnit,
    lines: list[tuple[Product, int]],
    pickup_by: date | None = None,
    idempotency_key: str | None = None,
) -> Order:
    """A pickup order by the member (or an officer with HANDLE_CASH for them) at an outlet of
    the member's own cooperative: active products at the member price, the stock held until
    collection, cancellation or expiry. A retry with the same key and request answers with the
    first order."""
    cooperative = member.cooperative
    if not (_is_member_actor(actor, member) or _is_cashier(actor, cooperative)):
        raise NotAllowed()
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed()
    if unit.cooperative_id != cooperative.pk or not unit.is_active or unit.kind not in GOODS_UNITS:
        raise OrderUnitInvalid()
    for product, _quantity in lines:
        if product.cooperative_id != cooperative.pk:
            raise InvalidLines(fields={"lines": [_("A product is not of this cooperative.")]})
    merged = _merged(lines)
    today = clock.today()
    pickup = pickup_by or today + timedelta(days=PICKUP_DAYS_DEFAULT)
    if not today <= pickup <= today + timedelta(days=PICKUP_DAYS_MAX):
        raise InvalidPickupDate(days=PICKUP_DAYS_MAX)
    request = {
        "op": "commerce.order_place",
        "member": str(member.public_id),
        "unit": str(unit.public_id),
        "lines": [[str(p.public_id), q] for p, q in merged],
        "pickup_by": pickup.isoformat(),
    }

    def run(fingerprint: str) -> Order:
        _reserve(unit, merged)
        order = Order.objects.create(
            cooperative=cooperative,
            number=document_number(cooperative, "OR", today),
            member=member,
            unit=unit,
            status=Order.Status.PLACED,
            placed_at=clock.now(),
            pickup_by=pickup,
            total=sum(p.member_price * q for p, q in merged),
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    cooperative=cooperative,
                    order=order,
                    product=p,
                    quantity=q,
                    unit_price=p.member_price,
                )
                for p, q in merged
            ]
        )
        audit_record(
            actor=actor,
            action="commerce.order_place",
            obj=order,
            after={
                "number": order.number,
                "unit": unit.code,
                "total": order.total,
                "pickup_by": pickup.isoformat(),
            },
        )
        return order

    return idempotency.once(
        Order.objects.filter(cooperative=cooperative),
        key=idempotency_key,
        request=request,
        run=run,
    )


def _locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update()
        .select_related("member", "unit", "cooperative")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_ready(*, actor: Actor, order: Order) -> Order:
    """The goods are picked and waiting at the counter (an officer with HANDLE_CASH)."""
    _require_cashier(actor, order.cooperative)
    order = _locked(order)
    if order.status != Order.Status.PLACED:
        raise OrderStatusInvalid(number=order.number)
    order.status = Order.Status.READY
    order.save(update_fields=["status"])
    audit_record(actor=actor, action="commerce.order_ready", obj=order)
    return order


@transaction.atomic
def order_collect(*, actor: Actor, order: Order, payment: str, tendered: int | None = None) -> Sale:
    """The member takes the goods: the reservation is released and the sale made at the
    counter through `sale_record(source="order")`, in one transaction: exactly one sale per
    order (the order's row lock and status guard a second click)."""
    _require_cashier(actor, order.cooperative)
    order = _locked(order)
    if order.status not in OPEN:
        raise OrderStatusInvalid(number=order.number)
    order_lines = list(order.lines.select_related("product").order_by("product_id"))
    _release(order)
    sale = sale_record(
        actor=actor,
        unit=order.unit,
        lines=[(line.product, line.quantity) for line in order_lines],
        payment=payment,
        member=order.member,
        tendered=tendered,
        source="order",
    )
    order.status = Order.Status.COLLECTED
    order.sale = sale
    order.save(update_fields=["status", "sale"])
    audit_record(
        actor=actor,
        action="commerce.order_collect",
        obj=order,
        after={"number": order.number, "sale": sale.number, "total": sale.total},
    )
    return sale


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order, reason: str) -> Order:
    """Cancel an open order, by its member or an officer with HANDLE_CASH, with a reason; the
    stock it held is free again."""
    if not (_is_member_actor(actor, order.member) or _is_cashier(actor, order.cooperative)):
        raise NotAllowed()
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise OrderReasonMissing()
    order = _locked(order)
    if order.status not in OPEN:
        raise OrderStatusInvalid(number=order.number)
    _release(order)
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="commerce.order_cancel",
        obj=order,
        after={"number": order.number, "by": actor_label(actor)},
        reason=reason,
    )
    return order


@transaction.atomic
def orders_expire(*, cooperative: Cooperative, day: date) -> int:
    """The close of `day` (the daily job): open orders to collect by `day` or earlier expire
    and the stock they held is free again. Returns how many expired."""
    stale = list(
        Order.objects.select_for_update()
        .filter(cooperative=cooperative, status__in=OPEN, pickup_by__lte=day)
        .order_by("id")
    )
    if not stale:
        return 0
    per_unit: dict[int, list[tuple[Product, int]]] = defaultdict(list)
    units: dict[int, BusinessUnit] = {}
    for line in OrderLine.objects.filter(order__in=stale).select_related("order__unit", "product"):
        per_unit[line.order.unit_id].append((line.product, line.quantity))
        units[line.order.unit_id] = line.order.unit
    for unit_id in sorted(per_unit):
        stock_release(unit=units[unit_id], lines=per_unit[unit_id])
    Order.objects.filter(pk__in=[o.pk for o in stale]).update(status=Order.Status.EXPIRED)
    audit_record(
        actor=None,
        action="commerce.orders_expire",
        object_type="commerce.order",
        cooperative_id=cooperative.pk,
        after={"day": day.isoformat(), "orders": [o.number for o in stale]},
    )
    return len(stale)
