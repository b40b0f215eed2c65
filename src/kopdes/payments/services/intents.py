"""Payment intents: one payment asked for through a dynamic QRIS, and its end when unpaid."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.errors import NotFound
from kopdes.core.money import AMOUNT_MAX
from kopdes.members.models import Member
from kopdes.payments import handlers, qris
from kopdes.payments.errors import InvalidAmount, NoMerchant, NotPending, UnknownPurpose
from kopdes.payments.models import PaymentIntent, QrisMerchant

Status = PaymentIntent.Status


def _check_amount(amount: Any) -> int:
    if (
        not isinstance(amount, int)
        or isinstance(amount, bool)
        or amount <= 0
        or amount > AMOUNT_MAX
        or len(str(amount)) > qris.AMOUNT_MAX_DIGITS
    ):
        raise InvalidAmount(fields={"amount": [str(InvalidAmount.message)]})
    return amount


def merchant_for(cooperative: Cooperative, unit: BusinessUnit | None) -> QrisMerchant:
    """The QRIS that collects a payment: the gerai's own, else the office's (a gerai without
    its own QRIS is paid into the cooperative's). Raises NoMerchant."""
    merchants = {
        m.unit_id: m
        for m in QrisMerchant.objects.filter(
            cooperative=cooperative, unit__in=[unit] if unit is not None else []
        )
        | QrisMerchant.objects.filter(cooperative=cooperative, unit__isnull=True)
    }
    merchant = merchants.get(unit.pk if unit is not None else None) or merchants.get(None)
    if merchant is None:
        raise NoMerchant()
    return merchant


def _bill_number() -> str:
    # Random, 18 characters: unique across cooperatives by construction (the unique index is the
    # backstop), and nothing to guess from it: the notification's signature is the proof anyway.
    return "KD" + secrets.token_hex(8).upper()


def payment_intent_create(
    *,
    cooperative: Cooperative,
    purpose: str,
    reference: str,
    amount: int,
    member: Member | None = None,
    unit: BusinessUnit | None = None,
    actor: Actor = None,
    idempotency_key: str | None = None,
) -> PaymentIntent:
    """Ask for one payment of `amount` for `purpose` (a registered handler's purpose:
    commerce.sale, savings.deposit, savings.bill) and `reference` (the thing paid, in the
    purpose's own words): its dynamic QRIS from the gerai's (or the office's) static one, with a
    random bill number, waiting KOPDES_PAYMENT_INTENT_MINUTES. A pending intent of the same
    purpose and reference is answered again when its amount is the same and cancelled otherwise
    (the amount changed), so one thing is never open for payment twice; a paid one refuses a new
    intent. With `idempotency_key`, the same request (per member) answers with the first intent.
    Raises InvalidAmount, UnknownPurpose, NoMerchant, NotFound (a member or unit of another
    cooperative), NotPending (already paid), IdempotencyConflict."""
    _check_amount(amount)
    if purpose not in PaymentIntent.Purpose.values or not handlers.registered(purpose):
        raise UnknownPurpose(purpose=purpose)
    if not reference or len(reference) > 100:
        raise UnknownPurpose(purpose=purpose)
    for thing in (member, unit):
        if thing is not None and thing.cooperative_id != cooperative.pk:
            raise NotFound()
    request = {
        "operation": "payment_intent",
        "purpose": purpose,
        "reference": reference,
        "amount": amount,
        "member": member.pk if member is not None else None,
        "unit": unit.pk if unit is not None else None,
    }

    def run(fingerprint: str) -> PaymentIntent:
        merchant = merchant_for(cooperative, unit)
        now = clock.now()
        open_ones = list(
            PaymentIntent.objects.select_for_update()
            .filter(
                cooperative=cooperative,
                purpose=purpose,
                reference=reference,
                status__in=[Status.PENDING, Status.PAID],
            )
            .order_by("pk")
        )
        for existing in open_ones:
            if existing.status == Status.PAID:
                raise NotPending(status=existing.get_status_display())
            if existing.amount == amount and existing.expires_at > now and not fingerprint:
                return existing
            existing.status = Status.CANCELLED
            existing.save(update_fields=["status"])
        bill = _bill_number()
        intent = PaymentIntent.objects.create(
            cooperative=cooperative,
            purpose=purpose,
            reference=reference,
            member=member,
            unit=unit,
            merchant=merchant,
            amount=amount,
            bill_number=bill,
            payload=qris.dynamic_payload(
                merchant.static_payload,
                amount=amount,
                bill_number=bill,
                terminal=unit.code[: qris.BILL_NUMBER_MAX] if unit is not None else None,
            ),
            expires_at=now + timedelta(minutes=settings.KOPDES_PAYMENT_INTENT_MINUTES),
            actor_label=actor_label(actor),
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        audit_record(
            actor=actor,
            action="payments.intent_create",
            obj=intent,
            after={
                "purpose": purpose,
                "reference": reference,
                "amount": amount,
                "bill_number": bill,
                "unit": unit.code if unit is not None else "",
            },
        )
        return intent

    with transaction.atomic():
        return idempotency.once(
            PaymentIntent.objects.filter(cooperative=cooperative, member=member),
            key=idempotency_key,
            request=request,
            run=run,
        )


def _close(intent: PaymentIntent, status: str, actor: Actor, action: str) -> PaymentIntent:
    with transaction.atomic():
        locked = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        if locked.status != Status.PENDING:
            raise NotPending(status=locked.get_status_display())
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action=action, obj=locked, after={"status": status})
    return locked


def payment_intent_cancel(*, actor: Actor, intent: PaymentIntent) -> PaymentIntent:
    """Stop waiting for a payment (a sale abandoned at the till). A notification that arrives
    later is refused (`payments.intent_closed`) and kept for the officers. Raises NotPending."""
    return _close(intent, Status.CANCELLED, actor, "payments.intent_cancel")


def payment_intent_expire(*, intent: PaymentIntent, now: datetime | None = None) -> PaymentIntent:
    """Mark a pending intent whose time is up expired. A notification of a payment made before
    `expires_at` is still booked when it arrives late (the payer paid in time); a later one is
    refused. Raises NotPending (not pending, or its time is not up yet)."""
    moment = now or clock.now()
    if intent.expires_at > moment:
        raise NotPending(status=intent.get_status_display())
    return _close(intent, Status.EXPIRED, None, "payments.intent_expire")


def payment_intents_expire_due(
    *, cooperative: Cooperative | None = None, now: datetime | None = None
) -> int:
    """Expire every pending intent whose time is up (in one cooperative, or all); returns how
    many. One UPDATE, one audit row."""
    moment = now or clock.now()
    rows = PaymentIntent.objects.filter(status=Status.PENDING, expires_at__lte=moment)
    if cooperative is not None:
        rows = rows.filter(cooperative=cooperative)
    with transaction.atomic():
        count = rows.update(status=Status.EXPIRED)
        if count:
            audit_record(
                actor=None,
                action="payments.intents_expire",
                object_type="payments.paymentintent",
                cooperative_id=cooperative.pk if cooperative is not None else None,
                after={"expired": count},
            )
    return count
