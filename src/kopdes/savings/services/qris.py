"""Simpanan paid by QRIS from the member app (issue 12 item 3; docs/adr/0019-qris-gateway.md).

The member asks for a payment (`savings_qris_request`): a deposit into simpanan sukarela, or the
payment of one of their open bills (pokok or wajib). Payments (`kopdes.payments`) makes the
intent with its dynamic QRIS from the office's static one. Nothing is booked then: a scanned QR
proves nothing. When the provider's signed notification arrives, payments calls the handler
registered here (`SavingsConfig.ready`) in the same transaction, and the deposit is booked as at
the counter with channel "qris": Dr 1-109 (Dana QRIS dalam penyelesaian, until the provider
settles into the bank), Cr the kind's control account. A bill payment settles the member's open
bills of its kind oldest first, as every payment of pokok or wajib does.
"""

import hashlib
import uuid

from django.utils.translation import gettext as _

from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.errors import NotFound
from kopdes.members.models import Member
from kopdes.payments import services as payments
from kopdes.payments.models import PaymentIntent, PaymentNotification
from kopdes.savings.errors import InvalidKind
from kopdes.savings.models import Bill, Kind
from kopdes.savings.selectors import OPEN_BILLS
from kopdes.savings.services._common import (
    Txn,
    _active_member,
    _check_amount,
    _check_limit,
    _product,
)
from kopdes.savings.services.counter import _deposit

DEPOSIT = PaymentIntent.Purpose.DEPOSIT.value  # "savings.deposit"
BILL = PaymentIntent.Purpose.BILL.value  # "savings.bill"
QRIS_KINDS = ("deposit", "bill")


def savings_qris_request(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    amount: int | None = None,
    bill_id: uuid.UUID | str | None = None,
    idempotency_key: str | None = None,
) -> PaymentIntent:
    """A QRIS payment the member will make: `kind` "deposit" (`amount` into simpanan sukarela,
    within the policy's deposit ceiling) or "bill" (the outstanding amount of the member's open
    bill `bill_id`). Returns the payment intent (its payload is the QR to show). With
    `idempotency_key` the same request answers with the first intent. Raises InvalidKind,
    InvalidAmount, AmountAboveLimit, MemberNotActive, NotSetUp, NotFound (a bill not the
    member's or not open), payments' NoMerchant (the office has no QRIS), IdempotencyConflict."""
    cooperative = member.cooperative
    _active_member(cooperative, member)
    if kind == "deposit":
        amount = _check_amount(amount)
        _product(cooperative, Kind.SUKARELA)
        _check_limit(cooperative, "deposit", amount, clock.today())
        # The reference names this request (the key's hash, else a fresh id): two deposits of
        # the same amount are two payments.
        token = (
            hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
            if idempotency_key
            else uuid.uuid4().hex
        )
        return payments.payment_intent_create(
            cooperative=cooperative,
            purpose=DEPOSIT,
            reference=f"{Kind.SUKARELA}:{token}",
            amount=amount,
            member=member,
            actor=actor,
            idempotency_key=idempotency_key,
        )
    if kind == "bill":
        bill = _open_bill(member, bill_id)
        return payments.payment_intent_create(
            cooperative=cooperative,
            purpose=BILL,
            reference=f"bill:{bill.public_id}",
            amount=bill.outstanding,
            member=member,
            actor=actor,
            idempotency_key=idempotency_key,
        )
    raise InvalidKind(fields={"kind": [_("Choose deposit or bill.")]})


def _open_bill(member: Member, bill_id: uuid.UUID | str | None) -> Bill:
    try:
        public_id = uuid.UUID(str(bill_id))
    except ValueError:
        raise NotFound() from None
    bill = Bill.objects.filter(
        cooperative=member.cooperative, member=member, public_id=public_id, status__in=OPEN_BILLS
    ).first()
    if bill is None or bill.outstanding <= 0:
        raise NotFound()
    return bill


def _book(intent: PaymentIntent, notification: PaymentNotification, kind: str) -> Txn:
    member = intent.member
    if member is None:
        raise NotFound()
    return _deposit(
        actor=None,
        cooperative=intent.cooperative,
        member=member,
        kind=kind,
        amount=intent.amount,
        channel="qris",
        on=clock.today(),
        idempotency_key=f"qris:{intent.public_id}",
        memo=f"Setoran simpanan {kind} via QRIS {intent.bill_number}",
    )


def on_deposit_paid(intent: PaymentIntent, notification: PaymentNotification) -> Txn:
    """The handler of "savings.deposit": the paid amount into the member's simpanan sukarela."""
    return _book(intent, notification, Kind.SUKARELA)


def on_bill_paid(intent: PaymentIntent, notification: PaymentNotification) -> Txn:
    """The handler of "savings.bill": the paid amount as a payment of the bill's kind (its open
    bills settled oldest first; any rest stays on the account, as at the counter)."""
    bill_id = intent.reference.removeprefix("bill:")
    bill = Bill.objects.filter(cooperative=intent.cooperative, public_id=bill_id).first()
    if bill is None:
        raise NotFound()
    return _book(intent, notification, bill.kind)
