"""Disbursed loans for the daily close and reconciliation tests, made directly with their journal
entries (the application, approval and disbursement services are tested on their own): a loan
as `loan_disburse` leaves it (installments from `schedule()`, the "loan.disbursed" entry) and a
repayment as `loan_repay` books it (the "loan.repaid" entry, a LoanTransaction, the paid parts)."""

import itertools
from datetime import date
from decimal import Decimal

from kopdes.ledger import services as ledger
from kopdes.loans.models import Collateral, Installment, Loan, LoanProduct, LoanTransaction
from kopdes.loans.schedule import schedule
from kopdes.savings.tests.factories import make_member

_serial = itertools.count(1)


def make_product(cooperative, **fields) -> LoanProduct:
    values = {
        "name": f"Pinjaman {next(_serial)}",
        "method": "flat",
        "annual_rate": Decimal(12),
        "tenor_min": 1,
        "tenor_max": 36,
        "penalty_method": "per_day",
        "penalty_rate": Decimal("0.1"),
        "penalty_amount": 0,
        "max_amount": 100_000_000,
    }
    values.update(fields)
    return LoanProduct.objects.create(cooperative=cooperative, **values)


def make_loan(
    cooperative,
    *,
    product=None,
    member=None,
    principal=12_000_000,
    months=12,
    disbursed_on=date(2026, 1, 10),
    post=True,
    collateral=0,
) -> Loan:
    """An active loan disbursed on `disbursed_on` in cash (its entry posted when `post`)."""
    product = product or make_product(cooperative)
    member = member or make_member(cooperative)
    loan = Loan.objects.create(
        cooperative=cooperative,
        number=f"PJ-{disbursed_on.year}-{next(_serial):04d}",
        member=member,
        product=product,
        principal=principal,
        annual_rate=product.annual_rate,
        months=months,
        method=product.method,
        purpose="Modal usaha",
        status=Loan.Status.ACTIVE,
        applied_on=disbursed_on,
        decided_on=disbursed_on,
        disbursed_on=disbursed_on,
        outstanding_principal=principal,
    )
    rows = schedule(
        principal=principal,
        annual_rate=product.annual_rate,
        months=months,
        method=product.method,
        start=disbursed_on,
    )
    Installment.objects.bulk_create(
        Installment(
            cooperative=cooperative,
            loan=loan,
            number=row.number,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
        )
        for row in rows
    )
    entry = None
    if post:
        entry = ledger.post_event(
            cooperative=cooperative,
            event="loan.disbursed",
            key="cash",
            amounts={"principal": principal},
            date=disbursed_on,
            memo=f"Pencairan {loan.number}",
            subledger_kind="loan",
            subledger_id=str(loan.public_id),
        )
    LoanTransaction.objects.create(
        cooperative=cooperative,
        loan=loan,
        kind="disbursement",
        channel="cash",
        amount=principal,
        principal=principal,
        date=disbursed_on,
        entry=entry,
    )
    if collateral:
        Collateral.objects.create(
            cooperative=cooperative,
            loan=loan,
            kind="bpkb",
            description="BPKB motor",
            estimated_value=collateral,
            recognised_value=collateral,
        )
    return loan


def pay_installments(loan: Loan, count: int, *, on: date, penalty: int = 0) -> LoanTransaction:
    """Pay the loan's first `count` unpaid installments in full (and `penalty` of its denda)."""
    loan.refresh_from_db()
    rows = list(loan.installments.filter(paid_on__isnull=True).order_by("number")[:count])
    principal = sum(r.principal - r.paid_principal for r in rows)
    interest = sum(r.interest - r.paid_interest for r in rows)
    for row in rows:
        row.paid_principal, row.paid_interest, row.paid_on = row.principal, row.interest, on
        row.save(update_fields=["paid_principal", "paid_interest", "paid_on"])
    entry = ledger.post_event(
        cooperative=loan.cooperative,
        event="loan.repaid",
        key="cash",
        amounts={"principal": principal, "interest": interest, "penalty": penalty},
        date=on,
        memo=f"Angsuran {loan.number}",
        subledger_kind="loan",
        subledger_id=str(loan.public_id),
    )
    loan.outstanding_principal -= principal
    loan.penalty_due = max(loan.penalty_due - penalty, 0)
    if loan.outstanding_principal == 0:
        loan.status, loan.closed_on = Loan.Status.PAID, on
    loan.save()
    return LoanTransaction.objects.create(
        cooperative=loan.cooperative,
        loan=loan,
        kind="repayment",
        channel="cash",
        amount=principal + interest + penalty,
        principal=principal,
        interest=interest,
        penalty=penalty,
        date=on,
        entry=entry,
    )
