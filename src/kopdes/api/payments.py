"""QRIS payments in the API (docs/adr/0019-qris-gateway.md).

`POST /payments/notify/{provider}` is the payment provider's webhook: public (no token), the
signature over the raw body checked by the provider's gateway; an address that sends refused
notifications (forged, unreadable, unknown provider) is throttled, genuine ones are not counted.
A forged or replayed notification changes nothing; the answer's codes are stable
(`payments.bad_signature`, `payments.amount_mismatch`, ...).

`POST /me/savings/qris` asks for a QRIS payment of simpanan from the member app (a deposit into
sukarela or an open bill) and answers with the dynamic QRIS to show; `GET /me/payments/{intent_id}`
is its state, for the caller's own payments only (404 for anyone else's).
`POST /me/loans/{loan_id}/qris` asks the same for an installment of the caller's active loan.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

import segno
from ninja import P, Router, Schema, Status
from ninja.params import HeaderEx
from pydantic import Field

from kopdes.accounts import throttle
from kopdes.api.base import KEY_PATTERN, api, errors
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.loans import selectors as loan_selectors
from kopdes.loans import services as loans
from kopdes.members import selectors as member_selectors
from kopdes.members.models import Member
from kopdes.payments import selectors
from kopdes.payments import services as payments
from kopdes.payments.errors import BadNotification, BadSignature, UnknownProvider
from kopdes.payments.models import PaymentIntent
from kopdes.savings import services as savings

router = Router(tags=["payments"])

KEY_TEXT = (
    "Any unique text (1-100 visible ASCII characters) per payment: a retry with the same key and body "
    "answers with the first intent"
)


class NotifyOut(Schema):
    outcome: str = Field(
        description="paid (booked), duplicate (the bill was already paid: nothing booked) or "
        "not_paid (the provider reports no payment: nothing booked)"
    )
    bill_number: str = Field(description="The bill number the notification named")


class QrisIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "cooperative_id": "00000000-0000-0000-0000-000000000000",
                    "kind": "deposit",
                    "amount": 50_000,
                }
            ]
        }
    }

    cooperative_id: UUID = Field(description="A cooperative where the caller is an active member")
    kind: Literal["deposit", "bill"] = Field(
        description="deposit (into simpanan sukarela) or bill (an open pokok or wajib bill)"
    )
    amount: int | None = Field(None, description="Rupiah, for a deposit")
    bill_id: UUID | None = Field(None, description="The bill to pay (GET /me/bills), for a bill")


class LoanQrisIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"amount": 110_000}]}}

    # Optional (as is the body) so that the loan is looked up first: another person's loan is a
    # 404 whatever the body; without an amount the answer is 422 loans.invalid_amount.
    amount: int | None = Field(
        None,
        description="Rupiah: above zero, at most the loan's early payoff of the day (the member "
        "app starts with the next installment's amount; the member may pay any other)",
    )


class IntentOut(Schema):
    id: UUID
    cooperative_id: UUID
    purpose: str = Field(description="savings.deposit, savings.bill or loans.repayment")
    amount: int
    status: str = Field(description="pending, paid, expired or cancelled")
    bill_number: str = Field(description="QRIS tag 62.01: the payment's number at the provider")
    payload: str = Field(description="The dynamic QRIS to show as a QR code (EMVCo MPM)")
    qr_svg: str = Field(description="`payload` as a QR code, an SVG data URI (for an <img>)")
    merchant_name: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None


def _intent_out(intent: PaymentIntent) -> dict:
    status = intent.status
    if status == PaymentIntent.Status.PENDING and intent.expires_at <= clock.now():
        status = PaymentIntent.Status.EXPIRED  # its time is up; the daily job records it
    return {
        "id": intent.public_id,
        "cooperative_id": intent.cooperative.public_id,
        "purpose": intent.purpose,
        "amount": intent.amount,
        "status": status,
        "bill_number": intent.bill_number,
        "payload": intent.payload,
        "qr_svg": segno.make(intent.payload, error="m").svg_data_uri(
            scale=6, border=4, dark="#000", light="#fff"
        ),
        "merchant_name": intent.merchant.merchant_name,
        "created_at": intent.created_at,
        "expires_at": intent.expires_at,
        "paid_at": intent.paid_at,
    }


@router.post(
    "/payments/notify/{provider}",
    auth=None,
    response={200: NotifyOut, **errors(400, 404, 409, 429)},
    summary="A payment provider's notification (webhook)",
)
def payment_notify(request, provider: str):
    """The provider's signed notification of a QRIS payment, as raw bytes (the signature covers
    the body exactly as sent; for the simulator: HMAC-SHA256 hex in `X-Kopdes-Signature`). Only a
    notification whose signature verifies turns a payment paid; the same provider reference
    again changes nothing and answers as the first time. 400 `payments.bad_signature`,
    `payments.bad_notification`; 404 `payments.unknown_provider`, `payments.unknown_intent`; 409
    `payments.intent_closed`, `payments.refused`; 422 `payments.amount_mismatch`; 429
    `throttle.too_many_attempts`."""
    limit, address = throttle.payment_notify_address(), getattr(request, "client_ip", None)
    throttle.refuse_while_waiting(limit, address)
    try:
        record = payments.payment_notification_receive(
            provider=provider, body=request.body, headers=dict(request.headers)
        )
    except (BadSignature, BadNotification, UnknownProvider):
        throttle.hit(limit, address)  # only what a forger or a prober sends is counted
        raise
    return {
        "outcome": record.outcome,
        "bill_number": record.intent.bill_number if record.intent else "",
    }


def _membership(request, cooperative_id: UUID) -> Member:
    member = (
        member_selectors.memberships_of(user=request.user)
        .filter(status=Member.Status.ACTIVE, cooperative__public_id=cooperative_id)
        .select_related("cooperative")
        .first()
    )
    if member is None:
        raise NotFound()
    return member


@router.post(
    "/me/savings/qris",
    response={201: IntentOut, **errors(401, 404, 409)},
    summary="Pay simpanan by QRIS (the member app)",
)
def my_savings_qris(
    request,
    payload: QrisIn,
    idempotency_key: HeaderEx[
        str | None, P(alias="Idempotency-Key", description=KEY_TEXT, pattern=KEY_PATTERN)
    ] = None,
):
    """A QRIS payment of the caller's simpanan in a cooperative where they are an active member:
    a deposit of `amount` into sukarela, or the outstanding amount of the open bill `bill_id`.
    The answer carries the dynamic QRIS to show; the payment is booked only when the provider's
    signed notification arrives (poll `GET /me/payments/{id}`). 404 `request.not_found` for a
    cooperative where the caller is no active member or a bill not theirs or not open; 409
    `payments.no_merchant` (the cooperative has no QRIS yet), `idempotency.key_reused`; 422
    `savings.invalid_amount`, `savings.amount_above_limit`."""
    member = _membership(request, payload.cooperative_id)
    intent = savings.savings_qris_request(
        actor=request.user,
        member=member,
        kind=payload.kind,
        amount=payload.amount,
        bill_id=payload.bill_id,
        idempotency_key=idempotency_key,
    )
    found = selectors.my_intent(user=request.user, public_id=intent.public_id)
    return Status(201, _intent_out(found))


@router.post(
    "/me/loans/{loan_id}/qris",
    response={201: IntentOut, **errors(401, 404, 409)},
    summary="Pay a loan by QRIS, an amount of the member's choosing (the member app)",
)
def my_loan_qris(
    request,
    loan_id: UUID,
    payload: LoanQrisIn | None = None,
    idempotency_key: HeaderEx[
        str | None, P(alias="Idempotency-Key", description=KEY_TEXT, pattern=KEY_PATTERN)
    ] = None,
):
    """A QRIS payment of `amount` on one of the caller's active loans, in a cooperative where
    they are an active member. The answer carries the dynamic QRIS to show; the repayment is
    booked (split as at the counter: denda, jasa, pokok by the product's order) only when the
    provider's signed notification arrives (poll `GET /me/payments/{id}`). 404
    `request.not_found` for another person's loan, as for an id that does not exist; 409
    `loans.not_active`, `payments.no_merchant` (the cooperative has no QRIS yet),
    `idempotency.key_reused`; 422 `loans.invalid_amount`, `loans.overpayment` (more than closes
    the loan today)."""
    loan = loan_selectors.my_loan(user=request.user, public_id=loan_id)
    member = _membership(request, loan.cooperative.public_id)
    intent = loans.loan_qris_request(
        actor=request.user,
        member=member,
        loan=loan,
        amount=payload.amount if payload is not None else None,
        idempotency_key=idempotency_key,
    )
    found = selectors.my_intent(user=request.user, public_id=intent.public_id)
    return Status(201, _intent_out(found))


@router.get("/me/payments/{intent_id}", response={200: IntentOut, **errors(401, 404)})
def my_payment(request, intent_id: UUID):
    """One of the caller's QRIS payments and its state (`paid` once the provider's signed
    notification arrived). 404 `request.not_found` for anyone else's, as for an id that does not
    exist."""
    return _intent_out(selectors.my_intent(user=request.user, public_id=intent_id))


api.add_router("/", router)
