"""Disbursement: the schedule from the engine, the entry through the posting rules (balanced, on
the right accounts, each line naming the loan), a receipt, idempotency, nothing half-saved."""

from datetime import date
from decimal import Decimal

import pytest

from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent
from kopdes.ledger.errors import NoPostingRule
from kopdes.ledger.models import JournalEntry, JournalLine, PostingRule
from kopdes.loans import schedule, selectors, services
from kopdes.loans.errors import InvalidChannel, InvalidDate, LoanNotFound, NotApproved
from kopdes.loans.models import Installment, LoanTransaction
from kopdes.loans.tests.factories import (
    D,
    at,
    make_active_loan,
    make_applied_loan,
    make_approved_loan,
    make_product,
)
from kopdes.savings.errors import LoanOutstanding
from kopdes.savings.services import member_resign

LATER = date(2026, 3, 5)


def lines_of(entry):
    return [
        (ln.account.code, ln.debit, ln.credit, ln.subledger_kind, ln.subledger_id)
        for ln in JournalLine.objects.filter(entry=entry)
        .select_related("account")
        .order_by("line_no")
    ]


def disburse(place, loan, channel="cash", on=LATER, **kwargs):
    with at(on):
        return services.loan_disburse(
            actor=place.kasir, loan=loan, channel=channel, on=on, **kwargs
        )


def test_a_cash_disbursement_books_the_principal_and_the_fees(place_a):
    loan = make_approved_loan(place_a, principal=5_000_000, months=12)
    txn = disburse(place_a, loan)
    loan.refresh_from_db()
    assert (loan.status, loan.disbursed_on, loan.outstanding_principal) == (
        "active",
        LATER,
        5_000_000,
    )
    sub = str(loan.public_id)
    # 1% admin (50.000) and 0.5% provisi (25.000) stay with the cooperative as income.
    assert lines_of(txn.entry) == [
        ("1-103", 5_000_000, 0, "loans", sub),
        ("1-101-01", 0, 5_000_000, "loans", sub),
        ("1-101-01", 75_000, 0, "loans", sub),
        ("4-301", 0, 75_000, "loans", sub),
    ]
    assert txn.entry.source_kind == "loan.disbursed" and txn.entry.date == LATER
    assert (txn.kind, txn.channel, txn.amount, txn.principal) == (
        "disbursement",
        "cash",
        5_000_000,
        5_000_000,
    )
    assert txn.receipt_label == "KWP-000001"
    event = AuditEvent.objects.get(action="loans.disburse")
    assert event.after["handed_out"] == 4_925_000


def test_a_bank_disbursement_goes_out_of_the_bank(place_a):
    loan = make_approved_loan(place_a)
    txn = disburse(place_a, loan, channel="bank")
    assert [code for code, *_rest in lines_of(txn.entry)] == ["1-103", "1-102", "1-102", "4-301"]


@pytest.mark.parametrize("method", ["flat", "efektif", "anuitas"])
def test_the_installments_are_the_engines_schedule(place_a, method):
    product = make_product(place_a.cooperative, name=f"Produk {method}", method=method)
    loan = make_approved_loan(
        place_a,
        product=product,
        principal=7_777_777,
        months=10,
        grace_months=2,
        on=date(2026, 1, 31),
    )
    disburse(place_a, loan, on=date(2026, 1, 31))
    rows = schedule.schedule(
        principal=7_777_777,
        annual_rate=Decimal("12"),
        months=10,
        method=method,
        start=date(2026, 1, 31),
        grace_months=2,
    )
    stored = list(selectors.installments(loan))
    assert [(i.number, i.due_date, i.principal, i.interest) for i in stored] == [
        (r.number, r.due_date, r.principal, r.interest) for r in rows
    ]
    assert sum(i.principal for i in stored) == 7_777_777
    assert stored[0].due_date == date(2026, 2, 28) and stored[0].principal == 0
    assert all(i.paid_principal == i.paid_interest == 0 and i.paid_on is None for i in stored)


def test_only_an_approved_loan_is_disbursed_once(place_a):
    applied = make_applied_loan(place_a)
    with pytest.raises(NotApproved) as caught:
        disburse(place_a, applied)
    assert caught.value.code == "loans.not_approved"
    loan = make_approved_loan(place_a)
    disburse(place_a, loan)
    with pytest.raises(NotApproved):
        disburse(place_a, loan)
    assert LoanTransaction.objects.filter(loan=loan).count() == 1


def test_not_before_the_approval_and_only_cash_or_bank(place_a):
    loan = make_approved_loan(place_a)
    with pytest.raises(InvalidDate):
        disburse(place_a, loan, on=date(2026, 3, 1))
    with pytest.raises(InvalidChannel):
        disburse(place_a, loan, channel="qris")


def test_the_same_key_returns_the_first_disbursement(place_a):
    loan = make_approved_loan(place_a)
    first = disburse(place_a, loan, idempotency_key="cair-1")
    again = disburse(place_a, loan, idempotency_key="cair-1")
    assert again.pk == first.pk
    assert JournalEntry.objects.filter(source_kind="loan.disbursed").count() == 1
    assert Installment.objects.filter(loan=loan).count() == 12
    with pytest.raises(IdempotencyConflict):
        disburse(place_a, loan, idempotency_key="cair-1", channel="bank")


def test_nothing_is_half_saved_when_the_posting_fails(place_a):
    loan = make_approved_loan(place_a)
    PostingRule.objects.filter(cooperative=place_a.cooperative, event="loan.disbursed").delete()
    with pytest.raises(NoPostingRule):
        disburse(place_a, loan)
    loan.refresh_from_db()
    assert (loan.status, loan.outstanding_principal) == ("approved", 0)
    assert not Installment.objects.filter(loan=loan).exists()
    assert not LoanTransaction.objects.filter(loan=loan).exists()


def test_the_sub_ledger_agrees_with_the_control_account(place_a):
    loans = [make_active_loan(place_a, principal=p) for p in (1_000_000, 2_500_000)]
    owed = sum(
        ln.debit - ln.credit
        for ln in JournalLine.objects.filter(cooperative=place_a.cooperative, account__code="1-103")
    )
    assert owed == sum(loan.outstanding_principal for loan in loans) == 3_500_000


def test_a_member_with_a_loan_outstanding_cannot_resign(place_a):
    loan = make_active_loan(place_a)
    with pytest.raises(LoanOutstanding):
        member_resign(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            member=loan.member,
            on=LATER,
            reason="Pindah",
        )


def test_selectors_keep_to_the_cooperative(place_a, place_b):
    loan = make_active_loan(place_a)
    assert selectors.loan_for_officer(place_a.cooperative, loan.public_id) == loan
    with pytest.raises(LoanNotFound):
        selectors.loan_for_officer(place_b.cooperative, loan.public_id)
    with pytest.raises(LoanNotFound):
        selectors.loan_for_officer(place_a.cooperative, "not-a-uuid")
    assert list(selectors.loans_of_member(loan.member)) == [loan]
    assert selectors.member_has_outstanding_loan(loan.member)
    assert (
        selectors.own_loan_ids(place_a.anggota, place_a.cooperative.pk, {str(loan.public_id)}) == []
    )


def test_made_by_the_factory(place_a):
    with at(D):
        loan = make_active_loan(place_a)
    assert loan.status == "active" and loan.installments.count() == 12
