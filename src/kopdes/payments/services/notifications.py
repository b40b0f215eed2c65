"""The provider's notification: the only thing that turns a payment paid (ADR 0019-qris-gateway).

`payment_notification_receive` verifies the signature through the provider's gateway, then,
under the intent's row lock, decides what the notification may do. Every notification is kept
(`PaymentNotification`, forged ones too), and only a genuine, new, matching `paid` one changes
anything: the intent turns paid and its purpose's handler books the payment, in one
transaction. A replay (the same provider reference again) changes nothing and gets the first
answer again.
"""

import logging
from collections.abc import Mapping

from django.db import IntegrityError, transaction

from kopdes.core import clock
from kopdes.core.audit import audit_record
from kopdes.core.errors import DomainError
from kopdes.core.money import format_rupiah
from kopdes.payments import gateway as gateways
from kopdes.payments import handlers
from kopdes.payments.errors import (
    AmountMismatch,
    BadNotification,
    BadSignature,
    IntentClosed,
    Refused,
    UnknownIntent,
)
from kopdes.payments.models import PaymentIntent, PaymentNotification

log = logging.getLogger("kopdes.payments")
BODY_MAX = 4000  # characters of a body kept (a provider's notification is a few hundred)
Outcome = PaymentNotification.Outcome
Status = PaymentIntent.Status


def _error(record: PaymentNotification, reason: str = "") -> DomainError | None:
    """The refusal a notification's outcome answers with (None: accepted). A replay rebuilds it
    from the stored row, so it answers as the first delivery did."""
    intent = record.intent
    if record.outcome == Outcome.AMOUNT_MISMATCH and intent is not None:
        return AmountMismatch(
            paid=format_rupiah(record.amount or 0), expected=format_rupiah(intent.amount)
        )
    if record.outcome == Outcome.UNKNOWN_INTENT:
        return UnknownIntent()
    if record.outcome == Outcome.INTENT_CLOSED and intent is not None:
        return IntentClosed(status=intent.get_status_display())
    if record.outcome == Outcome.REFUSED:
        return Refused(reason=reason or record.get_outcome_display())
    return None


def _outcome(intent: PaymentIntent | None, note: gateways.Notification) -> str:
    if intent is None:
        return Outcome.UNKNOWN_INTENT
    if note.status != gateways.PAID:
        return Outcome.NOT_PAID
    if intent.status == Status.PAID:
        return Outcome.DUPLICATE
    paid_at = note.paid_at or clock.now()
    late = intent.status == Status.EXPIRED and paid_at > intent.expires_at
    if intent.status == Status.CANCELLED or late:
        return Outcome.INTENT_CLOSED
    if note.amount != intent.amount:
        return Outcome.AMOUNT_MISMATCH
    return Outcome.PAID


def payment_notification_receive(
    *, provider: str, body: bytes, headers: Mapping[str, str]
) -> PaymentNotification:
    """Receive one notification of `provider` as it came (raw body and headers).

    - a signature that does not verify: kept (`signature_valid` False, no reference), nothing
      else changes; raises BadSignature (400 `payments.bad_signature`);
    - a body that cannot be read: kept; raises BadNotification;
    - a provider reference already received: nothing changes; the first answer again;
    - no intent with the bill number: UnknownIntent; an intent cancelled, or expired before the
      payment was made: IntentClosed; an amount other than the intent's: AmountMismatch (each
      kept, nothing booked);
    - a payment that failed, or a second payment of a paid intent: kept, nothing booked (the
      second one is for the officers to refund);
    - otherwise the intent turns paid and its purpose's handler books it, in the same
      transaction; a handler that refuses (a DomainError) books nothing: Refused.

    Raises UnknownProvider for a provider that is not the one configured (nothing kept)."""
    backend = gateways.gateway(provider)
    text = body.decode("utf-8", errors="replace")[:BODY_MAX]
    try:
        note = backend.verify(body, headers)
    except (BadSignature, BadNotification) as exc:
        signed = isinstance(exc, BadNotification)
        PaymentNotification.objects.create(
            provider=provider,
            body=text,
            signature_valid=signed,
            outcome=Outcome.MALFORMED if signed else Outcome.BAD_SIGNATURE,
        )
        log.warning("payments: %s notification refused (%s)", provider, exc.code)
        raise
    try:
        record, reason = _receive(provider, note, text)
    except IntegrityError:
        # The same reference delivered twice at once: the first one's row is the answer.
        record = PaymentNotification.objects.select_related("intent").get(
            provider=provider, provider_reference=note.provider_reference
        )
        reason = ""
    error = _error(record, reason)
    if error is not None:
        raise error
    return record


def _receive(
    provider: str, note: gateways.Notification, text: str
) -> tuple[PaymentNotification, str]:
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update().filter(bill_number=note.bill_number).first()
        )
        first = (
            PaymentNotification.objects.select_related("intent")
            .filter(provider=provider, provider_reference=note.provider_reference)
            .first()
        )
        if first is not None:
            return first, ""  # a replay: nothing changes
        outcome = _outcome(intent, note)
        record = PaymentNotification(
            intent=intent,
            provider=provider,
            provider_reference=note.provider_reference,
            amount=note.amount,
            body=text,
            signature_valid=True,
            outcome=outcome,
        )
        reason = ""
        if outcome == Outcome.PAID and intent is not None:
            try:
                with transaction.atomic():
                    intent.status = Status.PAID
                    intent.paid_at = note.paid_at or clock.now()
                    intent.provider_reference = note.provider_reference
                    intent.save(update_fields=["status", "paid_at", "provider_reference"])
                    record.save(force_insert=True)
                    handlers.dispatch(intent, record)
            except DomainError as exc:
                intent.refresh_from_db()
                record.pk = None
                record.outcome = Outcome.REFUSED
                reason = exc.render()
                log.warning("payments: handler of %s refused: %s", intent.purpose, exc.code)
            else:
                audit_record(
                    actor=None,
                    action="payments.paid",
                    obj=intent,
                    after={
                        "amount": intent.amount,
                        "provider": provider,
                        "provider_reference": note.provider_reference,
                        "purpose": intent.purpose,
                    },
                )
                return record, ""
        record.save(force_insert=True)
        return record, reason
