"""Loan installments paid by QRIS from the member app (issue 14 item 5;
docs/adr/0019-qris-gateway.md), as simpanan are (`kopdes.savings.services.qris`).

The member asks for a payment on one of their active loans (`loan_qris_request`): an amount above
zero and at most what closes the loan today. Payments (`kopdes.payments`) makes the intent with
its dynamic QRIS; its reference names the loan. Nothing is booked then: a scanned QR proves
nothing. When the provider's signed notification arrives, payments calls the handler registered
here (`LoansConfig.ready`) in the same transaction, and the repayment is booked as at the counter
(`loan_repay`'s one path, split by the product's allocation order, ADR 0014) with channel "qris":
"loan.repaid" key qris debits 1-109 (Dana QRIS dalam penyelesaian, until the provider settles
into the bank). The repayment's idempotency key is the intent's, so a repeated notification
books nothing twice.
"""

import hashlib
import uuid

from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.errors import NotFound
from kopdes.loans.models import Loan, LoanTransaction
from kopdes.loans.services.repayment import _check_amount, _repay, loan_repay_check
from kopdes.members.models import Member
from kopdes.payments import services as payments
from kopdes.payments.models import PaymentIntent, PaymentNotification

REPAYMENT = PaymentIntent.Purpose.LOAN_REPAYMENT.value  # "loans.repayment"


def loan_qris_request(
    *,
    actor: Actor,
    member: Member,
    loan: Loan,
    amount: int | None,
    idempotency_key: str | None = None,
) -> PaymentIntent:
    """A QRIS payment of `amount` on `loan`, an active loan of `member`: above zero and at most
    the early payoff of the day. Returns the payment intent (its payload is the QR to show). With
    `idempotency_key` the same request answers with the first intent. Raises NotFound (a loan not
    the member's), InvalidAmount, LoanNotActive, Overpayment, payments' NoMerchant (the office has
    no QRIS), IdempotencyConflict."""
    if loan.member_id != member.pk or loan.cooperative_id != member.cooperative_id:
        raise NotFound()
    amount = _check_amount(amount)
    loan_repay_check(loan=loan, amount=amount, on=clock.today())
    # The reference names the loan and this request (the key's hash, else a fresh id): two
    # installments of the same amount are two payments.
    token = (
        hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        if idempotency_key
        else uuid.uuid4().hex
    )
    return payments.payment_intent_create(
        cooperative=member.cooperative,
        purpose=REPAYMENT,
        reference=f"loan:{loan.public_id}:{token}",
        amount=amount,
        member=member,
        actor=actor,
        idempotency_key=idempotency_key,
    )


def on_repayment_paid(intent: PaymentIntent, notification: PaymentNotification) -> LoanTransaction:
    """The handler of "loans.repayment": the paid amount as a repayment of the loan the reference
    names (`loan_repay`'s path, channel qris), once per intent."""
    loan_id = intent.reference.split(":")[1] if intent.reference.count(":") == 2 else ""
    try:
        public_id = uuid.UUID(loan_id)
    except ValueError:
        raise NotFound() from None
    loan = Loan.objects.filter(
        cooperative=intent.cooperative, member=intent.member, public_id=public_id
    ).first()
    if loan is None or intent.member is None:
        raise NotFound()
    return _repay(
        actor=None,
        loan=loan,
        amount=intent.amount,
        channel="qris",
        on=clock.today(),
        idempotency_key=f"qris:{intent.public_id}",
    )
