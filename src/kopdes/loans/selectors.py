"""Reads of one cooperative's loans."""

from django.db.models import QuerySet, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.loans.models import Loan, LoanRestructure, LoanTransaction
from kopdes.members.models import Member


def loan(*, cooperative: Cooperative, public_id) -> Loan:
    found = (
        Loan.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("member", "product")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# -- the counter: repayments, receipts, restructuring (H-repay) ---------------------------------


def member_active_loans(*, member: Member) -> "QuerySet[Loan]":
    """The member's active loans, oldest first (the counter's choice of loan to pay)."""
    return (
        Loan.objects.filter(
            cooperative_id=member.cooperative_id, member=member, status=Loan.Status.ACTIVE
        )
        .select_related("product")
        .order_by("disbursed_on", "pk")
    )


def loan_transaction(*, cooperative: Cooperative, public_id) -> LoanTransaction:
    """A repayment or payoff of this cooperative (its receipt); NotFound otherwise."""
    found = (
        LoanTransaction.objects.filter(
            cooperative=cooperative, public_id=parse_public_id(public_id)
        )
        .select_related("loan", "loan__member", "loan__product", "entry", "entry__cooperative")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def outstanding_after(txn: LoanTransaction) -> int:
    """The loan's remaining pokok just after `txn` (the receipt prints it): the principal less
    the pokok of every payment up to and including it."""
    paid = (
        LoanTransaction.objects.filter(
            loan_id=txn.loan_id,
            kind__in=[LoanTransaction.Kind.REPAYMENT, LoanTransaction.Kind.PAYOFF],
            pk__lte=txn.pk,
        ).aggregate(total=Sum("principal"))["total"]
        or 0
    )
    return txn.loan.principal - paid


def restructure_request(*, cooperative: Cooperative, public_id) -> LoanRestructure:
    found = (
        LoanRestructure.objects.filter(
            cooperative=cooperative, public_id=parse_public_id(public_id)
        )
        .select_related("loan", "loan__member", "loan__product")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def restructure_requests(*, cooperative: Cooperative, limit: int = 100) -> list[LoanRestructure]:
    """Pending requests first (oldest first), then the latest decided ones."""
    rows = LoanRestructure.objects.filter(cooperative=cooperative).select_related(
        "loan", "loan__member"
    )
    pending = list(rows.filter(status=LoanRestructure.Status.PENDING).order_by("created_at", "pk"))
    done = list(
        rows.exclude(status=LoanRestructure.Status.PENDING).order_by("-created_at", "-pk")[
            : max(limit - len(pending), 0)
        ]
    )
    return pending + done
