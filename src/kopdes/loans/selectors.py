"""Reads of loans for one cooperative."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger.models import JournalLine
from kopdes.loans.models import Installment, Loan, LoanTransaction, ProvisionRun

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


def _balances(cooperative: Cooperative, on: date | None) -> dict[str, int]:
    """Debit minus credit of the four accounts through `on` (all dates by default)."""
    lines = JournalLine.objects.filter(
        cooperative=cooperative, account__code__in=[RECEIVABLE, ALLOWANCE, INTEREST, PENALTY]
    )
    if on is not None:
        lines = lines.filter(date__lte=on)
    return {
        row["account__code"]: (row["d"] or 0) - (row["c"] or 0)
        for row in lines.values("account__code").annotate(d=Sum("debit"), c=Sum("credit"))
    }


def loans_reconcile(*, cooperative: Cooperative, on: date | None = None) -> list[ReconcileRow]:
    """The loans against the GL, through `on` (everything by default); every difference must be
    zero:

    * piutang pinjaman (1-103): the loans' outstanding principal (the stored balances; through a
      past `on`, the disbursed principal less the principal repaid by then) against 1-103;
    * cadangan kerugian piutang (1-104): the allowance of the last provision run (through `on`)
      against 1-104's credit balance;
    * jasa (4-102) and denda (4-302) received: the repayments' and payoffs' interest and
      penalties against those income accounts.
    """
    gl = _balances(cooperative, on)
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
