"""Sales at the gerai: `sale_record` (cash, QRIS, member credit), the completion of a QRIS sale
when its payment is confirmed, and the cancellation of one that was never paid.

A completed sale, in one transaction: the stock issued at moving-average cost through
`kopdes.commerce.stock` (the StockLevel rows locked), for member credit the member's sukarela
charged through `savings.services.savings_purchase_charge` (Dr 2-101, Cr 1-110), and the sale's
entry through the posting rule "sale.completed" (`<unit>:<payment>:<member|non_member>`: revenue
into cash, 1-109 or 1-110, split into partisipasi anggota 4-101-xx and non-anggota 4-201-xx; HPP
5-101-xx against persediaan 1-107-xx); one audit row. A QRIS sale is first `pending_payment`: its
stock is reserved (not issued) and nothing is posted until the provider's signed notification
reaches `kopdes.payments`, whose handler (registered in CommerceConfig.ready) calls
`sale_complete_payment`. A sale is never edited afterwards: it is undone only by a return
(services/returns.py).

Lock order: the stock levels (by product), the member's savings account, the sale number
sequence, then the ledger's journal sequence (inside ledger.services).
"""

import uuid
from collections.abc import Sequence as Seq
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.commerce import receipts, stock
from kopdes.commerce.errors import (
    DeviceNotFound,
    EmptySale,
    InvalidLines,
    InvalidSalePayment,
    InvalidSequence,
    MemberNotActive,
    MemberNotFound,
    MemberRequired,
    SaleInFuture,
    SaleNotPending,
    SequenceReused,
    TenderedShort,
    UnknownObject,
    UnknownProduct,
)
from kopdes.commerce.models import CashShift, PosDevice, Product, Sale, SaleLine
from kopdes.commerce.services._common import document_number
from kopdes.commerce.services._pos import (
    SALE_EVENT,
    outlet,
    receipt_hash_of,
    require,
    sale_draft,
)
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.payments import services as payments
from kopdes.payments.models import PaymentIntent
from kopdes.savings import services as savings

# A device's clock may run a little ahead of the server's: a sale up to this far "in the future"
# is taken as made now.
CLOCK_SKEW = timedelta(minutes=5)
PAYMENTS = tuple(Sale.Payment.values)
SALE_PURPOSE = "commerce.sale"  # the payments handler's purpose (CommerceConfig.ready)
SOURCES = tuple(Sale.Source.values)
QUANTITY_MAX = 100_000


# -- checks shared with the sync ------------------------------------------------------------------


def check_member(unit: BusinessUnit, member: Member | None) -> Member | None:
    if member is None:
        return None
    if member.cooperative_id != unit.cooperative_id:
        raise MemberNotFound()
    if member.status != Member.Status.ACTIVE:
        raise MemberNotActive(member=member.full_name)
    return member


def check_quantity(quantity: Any) -> int:
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not 0 < quantity <= QUANTITY_MAX
    ):
        raise InvalidLines(fields={"lines": [_("Quantities are whole numbers above zero.")]})
    return quantity


def priced_lines(
    unit: BusinessUnit, lines: Seq[tuple[Product, int]], *, member: bool
) -> list[tuple[Product, int, int]]:
    """(product, quantity, unit price) per product, the product's member price with a member
    and its non-member price otherwise; the same product twice is one line."""
    if not lines:
        raise EmptySale()
    merged: dict[int, list] = {}
    for product, quantity in lines:
        check_quantity(quantity)
        if product.cooperative_id != unit.cooperative_id or not product.is_active:
            raise UnknownProduct(product=str(product))
        if product.pk in merged:
            merged[product.pk][1] += quantity
            check_quantity(merged[product.pk][1])
        else:
            merged[product.pk] = [product, quantity]
    return [(p, q, p.price_for(member=member)) for p, q in merged.values()]


def check_total(total: int) -> int:
    if total <= 0:
        raise EmptySale()
    if total > AMOUNT_MAX:
        raise InvalidLines(fields={"lines": [_("The sale is too large.")]})
    return total


def check_sold_at(sold_at: datetime | None) -> datetime:
    now = clock.now()
    if sold_at is None:
        return now.replace(microsecond=0)
    if sold_at.tzinfo is None:
        raise SaleInFuture(fields={"sold_at": [_("Give the time with its time zone.")]})
    if sold_at > now + CLOCK_SKEW:
        raise SaleInFuture(fields={"sold_at": [_("The sale's time is in the future.")]})
    return sold_at.replace(microsecond=0)


def open_shift(unit: BusinessUnit, actor: Actor) -> CashShift | None:
    kasir = actor_id(actor)
    if kasir is None:
        return None
    return CashShift.objects.filter(
        cooperative_id=unit.cooperative_id,
        unit=unit,
        kasir_id=kasir,
        status=CashShift.Status.OPEN,
    ).first()


def _check_device(unit: BusinessUnit, device: PosDevice | None, sequence: int | None) -> None:
    if device is None:
        if sequence is not None:
            raise InvalidSequence()
        return
    if device.cooperative_id != unit.cooperative_id or device.unit_id != unit.pk:
        raise DeviceNotFound()
    if not device.is_active:
        raise DeviceNotFound()
    if (
        not isinstance(sequence, int)
        or isinstance(sequence, bool)
        or not 0 < sequence <= receipts.SEQUENCE_MAX
    ):
        raise InvalidSequence()


# -- the sale -------------------------------------------------------------------------------------


def sale_record(
    *,
    actor: Actor,
    unit: BusinessUnit,
    lines: Seq[tuple[Product, int]],
    payment: str,
    member: Member | None = None,
    tendered: int | None = None,
    device: PosDevice | None = None,
    device_sequence: int | None = None,
    client_id: uuid.UUID | str | None = None,
    sold_at: datetime | None = None,
    source: str = "pos",
    idempotency_key: str | None = None,
) -> Sale:
    """Record a sale at an outlet by a person who handles cash (the kasir).

    Prices come from the products (member prices only with an active member of the cooperative);
    cash needs `tendered` at least the total (the change is computed; no `tendered` means the
    exact amount); member credit needs a member and is charged to their simpanan sukarela
    within the policy's limit; QRIS creates the sale `pending_payment` with a payment intent and
    its stock reserved. A device sale (`device`, `device_sequence`, `client_id`: the browser's
    UUID, which becomes the sale's public id) is numbered `<unit>-<device>-<sequence>`, any
    other `PJL-<year>-<serial>`. The same `idempotency_key` (or `client_id`) with the same
    request returns the first sale; with another request IdempotencyConflict.

    Raises NotAllowed, NotAnOutlet, InvalidSalePayment, EmptySale, InvalidLines, UnknownProduct,
    MemberRequired, MemberNotFound, MemberNotActive, TenderedShort, SaleInFuture, DeviceNotFound,
    InvalidSequence, SequenceReused, InsufficientStock, the savings refusals of member credit
    (savings.member_credit_off, savings.member_credit_above_limit, savings.insufficient_balance),
    payments.no_merchant (QRIS without a QRIS merchant), PeriodClosed, IdempotencyConflict.
    """
    cooperative = unit.cooperative
    require(actor, cooperative, Capability.HANDLE_CASH)
    outlet(unit)
    if payment not in PAYMENTS:
        raise InvalidSalePayment(fields={"payment": [_("Choose cash, QRIS or member credit.")]})
    if source not in SOURCES:
        raise InvalidSalePayment(fields={"source": [_("Unknown source.")]})
    check_member(unit, member)
    if payment == Sale.Payment.MEMBER_CREDIT and member is None:
        raise MemberRequired()
    priced = priced_lines(unit, lines, member=member is not None)
    total = check_total(sum(q * price for _p, q, price in priced))
    change: int | None = None
    if payment == Sale.Payment.CASH:
        tendered = total if tendered is None else tendered
        if not isinstance(tendered, int) or isinstance(tendered, bool) or tendered > AMOUNT_MAX:
            raise TenderedShort(total=total, tendered=0)
        change = receipts.change_due(total, tendered)
        if change is None:
            raise TenderedShort(total=total, tendered=tendered)
    else:
        tendered = None
    moment = check_sold_at(sold_at)
    _check_device(unit, device, device_sequence)
    public_id = uuid.UUID(str(client_id)) if client_id is not None else uuid.uuid4()
    key = idempotency_key or (f"client:{public_id}" if client_id is not None else None)
    request = {
        "operation": "sale",
        "unit": unit.pk,
        "lines": [[p.pk, q, price] for p, q, price in priced],
        "payment": payment,
        "member": member.pk if member else None,
        "tendered": tendered,
        "device": device.pk if device else None,
        "sequence": device_sequence,
        "client_id": str(public_id) if client_id is not None else None,
        "sold_at": moment.isoformat() if sold_at is not None else None,
        "source": source,
    }

    def run(fingerprint: str) -> Sale:
        on = clock.today()
        if device is not None:
            locked = PosDevice.objects.select_for_update().get(pk=device.pk)
            if Sale.objects.filter(device=locked, device_sequence=device_sequence).exists():
                raise SequenceReused(sequence=device_sequence)
        sale = Sale(
            cooperative=cooperative,
            public_id=public_id,
            unit=unit,
            device=device,
            device_sequence=device_sequence,
            shift=open_shift(unit, actor),
            kasir_id=actor_id(actor),
            kasir_label=actor_label(actor),
            member=member,
            sold_at=moment,
            on=on,
            payment=payment,
            total=total,
            tendered=tendered,
            change=change,
            source=source,
            idempotency_key=key,
            request_hash=fingerprint,
        )
        reference = f"sale:{public_id}"
        goods = [(p, q) for p, q, _price in priced]
        costs = [0] * len(priced)
        if payment == Sale.Payment.QRIS:
            stock.stock_reserve(unit=unit, lines=goods)
            sale.status = Sale.Status.PENDING_PAYMENT
        else:
            costs = stock.stock_issue(
                unit=unit,
                lines=goods,
                on=on,
                kind="sale",
                reference=reference,
                actor_label=actor_label(actor),
            )
            if payment == Sale.Payment.MEMBER_CREDIT and member is not None:
                savings.savings_purchase_charge(
                    actor=actor, member=member, amount=total, on=on, reference=reference
                )
        sale.cost = sum(costs)
        sale.number = _number(sale)
        sale.receipt_hash = receipt_hash_of(
            number=sale.number, sold_at=moment, lines=priced, total=total, payment=payment
        )
        if sale.status == Sale.Status.COMPLETED:
            sale.entry = _post(sale, actor=actor, on=on)
            stock.stock_link_entry(
                cooperative_id=cooperative.pk, reference=reference, entry_id=sale.entry.pk
            )
        sale.save(force_insert=True)
        SaleLine.objects.bulk_create(
            [
                SaleLine(
                    cooperative=cooperative,
                    sale=sale,
                    product=p,
                    quantity=q,
                    unit_price=price,
                    amount=q * price,
                    cost=cost,
                )
                for (p, q, price), cost in zip(priced, costs, strict=True)
            ]
        )
        if payment == Sale.Payment.QRIS:
            payments.payment_intent_create(
                cooperative=cooperative,
                purpose=SALE_PURPOSE,
                reference=str(sale.public_id),
                amount=total,
                member=member,
                unit=unit,
            )
        audit_record(
            actor=actor,
            action="commerce.sale_record",
            obj=sale,
            after={
                "number": sale.number,
                "unit": unit.code,
                "payment": payment,
                "status": sale.status,
                "total": total,
                "cost": sale.cost,
                "member": str(member.public_id) if member else None,
                "lines": len(priced),
                "entry": str(sale.entry) if sale.entry else None,
                "receipt_hash": sale.receipt_hash,
                "source": source,
            },
        )
        return sale

    return idempotency.once(
        Sale.objects.filter(cooperative=cooperative).select_related("entry", "unit"),
        key=key,
        request=request,
        run=run,
    )


def _number(sale: Sale) -> str:
    if sale.device is not None and sale.device_sequence is not None:
        return receipts.device_receipt_number(
            sale.unit.code, sale.device.public_id, sale.device_sequence
        )
    return document_number(sale.cooperative, "PJL", sale.on, width=6)


def _post(sale: Sale, *, actor: Actor, on) -> Any:
    draft = sale_draft(
        sale,
        event=SALE_EVENT,
        payment=sale.payment,
        revenue=sale.total,
        cost=sale.cost,
        on=on,
        memo=f"Penjualan {sale.number}",
    )
    return ledger.journal_entries_post_bulk(
        cooperative=sale.cooperative, drafts=[draft], actor=actor
    )[0]


# -- QRIS: completion and cancellation ------------------------------------------------------------


def _locked_sale(sale: Sale) -> Sale:
    return (
        Sale.objects.select_for_update(of=("self",))
        .select_related("unit", "cooperative", "member", "device")
        .get(pk=sale.pk)
    )


def _goods(sale: Sale) -> list[tuple[Product, int]]:
    return [(ln.product, ln.quantity) for ln in sale.lines.select_related("product").order_by("pk")]


def sale_complete_payment(
    *, sale: Sale, paid_at: datetime | None = None, actor: Actor = None
) -> Sale:
    """A QRIS sale's payment is confirmed (the provider's signed notification, through the
    payments handler, in the notification's transaction): its reserved stock is issued (the
    reservation consumed) and the sale posted with 1-109, the money the provider owes, as the
    payment's account. Once: a sale already completed is returned as it is. A cancelled sale is
    refused (SaleNotPending; payments refuses a notification of a cancelled intent before it
    gets here, and keeps it for the officers)."""
    with transaction.atomic():
        sale = _locked_sale(sale)
        if sale.status == Sale.Status.COMPLETED:
            return sale
        if sale.status != Sale.Status.PENDING_PAYMENT:
            raise SaleNotPending(number=sale.number)
        on = clock.today()
        reference = f"sale:{sale.public_id}"
        costs = stock.stock_issue(
            unit=sale.unit,
            lines=_goods(sale),
            on=on,
            kind="sale",
            reference=reference,
            allow_reserved=True,
            actor_label=actor_label(actor),
        )
        for line, cost in zip(sale.lines.order_by("pk"), costs, strict=True):
            SaleLine.objects.filter(pk=line.pk).update(cost=cost)
        sale.cost = sum(costs)
        sale.status = Sale.Status.COMPLETED
        sale.entry = _post(sale, actor=actor, on=on)
        stock.stock_link_entry(
            cooperative_id=sale.cooperative_id, reference=reference, entry_id=sale.entry.pk
        )
        sale.save(update_fields=["cost", "status", "entry"])
        audit_record(
            actor=actor,
            action="commerce.sale_paid",
            obj=sale,
            before={"status": Sale.Status.PENDING_PAYMENT},
            after={
                "status": sale.status,
                "cost": sale.cost,
                "entry": str(sale.entry),
                "paid_at": paid_at.isoformat() if paid_at else None,
            },
        )
        return sale


def sale_cancel_pending(*, actor: Actor, sale: Sale, note: str = "") -> Sale:
    """Cancel a QRIS sale that was never paid (the buyer left, the QR expired): its reserved stock
    is freed and nothing was posted. Raises NotAllowed, SaleNotPending."""
    require(actor, sale.cooperative, Capability.HANDLE_CASH)
    with transaction.atomic():
        sale = _locked_sale(sale)
        if sale.status != Sale.Status.PENDING_PAYMENT:
            raise SaleNotPending(number=sale.number)
        stock.stock_release(unit=sale.unit, lines=_goods(sale))
        sale.status = Sale.Status.CANCELLED
        sale.save(update_fields=["status"])
        for intent in PaymentIntent.objects.filter(
            cooperative_id=sale.cooperative_id,
            purpose=SALE_PURPOSE,
            reference=str(sale.public_id),
            status=PaymentIntent.Status.PENDING,
        ):
            payments.payment_intent_cancel(actor=actor, intent=intent)
        audit_record(
            actor=actor,
            action="commerce.sale_cancel",
            obj=sale,
            before={"status": Sale.Status.PENDING_PAYMENT},
            after={"status": sale.status, "note": note[:200]},
        )
        return sale


def on_sale_paid(intent: Any, notification: Any) -> Sale:
    """The payments handler for purpose "commerce.sale" (registered in CommerceConfig.ready)."""
    sale = Sale.objects.filter(
        cooperative_id=intent.cooperative_id, public_id=intent.reference
    ).first()
    if sale is None:  # a refusal payments keeps (nothing booked), never a crash
        raise UnknownObject()
    return sale_complete_payment(sale=sale, paid_at=getattr(intent, "paid_at", None))
