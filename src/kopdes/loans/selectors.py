"""Reads of loans for one cooperative or one person, and the figures the approval rules need:
the member's savings, own capital from the ledger, related-party exposure."""

import uuid
from datetime import date

from django.db.models import Prefetch, Q, QuerySet, Sum

from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.ledger.models import Account, AccountMonth, JournalLine
from kopdes.loans.errors import LoanNotFound, ProductNotFound
from kopdes.loans.models import Installment, Loan, LoanProduct, LoanRestructure, LoanTransaction
from kopdes.members.models import Member
from kopdes.savings import selectors as savings_selectors

# Who makes a borrower a related party: the pengurus and the pengawas (domain.md section 4).
RELATED_ROLES = (*Role.PENGURUS, *Role.PENGAWAS_KINDS)
# Related-party exposure: what related parties owe, and what they were promised (approved, not
# yet disbursed).
EXPOSED = ("approved", "active")


# -- products ---------------------------------------------------------------------------------


def products(cooperative: Cooperative, *, active_only: bool = False) -> QuerySet[LoanProduct]:
    found = LoanProduct.objects.filter(cooperative=cooperative)
    return found.filter(active=True) if active_only else found


def _public_id(value: uuid.UUID | str, error: type[NotFound]) -> uuid.UUID:
    try:
        return parse_public_id(value)
    except NotFound:
        raise error() from None


def product_for_officer(cooperative: Cooperative, public_id: uuid.UUID | str) -> LoanProduct:
    """A product of `cooperative`; ProductNotFound (404) otherwise, malformed ids included."""
    found = LoanProduct.objects.filter(
        cooperative=cooperative, public_id=_public_id(public_id, ProductNotFound)
    ).first()
    if found is None:
        raise ProductNotFound()
    return found


# -- loans ------------------------------------------------------------------------------------


def loans(cooperative: Cooperative, *, status: str | None = None) -> QuerySet[Loan]:
    found = Loan.objects.filter(cooperative=cooperative).select_related("member", "product")
    return found.filter(status=status) if status else found


def loan_for_officer(cooperative: Cooperative, public_id: uuid.UUID | str) -> Loan:
    """A loan of `cooperative` by its public id; LoanNotFound (404) for another cooperative's
    loan exactly as for one that does not exist or a malformed id."""
    found = (
        Loan.objects.filter(cooperative=cooperative, public_id=_public_id(public_id, LoanNotFound))
        .select_related("member", "product")
        .first()
    )
    if found is None:
        raise LoanNotFound()
    return found


def loans_of_member(member: Member) -> QuerySet[Loan]:
    return Loan.objects.filter(cooperative_id=member.cooperative_id, member=member).select_related(
        "product"
    )


def my_loans(user: User) -> QuerySet[Loan]:
    """The loans of `user`'s memberships (the member app), every cooperative they belong to."""
    if not user.is_authenticated:
        return Loan.objects.none()
    return Loan.objects.filter(member__in=savings_selectors.memberships(user=user)).select_related(
        "product", "member", "cooperative"
    )


def installments(loan: Loan) -> QuerySet[Installment]:
    return Installment.objects.filter(cooperative_id=loan.cooperative_id, loan=loan).order_by(
        "number"
    )


def member_has_outstanding_loan(member: Member) -> bool:
    """Whether the member still owes a loan (disbursed and not yet paid off or written off)."""
    return Loan.objects.filter(
        cooperative_id=member.cooperative_id, member=member, status=Loan.Status.ACTIVE
    ).exists()


def own_loan_ids(user: User, cooperative_id: int, ids: set[str]) -> list[str]:
    """Which of `ids` (loans sub-ledger ids on journal lines: Loan.public_id) are loans of
    `user`'s membership in the cooperative: what ledger.access asks before giving a member the
    proof of an entry (registered in LoansConfig.ready)."""
    keys = []
    for value in ids:
        try:
            keys.append(uuid.UUID(value))
        except ValueError:
            continue
    found = Loan.objects.filter(
        cooperative_id=cooperative_id,
        member__in=savings_selectors.memberships(user=user).filter(cooperative_id=cooperative_id),
        public_id__in=keys,
    ).values_list("public_id", flat=True)
    return [str(public_id) for public_id in found]


# -- the figures of the approval rules --------------------------------------------------------


def member_savings_total(member: Member) -> int:
    """Everything the member holds in simpanan (pokok, wajib, sukarela): the base of a
    product's savings-multiple rule."""
    return sum(
        account.balance
        for account in savings_selectors.member_accounts(member=member).values()
        if account is not None
    )


def own_capital(cooperative: Cooperative, on: date | None = None) -> int:
    """Own capital (modal sendiri) on `on`: the balance of the equity accounts (3-xxx: simpanan
    pokok and wajib when the policy treats them as equity, grants, reserves, undivided SHU),
    credit minus debit, from the monthly snapshots before `on`'s month and the journal lines of
    that month up to `on`."""
    on = on or clock.today()
    equity = Account.objects.filter(cooperative=cooperative, kind=Account.Kind.EQUITY)
    before = AccountMonth.objects.filter(cooperative=cooperative, account__in=equity).filter(
        Q(year__lt=on.year) | Q(year=on.year, month__lt=on.month)
    )
    month = JournalLine.objects.filter(
        cooperative=cooperative,
        account__in=equity,
        entry__date__gte=on.replace(day=1),
        entry__date__lte=on,
    )
    total = 0
    for rows in (before, month):
        sums = rows.aggregate(d=Sum("debit"), c=Sum("credit"))
        total += (sums["c"] or 0) - (sums["d"] or 0)
    return total


def related_party_exposure(cooperative: Cooperative) -> int:
    """What related parties owe the cooperative (outstanding principal of active loans) plus
    what they were promised (the principal of approved loans not yet disbursed)."""
    sums = Loan.objects.filter(
        cooperative=cooperative, related_party=True, status__in=EXPOSED
    ).aggregate(
        owed=Sum("outstanding_principal", filter=Q(status="active")),
        promised=Sum("principal", filter=Q(status="approved")),
    )
    return (sums["owed"] or 0) + (sums["promised"] or 0)


def related_officers(cooperative: Cooperative, on: date) -> QuerySet[Role]:
    """The pengurus and pengawas roles in force on `on`."""
    return Role.objects.filter(
        cooperative=cooperative,
        kind__in=RELATED_ROLES,
        started_on__lte=on,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def is_related_party(member: Member, on: date | None = None) -> bool:
    """Whether lending to `member` is a related-party loan: the member holds a pengurus or
    pengawas role of the cooperative, or shares a family card (KK) with someone who does (their
    account's KK, or their own membership's)."""
    on = on or clock.today()
    roles = related_officers(member.cooperative, on)
    if member.user_id is not None and roles.filter(user_id=member.user_id).exists():
        return True
    kk = member.kk_number
    if not kk:
        return False
    officers = roles.values("user_id")
    return (
        User.objects.filter(pk__in=officers, kk_number=kk).exists()
        or Member.objects.filter(
            cooperative_id=member.cooperative_id, user_id__in=officers, kk_number=kk
        )
        .exclude(pk=member.pk)
        .exists()
    )


# -- the member app -------------------------------------------------------------------------


def _open_installments() -> Prefetch:
    return Prefetch(
        "installments",
        queryset=Installment.objects.filter(paid_on__isnull=True).order_by("number"),
        to_attr="open_installments",
    )


def my_loans_with_next(*, user) -> QuerySet[Loan]:
    """`my_loans`, newest application first, each with its unpaid installments prefetched
    (`loan.open_installments`): two queries whatever the count."""
    return my_loans(user).prefetch_related(_open_installments()).order_by("-applied_on", "-id")


def my_loan(*, user, public_id) -> Loan:
    """One of the caller's loans with its whole schedule (`loan.installments`, by number); the
    same `request.not_found` for an id that is absent and for another person's loan."""
    loan = (
        my_loans(user)
        .filter(public_id=public_id)
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
        .first()
    )
    if loan is None:
        raise NotFound()
    return loan


def products_for_member(*, user) -> QuerySet[LoanProduct]:
    """The products still offered by the cooperatives where `user` is an active member."""
    return (
        LoanProduct.objects.filter(
            active=True,
            cooperative_id__in=Member.objects.filter(user=user, status=Member.Status.ACTIVE).values(
                "cooperative_id"
            ),
        )
        .select_related("cooperative")
        .order_by("cooperative_id", "name")
    )
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
