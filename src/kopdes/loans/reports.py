"""Reads for the loans staff pages and reports (selectors: one cooperative, no writes).

The reports read the loan's own fields that the daily close maintains (`days_past_due`,
`collectibility`, `penalty_due`) and the schedule; loans are live data, so every report is as of
today. Each read is a fixed number of queries, whatever the number of loans.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, Count, Prefetch, Q, QuerySet, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.loans import selectors
from kopdes.loans.models import (
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanDecision,
    LoanTransaction,
)
from kopdes.members.models import Member

# Collectibility classes counted as non-performing (Kurang Lancar, Diragukan, Macet).
NPL_CLASSES = (3, 4, 5)
# Days-past-due buckets of the aging table: (low, high or None), inclusive.
AGING_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 30),
    (31, 60),
    (61, 90),
    (91, 120),
    (121, 180),
    (181, None),
)


def loans(*, cooperative: Cooperative, status: str = "", q: str = "") -> QuerySet[Loan]:
    """The cooperative's loans, newest application first; `status` one of Loan.Status or "",
    `q` part of the number or of the member's name."""
    rows = selectors.loans(cooperative, status=status or None)
    q = " ".join((q or "").split())[:100]
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(member__full_name__icontains=q))
    return rows.order_by("-applied_on", "-id")


def guarantor(*, loan: Loan, public_id) -> Guarantor:
    found = Guarantor.objects.filter(loan=loan, public_id=parse_public_id(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def collateral(*, loan: Loan, public_id) -> Collateral:
    found = Collateral.objects.filter(loan=loan, public_id=parse_public_id(public_id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class LoanFile:
    """Everything the loan page shows besides the loan itself."""

    installments: list[Installment]
    transactions: list[LoanTransaction]
    decisions: list[LoanDecision]
    guarantors: list[Guarantor]
    collaterals: list[Collateral]


def loan_file(*, loan: Loan) -> LoanFile:
    return LoanFile(
        installments=list(loan.installments.order_by("number")),
        transactions=list(loan.transactions.select_related("entry").order_by("date", "id")),
        decisions=list(loan.decisions.order_by("created_at", "id")),
        guarantors=list(loan.guarantors.select_related("member").order_by("id")),
        collaterals=list(loan.collaterals.order_by("id")),
    )


def overdue_amount(installments: Iterable[Installment], *, today: date) -> int:
    """What is due and unpaid on the installments due on or before `today`."""
    return sum(i.remaining for i in installments if i.due_date <= today and i.paid_on is None)


# --- reports ------------------------------------------------------------------------------------


@dataclass
class PortfolioRow:
    label: str
    count: int = 0
    principal: int = 0
    outstanding: int = 0


@dataclass
class Portfolio:
    by_product: list[PortfolioRow]
    by_status: list[tuple[str, PortfolioRow]]  # (status code, row)
    total: PortfolioRow


def portfolio(*, cooperative: Cooperative) -> Portfolio:
    """Count, principal and outstanding principal by product and by status (two queries)."""
    rows = Loan.objects.filter(cooperative=cooperative)
    by_product = [
        PortfolioRow(
            label=row["product__name"],
            count=row["n"],
            principal=row["principal_sum"] or 0,
            outstanding=row["outstanding_sum"] or 0,
        )
        for row in rows.values("product__name")
        .annotate(
            n=Count("id"),
            principal_sum=Sum("principal"),
            outstanding_sum=Sum("outstanding_principal"),
        )
        .order_by("product__name")
    ]
    found = {
        row["status"]: PortfolioRow(
            label=str(Loan.Status(row["status"]).label),
            count=row["n"],
            principal=row["principal_sum"] or 0,
            outstanding=row["outstanding_sum"] or 0,
        )
        for row in rows.values("status")
        .annotate(
            n=Count("id"),
            principal_sum=Sum("principal"),
            outstanding_sum=Sum("outstanding_principal"),
        )
        .order_by()
    }
    by_status = [(status, found[status]) for status in Loan.Status.values if status in found]
    total = PortfolioRow(
        label="",
        count=sum(r.count for r in by_product),
        principal=sum(r.principal for r in by_product),
        outstanding=sum(r.outstanding for r in by_product),
    )
    return Portfolio(by_product=by_product, by_status=by_status, total=total)


@dataclass
class ClassRow:
    collectibility: int
    count: int = 0
    outstanding: int = 0
    share: Decimal = Decimal(0)  # % of the outstanding principal


@dataclass
class BucketRow:
    low: int
    high: int | None
    count: int = 0
    outstanding: int = 0


@dataclass
class Aging:
    classes: list[ClassRow]
    buckets: list[BucketRow]
    outstanding: int
    npl: int  # outstanding principal in classes 3-5
    npl_ratio: Decimal | None  # % of the outstanding principal; None without active loans
    count: int = 0
    npl_count: int = 0


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def aging(*, cooperative: Cooperative) -> Aging:
    """Active loans by collectibility class (1..5) and by days past due, with the NPL ratio:
    the outstanding principal of classes 3-5 over the whole outstanding principal (two
    aggregate queries)."""
    active = Loan.objects.filter(cooperative=cooperative, status=Loan.Status.ACTIVE)
    per_class = {
        row["collectibility"]: row
        for row in active.values("collectibility")
        .annotate(n=Count("id"), total=Sum("outstanding_principal"))
        .order_by()
    }
    outstanding = sum(row["total"] or 0 for row in per_class.values())
    classes = []
    for number in range(1, 6):
        row = per_class.get(number, {})
        total = row.get("total") or 0
        classes.append(
            ClassRow(
                collectibility=number,
                count=row.get("n", 0),
                outstanding=total,
                share=_percent(total, outstanding) if outstanding else Decimal(0),
            )
        )
    aggregates: dict[str, Aggregate] = {}
    for index, (low, high) in enumerate(AGING_BUCKETS):
        condition = Q(days_past_due__gte=low)
        if high is not None:
            condition &= Q(days_past_due__lte=high)
        aggregates[f"n{index}"] = Count("id", filter=condition)
        aggregates[f"t{index}"] = Sum("outstanding_principal", filter=condition)
    sums = active.aggregate(**aggregates)
    buckets = [
        BucketRow(low=low, high=high, count=sums[f"n{i}"], outstanding=sums[f"t{i}"] or 0)
        for i, (low, high) in enumerate(AGING_BUCKETS)
    ]
    npl = sum(c.outstanding for c in classes if c.collectibility in NPL_CLASSES)
    return Aging(
        classes=classes,
        buckets=buckets,
        outstanding=outstanding,
        npl=npl,
        npl_ratio=_percent(npl, outstanding) if outstanding else None,
        count=sum(c.count for c in classes),
        npl_count=sum(c.count for c in classes if c.collectibility in NPL_CLASSES),
    )


@dataclass(frozen=True)
class ArrearsRow:
    loan: Loan
    member: Member
    overdue: int  # pokok + jasa due and unpaid
    installments: int  # how many installments are late
    oldest_due: date | None
    penalty: int

    @property
    def total(self) -> int:
        return self.overdue + self.penalty


def arrears(*, cooperative: Cooperative, today: date, limit: int = 500) -> list[ArrearsRow]:
    """Active loans with something overdue on `today` (an installment due and unpaid, or denda),
    most days past due first: two queries (the loans, their late installments)."""
    late = Installment.objects.filter(
        cooperative=cooperative, paid_on__isnull=True, due_date__lte=today
    ).order_by("due_date")
    rows = (
        Loan.objects.filter(cooperative=cooperative, status=Loan.Status.ACTIVE)
        .filter(
            Q(penalty_due__gt=0)
            | Q(installments__paid_on__isnull=True, installments__due_date__lte=today)
        )
        .distinct()
        .select_related("member", "product")
        .prefetch_related(Prefetch("installments", queryset=late, to_attr="late"))
        .order_by("-days_past_due", "member__full_name", "number")[:limit]
    )
    out = []
    for row in rows:
        late_rows = row.late  # the Prefetch's to_attr
        out.append(
            ArrearsRow(
                loan=row,
                member=row.member,
                overdue=sum(i.remaining for i in late_rows),
                installments=len(late_rows),
                oldest_due=late_rows[0].due_date if late_rows else None,
                penalty=row.penalty_due,
            )
        )
    return out


def member_loans(*, cooperative: Cooperative, member: Member) -> list[Loan]:
    """A member's loans with their schedule and money movements (the loan card): three queries."""
    return list(
        Loan.objects.filter(cooperative=cooperative, member=member)
        .select_related("product")
        .prefetch_related(
            Prefetch("installments", queryset=Installment.objects.order_by("number")),
            Prefetch("transactions", queryset=LoanTransaction.objects.order_by("date", "id")),
        )
        .order_by("-applied_on", "-id")
    )


def status_counts(*, cooperative: Cooperative) -> dict[str, int]:
    """Loans per status (the list's filter shows them)."""
    counts: dict[str, int] = defaultdict(int)
    for row in (
        Loan.objects.filter(cooperative=cooperative).values("status").annotate(n=Count("id"))
    ).order_by():
        counts[row["status"]] = row["n"]
    return dict(counts)
