"""Loan installments paid by QRIS from the member app (loans.services.qris): the intent, the
provider's signed notification, the repayment booked into 1-109 through loan_repay's path, once
(docs/adr/0019-qris-gateway.md)."""

from datetime import date

import pytest
import time_machine
from django.db.models import Sum

from kopdes.core.errors import NotFound
from kopdes.ledger.models import JournalLine
from kopdes.loans import services
from kopdes.loans.errors import InvalidAmount, LoanNotActive, Overpayment
from kopdes.loans.models import Loan, LoanTransaction
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.payments import services as payments
from kopdes.payments.errors import NoMerchant
from kopdes.payments.models import PaymentIntent
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings.tests.factories import make_member

MOMENT = "2026-02-12 10:00:00+07:00"


def gl(cooperative, code) -> int:
    sums = JournalLine.objects.filter(entry__cooperative=cooperative, account__code=code).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (sums["d"] or 0) - (sums["c"] or 0)


@pytest.fixture
def member(coop_a):
    make_merchant(coop_a)
    return make_member(coop_a, name="Siti Aminah")


@pytest.fixture
def loan(place_a, member):
    # 1,200,000 over 4 months, flat 12% a year: 300,000 pokok + 12,000 jasa a month.
    return make_active_loan(place_a, member, principal=1_200_000, months=4, start=date(2026, 1, 10))


def repayments(loan):
    return LoanTransaction.objects.filter(loan=loan, kind=LoanTransaction.Kind.REPAYMENT)


@time_machine.travel(MOMENT, tick=False)
def test_an_installment_paid_by_qris_is_booked_once(coop_a, member, loan):
    intent = services.loan_qris_request(actor=None, member=member, loan=loan, amount=312_000)
    assert intent.purpose == "loans.repayment" and intent.member == member
    assert intent.amount == 312_000 and str(loan.public_id) in intent.reference
    # Nothing is booked before the provider's notification: a QR proves nothing.
    assert not repayments(loan).exists() and gl(coop_a, "1-109") == 0
    payments.payment_simulate_paid(intent)
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PAID
    txn = repayments(loan).get()
    assert (txn.channel, txn.amount, txn.principal, txn.interest, txn.date) == (
        "qris",
        312_000,
        300_000,
        12_000,
        date(2026, 2, 12),
    )
    lines = sorted(
        (ln.account.code, ln.debit, ln.credit)
        for ln in JournalLine.objects.filter(entry=txn.entry).select_related("account")
    )
    assert lines == [
        ("1-103", 0, 300_000),
        ("1-109", 12_000, 0),
        ("1-109", 300_000, 0),
        ("4-102", 0, 12_000),
    ]
    loan.refresh_from_db()
    assert loan.outstanding_principal == 900_000
    # The loan's outstanding and the ledger agree.
    assert gl(coop_a, "1-103") == loan.outstanding_principal
    assert gl(coop_a, "1-109") == 312_000
    # The replay of the same notification books nothing more.
    payments.payment_simulate_paid(intent)
    assert repayments(loan).count() == 1
    loan.refresh_from_db()
    assert loan.outstanding_principal == 900_000 == gl(coop_a, "1-103")


def test_the_handler_is_idempotent_on_the_intent(coop_a, member, loan):
    from kopdes.loans.services.qris import on_repayment_paid

    with time_machine.travel(MOMENT, tick=False):
        intent = services.loan_qris_request(actor=None, member=member, loan=loan, amount=12_000)
        payments.payment_simulate_paid(intent)
        intent.refresh_from_db()
        first = repayments(loan).get()
        # Called again for the same intent (a repeated notification reaching the handler).
        again = on_repayment_paid(intent, None)  # type: ignore[arg-type]
    assert again.pk == first.pk and repayments(loan).count() == 1
    loan.refresh_from_db()
    assert gl(coop_a, "1-103") == loan.outstanding_principal


@time_machine.travel(MOMENT, tick=False)
def test_refusals(place_a, coop_a, member, loan):
    other = make_member(coop_a, name="Budi")
    with pytest.raises(NotFound):
        services.loan_qris_request(actor=None, member=other, loan=loan, amount=12_000)
    for amount in (0, -5, "12000", None):
        with pytest.raises(InvalidAmount):
            services.loan_qris_request(actor=None, member=member, loan=loan, amount=amount)
    with pytest.raises(Overpayment):
        services.loan_qris_request(actor=None, member=member, loan=loan, amount=5_000_000)
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.PAID)
    loan.refresh_from_db()
    with pytest.raises(LoanNotActive):
        services.loan_qris_request(actor=None, member=member, loan=loan, amount=12_000)
    assert not PaymentIntent.objects.exists()


@time_machine.travel(MOMENT, tick=False)
def test_no_qris_at_the_office(place_b, coop_b):
    member = make_member(coop_b)
    loan = make_active_loan(place_b, member, principal=1_200_000, months=4, start=date(2026, 1, 10))
    with pytest.raises(NoMerchant):
        services.loan_qris_request(actor=None, member=member, loan=loan, amount=12_000)
