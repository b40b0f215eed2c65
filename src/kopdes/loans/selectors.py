"""Reads of loans for one cooperative or one person, and the figures the approval rules need:
the member's savings, own capital from the ledger, related-party exposure."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id, valid_public_ids
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger.models import Account
from kopdes.loans.errors import LoanNotFound, ProductNotFound
from kopdes.loans.models import (
    Installment,
    Loan,
    LoanProduct,
    LoanRestructure,
    LoanTransaction,
    ProvisionRun,
)
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
    keys = valid_public_ids(ids)
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
    """Own capital (modal sendiri) on `on` (today by default): the balance of the equity
    accounts (3-xxx: simpanan pokok and wajib when the policy treats them as equity, grants,
    reserves, undivided SHU), credit minus debit."""
    on = on or clock.today()
    balances = ledger_selectors.account_balances(
        cooperative=cooperative, kind=Account.Kind.EQUITY, on=on
    )
    return -sum(balances.values())


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


# -- reconciliation: the loans sub-ledger against the GL (issue 11.7) --------------------------

RECEIVABLE, ALLOWANCE, INTEREST, PENALTY = "1-103", "1-104", "4-102", "4-302"
MONEY_IN = ("repayment", "payoff")  # the LoanTransaction kinds that bring pokok, jasa, denda


@dataclass(frozen=True)
class ReconcileRow:
    key: str  # receivable, allowance, interest, penalty
    label: Promise
    account: str
    loans: int  # what the loans say
    ledger: int  # the GL account's balance (its normal side positive)

    @property
    def difference(self) -> int:
        return self.loans - self.ledger


def loans_reconcile(*, cooperative: Cooperative, on: date | None = None) -> list[ReconcileRow]:
    """The loans against the GL, through `on` (everything by default); every difference must be
    zero:

    * piutang pinjaman (1-103): the loans' outstanding principal (the stored balances; through a
      past `on`, the disbursed principal less the principal repaid by then) against 1-103;
    * cadangan kerugian piutang (1-104): the allowance of the last provision run (through `on`)
      against 1-104's credit balance;
    * jasa (4-102) and denda (4-302) received: the repayments' and payoffs' interest and
      penalties against what those income accounts took in, the years closed into the SHU
      included (a loan runs across years; each year-end closing empties the income accounts).
    """
    gl = ledger_selectors.account_balances(
        cooperative=cooperative, codes=[RECEIVABLE, ALLOWANCE, INTEREST, PENALTY], on=on
    )
    closed = ledger_selectors.year_end_closings(
        cooperative=cooperative, codes=[INTEREST, PENALTY], on=on
    )
    for code in (INTEREST, PENALTY):
        gl[code] = gl.get(code, 0) - closed.get(code, 0)
    txns = LoanTransaction.objects.filter(cooperative=cooperative)
    if on is not None:
        txns = txns.filter(date__lte=on)
    sums = txns.aggregate(
        lent=Sum("principal", filter=Q(kind="disbursement")),
        repaid=Sum("principal", filter=Q(kind__in=MONEY_IN)),
        interest=Sum("interest", filter=Q(kind__in=MONEY_IN)),
        penalty=Sum("penalty", filter=Q(kind__in=MONEY_IN)),
    )
    if on is None:
        outstanding = (
            Loan.objects.filter(cooperative=cooperative).aggregate(s=Sum("outstanding_principal"))[
                "s"
            ]
            or 0
        )
    else:
        outstanding = (sums["lent"] or 0) - (sums["repaid"] or 0)
    runs = ProvisionRun.objects.filter(cooperative=cooperative)
    if on is not None:
        runs = runs.filter(day__lte=on)
    last_run = runs.order_by("-day").values_list("required", flat=True).first()
    return [
        ReconcileRow(
            "receivable",
            _("Loans receivable"),
            RECEIVABLE,
            outstanding,
            gl.get(RECEIVABLE, 0),
        ),
        ReconcileRow(
            "allowance",
            _("Allowance for loan losses (last provision)"),
            ALLOWANCE,
            last_run or 0,
            -gl.get(ALLOWANCE, 0),
        ),
        ReconcileRow(
            "interest",
            _("Loan interest (jasa) received"),
            INTEREST,
            sums["interest"] or 0,
            -gl.get(INTEREST, 0),
        ),
        ReconcileRow(
            "penalty",
            _("Late penalties (denda) received"),
            PENALTY,
            sums["penalty"] or 0,
            -gl.get(PENALTY, 0),
        ),
    ]


def receivable_mismatches(*, cooperative: Cooperative) -> list[tuple[Loan, int]]:
    """Loans whose outstanding principal differs from their principal movements (disbursed less
    repaid, from their transactions): the loans to look at when 1-103 does not reconcile."""
    moved = {
        row["loan_id"]: (row["lent"] or 0) - (row["repaid"] or 0)
        for row in LoanTransaction.objects.filter(cooperative=cooperative)
        .values("loan_id")
        .annotate(
            lent=Sum("principal", filter=Q(kind="disbursement")),
            repaid=Sum("principal", filter=Q(kind__in=MONEY_IN)),
        )
    }
    loans = Loan.objects.filter(cooperative=cooperative, status__in=Loan.DISBURSED).select_related(
        "member"
    )
    return [
        (loan, moved.get(loan.pk, 0))
        for loan in loans
        if loan.outstanding_principal != moved.get(loan.pk, 0)
    ]


# -- the Beranda: loans due today and arrears (issue 11.7) ----------------------------------------


@dataclass(frozen=True)
class LoanTiles:
    due_today: int  # active loans with an installment due today not fully paid
    due_today_amount: int  # what is still unpaid of those installments
    arrears: int  # active loans past due (an installment due before today not fully paid)
    arrears_amount: int  # the unpaid amount of the installments due before today


def loan_tiles(*, cooperative: Cooperative, today: date) -> LoanTiles:
    """Two aggregates over the open installments (the partial index on due dates)."""
    rows = Installment.objects.filter(
        cooperative=cooperative,
        paid_on__isnull=True,
        loan__status=Loan.Status.ACTIVE,
        due_date__lte=today,
    ).aggregate(
        due_loans=Count("loan_id", distinct=True, filter=Q(due_date=today)),
        due_principal=Sum("principal", filter=Q(due_date=today)),
        due_interest=Sum("interest", filter=Q(due_date=today)),
        due_paid_p=Sum("paid_principal", filter=Q(due_date=today)),
        due_paid_i=Sum("paid_interest", filter=Q(due_date=today)),
        late_loans=Count("loan_id", distinct=True, filter=Q(due_date__lt=today)),
        late_principal=Sum("principal", filter=Q(due_date__lt=today)),
        late_interest=Sum("interest", filter=Q(due_date__lt=today)),
        late_paid_p=Sum("paid_principal", filter=Q(due_date__lt=today)),
        late_paid_i=Sum("paid_interest", filter=Q(due_date__lt=today)),
    )

    def left(principal: str, interest: str, paid_principal: str, paid_interest: str) -> int:
        owed = (rows[principal] or 0) + (rows[interest] or 0)
        return owed - (rows[paid_principal] or 0) - (rows[paid_interest] or 0)

    return LoanTiles(
        due_today=rows["due_loans"] or 0,
        due_today_amount=left("due_principal", "due_interest", "due_paid_p", "due_paid_i"),
        arrears=rows["late_loans"] or 0,
        arrears_amount=left("late_principal", "late_interest", "late_paid_p", "late_paid_i"),
    )
