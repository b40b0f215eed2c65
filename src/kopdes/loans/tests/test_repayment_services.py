"""Repayments and early payoff (loans.services.repayment): exact journal lines, the sub-ledger
(installments, outstanding pokok, denda) against the GL, refusals with their own codes,
idempotency, nothing half-saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent
from kopdes.ledger import services as ledger
from kopdes.ledger.errors import PeriodClosed
from kopdes.ledger.models import JournalEntry, JournalLine
from kopdes.loans import services
from kopdes.loans.errors import (
    BeforeDisbursement,
    InvalidAmount,
    InvalidChannel,
    LoanNotActive,
    Overpayment,
)
from kopdes.loans.models import Installment, Loan, LoanTransaction
from kopdes.loans.tests import factories
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.savings.tests.factories import make_member

START = date(2026, 1, 10)  # disbursed; installments due on the 10th of Feb, Mar, Apr, ...


def lines_of(entry):
    return [
        (ln.account.code, ln.debit, ln.credit, ln.subledger_kind, ln.subledger_id)
        for ln in JournalLine.objects.filter(entry=entry)
        .select_related("account")
        .order_by("line_no")
    ]


def gl_receivable(cooperative) -> int:
    """The GL balance of 1-103 (piutang pinjaman anggota), debit minus credit."""
    sums = JournalLine.objects.filter(
        entry__cooperative=cooperative, account__code="1-103"
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


def assert_subledger_equals_gl(cooperative):
    loans = Loan.objects.filter(cooperative=cooperative, status__in=Loan.DISBURSED)
    assert gl_receivable(cooperative) == sum(ln.outstanding_principal for ln in loans)
    for loan in loans:
        paid = loan.installments.aggregate(p=Sum("paid_principal"))["p"] or 0
        if loan.status == Loan.Status.ACTIVE:
            assert loan.outstanding_principal == loan.principal - paid


@pytest.fixture
def member(coop_a):
    return make_member(coop_a, name="Siti Aminah")


@pytest.fixture
def loan(place_a, member):
    # 1,200,000 over 4 months, flat 12% a year: 300,000 pokok + 12,000 jasa a month.
    return make_active_loan(place_a, member, principal=1_200_000, months=4, start=START)


def repay(place, loan, amount, **kw):
    return services.loan_repay(
        actor=place.kasir, loan=loan, amount=amount, on=kw.pop("on", date(2026, 2, 12)), **kw
    )


def test_a_repayment_books_pokok_jasa_and_denda(place_a, loan):
    Loan.objects.filter(pk=loan.pk).update(penalty_due=3_000)
    txn = repay(place_a, loan, 315_000)
    sub = str(loan.public_id)
    assert lines_of(txn.entry) == [
        ("1-101-01", 300_000, 0, "loans", sub),
        ("1-103", 0, 300_000, "loans", sub),
        ("1-101-01", 12_000, 0, "loans", sub),
        ("4-102", 0, 12_000, "loans", sub),
        ("1-101-01", 3_000, 0, "loans", sub),
        ("4-302", 0, 3_000, "loans", sub),
    ]
    assert (txn.amount, txn.penalty, txn.interest, txn.principal) == (
        315_000,
        3_000,
        12_000,
        300_000,
    )
    assert txn.kind == LoanTransaction.Kind.REPAYMENT and txn.receipt_label == "KWP-000001"
    loan.refresh_from_db()
    assert (loan.outstanding_principal, loan.penalty_due) == (900_000, 0)
    first = loan.installments.get(number=1)
    assert (first.paid_principal, first.paid_interest, first.paid_on) == (
        300_000,
        12_000,
        date(2026, 2, 12),
    )
    assert (
        AuditEvent.objects.filter(action="loans.repay", object_id=str(txn.public_id)).count() == 1
    )
    assert_subledger_equals_gl(loan.cooperative)


def test_by_bank_debits_the_bank(place_a, loan):
    txn = repay(place_a, loan, 12_000, channel="bank")
    assert [row[:3] for row in lines_of(txn.entry)] == [("1-102", 12_000, 0), ("4-102", 0, 12_000)]


def test_partial_then_advance_payments(place_a, loan):
    repay(place_a, loan, 100_000)  # installment 1: jasa 12,000 then 88,000 of pokok
    first = loan.installments.get(number=1)
    assert (first.paid_interest, first.paid_principal, first.paid_on) == (12_000, 88_000, None)
    # 536,000 more: the rest of installment 1 (212,000), then installment 2 in full (312,000),
    # then installment 3's jasa (12,000): an advance pays the next installments in order.
    repay(place_a, loan, 536_000, on=date(2026, 2, 20))
    rows = {i.number: i for i in loan.installments.all()}
    assert rows[1].paid_on == rows[2].paid_on == date(2026, 2, 20)
    assert (rows[3].paid_interest, rows[3].paid_principal, rows[3].paid_on) == (12_000, 0, None)
    loan.refresh_from_db()
    assert loan.outstanding_principal == 1_200_000 - 600_000
    assert_subledger_equals_gl(loan.cooperative)


def test_the_products_order(place_a, loan):
    loan.product.allocation_order = ["pokok", "jasa", "denda"]
    loan.product.save()
    Loan.objects.filter(pk=loan.pk).update(penalty_due=3_000)
    txn = repay(place_a, loan, 301_000)
    assert (txn.principal, txn.interest, txn.penalty) == (300_000, 1_000, 0)


def test_more_than_the_payoff_is_refused_and_nothing_saved(place_a, loan):
    quote = services.loan_payoff_quote(loan=loan, on=date(2026, 2, 12))
    with pytest.raises(Overpayment) as refused:
        repay(place_a, loan, quote.total + 1)
    assert refused.value.code == "loans.overpayment"
    assert refused.value.params["payoff"] == quote.total
    assert not LoanTransaction.objects.filter(kind="repayment").exists()
    loan.refresh_from_db()
    assert loan.outstanding_principal == 1_200_000


@pytest.mark.parametrize("amount", [0, -5, "100", 1.5, True])
def test_bad_amounts(place_a, loan, amount):
    with pytest.raises(InvalidAmount):
        repay(place_a, loan, amount)


def test_a_payment_before_the_disbursement_is_refused(place_a, loan):
    with pytest.raises(BeforeDisbursement) as refused:
        repay(place_a, loan, 1_000, on=date(2026, 1, 9))
    assert refused.value.code == "loans.before_disbursement" and "on" in refused.value.fields
    with pytest.raises(BeforeDisbursement):
        services.loan_payoff(actor=place_a.kasir, loan=loan, on=date(2026, 1, 9))
    assert not LoanTransaction.objects.filter(kind__in=["repayment", "payoff"]).exists()


def test_bad_channel(place_a, loan):
    with pytest.raises(InvalidChannel):
        repay(place_a, loan, 1_000, channel="qris")


def test_a_loan_that_is_not_active(place_a, loan):
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.PAID, outstanding_principal=0)
    with pytest.raises(LoanNotActive) as refused:
        repay(place_a, loan, 1_000)
    assert refused.value.code == "loans.not_active"
    with pytest.raises(LoanNotActive):
        services.loan_payoff(actor=place_a.kasir, loan=loan, on=date(2026, 2, 12))


def test_same_key_same_request_returns_the_first(place_a, loan):
    first = repay(place_a, loan, 50_000, idempotency_key="k-1")
    again = repay(place_a, loan, 50_000, idempotency_key="k-1")
    assert again.pk == first.pk
    assert LoanTransaction.objects.filter(kind="repayment").count() == 1
    assert JournalEntry.objects.filter(source_kind="loan.repaid").count() == 1
    with pytest.raises(IdempotencyConflict):
        repay(place_a, loan, 60_000, idempotency_key="k-1")
    loan.refresh_from_db()
    assert loan.installments.get(number=1).paid_interest == 12_000


def test_a_closed_month_saves_nothing(place_a, loan):
    ledger.period_close(actor=place_a.ketua, cooperative=loan.cooperative, year=2026, month=1)
    before = list(
        Installment.objects.filter(loan=loan).values_list("paid_principal", "paid_interest")
    )
    with pytest.raises(PeriodClosed):
        repay(place_a, loan, 50_000, on=date(2026, 1, 31))
    assert (
        list(Installment.objects.filter(loan=loan).values_list("paid_principal", "paid_interest"))
        == before
    )
    assert not LoanTransaction.objects.filter(kind="repayment").exists()
    # the receipt number was not taken either: the next receipt is the first
    assert repay(place_a, loan, 1_000).receipt_label == "KWP-000001"


def test_paying_every_installment_closes_the_loan(place_a, loan):
    total = 4 * 312_000
    txn = repay(place_a, loan, total, on=date(2026, 5, 10))
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID and loan.closed_on == date(2026, 5, 10)
    assert loan.outstanding_principal == 0 and txn.principal == 1_200_000
    assert_subledger_equals_gl(loan.cooperative)


def test_the_loan_stays_open_while_denda_is_owed(place_a, loan):
    loan.product.allocation_order = ["pokok", "jasa", "denda"]
    loan.product.save()
    Loan.objects.filter(pk=loan.pk).update(penalty_due=3_000)
    repay(place_a, loan, 4 * 312_000, on=date(2026, 5, 10))
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE and loan.penalty_due == 3_000
    txn = repay(place_a, loan, 3_000, on=date(2026, 5, 11))
    loan.refresh_from_db()
    assert txn.penalty == 3_000 and loan.status == Loan.Status.PAID


def test_payoff_interest_to_date(place_a, loan):
    repay(place_a, loan, 312_000)  # installment 1
    Loan.objects.filter(pk=loan.pk).update(penalty_due=2_500)
    loan.refresh_from_db()
    on = date(2026, 3, 20)  # installment 2 overdue, installment 3 the current month
    quote = services.loan_payoff_quote(loan=loan, on=on)
    assert (quote.principal, quote.interest, quote.penalty) == (900_000, 24_000, 2_500)
    assert quote.waived_interest == 12_000
    txn = services.loan_payoff(actor=place_a.kasir, loan=loan, on=on, idempotency_key="p-1")
    assert txn.kind == LoanTransaction.Kind.PAYOFF and txn.amount == quote.total
    sub = str(loan.public_id)
    assert lines_of(txn.entry) == [
        ("1-101-01", 900_000, 0, "loans", sub),
        ("1-103", 0, 900_000, "loans", sub),
        ("1-101-01", 24_000, 0, "loans", sub),
        ("4-102", 0, 24_000, "loans", sub),
        ("1-101-01", 2_500, 0, "loans", sub),
        ("4-302", 0, 2_500, "loans", sub),
    ]
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID and loan.closed_on == on
    assert (loan.outstanding_principal, loan.penalty_due) == (0, 0)
    assert not loan.installments.filter(paid_on__isnull=True).exists()
    audit = AuditEvent.objects.get(action="loans.payoff")
    assert audit.after["waived_interest"] == 12_000
    # replayed: the same transaction, nothing more
    again = services.loan_payoff(actor=place_a.kasir, loan=loan, on=on, idempotency_key="p-1")
    assert again.pk == txn.pk
    assert_subledger_equals_gl(loan.cooperative)


def test_payoff_all_interest(place_a, member):
    loan = make_active_loan(
        place_a, member, principal=1_200_000, months=4, start=START, early_payoff="all_interest"
    )
    quote = services.loan_payoff_quote(loan=loan, on=date(2026, 2, 1))
    assert (quote.principal, quote.interest, quote.waived_interest) == (1_200_000, 48_000, 0)


def test_efektif_loan_reconciles_after_repayments(place_a, member):
    loan = make_active_loan(
        place_a,
        member,
        principal=1_000_000,
        months=3,
        start=START,
        method="efektif",
        rate=Decimal("18"),
    )
    for n, inst in enumerate(loan.installments.order_by("number"), start=1):
        repay(
            place_a, loan, inst.principal + inst.interest, on=inst.due_date, idempotency_key=f"e{n}"
        )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID
    assert_subledger_equals_gl(loan.cooperative)


def test_a_loan_made_by_the_services_reconciles_through_repayments_and_payoff(place_a):
    """Applied, approved and disbursed by the loans services (fees deducted), then two
    repayments (cash, bank) and the payoff: 1-103 equals the loans' outstanding pokok after each
    step, 4-102 and 4-302 hold the jasa and denda received."""
    loan = factories.make_active_loan(place_a, principal=2_400_000, months=12)
    cooperative = loan.cooperative
    assert_subledger_equals_gl(cooperative)
    first = loan.installments.order_by("number").first()
    on = first.due_date
    services.loan_repay(
        actor=place_a.kasir, loan=loan, amount=first.principal + first.interest, on=on
    )
    assert_subledger_equals_gl(cooperative)
    Loan.objects.filter(pk=loan.pk).update(penalty_due=1_500)
    services.loan_repay(actor=place_a.kasir, loan=loan, amount=100_000, channel="bank", on=on)
    assert_subledger_equals_gl(cooperative)
    services.loan_payoff(actor=place_a.kasir, loan=loan, on=on)
    assert_subledger_equals_gl(cooperative)
    received = LoanTransaction.objects.filter(loan=loan, kind__in=["repayment", "payoff"])
    totals = received.aggregate(i=Sum("interest"), p=Sum("penalty"), pr=Sum("principal"))
    assert totals["pr"] == 2_400_000 and totals["p"] == 1_500
    for code, expected in (("4-102", totals["i"]), ("4-302", 1_500)):
        sums = JournalLine.objects.filter(
            entry__cooperative=cooperative, account__code=code, subledger_id=str(loan.public_id)
        ).aggregate(c=Sum("credit"))
        assert sums["c"] == expected
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.PAID
