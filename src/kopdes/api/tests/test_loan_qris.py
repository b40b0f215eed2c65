"""POST /api/v1/me/loans/{loan_id}/qris: an installment of the caller's own active loan paid by
QRIS, booked when the provider's signed notification arrives (docs/adr/0019-qris-gateway.md)."""

from datetime import date

import pytest
import time_machine

from kopdes.api.tests.test_payments import _notify, bearer
from kopdes.loans.models import Loan, LoanTransaction
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.payments import gateway as gateways
from kopdes.payments.models import PaymentIntent
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_day_after_the_first_installment():
    with time_machine.travel("2026-02-12 10:00:00+07:00", tick=False):
        yield


@pytest.fixture
def loan(place_a, place_b):
    make_merchant(place_a.cooperative)
    make_merchant(place_b.cooperative)
    make_member(place_b.cooperative, user=place_b.anggota)
    member = make_member(place_a.cooperative, user=place_a.anggota)
    # 300,000 pokok + 12,000 jasa a month for 4 months.
    return make_active_loan(place_a, member, principal=1_200_000, months=4, start=date(2026, 1, 10))


def _ask(client, loan, auth, body):
    return client.post(
        f"/api/v1/me/loans/{loan.public_id}/qris", body, content_type="application/json", **auth
    )


def test_the_next_installment_by_qris(client, place_a, loan):
    auth = bearer(client, place_a.anggota)
    answer = _ask(client, loan, auth, {"amount": 312_000})
    assert answer.status_code == 201, answer.content
    intent = answer.json()
    assert intent["purpose"] == "loans.repayment" and intent["amount"] == 312_000
    assert intent["status"] == "pending" and intent["qr_svg"].startswith("data:image/svg+xml")
    body, headers = gateways.simulator().notification(
        provider_reference="L-1", bill_number=intent["bill_number"], amount=312_000
    )
    assert _notify(client, body, headers).status_code == 200
    assert client.get(f"/api/v1/me/payments/{intent['id']}", **auth).json()["status"] == "paid"
    detail = client.get(f"/api/v1/me/loans/{loan.public_id}", **auth).json()
    loan.refresh_from_db()
    assert loan.outstanding_principal == 900_000
    assert LoanTransaction.objects.filter(loan=loan, channel="qris").count() == 1
    assert detail["schedule"][0]["paid_on"] == "2026-02-12"


def test_401_and_another_members_loan_is_404(client, place_a, place_b, loan):
    assert _ask(client, loan, {}, {"amount": 12_000}).status_code == 401
    for person in (place_b.anggota, place_a.ketua):
        answer = _ask(client, loan, bearer(client, person), {"amount": 12_000})
        assert answer.status_code == 404, person
        assert answer.json()["error"]["code"] == "request.not_found"
    assert not PaymentIntent.objects.exists()


def test_bad_amounts_are_422_with_stable_codes(client, place_a, loan):
    auth = bearer(client, place_a.anggota)
    for body, code in (
        ({"amount": 0}, "loans.invalid_amount"),
        ({"amount": -1}, "loans.invalid_amount"),
        ({"amount": 5_000_000}, "loans.overpayment"),
        ({"amount": "banyak"}, "request.invalid"),
        ({}, "loans.invalid_amount"),
    ):
        answer = _ask(client, loan, auth, body)
        assert answer.status_code == 422, (body, answer.content)
        assert answer.json()["error"]["code"] == code, (body, answer.content)
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.PAID)
    answer = _ask(client, loan, auth, {"amount": 12_000})
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "loans.not_active")
    assert not PaymentIntent.objects.exists()


def test_an_amount_of_the_members_choosing(client, place_a, loan):
    """More than the next installment, up to what closes the loan today: booked as at the
    counter; above it the refusal names the most, in Bahasa Indonesia first, English on ask."""
    auth = bearer(client, place_a.anggota)
    too_much = _ask(client, loan, auth, {"amount": 5_000_000}).json()["error"]
    assert too_much["fields"]["amount"][0].startswith("Paling banyak Rp")
    english = client.post(
        f"/api/v1/me/loans/{loan.public_id}/qris",
        {"amount": 5_000_000},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    ).json()["error"]
    assert english["code"] == "loans.overpayment"
    assert english["fields"]["amount"][0].startswith("At most Rp")
    answer = _ask(client, loan, auth, {"amount": 500_000})
    assert answer.status_code == 201, answer.content
    body, headers = gateways.simulator().notification(
        provider_reference="L-2", bill_number=answer.json()["bill_number"], amount=500_000
    )
    assert _notify(client, body, headers).status_code == 200
    txn = LoanTransaction.objects.get(loan=loan, channel="qris")
    assert txn.amount == 500_000
    loan.refresh_from_db()
    assert loan.outstanding_principal < 900_000  # more than one installment's pokok paid
