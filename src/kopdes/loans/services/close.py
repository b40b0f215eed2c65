"""The loans' daily close (issue 11.6): days past due, collectibility, denda accrual, and at a
month's end the provision journal. The pure rules are kopdes.loans.collectibility.

`loans_close_day(cooperative=, day=)` closes every day from the one after the last closed day
(or the first disbursement, on the first run) through `day`, in order, in one transaction:

* it reads the cooperative's active loans and their installments due before `day` that are not
  fully paid (two queries, whatever the number of loans);
* for each day, each loan's days past due, class and the day's denda (rules);
* it writes the loans that changed with one set-based UPDATE ... FROM (VALUES) per batch
  (core.bulk.update_columns; denda is ADDED to `penalty_due`, so a repayment committed at the
  same moment never loses rupiah), a LoanEvent per class change, one LoanDayClose row per day
  and one audit row: no row per loan per day;
* at a month's last day it posts the provision (`loans_provision_post`), with the classes of that
  day, unless the month is already closed in the ledger (its books are final; then it is left
  out and reported).

A day already closed changes nothing (the LoanDayClose row). Days past due and the denda of a
caught-up day are computed from the installments as they stand now (a repayment made on a
missed day counts from that day on, not before it).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from kopdes.cooperatives.models import Cooperative
from kopdes.core import bulk, clock, months
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger import services as ledger
from kopdes.loans import collectibility as rules
from kopdes.loans.errors import CloseDayNotOver, InvalidProvisionMonth, InvalidScheme
from kopdes.loans.models import (
    Collateral,
    CollectibilityScheme,
    Installment,
    Loan,
    LoanDayClose,
    LoanEvent,
    LoanProduct,
    ProvisionRun,
)

ALLOWANCE = "1-104"  # cadangan kerugian piutang (contra asset)
SYSTEM = "system"


@dataclass
class CloseResult:
    cooperative_id: int
    days: list[date] = field(default_factory=list)  # the days this call closed, in order
    loans: int = 0  # active loans at the close
    overdue: int = 0  # of them past due on the last day
    penalty_accrued: int = 0
    class_changes: int = 0
    provisions: list[ProvisionRun] = field(default_factory=list)
    provisions_skipped: list[str] = field(default_factory=list)  # months closed in the ledger


def scheme_for(cooperative: Cooperative) -> rules.Scheme:
    """The cooperative's collectibility scheme: its own, or the default of domain.md."""
    stored = (
        CollectibilityScheme.objects.filter(cooperative=cooperative)
        .values_list("classes", flat=True)
        .first()
    )
    return rules.DEFAULT_SCHEME if stored is None else rules.Scheme.from_json(stored)


def loans_collectibility_configure(
    *, actor: Actor, cooperative: Cooperative, classes: list[dict]
) -> CollectibilityScheme:
    """Set the cooperative's collectibility scheme (five classes: the first day past due of each
    and its provision rate). Applies from the next close. Raises InvalidScheme."""
    try:
        scheme = rules.Scheme.from_json(classes)
    except rules.InvalidScheme as bad:
        raise InvalidScheme(reason=str(bad)) from None
    with transaction.atomic():
        before = scheme_for(cooperative).to_json()
        row, _created = CollectibilityScheme.objects.update_or_create(
            cooperative=cooperative,
            defaults={"classes": scheme.to_json(), "actor_label": actor_label(actor)},
        )
        audit_record(
            actor=actor,
            action="loans.collectibility_configure",
            obj=row,
            before={"classes": before},
            after={"classes": scheme.to_json()},
        )
    return row


def loans_close_day(*, cooperative: Cooperative, day: date) -> CloseResult:
    """Close the cooperative's loans through `day` (catching up missed days). Idempotent.
    Raises CloseDayNotOver for today or later."""
    if day >= clock.today():
        raise CloseDayNotOver(day=day.isoformat())
    result = CloseResult(cooperative_id=cooperative.pk)
    with transaction.atomic():
        last = LoanDayClose.objects.filter(cooperative=cooperative).order_by("-day").first()
        if last is not None and last.day >= day:
            return result
        if last is not None:
            first = last.day + timedelta(days=1)
        else:
            started = Loan.objects.filter(
                cooperative=cooperative, disbursed_on__isnull=False
            ).aggregate(first=Min("disbursed_on"))["first"]
            first = min(started, day) if started is not None else day
        _close(cooperative, first, day, result)
    return result


def _close(cooperative: Cooperative, first: date, last: date, result: CloseResult) -> None:
    scheme = scheme_for(cooperative)
    penalties = {
        pk: (method, Decimal(rate), amount)
        for pk, method, rate, amount in LoanProduct.objects.filter(
            cooperative=cooperative
        ).values_list("pk", "penalty_method", "penalty_rate", "penalty_amount")
    }
    active = Loan.objects.filter(cooperative=cooperative, status=Loan.Status.ACTIVE)
    count = active.count()
    # The loans the close must look at: those with an installment due before the last day and
    # not fully paid, and those still marked late (they may be current again). Every other
    # active loan is current and stays so (0 days, class 1, no denda): it is not read.
    # One row per loan for its installments already late before the first day closed (their
    # oldest due date, their unpaid sum, their number) and one per due date from then on: in a
    # single day's close, at most two rows per late loan, summed by the database.
    dues: dict[int, list[rules.Due]] = defaultdict(list)
    stored: dict[int, tuple[int, int]] = {}
    product_of: dict[int, int] = {}
    older = first - timedelta(days=1)
    open_dues = (
        Installment.objects.filter(
            cooperative=cooperative,
            loan__status=Loan.Status.ACTIVE,
            paid_on__isnull=True,
            due_date__lt=last,
        )
        .annotate(unpaid=F("principal") + F("interest") - F("paid_principal") - F("paid_interest"))
        .filter(unpaid__gt=0)
        .annotate(
            bucket=Case(
                When(due_date__lt=older, then=Value(date(1, 1, 1))),
                default=F("due_date"),
                output_field=DateField(),
            )
        )
        .values(
            "loan_id", "loan__product_id", "loan__days_past_due", "loan__collectibility", "bucket"
        )
        .annotate(oldest=Min("due_date"), owed=Sum("unpaid"), n=Count("id"))
        .order_by()
    )
    for loan_id, product_id, dpd, cls, _bucket, oldest, amount, n in _rows(open_dues):
        dues[loan_id].append(rules.Due(_day(oldest), int(amount), int(n)))
        stored[loan_id], product_of[loan_id] = (dpd, cls), product_id
    late_dues = Installment.objects.filter(
        loan_id=OuterRef("pk"), paid_on__isnull=True, due_date__lt=last
    )
    for pk, dpd, cls in (
        active.filter(Q(days_past_due__gt=0) | ~Q(collectibility=1))
        .filter(~Exists(late_dues))
        .values_list("pk", "days_past_due", "collectibility")
    ):
        stored.setdefault(pk, (dpd, cls))
    state = {pk: [dpd, cls, 0] for pk, (dpd, cls) in stored.items()}  # dpd, class, denda added
    events: list[LoanEvent] = []
    closes: list[LoanDayClose] = []
    now = timezone.now()
    day = first
    while day <= last:
        accrued = changes = overdue = 0
        for pk, row in state.items():
            mine = dues.get(pk)
            denda: int = 0
            if mine:
                dpd = rules.days_past_due(mine, on=day)
                method, rate, amount = penalties[product_of[pk]]
                denda = rules.penalty_for_day(mine, on=day, method=method, rate=rate, amount=amount)
            else:
                dpd = 0
            number = scheme.classify(dpd)
            if number != row[1]:
                events.append(
                    LoanEvent(
                        cooperative_id=cooperative.pk,
                        loan_id=pk,
                        kind="collectibility",
                        data={
                            "from": row[1],
                            "to": number,
                            "day": day.isoformat(),
                            "days_past_due": dpd,
                        },
                        actor_label=SYSTEM,
                        created_at=now,
                    )
                )
                changes += 1
            row[0], row[1], row[2] = dpd, number, row[2] + denda
            accrued += denda
            overdue += dpd > 0
        closes.append(
            LoanDayClose(
                cooperative_id=cooperative.pk,
                day=day,
                loans=count,
                overdue_loans=overdue,
                penalty_accrued=accrued,
                class_changes=changes,
                created_at=now,
            )
        )
        result.days.append(day)
        result.penalty_accrued += accrued
        result.class_changes += changes
        result.overdue = overdue
        if (day + timedelta(days=1)).day == 1:
            _month_end(cooperative, day, {pk: row[1] for pk, row in state.items()}, result)
        day += timedelta(days=1)

    bulk.update_columns(
        Loan,
        ("days_past_due", "collectibility", "penalty_due"),
        [
            (pk, dpd, cls, denda)
            for pk, (dpd, cls, denda) in state.items()
            if denda or (dpd, cls) != stored[pk]
        ],
        add=("penalty_due",),
    )
    if events:
        make = bulk.row_maker(LoanEvent)
        bulk.insert(LoanEvent, [make(event) for event in events])
    LoanDayClose.objects.bulk_create(closes)
    result.loans = count
    audit_record(
        actor=None,
        action="loans.close_day",
        object_type="loans.loandayclose",
        object_id=last.isoformat(),
        cooperative_id=cooperative.pk,
        after={
            "from": first.isoformat(),
            "through": last.isoformat(),
            "loans": result.loans,
            "overdue": result.overdue,
            "penalty_accrued": result.penalty_accrued,
            "class_changes": result.class_changes,
            "provisions": [run.month for run in result.provisions],
            "provisions_skipped": result.provisions_skipped,
        },
    )


def _rows(query: QuerySet) -> list[tuple]:
    """A values_list query's rows as the database returns them: the ORM's per-value converters
    (dates on SQLite) cost more than the close itself over tens of thousands of rows."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _month_end(
    cooperative: Cooperative, day: date, classes: Mapping[int, int], result: CloseResult
) -> None:
    month = months.month_text(day.year, day.month)
    closed = ledger_selectors.closed_through(cooperative=cooperative)
    if closed is not None and day <= closed:
        result.provisions_skipped.append(month)
        return
    result.provisions.append(
        loans_provision_post(actor=None, cooperative=cooperative, month=month, classes=classes)
    )


def allowance_balance(*, cooperative: Cooperative, on: date | None = None) -> int:
    """The credit balance of 1-104 (cadangan kerugian piutang) through `on` (all by default)."""
    balances = ledger_selectors.account_balances(cooperative=cooperative, codes=[ALLOWANCE], on=on)
    return -balances.get(ALLOWANCE, 0)


def loans_provision_post(
    *,
    actor: Actor,
    cooperative: Cooperative,
    month: str,
    classes: Mapping[int, int] | None = None,
) -> ProvisionRun:
    """The month-end provision (PPAP/CKPN): the allowance the active loans need by class (the
    class rate of the outstanding principal after recognised collateral), posted as one entry
    moving 1-104 from its balance to that amount (event "loan.provision", key "increase" or
    "decrease"; none when it is already there), dated the month's last day. Once per month: a
    second call returns the first run. `classes` (loan id -> class) are the classes of that day
    when the close passes them; otherwise each loan's stored class. Raises
    InvalidProvisionMonth for a month not yet over, and the ledger's PeriodClosed."""
    try:
        year, number = months.parse_month(month)
    except ValueError:
        raise InvalidProvisionMonth() from None
    day = months.month_end(year, number)
    if day >= clock.today():
        raise InvalidProvisionMonth()
    with transaction.atomic():
        done = ProvisionRun.objects.filter(cooperative=cooperative, month=month).first()
        if done is not None:
            return done
        scheme = scheme_for(cooperative)
        loans = list(
            Loan.objects.filter(
                cooperative=cooperative, status=Loan.Status.ACTIVE, disbursed_on__lte=day
            ).values_list("pk", "collectibility", "outstanding_principal")
        )
        collateral = dict(
            Collateral.objects.filter(
                cooperative=cooperative,
                loan__status=Loan.Status.ACTIVE,
                loan__disbursed_on__lte=day,
            )
            .values("loan_id")
            .annotate(total=Sum("recognised_value"))
            .values_list("loan_id", "total")
        )
        per_loan = [
            (
                classes.get(pk, stored) if classes is not None else stored,
                outstanding,
                collateral.get(pk) or 0,
            )
            for pk, stored, outstanding in loans
        ]
        totals = rules.provision_by_class(per_loan, scheme=scheme)
        required = sum(t.required for t in totals)
        previous = allowance_balance(cooperative=cooperative, on=day)
        change = required - previous
        entry = None
        if change:
            entry = ledger.post_event(
                cooperative=cooperative,
                event="loan.provision",
                key="increase" if change > 0 else "decrease",
                amounts={"amount": abs(change)},
                date=day,
                memo=f"Cadangan kerugian piutang pinjaman {month}",
                source_id=month,
                actor=actor,
            )
        run = ProvisionRun.objects.create(
            cooperative=cooperative,
            month=month,
            day=day,
            required=required,
            previous=previous,
            by_class=[
                {
                    "class": t.number,
                    "loans": t.loans,
                    "outstanding": t.outstanding,
                    "collateral": t.collateral,
                    "percent": str(t.percent),
                    "required": t.required,
                }
                for t in totals
            ],
            entry=entry,
            actor_label=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="loans.provision_post",
            obj=run,
            after={
                "month": month,
                "required": required,
                "previous": previous,
                "entry": entry.number if entry is not None else None,
            },
        )
    return run
