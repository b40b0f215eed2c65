"""The supervisors' dashboard (`/pantau/`): indicators per cooperative and over a scope.

Every figure of every cooperative in the scope comes from a fixed number of set-based queries
(grouped by cooperative), whatever the number of cooperatives: the money from the monthly
snapshots (`ledger.AccountMonth`), never from a scan of the journal lines (only the year-end
closing entries' own lines are read, by their entries, as `ledger.statements` does), the rest
from each app's own tables with the rule its selectors use (`loans.reports.NPL_CLASSES`,
`savings.rules.collection_rate`, `rat.rules.deadline_state`, `ledger.selectors.
failing_verification`). docs/supervision-dashboard.md defines each indicator.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from kopdes.accounts.models import Employee
from kopdes.cooperatives.models import BusinessUnit, Cooperative, VillageProfile
from kopdes.core import clock
from kopdes.core.months import month_end, shift_month
from kopdes.ledger.models import (
    YEAR_END_SOURCE,
    Account,
    AccountMonth,
    Checkpoint,
    JournalEntry,
    JournalLine,
    Period,
)
from kopdes.ledger.selectors import failing_verification
from kopdes.loans.models import Loan
from kopdes.loans.reports import NPL_CLASSES
from kopdes.members.models import Member
from kopdes.rat import rules as rat_rules
from kopdes.rat.models import Meeting
from kopdes.rat.selectors import held_on
from kopdes.savings.models import Bill, Kind
from kopdes.savings.rules import collection_rate
from kopdes.supervision.models import Assessment, Predicate

# Own capital (modal sendiri) by source: the equity accounts of the fixed chart
# (ledger.rules.FIXED_ACCOUNTS). Any other equity account counts as "other"; the result not yet
# closed to 3-106 (income less expense of every year so far) as "result".
CAPITAL_SOURCES: dict[str, tuple[str, ...]] = {
    "pokok": ("3-101",),
    "wajib": ("3-102",),
    "hibah": ("3-103",),
    "cadangan": ("3-104", "3-105"),
    "retained": ("3-106",),
    "dana_desa": ("3-107",),
}
CAPITAL_SOURCE_LABELS = {
    "pokok": "Simpanan pokok",
    "wajib": "Simpanan wajib",
    "hibah": "Hibah/CSR",
    "cadangan": "Cadangan",
    "retained": "SHU belum dibagi",
    "dana_desa": "Modal penyertaan Dana Desa",
    "result": "SHU/defisit belum ditutup",
    "other": "Ekuitas lain",
}
# The members' savings (pokok and wajib as equity or, under a policy, as debt; sukarela) and
# the members' loans receivable, for the trend charts.
SAVINGS_ACCOUNTS = ("3-101", "3-102", "2-101", "2-111", "2-112")
LOANS_ACCOUNT = "1-103"
# A month counts as closed on time when its period was closed by this many days after its end.
CLOSE_ON_TIME_DAYS = 10
# How many ended months the "periods closed on time" indicator looks back over.
CLOSE_WINDOW_MONTHS = 12
TREND_MONTHS = 12

VERIFY_OK = "ok"
VERIFY_FAILING = "failing"
VERIFY_NONE = "none"  # no signed checkpoint yet

# The predicates from best to worst, for sorting.
PREDICATE_ORDER = {p: n for n, p in enumerate(Predicate.values)}

# Words a business line's kind serves beyond its own name (commodities are free text in the
# village profile: "padi", "ikan bandeng", "sapi"...).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "pertanian": (
        "padi",
        "beras",
        "jagung",
        "sayur",
        "sayuran",
        "buah",
        "kedelai",
        "singkong",
        "cabai",
        "kelapa",
        "tani",
        "pertanian",
        "hortikultura",
    ),
    "peternakan": ("sapi", "kambing", "domba", "ayam", "itik", "bebek", "telur", "ternak"),
    "pergudangan": ("ikan", "bandeng", "udang", "gabah", "beras", "padi", "hasil"),
    "pupuk": ("padi", "jagung", "sayur", "sayuran", "pupuk"),
    "sembako": ("beras", "gula", "minyak", "telur", "sembako"),
    "logistik": ("ikan", "bandeng", "udang", "sayur", "sayuran", "buah"),
}


@dataclass
class Figures:
    """One cooperative's indicators (or, for `Totals`, the scope's sums)."""

    members: int = 0
    employees: int = 0
    capital: dict[str, int] = field(default_factory=dict)  # by source (CAPITAL_SOURCE_LABELS)
    assets: int = 0
    revenue_ytd: int = 0
    shu_ytd: int = 0
    revenue_last_year: int = 0
    shu_last_year: int = 0
    wajib_billed: int = 0
    wajib_paid: int = 0
    loans_outstanding: int = 0
    npl: int = 0
    rat_held: bool = False
    rat_reported: bool = False
    periods_due: int = 0
    periods_on_time: int = 0

    @property
    def own_capital(self) -> int:
        return sum(self.capital.values())

    @property
    def collection_rate(self) -> Decimal | None:
        return collection_rate(billed=self.wajib_billed, paid=self.wajib_paid)

    @property
    def npl_ratio(self) -> Decimal | None:
        return percent(self.npl, self.loans_outstanding)


@dataclass
class Row(Figures):
    """A cooperative's line of the table."""

    id: int = 0
    public_id: str = ""
    name: str = ""
    code: str = ""  # the village's Kemendagri code (the cooperative's code on the pages)
    village: str = ""
    district_code: str = ""
    district: str = ""
    status: str = ""
    rat_state: str = ""  # rat.rules: on_time, held_late, held_overdue, due, late, overdue
    checkpoint_date: date | None = None
    checkpoint_age: int | None = None  # days since the latest signed checkpoint's day
    verification: str = VERIFY_NONE
    predicate: str = ""  # the current health assessment of the latest year assessed
    predicate_year: int | None = None
    business_lines: list[str] = field(default_factory=list)
    business_kinds: list[str] = field(default_factory=list)
    commodities: list[str] = field(default_factory=list)
    unserved: list[str] = field(default_factory=list)  # commodities no business line serves


@dataclass
class Totals(Figures):
    cooperatives: int = 0
    rat_due: int = 0  # cooperatives whose last fiscal year's RAT is due (founded before it)
    rat_held_count: int = 0
    rat_reported_count: int = 0
    verification_failing: int = 0
    no_checkpoint: int = 0
    stale_checkpoints: int = 0  # latest signed checkpoint older than STALE_DAYS
    predicates: dict[str, int] = field(default_factory=dict)


STALE_DAYS = 2


@dataclass
class TrendPoint:
    year: int
    month: int
    members: int
    savings: int
    loans_outstanding: int
    revenue: int


@dataclass
class Dashboard:
    today: date
    year: int  # this year (year to date)
    last_year: int  # the last fiscal year (its RAT, its SHU)
    rows: list[Row]
    totals: Totals


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^0-9a-z]+", text.lower()) if len(w) > 2}


def unserved_commodities(commodities: Iterable[str], lines: Iterable[tuple[str, str]]) -> list[str]:
    """The commodities no business line (name, kind) serves: a line serves a commodity when a
    word of the commodity is a word of the line's name or kind, or a word its kind serves
    (KIND_WORDS)."""
    served: set[str] = set()
    for name, kind in lines:
        served |= _words(name) | _words(kind) | set(KIND_WORDS.get(kind, ()))
    return [c for c in commodities if not (_words(c) & served)]


def scope_rows(cooperatives: QuerySet[Cooperative]) -> QuerySet[Cooperative]:
    return cooperatives.select_related("village__district").order_by("village_id", "pk")


def dashboard(cooperatives: QuerySet[Cooperative], *, today: date | None = None) -> Dashboard:
    """The indicators of every cooperative of `cooperatives` and their totals, in a fixed number
    of queries (pinned by `supervision/tests/test_dashboard.py`)."""
    today = today or clock.today()
    year, last_year = today.year, today.year - 1
    coops = list(scope_rows(cooperatives))
    rows: dict[int, Row] = {
        c.pk: Row(
            id=c.pk,
            public_id=str(c.public_id),
            name=c.name,
            code=c.village_id,
            village=c.village.name,
            district_code=c.village.district_id,
            district=c.village.district.name,
            status=c.status,
        )
        for c in coops
    }
    ids = list(rows)
    if ids:
        _money(rows, ids, year)
        _people(rows, ids)
        _savings_and_loans(rows, ids, year)
        _rat(rows, coops, last_year, today)
        _periods(rows, ids, today)
        _ledger_trust(rows, ids, today)
        _health(rows, ids)
        _business_lines(rows, ids)
    ordered = [rows[c.pk] for c in coops]
    return Dashboard(
        today=today,
        year=year,
        last_year=last_year,
        rows=ordered,
        totals=totals_of(ordered, coops, last_year),
    )


def _money(rows: dict[int, Row], ids: list[int], year: int) -> None:
    """Balances (assets, own capital by source, loans receivable) and results (revenue, SHU)
    from the snapshots: three queries."""
    group = Case(
        When(account__kind=Account.Kind.EQUITY, then=F("account__code")),
        When(account__code=LOANS_ACCOUNT, then=F("account__code")),
        default=Value(""),
        output_field=CharField(),
    )
    for cid, kind, code, debit, credit in (
        AccountMonth.objects.filter(cooperative_id__in=ids)
        .annotate(group=group)
        .values("cooperative_id", "account__kind", "group")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("cooperative_id", "account__kind", "group", "d", "c")
        .order_by()
    ):
        row = rows[cid]
        debit, credit = debit or 0, credit or 0
        if kind == Account.Kind.ASSET:
            row.assets += debit - credit
        elif kind == Account.Kind.EQUITY:
            source = next((s for s, codes in CAPITAL_SOURCES.items() if code in codes), "other")
            row.capital[source] = row.capital.get(source, 0) + credit - debit
        elif kind in (Account.Kind.INCOME, Account.Kind.EXPENSE):
            # every year's result not yet carried to SHU belum dibagi is own capital too
            row.capital["result"] = row.capital.get("result", 0) + credit - debit
    # Results of this year and last year, without the year-end closing entry (which zeroes
    # income and expense): as ledger.statements._result_movements.
    results: dict[tuple[int, int, str], int] = defaultdict(int)
    for cid, yr, kind, debit, credit in (
        AccountMonth.objects.filter(
            cooperative_id__in=ids,
            year__in=(year - 1, year),
            account__kind__in=(Account.Kind.INCOME, Account.Kind.EXPENSE),
        )
        .values("cooperative_id", "year", "account__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("cooperative_id", "year", "account__kind", "d", "c")
        .order_by()
    ):
        results[cid, yr, kind] += (credit or 0) - (debit or 0)
    for cid, yr, kind, debit, credit in (
        JournalLine.objects.filter(
            entry__in=JournalEntry.objects.filter(
                cooperative_id__in=ids,
                source_kind=YEAR_END_SOURCE,
                # always dated 31 December (ledger.year_end_close): the (cooperative, date)
                # index finds them without reading the other entries
                date__in=(date(year - 1, 12, 31), date(year, 12, 31)),
            ).values("pk"),
            account__kind__in=(Account.Kind.INCOME, Account.Kind.EXPENSE),
        )
        .annotate(yr=ExtractYear("date"))
        .values("cooperative_id", "yr", "account__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("cooperative_id", "yr", "account__kind", "d", "c")
        .order_by()
    ):
        results[cid, yr, kind] -= (credit or 0) - (debit or 0)
    for (cid, yr, kind), net in results.items():
        row = rows[cid]
        if kind == Account.Kind.INCOME:
            if yr == year:
                row.revenue_ytd += net
                row.shu_ytd += net
            else:
                row.revenue_last_year += net
                row.shu_last_year += net
        elif yr == year:
            row.shu_ytd += net
        else:
            row.shu_last_year += net


def _people(rows: dict[int, Row], ids: list[int]) -> None:
    """Active members, and employees (jobs created: active or on leave): two queries."""
    for cid, n in (
        Member.objects.filter(cooperative_id__in=ids, status=Member.Status.ACTIVE)
        .values("cooperative_id")
        .annotate(n=Count("id"))
        .values_list("cooperative_id", "n")
        .order_by()
    ):
        rows[cid].members = n
    for cid, n in (
        Employee.objects.filter(cooperative_id__in=ids)
        .exclude(status=Employee.Status.ENDED)
        .values("cooperative_id")
        .annotate(n=Count("id"))
        .values_list("cooperative_id", "n")
        .order_by()
    ):
        rows[cid].employees = n


def _savings_and_loans(rows: dict[int, Row], ids: list[int], year: int) -> None:
    """Wajib bills of this year billed and paid (cancelled ones left out, as
    savings.selectors.collection), and active loans' outstanding principal with its
    non-performing part (loans.reports.aging): two queries."""
    for cid, billed, paid in (
        Bill.objects.filter(
            cooperative_id__in=ids,
            kind=Kind.WAJIB,
            period__gte=f"{year}-01",
            period__lte=f"{year}-12",
        )
        .exclude(status=Bill.Status.CANCELLED)
        .values("cooperative_id")
        .annotate(b=Sum("amount"), p=Sum("paid_amount"))
        .values_list("cooperative_id", "b", "p")
        .order_by()
    ):
        rows[cid].wajib_billed, rows[cid].wajib_paid = billed or 0, paid or 0
    for cid, total, npl in (
        Loan.objects.filter(cooperative_id__in=ids, status=Loan.Status.ACTIVE)
        .values("cooperative_id")
        .annotate(
            t=Sum("outstanding_principal"),
            n=Sum("outstanding_principal", filter=Q(collectibility__in=NPL_CLASSES)),
        )
        .values_list("cooperative_id", "t", "n")
        .order_by()
    ):
        rows[cid].loans_outstanding, rows[cid].npl = total or 0, npl or 0


def _rat(rows: dict[int, Row], coops: list[Cooperative], fiscal_year: int, today: date) -> None:
    """The RAT of the last fiscal year: held (in session or closed), reported (closed: the
    minutes recorded), and its deadline state (rat.selectors.deadlines' rule): one query."""
    meetings: dict[int, Meeting] = {}
    for meeting in (
        Meeting.objects.filter(
            cooperative_id__in=list(rows), kind=Meeting.Kind.RAT, fiscal_year=fiscal_year
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("scheduled_at")
    ):
        current = meetings.get(meeting.cooperative_id)
        if current is None or (held_on(meeting) and not held_on(current)):
            meetings[meeting.cooperative_id] = meeting
    for cooperative in coops:
        row = rows[cooperative.pk]
        if cooperative.founded_on and cooperative.founded_on.year > fiscal_year:
            continue  # no RAT due yet
        found = meetings.get(cooperative.pk)
        held = held_on(found) if found else None
        row.rat_held = held is not None
        row.rat_reported = found is not None and found.status == Meeting.Status.CLOSED
        row.rat_state = rat_rules.deadline_state(
            deadline=found.deadline if found else rat_rules.default_deadline(fiscal_year),
            limit=rat_rules.legal_limit(fiscal_year),
            held_on=held,
            today=today,
        )


def _periods(rows: dict[int, Row], ids: list[int], today: date) -> None:
    """Of the last CLOSE_WINDOW_MONTHS ended months (from the first month with postings), how
    many were closed within CLOSE_ON_TIME_DAYS of their end: two queries."""
    last = shift_month(today.year, today.month, -1)
    window_start = shift_month(today.year, today.month, -CLOSE_WINDOW_MONTHS)
    firsts: dict[int, tuple[int, int]] = {}  # each cooperative's first month with postings
    for cid, y, m in (
        AccountMonth.objects.filter(cooperative_id__in=ids)
        .values("cooperative_id", "year")
        .annotate(m=Min("month"))
        .values_list("cooperative_id", "year", "m")
        .order_by()
    ):
        if cid not in firsts or (y, m) < firsts[cid]:
            firsts[cid] = (y, m)
    closed: dict[int, dict[tuple[int, int], date]] = defaultdict(dict)
    for cid, y, m, at in Period.objects.filter(
        cooperative_id__in=ids,
        status=Period.Status.CLOSED,
        year__gte=window_start[0],
    ).values_list("cooperative_id", "year", "month", "closed_at"):
        if at is not None:
            closed[cid][y, m] = timezone.localdate(at)
    for cid, row in rows.items():
        begin = firsts.get(cid)
        if begin is None:
            continue
        month = max(begin, window_start)
        while month <= last:
            row.periods_due += 1
            when = closed[cid].get(month)
            if when is not None and when <= month_end(*month) + timedelta(days=CLOSE_ON_TIME_DAYS):
                row.periods_on_time += 1
            month = shift_month(month[0], month[1], 1)


def _ledger_trust(rows: dict[int, Row], ids: list[int], today: date) -> None:
    """The latest signed checkpoint's day and age, and the verification status
    (ledger.selectors.failing_verification): three queries."""
    for cid, day in (
        Checkpoint.objects.filter(cooperative_id__in=ids)
        .values("cooperative_id")
        .annotate(last=Max("date"))
        .values_list("cooperative_id", "last")
        .order_by()
    ):
        rows[cid].checkpoint_date = day
        rows[cid].checkpoint_age = (today - day).days
        rows[cid].verification = VERIFY_OK
    for cid in failing_verification(cooperative_ids=ids):
        rows[cid].verification = VERIFY_FAILING


def _health(rows: dict[int, Row], ids: list[int]) -> None:
    """The current assessment of the latest year assessed: one query."""
    for cid, year, predicate in (
        Assessment.objects.filter(cooperative_id__in=ids, is_current=True)
        .order_by("cooperative_id", "-year")
        .values_list("cooperative_id", "year", "predicate")
    ):
        row = rows[cid]
        if row.predicate_year is None:
            row.predicate, row.predicate_year = predicate, year


def _business_lines(rows: dict[int, Row], ids: list[int]) -> None:
    """Active business units beside the village profile's leading commodities: two queries."""
    lines: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, name, kind in (
        BusinessUnit.objects.filter(cooperative_id__in=ids, is_active=True)
        .order_by("cooperative_id", "code")
        .values_list("cooperative_id", "name", "kind")
    ):
        lines[cid].append((name, kind))
        rows[cid].business_lines.append(name)
        rows[cid].business_kinds.append(kind)
    for cid, commodities in VillageProfile.objects.filter(cooperative_id__in=ids).values_list(
        "cooperative_id", "leading_commodities"
    ):
        found = [str(c).strip() for c in commodities or [] if str(c).strip()]
        rows[cid].commodities = found
        rows[cid].unserved = unserved_commodities(found, lines[cid])


def totals_of(rows: list[Row], coops: list[Cooperative], last_year: int) -> Totals:
    totals = Totals(cooperatives=len(rows))
    for row in rows:
        totals.members += row.members
        totals.employees += row.employees
        for source, amount in row.capital.items():
            totals.capital[source] = totals.capital.get(source, 0) + amount
        totals.assets += row.assets
        totals.revenue_ytd += row.revenue_ytd
        totals.shu_ytd += row.shu_ytd
        totals.revenue_last_year += row.revenue_last_year
        totals.shu_last_year += row.shu_last_year
        totals.wajib_billed += row.wajib_billed
        totals.wajib_paid += row.wajib_paid
        totals.loans_outstanding += row.loans_outstanding
        totals.npl += row.npl
        totals.periods_due += row.periods_due
        totals.periods_on_time += row.periods_on_time
        if row.rat_state:
            totals.rat_due += 1
        totals.rat_held_count += row.rat_held
        totals.rat_reported_count += row.rat_reported
        totals.verification_failing += row.verification == VERIFY_FAILING
        totals.no_checkpoint += row.checkpoint_date is None
        if row.checkpoint_age is not None and row.checkpoint_age > STALE_DAYS:
            totals.stale_checkpoints += 1
        key = row.predicate or ""
        totals.predicates[key] = totals.predicates.get(key, 0) + 1
    return totals


def trends(
    cooperatives: QuerySet[Cooperative], *, today: date | None = None, months: int = TREND_MONTHS
) -> list[TrendPoint]:
    """The scope's monthly figures over the last `months` months (this one included): active
    members at each month's end, members' savings and loans receivable at each month's end (from
    the snapshots, every month since the beginning summed), and the month's revenue (income, the
    year-end closing entry left out). Three queries. A member counts at a month's end when they
    had joined by then and were active then: active today, or ended after it."""
    today = today or clock.today()
    ids = cooperatives.values("pk")
    span = [shift_month(today.year, today.month, -n) for n in range(months - 1, -1, -1)]
    group = Case(
        When(account__kind=Account.Kind.INCOME, then=Value("income")),
        When(account__code__in=SAVINGS_ACCOUNTS, then=Value("savings")),
        When(account__code=LOANS_ACCOUNT, then=Value("loans")),
        default=Value(""),
        output_field=CharField(),
    )
    moved: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for y, m, key, debit, credit in (
        AccountMonth.objects.filter(cooperative_id__in=ids, year__lte=today.year)
        .annotate(group=group)
        .exclude(group="")
        .values("year", "month", "group")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("year", "month", "group", "d", "c")
        .order_by()
    ):
        sign = 1 if key == "loans" else -1  # loans: debit balance; savings, income: credit
        moved[y, m][key] += sign * ((debit or 0) - (credit or 0))
    for y, debit, credit in (
        JournalLine.objects.filter(
            entry__in=JournalEntry.objects.filter(
                cooperative_id__in=ids,
                source_kind=YEAR_END_SOURCE,
                date__in=[date(y, 12, 31) for y in range(span[0][0], today.year + 1)],
            ).values("pk"),
            account__kind=Account.Kind.INCOME,
        )
        .annotate(y=ExtractYear("date"))
        .values("y")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("y", "d", "c")
        .order_by()
    ):
        moved[y, 12]["income"] += (debit or 0) - (credit or 0)  # the close debits income
    counts = Member.objects.filter(cooperative_id__in=ids).aggregate(
        **{
            f"m{n}": Count(
                "id",
                filter=Q(joined_on__lte=month_end(*ym))
                & (
                    Q(status=Member.Status.ACTIVE, ended_on__isnull=True)
                    | Q(ended_on__gt=month_end(*ym))
                ),
            )
            for n, ym in enumerate(span)
        }
    )
    points = []
    savings = loans = 0
    for ym in sorted(k for k in moved if k < span[0]):
        savings += moved[ym]["savings"]
        loans += moved[ym]["loans"]
    for n, ym in enumerate(span):
        savings += moved[ym]["savings"]
        loans += moved[ym]["loans"]
        points.append(
            TrendPoint(
                year=ym[0],
                month=ym[1],
                members=counts[f"m{n}"],
                savings=savings,
                loans_outstanding=loans,
                revenue=moved[ym]["income"],
            )
        )
    return points


# -- the table: filters and sorting (on the computed rows) --------------------------------------

SORT_KEYS = {
    "name": lambda r: (r.name.lower(),),
    "code": lambda r: (r.code,),
    "district": lambda r: (r.district, r.name.lower()),
    "members": lambda r: (r.members,),
    "employees": lambda r: (r.employees,),
    "own_capital": lambda r: (r.own_capital,),
    "assets": lambda r: (r.assets,),
    "revenue_ytd": lambda r: (r.revenue_ytd,),
    "shu_ytd": lambda r: (r.shu_ytd,),
    "shu_last_year": lambda r: (r.shu_last_year,),
    "collection_rate": lambda r: (r.collection_rate is not None, r.collection_rate or 0),
    "loans_outstanding": lambda r: (r.loans_outstanding,),
    "npl_ratio": lambda r: (r.npl_ratio is not None, r.npl_ratio or 0),
    "rat": lambda r: (r.rat_reported, r.rat_held),
    "periods": lambda r: (r.periods_on_time, -r.periods_due),
    "checkpoint_age": lambda r: (r.checkpoint_age is None, r.checkpoint_age or 0),
    "predicate": lambda r: (PREDICATE_ORDER.get(r.predicate, len(PREDICATE_ORDER)),),
}
# Indicators a threshold filter may compare (at least / at most a number).
THRESHOLD_FIELDS = (
    "members",
    "employees",
    "own_capital",
    "assets",
    "collection_rate",
    "npl_ratio",
    "loans_outstanding",
    "checkpoint_age",
)


def indicator_value(row: Figures, name: str) -> int | Decimal | None:
    value = getattr(row, name)
    return value if value is None or isinstance(value, int | Decimal) else None


def filter_rows(
    rows: list[Row],
    *,
    predicate: str = "",
    indicator: str = "",
    at_least: Decimal | None = None,
    at_most: Decimal | None = None,
) -> list[Row]:
    """The rows with the health predicate `predicate` ("none": not assessed) and the indicator's
    value within [at_least, at_most] (a row without a value is left out once a bound is set)."""
    out = rows
    if predicate == "none":
        out = [r for r in out if not r.predicate]
    elif predicate:
        out = [r for r in out if r.predicate == predicate]
    if indicator in THRESHOLD_FIELDS and (at_least is not None or at_most is not None):
        kept = []
        for row in out:
            value = indicator_value(row, indicator)
            if value is None:
                continue
            if at_least is not None and value < at_least:
                continue
            if at_most is not None and value > at_most:
                continue
            kept.append(row)
        out = kept
    return out


def sort_rows(rows: list[Row], key: str, descending: bool = False) -> list[Row]:
    by = SORT_KEYS.get(key, SORT_KEYS["code"])
    return sorted(rows, key=lambda r: (*by(r), r.code), reverse=descending)


def search(cooperatives: QuerySet[Cooperative], query: str, district: str) -> QuerySet[Cooperative]:
    """The cooperatives whose name, village, kecamatan or code contains `query` (any case), in
    kecamatan `district` when given."""
    query = query.strip()
    if query:
        cooperatives = cooperatives.filter(
            Q(name__icontains=query)
            | Q(village__name__icontains=query)
            | Q(village__district__name__icontains=query)
            | Q(village__code__startswith=query)
        )
    if district:
        cooperatives = cooperatives.filter(village__district_id=district)
    return cooperatives


# -- the map: an aggregate per kecamatan --------------------------------------------------------

MAP_INDICATORS = (
    "cooperatives",
    "members",
    "employees",
    "own_capital",
    "assets",
    "revenue_ytd",
    "loans_outstanding",
    "collection_rate",
    "npl_ratio",
)


@dataclass
class DistrictFigures:
    code: str
    name: str
    rows: list[Row] = field(default_factory=list)

    def value(self, indicator: str) -> int | Decimal | None:
        if indicator == "cooperatives":
            return len(self.rows)
        if indicator == "collection_rate":
            return collection_rate(
                billed=sum(r.wajib_billed for r in self.rows),
                paid=sum(r.wajib_paid for r in self.rows),
            )
        if indicator == "npl_ratio":
            return percent(
                sum(r.npl for r in self.rows), sum(r.loans_outstanding for r in self.rows)
            )
        total = 0
        for row in self.rows:
            total += int(getattr(row, indicator))
        return total


def by_district(rows: list[Row]) -> dict[str, DistrictFigures]:
    out: dict[str, DistrictFigures] = {}
    for row in rows:
        out.setdefault(row.district_code, DistrictFigures(row.district_code, row.district))
        out[row.district_code].rows.append(row)
    return out
