"""Funding reads for one cooperative (staff, pengawas and supervisors read them alike)."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.funding.models import (
    BankLoan,
    BankLoanDisbursement,
    BankLoanInstallment,
    BankLoanWarning,
)
from kopdes.ledger.selectors import account_balances

# -- the state-bank loan (PMK 49/2025) --------------------------------------------------------


@dataclass(frozen=True)
class BankLoanSummary:
    """One bank loan as the lists show it (staff, pengawas, supervisors)."""

    loan: BankLoan
    drawn: int  # principal disbursed into the bank
    principal_paid: int
    interest_paid: int
    outstanding: int  # drawn - principal_paid: what 2-201 owes the bank for this loan
    next_installment: BankLoanInstallment | None
    overdue: int  # unpaid installments past their due date
    warnings: int  # open warnings (installment due without enough cash, not yet paid)


def bank_loans(cooperative: Cooperative, *, today: date | None = None) -> list[BankLoanSummary]:
    """Every bank loan of the cooperative, newest first, with what was drawn, repaid and is
    owed, the next installment, the overdue ones and the open warnings (a fixed number of
    queries, whatever the number of loans)."""
    today = today or clock.today()
    loans = list(BankLoan.objects.filter(cooperative=cooperative).order_by("-created_at", "-id"))
    ids = [loan.pk for loan in loans]
    drawn = dict(
        BankLoanDisbursement.objects.filter(loan_id__in=ids)
        .values("loan_id")
        .annotate(total=Sum("amount"))
        .values_list("loan_id", "total")
    )
    paid = {
        row["loan_id"]: row
        for row in BankLoanInstallment.objects.filter(loan_id__in=ids, paid_on__isnull=False)
        .values("loan_id")
        .annotate(principal=Sum("principal"), interest=Sum("interest"))
    }
    unpaid = list(
        BankLoanInstallment.objects.filter(loan_id__in=ids, paid_on__isnull=True).order_by(
            "loan_id", "number"
        )
    )
    warned = dict(
        BankLoanWarning.objects.filter(loan_id__in=ids, installment__paid_on__isnull=True)
        .values("loan_id")
        .annotate(n=Count("id"))
        .values_list("loan_id", "n")
    )
    out = []
    for loan in loans:
        mine = [i for i in unpaid if i.loan_id == loan.pk]
        principal_paid = (paid.get(loan.pk) or {}).get("principal") or 0
        out.append(
            BankLoanSummary(
                loan=loan,
                drawn=drawn.get(loan.pk, 0) or 0,
                principal_paid=principal_paid,
                interest_paid=(paid.get(loan.pk) or {}).get("interest") or 0,
                outstanding=(drawn.get(loan.pk, 0) or 0) - principal_paid,
                next_installment=mine[0] if mine else None,
                overdue=sum(1 for i in mine if i.due_on < today),
                warnings=warned.get(loan.pk, 0),
            )
        )
    return out


def bank_loan_for_officer(cooperative: Cooperative, public_id: uuid.UUID | str) -> BankLoan:
    """A bank loan of `cooperative` by its public id; NotFound for another cooperative's loan
    exactly as for one that does not exist or a malformed id."""
    found = (
        BankLoan.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("source")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def bank_loan_installment(loan: BankLoan, public_id: uuid.UUID | str) -> BankLoanInstallment:
    """One installment of `loan` by its public id (NotFound otherwise)."""
    found = BankLoanInstallment.objects.filter(
        cooperative_id=loan.cooperative_id, loan=loan, public_id=parse_public_id(public_id)
    ).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class BankLoanFile:
    """The loan page: its schedule (each row marked paid, overdue or warned), drawings and the
    open warnings."""

    summary: BankLoanSummary
    installments: list[BankLoanInstallment]
    disbursements: list[BankLoanDisbursement]
    warnings: list[BankLoanWarning]


def bank_loan_file(loan: BankLoan, *, today: date | None = None) -> BankLoanFile:
    today = today or clock.today()
    summary = next(s for s in bank_loans(loan.cooperative, today=today) if s.loan.pk == loan.pk)
    installments = list(
        BankLoanInstallment.objects.filter(loan=loan)
        .select_related("paid_entry")
        .order_by("number")
    )
    warned = set(BankLoanWarning.objects.filter(loan=loan).values_list("installment_id", flat=True))
    for installment in installments:
        # for the template: the row's marks
        installment.overdue = installment.paid_on is None and installment.due_on < today  # type: ignore[attr-defined]
        installment.warned = installment.pk in warned  # type: ignore[attr-defined]
    return BankLoanFile(
        summary=summary,
        installments=installments,
        disbursements=list(
            BankLoanDisbursement.objects.filter(loan=loan)
            .select_related("receipt__entry")
            .order_by("on", "id")
        ),
        warnings=list(
            BankLoanWarning.objects.filter(loan=loan, installment__paid_on__isnull=True)
            .select_related("installment")
            .order_by("due_on")
        ),
    )


def open_bank_loan_warnings(cooperative: Cooperative) -> list[BankLoanWarning]:
    """The warnings whose installment is still unpaid, soonest due first: the Beranda tile, the
    bank loans page (pengawas and supervisors read it there)."""
    return list(
        BankLoanWarning.objects.filter(cooperative=cooperative, installment__paid_on__isnull=True)
        .select_related("loan", "installment")
        .order_by("due_on", "id")
    )


def bank_loans_reconcile(cooperative: Cooperative) -> tuple[int, int]:
    """(what the bank loans owe: drawn minus principal repaid, the balance of 2-201 as a
    liability): equal when every movement of 2-201 went through the bank loans' services."""
    owed = sum(s.outstanding for s in bank_loans(cooperative))
    balance = account_balances(cooperative=cooperative, codes=["2-201"]).get("2-201", 0)
    return owed, -balance
