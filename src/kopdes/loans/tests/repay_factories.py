"""An active loan for the repayment tests, made without the application and approval steps (their
own tests cover them): a product, the loan, its installments from the schedule engine, and the
disbursement booked through the "loan.disbursed" posting rule, so the GL's 1-103 holds the
principal as the sub-ledger does."""

import itertools
from datetime import date
from decimal import Decimal

from kopdes.ledger import services as ledger
from kopdes.loans.models import Installment, Loan, LoanProduct, LoanTransaction
from kopdes.loans.schedule import schedule

_serial = itertools.count(1)


def make_product(cooperative, **fields) -> LoanProduct:
    values = {
        "name": f"Pinjaman uji {next(_serial)}",
        "method": "flat",
        "annual_rate": Decimal("12"),
        "tenor_min": 1,
        "tenor_max": 60,
        "max_amount": 100_000_000,
        "penalty_method": "per_installment",
        "penalty_amount": 5_000,
    }
    values.update(fields)
    return LoanProduct.objects.create(cooperative=cooperative, **values)


def make_active_loan(
    place,
    member,
    *,
    principal: int = 1_200_000,
    months: int = 12,
    rate: Decimal = Decimal("12"),
    method: str = "flat",
    start: date = date(2026, 1, 10),
    early_payoff: str = "interest_to_date",
    product: LoanProduct | None = None,
) -> Loan:
    cooperative = place.cooperative
    product = product or make_product(
        cooperative, method=method, annual_rate=rate, early_payoff=early_payoff
    )
    count = Loan.objects.filter(cooperative=cooperative).count() + 1
    loan = Loan.objects.create(
        cooperative=cooperative,
        number=f"PJ-{start.year}-{count:04d}",
        member=member,
        product=product,
        principal=principal,
        annual_rate=rate,
        months=months,
        method=method,
        purpose="Modal usaha warung",
        status=Loan.Status.ACTIVE,
        applied_on=start,
        decided_on=start,
        disbursed_on=start,
        outstanding_principal=principal,
    )
    Installment.objects.bulk_create(
        [
            Installment(
                cooperative=cooperative,
                loan=loan,
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for row in schedule(
                principal=principal, annual_rate=rate, months=months, method=method, start=start
            )
        ]
    )
    entry = ledger.post_event(
        cooperative=cooperative,
        event="loan.disbursed",
        key="cash",
        amounts={"principal": principal, "fees": 0},
        date=start,
        memo=f"Pencairan pinjaman {loan.number}",
        source_id=str(loan.public_id),
        subledger_kind="loans",
        subledger_id=str(loan.public_id),
    )
    LoanTransaction.objects.create(
        cooperative=cooperative,
        loan=loan,
        kind=LoanTransaction.Kind.DISBURSEMENT,
        channel="cash",
        amount=principal,
        principal=principal,
        date=start,
        entry=entry,
    )
    return loan
