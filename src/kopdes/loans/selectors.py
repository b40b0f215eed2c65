"""Reads of loans for one cooperative or one person."""

from django.db.models import Prefetch, QuerySet

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.loans.models import Installment, Loan, LoanProduct
from kopdes.members.models import Member


def products(*, cooperative: Cooperative, active_only: bool = False) -> QuerySet[LoanProduct]:
    """The cooperative's loan products by name (only those still offered with `active_only`)."""
    rows = LoanProduct.objects.filter(cooperative=cooperative).order_by("name")
    return rows.filter(active=True) if active_only else rows


# -- the member app -------------------------------------------------------------------------


def _open_installments() -> Prefetch:
    return Prefetch(
        "installments",
        queryset=Installment.objects.filter(paid_on__isnull=True).order_by("number"),
        to_attr="open_installments",
    )


def my_loans(*, user) -> QuerySet[Loan]:
    """The caller's loans in every cooperative where they are an active member (matched by
    Member.user), newest application first, each with its unpaid installments prefetched
    (`loan.open_installments`): three queries whatever the count."""
    return (
        Loan.objects.filter(member__user=user, member__status=Member.Status.ACTIVE)
        .select_related("cooperative", "product")
        .prefetch_related(_open_installments())
        .order_by("-applied_on", "-id")
    )


def my_loan(*, user, public_id) -> Loan:
    """One of the caller's loans with its whole schedule (`loan.installments`, by number); the
    same `request.not_found` for an id that is absent and for another person's loan."""
    loan = (
        my_loans(user=user)
        .filter(public_id=public_id)
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
        .first()
    )
    if loan is None:
        raise NotFound()
    return loan
