"""The financial statements (Permenkop 2/2024; docs/domain.md §3), built from the snapshots.

Invariant 9, reports read snapshots: every balance is the sum of the monthly snapshots
(`AccountMonth`) of the months a report covers whole, plus the journal lines of at most the two
months it covers in part (a report that starts or ends mid-month), read through the
(cooperative, account, date) index. No statement scans the whole journal. Three read journal
lines by design, bounded by their period: the Buku Besar (one account's lines), the Laporan Arus
Kas (the period's cash lines and the other lines of their entries, split gross by
`entry_cash_flows`) and the savings note of the Catatan atas Laporan Keuangan (the period's
lines of the savings control accounts, summed per source in the database).

Signs: a `net` is debit minus credit. A statement shows an amount on the side where its section
grows (assets debit, liabilities and equity credit, income credit, expenses debit), so contra
accounts come out negative and are subtracted by the sums. Amounts are whole rupiah ints.

Every builder returns frozen dataclasses, with the comparative previous period of the same
length (`previous`); the builders only read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import business_units, policy_in_force
from kopdes.core.months import month_end, shift_month
from kopdes.ledger.models import (
    YEAR_END_SOURCE,
    Account,
    AccountMonth,
    JournalEntry,
    JournalLine,
    Period,
)
from kopdes.ledger.selectors import last_closed_period

MONTHS_ID = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
QUARTERS_ID = ("", "I", "II", "III", "IV")

CASH_FLOW_TITLES = {
    Account.CashFlow.OPERATING: "Arus kas dari aktivitas operasi",
    Account.CashFlow.INVESTING: "Arus kas dari aktivitas investasi",
    Account.CashFlow.FINANCING: "Arus kas dari aktivitas pendanaan",
}


def date_id(day: date) -> str:
    """`31 Maret 2026`: dates in the statements are written the Indonesian way."""
    return f"{day.day} {MONTHS_ID[day.month]} {day.year}"


# -- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A month, a quarter or a year, possibly cut short at `end` (a report up to a given day)."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int  # the month (1-12) or the quarter (1-4); 0 for a year

    end_day: date | None = None  # None: the period's last day

    KINDS = ("month", "quarter", "year")

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1900 <= self.year <= 9998:
            raise ValueError("year out of range")
        limit = {"month": 12, "quarter": 4, "year": 0}[self.kind]
        if (self.kind == "year" and self.number != 0) or (
            self.kind != "year" and not 1 <= self.number <= limit
        ):
            raise ValueError("period number out of range")
        if self.end_day is not None and not self.start <= self.end_day <= self.full_end:
            raise ValueError("the end day lies outside the period")

    @classmethod
    def month(cls, year: int, month: int, end: date | None = None) -> ReportPeriod:
        return cls("month", year, month, end)

    @classmethod
    def quarter(cls, year: int, quarter: int, end: date | None = None) -> ReportPeriod:
        return cls("quarter", year, quarter, end)

    @classmethod
    def whole_year(cls, year: int, end: date | None = None) -> ReportPeriod:
        return cls("year", year, 0, end)

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def first_month(self) -> int:
        return {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def full_end(self) -> date:
        year, month = shift_month(self.year, self.first_month, self.months - 1)
        return month_end(year, month)

    @property
    def end(self) -> date:
        return self.end_day or self.full_end

    @property
    def is_cut_short(self) -> bool:
        return self.end != self.full_end

    @property
    def title(self) -> str:
        """`Maret 2026`, `Triwulan I 2026`, `Tahun 2026`; a period cut short says what it covers
        (`Januari s.d. Oktober 2026`, `1 s.d. 15 Maret 2026`), never the whole year's name."""
        if self.is_cut_short:
            first, end = self.start, self.end
            if end == month_end(end.year, end.month):  # whole months
                if first.month == end.month:
                    return f"{MONTHS_ID[end.month]} {self.year}"
                return f"{MONTHS_ID[first.month]} s.d. {MONTHS_ID[end.month]} {self.year}"
            if first.month == end.month:
                return f"{first.day} s.d. {date_id(end)}"
            return f"{date_id(first)} s.d. {date_id(end)}"
        if self.kind == "month":
            return f"{MONTHS_ID[self.number]} {self.year}"
        if self.kind == "quarter":
            return f"Triwulan {QUARTERS_ID[self.number]} {self.year}"
        return f"Tahun {self.year}"

    @property
    def label(self) -> str:
        """`1 Januari 2026 s.d. 31 Maret 2026`: the dates the figures cover."""
        return f"{date_id(self.start)} s.d. {date_id(self.end)}"

    def previous(self) -> ReportPeriod:
        """The period of the same length just before; cut short by as many days if this one is."""
        year, first = shift_month(self.year, self.first_month, -self.months)
        number = {"month": first, "quarter": (first + 2) // 3, "year": 0}[self.kind]
        earlier = ReportPeriod(self.kind, year, number)
        if not self.is_cut_short:
            return earlier
        end = min(earlier.start + (self.end - self.start), earlier.full_end)
        return ReportPeriod(self.kind, year, number, None if end == earlier.full_end else end)


# -- the chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountInfo:
    id: int
    code: str
    name: str
    kind: str
    contra: bool
    is_header: bool
    is_cash: bool
    cash_flow: str
    participation: str
    parent_id: int | None
    unit_id: int | None
    unit_name: str
    depth: int  # 0 for a class header ("1 Aset"), 1 below it, ...
    rollup_id: int  # the account at depth 1 this one rolls up to (itself at depth 0 or 1)

    @property
    def debit_normal(self) -> bool:
        natural = self.kind in (Account.Kind.ASSET, Account.Kind.EXPENSE)
        return natural != self.contra

    @property
    def group(self) -> str:
        """The first digit after the class: `1-1xx` -> "1", `2-2xx` -> "2"."""
        parts = self.code.split("-")
        return parts[1][:1] if len(parts) > 1 and parts[1] else ""


@dataclass(frozen=True)
class Chart:
    accounts: dict[int, AccountInfo]

    @property
    def ordered(self) -> list[AccountInfo]:
        return sorted(self.accounts.values(), key=lambda a: a.code)

    def leaves(self) -> list[AccountInfo]:
        return [a for a in self.ordered if not a.is_header]

    def by_code(self, code: str) -> AccountInfo | None:
        return next((a for a in self.accounts.values() if a.code == code), None)

    def descendants(self, account: AccountInfo) -> list[AccountInfo]:
        """The account itself and every account below it."""
        found = [account]
        for candidate in self.ordered:
            if candidate.id == account.id:
                continue
            parent = candidate.parent_id
            while parent is not None:
                if parent == account.id:
                    found.append(candidate)
                    break
                parent = self.accounts[parent].parent_id
        return found


def chart_of(cooperative: Cooperative) -> Chart:
    rows = list(
        Account.objects.filter(cooperative=cooperative)
        .select_related("business_unit")
        .order_by("code")
    )
    parents = {a.pk: a.parent_id for a in rows}

    def depth(pk: int) -> int:
        level, parent = 0, parents[pk]
        while parent is not None:
            level, parent = level + 1, parents[parent]
        return level

    def rollup(pk: int) -> int:
        chain, parent = [pk], parents[pk]
        while parent is not None:
            chain.append(parent)
            parent = parents[parent]
        return chain[-2] if len(chain) >= 2 else chain[-1]

    return Chart(
        accounts={
            a.pk: AccountInfo(
                id=a.pk,
                code=a.code,
                name=a.name,
                kind=a.kind,
                contra=a.contra,
                is_header=a.is_header,
                is_cash=a.is_cash,
                cash_flow=a.cash_flow,
                participation=a.participation,
                parent_id=a.parent_id,
                unit_id=a.business_unit_id,
                unit_name=a.business_unit.name if a.business_unit is not None else "",
                depth=depth(a.pk),
                rollup_id=rollup(a.pk),
            )
            for a in rows
        }
    )


# -- movements from snapshots + partial months ---------------------------------------------------

Movements = dict[int, tuple[int, int]]  # account id -> (debit, credit)


def _add(target: dict[int, list[int]], rows) -> None:
    for account_id, debit, credit in rows:
        cell = target[account_id]
        cell[0] += debit or 0
        cell[1] += credit or 0


def movements(cooperative: Cooperative, start: date | None, end: date) -> Movements:
    """Debits and credits per account for the days `start`..`end` (None: from the beginning).

    Whole months come from the snapshots; a month covered in part (at most the first and the
    last) from its journal lines, by the (cooperative, account, date) index.
    """
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if start is not None and start > end:
        return {}
    # Whole months: from the first month starting on or after `start` to the last month that
    # ends on or before `end`.
    if start is None:
        first_full: tuple[int, int] | None = None
    elif start.day == 1:
        first_full = (start.year, start.month)
    else:
        first_full = shift_month(start.year, start.month, 1)
    end_is_month_end = end == month_end(end.year, end.month)
    last_full = (end.year, end.month) if end_is_month_end else shift_month(end.year, end.month, -1)
    if first_full is None or first_full <= last_full:
        condition = Q(year__lt=last_full[0]) | Q(year=last_full[0], month__lte=last_full[1])
        if first_full is not None:
            condition &= Q(year__gt=first_full[0]) | Q(year=first_full[0], month__gte=first_full[1])
        _add(
            totals,
            AccountMonth.objects.filter(cooperative=cooperative)
            .filter(condition)
            .values("account_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("account_id", "d", "c"),
        )
    partial: list[tuple[date, date]] = []
    if start is not None and start.day != 1:
        partial.append((start, min(end, month_end(start.year, start.month))))
    if not end_is_month_end and (
        start is None or start.day == 1 or (start.year, start.month) != (end.year, end.month)
    ):
        first_of_end = end.replace(day=1)
        partial.append((first_of_end if start is None else max(start, first_of_end), end))
    if partial:
        # Naming the accounts lets the database walk the (cooperative, account, date) index.
        account_ids = list(
            Account.objects.filter(cooperative=cooperative, is_header=False).values_list(
                "pk", flat=True
            )
        )
        for low, high in partial:
            _add(
                totals,
                JournalLine.objects.filter(
                    cooperative=cooperative, account_id__in=account_ids, date__range=(low, high)
                )
                .values("account_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
                .values_list("account_id", "d", "c"),
            )
    return {k: (v[0], v[1]) for k, v in totals.items()}


def closing_movements(cooperative: Cooperative, start: date, end: date) -> Movements:
    """The year-end closing entries' lines dated `start`..`end` (one entry a year at most)."""
    entries = list(
        JournalEntry.objects.filter(
            cooperative=cooperative, source_kind=YEAR_END_SOURCE, date__range=(start, end)
        ).values_list("pk", flat=True)
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if entries:
        # By the entries' own ids (already this cooperative's): the database reads their lines
        # by the entry index, not every line of the cooperative.
        _add(
            totals,
            JournalLine.objects.filter(entry_id__in=entries)
            .values("account_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("account_id", "d", "c"),
        )
    return {k: (v[0], v[1]) for k, v in totals.items()}


def _net(m: Movements) -> dict[int, int]:
    return {k: d - c for k, (d, c) in m.items()}


def _minus(a: Movements, b: Movements) -> Movements:
    return {k: (d - b.get(k, (0, 0))[0], c - b.get(k, (0, 0))[1]) for k, (d, c) in a.items()}


def _shown(account: AccountInfo, net: int) -> int:
    """A net (debit - credit) on the account's normal side."""
    return net if account.debit_normal else -net


def _section_sign(kind: str, net: int) -> int:
    """A net on the side where the section grows: contra accounts come out negative."""
    return net if kind in (Account.Kind.ASSET, Account.Kind.EXPENSE) else -net


def _yesterday(day: date) -> date:
    return day - timedelta(days=1)


# -- 1. Neraca Saldo ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    kind: str
    is_header: bool
    depth: int
    opening: int  # on the account's normal side
    debit: int
    credit: int
    closing: int  # on the account's normal side


@dataclass(frozen=True)
class TrialBalance:
    cooperative: Cooperative
    period: ReportPeriod
    rows: list[TrialBalanceRow]
    total_debit: int  # the period's postings
    total_credit: int
    opening_debit: int  # sum of debit balances at the start
    opening_credit: int
    closing_debit: int  # sum of debit balances at the end
    closing_credit: int
    previous: TrialBalance | None = None

    @property
    def balanced(self) -> bool:
        return (
            self.total_debit == self.total_credit
            and self.opening_debit == self.opening_credit
            and self.closing_debit == self.closing_credit
        )


def trial_balance(
    *, cooperative: Cooperative, period: ReportPeriod, compare: bool = True
) -> TrialBalance:
    """Every account: opening balance, the period's debits and credits, closing balance.

    Header rows carry the sum of the accounts below them; totals count postable accounts only.
    Balanced when debits equal credits, for the postings and for the balances.
    """
    chart = chart_of(cooperative)
    opening = _net(movements(cooperative, None, _yesterday(period.start)))
    moved = movements(cooperative, period.start, period.end)
    raw: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # opening net, debit, credit
    for account in chart.leaves():
        values = [opening.get(account.id, 0), *moved.get(account.id, (0, 0))]
        target: int | None = account.id
        while target is not None:  # headers roll up the accounts below them
            cell = raw[target]
            for i in range(3):
                cell[i] += values[i]
            target = chart.accounts[target].parent_id
    rows = []
    sums: dict[str, int] = defaultdict(int)
    for account in chart.ordered:
        opening_net, debit, credit = raw[account.id]
        closing_net = opening_net + debit - credit
        rows.append(
            TrialBalanceRow(
                code=account.code,
                name=account.name,
                kind=account.kind,
                is_header=account.is_header,
                depth=account.depth,
                opening=_shown(account, opening_net),
                debit=debit,
                credit=credit,
                closing=_shown(account, closing_net),
            )
        )
        if account.is_header:
            continue
        sums["debit"] += debit
        sums["credit"] += credit
        sums["opening_debit"] += max(opening_net, 0)
        sums["opening_credit"] += max(-opening_net, 0)
        sums["closing_debit"] += max(closing_net, 0)
        sums["closing_credit"] += max(-closing_net, 0)
    return TrialBalance(
        cooperative=cooperative,
        period=period,
        rows=rows,
        total_debit=sums["debit"],
        total_credit=sums["credit"],
        opening_debit=sums["opening_debit"],
        opening_credit=sums["opening_credit"],
        closing_debit=sums["closing_debit"],
        closing_credit=sums["closing_credit"],
        previous=trial_balance(cooperative=cooperative, period=period.previous(), compare=False)
        if compare
        else None,
    )


# -- 2. Buku Besar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    date: date
    number: int
    memo: str
    account_code: str
    debit: int
    credit: int
    balance: int  # running, on the account's normal side


@dataclass(frozen=True)
class GeneralLedger:
    cooperative: Cooperative
    period: ReportPeriod
    account: AccountInfo
    opening: int
    total_debit: int
    total_credit: int
    closing: int
    count: int  # lines in the period
    lines: list[LedgerLine]  # the requested page (all of them without paging)
    page: int
    pages: int
    page_opening: int  # the running balance before the page's first line


def general_ledger(
    *,
    cooperative: Cooperative,
    account: AccountInfo,
    period: ReportPeriod,
    page: int = 1,
    per_page: int | None = 50,
) -> GeneralLedger:
    """One account's journal lines in the period (a header: those of the accounts below it),
    with a running balance starting from the opening balance. Reads the snapshots for the
    opening balance and the account's lines through the (cooperative, account, date) index."""
    chart = chart_of(cooperative)
    ids = [a.id for a in chart.descendants(account) if not a.is_header]
    opening_net = sum(
        d - c
        for k, (d, c) in movements(cooperative, None, _yesterday(period.start)).items()
        if k in set(ids)
    )
    lines = JournalLine.objects.filter(
        cooperative=cooperative, account_id__in=ids, date__range=(period.start, period.end)
    ).order_by("date", "entry__number", "line_no")
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    total_debit, total_credit = totals["d"] or 0, totals["c"] or 0
    count = lines.count()
    if per_page is None:
        pages, page, offset = 1, 1, 0
        window = lines
    else:
        pages = max(1, -(-count // per_page))
        page = min(max(page, 1), pages)
        offset = (page - 1) * per_page
        window = lines[offset : offset + per_page]
    before = (
        lines[:offset].aggregate(d=Sum("debit"), c=Sum("credit")) if offset else {"d": 0, "c": 0}
    )
    running = opening_net + (before["d"] or 0) - (before["c"] or 0)
    page_opening = _shown(account, running)
    shown: list[LedgerLine] = []
    for row in window.values_list(
        "date", "entry__number", "entry__memo", "account__code", "debit", "credit"
    ):
        day, number, memo, code, debit, credit = row
        running += debit - credit
        shown.append(
            LedgerLine(
                date=day,
                number=number,
                memo=memo,
                account_code=code,
                debit=debit,
                credit=credit,
                balance=_shown(account, running),
            )
        )
    return GeneralLedger(
        cooperative=cooperative,
        period=period,
        account=account,
        opening=_shown(account, opening_net),
        total_debit=total_debit,
        total_credit=total_credit,
        closing=_shown(account, opening_net + total_debit - total_credit),
        count=count,
        lines=shown,
        page=page,
        pages=pages,
        page_opening=page_opening,
    )


# -- shared shapes of the other statements -------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """One line of a statement: this period's figure and the comparative one."""

    code: str
    label: str
    current: int
    previous: int


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Amount]
    total: int
    previous_total: int


def _section(title: str, lines: list[Amount]) -> Section:
    kept = [ln for ln in lines if ln.current or ln.previous]
    return Section(
        title=title,
        lines=kept,
        total=sum(ln.current for ln in kept),
        previous_total=sum(ln.previous for ln in kept),
    )


def _rolled(chart: Chart, net: dict[int, int]) -> dict[int, int]:
    """Nets rolled up to the accounts at depth 1 (Kas per gerai -> Kas)."""
    out: dict[int, int] = defaultdict(int)
    for account_id, value in net.items():
        out[chart.accounts[account_id].rollup_id] += value
    return out


# -- 3. Laporan Posisi Keuangan -----------------------------------------------------------------


@dataclass(frozen=True)
class BalanceSheet:
    cooperative: Cooperative
    period: ReportPeriod
    as_of: date
    previous_as_of: date
    current_assets: Section
    non_current_assets: Section
    short_term_liabilities: Section
    long_term_liabilities: Section
    equity: Section

    @property
    def total_assets(self) -> tuple[int, int]:
        return (
            self.current_assets.total + self.non_current_assets.total,
            self.current_assets.previous_total + self.non_current_assets.previous_total,
        )

    @property
    def total_liabilities(self) -> tuple[int, int]:
        return (
            self.short_term_liabilities.total + self.long_term_liabilities.total,
            self.short_term_liabilities.previous_total + self.long_term_liabilities.previous_total,
        )

    @property
    def total_liabilities_and_equity(self) -> tuple[int, int]:
        liabilities = self.total_liabilities
        return (
            liabilities[0] + self.equity.total,
            liabilities[1] + self.equity.previous_total,
        )

    @property
    def balanced(self) -> bool:
        return self.total_assets == self.total_liabilities_and_equity


RETAINED_ACCOUNT = "3-106"  # SHU belum dibagi: where services.year_end_close carries a result


def _result_split(cooperative: Cooperative, chart: Chart, as_of: date) -> tuple[int, int, int]:
    """(this year's result to `as_of`, earlier years' result not yet closed, the part of this
    year's result the year-end close already carried to SHU belum dibagi), income - expense.

    This year's result counts the year's closing entry back in: on 31 December the year's
    result is still "tahun berjalan", though the close moved it to 3-106 that day."""
    result_kinds = (Account.Kind.INCOME, Account.Kind.EXPENSE)
    year_start = date(as_of.year, 1, 1)
    to_date = _net(movements(cooperative, None, as_of))
    this_year = _net(movements(cooperative, year_start, as_of))
    closed_now = _net(closing_movements(cooperative, year_start, as_of))
    total = -sum(v for k, v in to_date.items() if chart.accounts[k].kind in result_kinds)
    open_now = -sum(v for k, v in this_year.items() if chart.accounts[k].kind in result_kinds)
    closed = sum(v for k, v in closed_now.items() if chart.accounts[k].kind in result_kinds)
    return open_now + closed, total - open_now, closed


def _result_label(amount: int, when: str) -> str:
    """ "SHU tahun berjalan", or "Defisit tahun berjalan" when the result is a loss."""
    return f"{'Defisit' if amount < 0 else 'SHU'} {when}"


def _retained_label(current: int, previous: int) -> str:
    """SHU belum dibagi on the balance sheet: "SHU tahun lalu belum dibagi", or "Akumulasi
    defisit" when the earlier years' results add up to a loss (by the current figure, or the
    comparative one when the current is nil)."""
    sign = current or previous
    return "Akumulasi defisit" if sign < 0 else "SHU tahun lalu belum dibagi"


def balance_sheet(*, cooperative: Cooperative, period: ReportPeriod) -> BalanceSheet:
    """Assets by liquidity, liabilities by maturity, equity with the results: the year's result
    (SHU or defisit tahun berjalan), earlier years' results closed to SHU belum dibagi (SHU
    tahun lalu belum dibagi, or akumulasi defisit) and, apart, any earlier year not closed; at
    the period's end and at the previous period's end. No two lines carry the same name."""
    chart = chart_of(cooperative)
    previous = period.previous()
    dates = (period.end, previous.end)
    rolled = [_rolled(chart, _net(movements(cooperative, None, day))) for day in dates]
    results = [_result_split(cooperative, chart, day) for day in dates]

    def lines(
        kind: str, groups: set[str] | None, exclude: frozenset | set = frozenset()
    ) -> list[Amount]:
        out = []
        for account in chart.ordered:
            if account.depth != 1 or account.kind != kind:
                continue
            if groups is not None and account.group not in groups:
                continue
            if groups is None and account.group in exclude:
                continue
            current, earlier = (_section_sign(kind, r.get(account.id, 0)) for r in rolled)
            if account.code == RETAINED_ACCOUNT:
                # This year's close is shown with this year's result, not as an earlier year's.
                current, earlier = current - results[0][2], earlier - results[1][2]
                out.append(
                    Amount(account.code, _retained_label(current, earlier), current, earlier)
                )
                continue
            out.append(Amount(account.code, account.name, current, earlier))
        return out

    equity = lines(Account.Kind.EQUITY, None)
    # This year's result and earlier years' results never closed; a negative one is a defisit,
    # never "SHU". Each figure has its own name.
    current, earlier = results[0][0], results[0][1]
    equity.append(Amount("", _result_label(current, "tahun berjalan"), current, results[1][0]))
    equity.append(
        Amount("", _result_label(earlier, "tahun lalu belum ditutup"), earlier, results[1][1])
    )
    return BalanceSheet(
        cooperative=cooperative,
        period=period,
        as_of=dates[0],
        previous_as_of=dates[1],
        current_assets=_section("Aset lancar", lines(Account.Kind.ASSET, {"1"})),
        non_current_assets=_section(
            "Aset tidak lancar", lines(Account.Kind.ASSET, None, exclude={"1"})
        ),
        short_term_liabilities=_section(
            "Liabilitas jangka pendek", lines(Account.Kind.LIABILITY, {"1"})
        ),
        long_term_liabilities=_section(
            "Liabilitas jangka panjang", lines(Account.Kind.LIABILITY, None, exclude={"1"})
        ),
        equity=_section("Ekuitas", equity),
    )


# -- 4. Laporan Perhitungan Hasil Usaha ---------------------------------------------------------


@dataclass(frozen=True)
class UnitResult:
    """A business unit's own figures for the period (accounts that belong to the unit)."""

    name: str
    member_income: int
    non_member_income: int
    cost_of_sales: int
    expenses: int

    @property
    def gross(self) -> int:
        return self.member_income + self.non_member_income - self.cost_of_sales

    @property
    def result(self) -> int:
        return self.gross - self.expenses


@dataclass(frozen=True)
class IncomeStatement:
    cooperative: Cooperative
    period: ReportPeriod
    previous_period: ReportPeriod
    member_income: Section  # partisipasi anggota
    non_member_income: Section  # pendapatan dari non-anggota
    other_income: Section  # income accounts with no participation set
    cost_of_sales: Section  # HPP per unit (5-1xx)
    operating_expenses: Section  # beban usaha (5-2xx)
    cooperative_expenses: Section  # beban perkoperasian (5-3xx)
    other_expenses: Section  # the rest of class 5
    units: list[UnitResult]

    def _both(self, *sections: Section) -> tuple[int, int]:
        return sum(s.total for s in sections), sum(s.previous_total for s in sections)

    @property
    def total_income(self) -> tuple[int, int]:
        return self._both(self.member_income, self.non_member_income, self.other_income)

    @property
    def gross_result(self) -> tuple[int, int]:
        income, cost = self.total_income, self._both(self.cost_of_sales)
        return income[0] - cost[0], income[1] - cost[1]

    @property
    def total_expenses(self) -> tuple[int, int]:
        return self._both(self.operating_expenses, self.cooperative_expenses, self.other_expenses)

    @property
    def shu(self) -> tuple[int, int]:
        gross, expenses = self.gross_result, self.total_expenses
        return gross[0] - expenses[0], gross[1] - expenses[1]


def _result_movements(cooperative: Cooperative, period: ReportPeriod) -> dict[int, int]:
    """The period's nets without the year-end closing entry, which would zero income and expense."""
    return _net(
        _minus(
            movements(cooperative, period.start, period.end),
            closing_movements(cooperative, period.start, period.end),
        )
    )


def income_statement(*, cooperative: Cooperative, period: ReportPeriod) -> IncomeStatement:
    """Partisipasi anggota and pendapatan non-anggota, less HPP per unit, less expenses, = SHU;
    with each business unit's own figures."""
    chart = chart_of(cooperative)
    previous = period.previous()
    nets = [_result_movements(cooperative, p) for p in (period, previous)]

    def lines(test) -> list[Amount]:
        return [
            Amount(
                a.code,
                a.name,
                _section_sign(a.kind, nets[0].get(a.id, 0)),
                _section_sign(a.kind, nets[1].get(a.id, 0)),
            )
            for a in chart.leaves()
            if test(a)
        ]

    income, expense = Account.Kind.INCOME, Account.Kind.EXPENSE
    member = Account.Participation.MEMBER
    non_member = Account.Participation.NON_MEMBER
    units: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for account in chart.leaves():
        value = nets[0].get(account.id, 0)
        if account.unit_id is None or account.kind not in (income, expense):
            continue
        cell = units.setdefault(account.unit_id, [0, 0, 0, 0])
        names[account.unit_id] = account.unit_name
        shown = _section_sign(account.kind, value)
        if account.kind == income:
            cell[0 if account.participation == member else 1] += shown
        elif account.group == "1":
            cell[2] += shown
        else:
            cell[3] += shown
    return IncomeStatement(
        cooperative=cooperative,
        period=period,
        previous_period=previous,
        member_income=_section(
            "Partisipasi anggota",
            lines(lambda a: a.kind == income and a.participation == member),
        ),
        non_member_income=_section(
            "Pendapatan dari non-anggota",
            lines(lambda a: a.kind == income and a.participation == non_member),
        ),
        other_income=_section(
            "Pendapatan lain-lain",
            lines(lambda a: a.kind == income and a.participation not in (member, non_member)),
        ),
        cost_of_sales=_section(
            "Harga pokok penjualan", lines(lambda a: a.kind == expense and a.group == "1")
        ),
        operating_expenses=_section(
            "Beban usaha", lines(lambda a: a.kind == expense and a.group == "2")
        ),
        cooperative_expenses=_section(
            "Beban perkoperasian", lines(lambda a: a.kind == expense and a.group == "3")
        ),
        other_expenses=_section(
            "Beban lain-lain",
            lines(lambda a: a.kind == expense and a.group not in ("1", "2", "3")),
        ),
        units=[
            UnitResult(names[uid], *values)
            for uid, values in sorted(units.items(), key=lambda kv: names[kv[0]])
            if any(values)
        ],
    )


# -- 5. Laporan Perubahan Ekuitas ---------------------------------------------------------------


@dataclass(frozen=True)
class EquityRow:
    code: str
    label: str
    opening: int
    additions: int
    deductions: int
    result: int  # the period's SHU (only on the unclosed-result row)
    closing: int


@dataclass(frozen=True)
class EquityChanges:
    cooperative: Cooperative
    period: ReportPeriod
    rows: list[EquityRow]
    previous: EquityChanges | None = None

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)

    @property
    def consistent(self) -> bool:
        return all(
            r.opening + r.additions - r.deductions + r.result == r.closing for r in self.rows
        )


def equity_changes(
    *, cooperative: Cooperative, period: ReportPeriod, compare: bool = True
) -> EquityChanges:
    """Each equity account's opening balance, additions, deductions and closing balance, and the
    unclosed result (SHU) with the period's SHU and what the year-end close moved out of it.
    The closing total equals the equity of the Laporan Posisi Keuangan at the period's end."""
    chart = chart_of(cooperative)
    opening = _net(movements(cooperative, None, _yesterday(period.start)))
    moved = movements(cooperative, period.start, period.end)
    closing_entry = closing_movements(cooperative, period.start, period.end)
    rows: list[EquityRow] = []
    equity_ids: dict[int, list[int]] = defaultdict(list)
    for account in chart.leaves():
        if account.kind == Account.Kind.EQUITY:
            equity_ids[account.rollup_id].append(account.id)
    for rollup_id in sorted(equity_ids, key=lambda k: chart.accounts[k].code):
        ids = equity_ids[rollup_id]
        head = chart.accounts[rollup_id]
        start = -sum(opening.get(i, 0) for i in ids)
        credits = sum(moved.get(i, (0, 0))[1] for i in ids)
        debits = sum(moved.get(i, (0, 0))[0] for i in ids)
        rows.append(
            EquityRow(head.code, head.name, start, credits, debits, 0, start + credits - debits)
        )
    result_kinds = (Account.Kind.INCOME, Account.Kind.EXPENSE)
    result_ids = [a.id for a in chart.leaves() if a.kind in result_kinds]
    unclosed_start = -sum(opening.get(i, 0) for i in result_ids)
    all_moves = -sum(d - c for i, (d, c) in moved.items() if i in set(result_ids))
    closed = -sum(d - c for i, (d, c) in closing_entry.items() if i in set(result_ids))
    result = all_moves - closed
    rows.append(
        EquityRow(
            "",
            "SHU belum ditutup (tahun berjalan)",
            unclosed_start,
            max(closed, 0),
            max(-closed, 0),
            result,
            unclosed_start + all_moves,
        )
    )
    return EquityChanges(
        cooperative=cooperative,
        period=period,
        rows=rows,
        previous=equity_changes(cooperative=cooperative, period=period.previous(), compare=False)
        if compare
        else None,
    )


# -- 6. Laporan Arus Kas (direct method) --------------------------------------------------------


@dataclass(frozen=True)
class CashFlowSection:
    kind: str
    title: str
    lines: list[Amount]  # receipts positive, payments negative
    total: int
    previous_total: int


@dataclass(frozen=True)
class CashFlow:
    cooperative: Cooperative
    period: ReportPeriod
    previous_period: ReportPeriod
    sections: list[CashFlowSection]
    opening: tuple[int, int]  # cash at the start (this period, previous period)
    closing: tuple[int, int]  # cash at the end, from the snapshots

    @property
    def net_change(self) -> tuple[int, int]:
        return (
            sum(s.total for s in self.sections),
            sum(s.previous_total for s in self.sections),
        )

    @property
    def balanced(self) -> bool:
        net = self.net_change
        return (
            self.opening[0] + net[0] == self.closing[0]
            and self.opening[1] + net[1] == self.closing[1]
        )


def _flow_label(account: AccountInfo, receipt: bool) -> str:
    """What a cash-flow line says it is, in the words of a cash book: "Setoran simpanan wajib",
    "Penarikan simpanan sukarela", "Penerimaan dari partisipasi anggota", "Pembayaran beban
    gaji", "Pembelian aset tetap"."""
    name = account.name[:1].lower() + account.name[1:]
    if account.kind == Account.Kind.INCOME:
        return f"Penerimaan dari {name}"
    if account.kind == Account.Kind.EXPENSE:
        return f"Pembayaran {name}"
    if name.startswith("simpanan"):
        return f"{'Setoran' if receipt else 'Penarikan'} {name}"
    if account.kind == Account.Kind.ASSET:
        return f"Penerimaan dari {name}" if receipt else f"Pembelian {name}"
    return f"Penerimaan {name}" if receipt else f"Pembayaran {name}"


def _match(wants: list[list[int]], offers: list[list[int]]) -> None:
    """Offset [account, amount] pairs against each other in order, in place (greedy)."""
    for want in wants:
        for offer in offers:
            take = min(want[1], offer[1])
            want[1] -= take
            offer[1] -= take
            if not want[1]:
                break


def entry_cash_flows(chart: Chart, nets: Mapping[int, int]) -> dict[int, int]:
    """How much of one entry's cash movement each counter-account represents, gross: account
    id -> cash received (positive) or paid (negative). The parts add up to the entry's net
    cash movement exactly, and nothing is netted between two counter-accounts.

    The rule (docs/domain.md §3), on the entry's nets per account (debit - credit):
    1. Lines on cash accounts are the cash; the others are the counter-accounts.
    2. Inside one cash-flow class, an income or expense account on one side and a balance-sheet
       account on the other offset each other first, in code order: these are the entry's
       non-cash parts (the cost of goods sold against the stock of a sale; the part of a sale
       left as a receivable). Nothing else is offset: two balance-sheet accounts (wajib taken
       in, sukarela paid out) or two classes never net against each other.
    3. What is left is cash: a credit left on an account is a receipt from it, a debit left a
       payment to it. Both sides of the entry balance, so the receipts less the payments equal
       the net movement of the cash accounts.
    """
    cash = {k for k in nets if chart.accounts[k].is_cash}
    result_kinds = (Account.Kind.INCOME, Account.Kind.EXPENSE)
    by_class: dict[str, dict[tuple[bool, bool], list[list[int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for account_id in sorted(nets, key=lambda k: chart.accounts[k].code):
        value = nets[account_id]
        if account_id in cash or not value:
            continue
        account = chart.accounts[account_id]
        side = (account.kind in result_kinds, value > 0)  # (a result account, a debit)
        by_class[account.cash_flow][side].append([account_id, abs(value)])
    flows: dict[int, int] = {}
    for sides in by_class.values():
        _match(sides[(True, True)], sides[(False, False)])  # expense against stock, ...
        _match(sides[(True, False)], sides[(False, True)])  # income against a receivable, ...
        for (_result, debit), cells in sides.items():
            for account_id, amount in cells:
                if amount:
                    flows[account_id] = -amount if debit else amount
    return flows


def cash_flows(
    cooperative: Cooperative, chart: Chart, start: date, end: date
) -> dict[tuple[str, int, bool], int]:
    """Cash moved in the days `start`..`end`, gross, per (cash-flow class, counter-account rolled
    up, receipt?): receipts positive, payments negative.

    Every entry with a cash line in the period is split by `entry_cash_flows`. An income or
    expense account keeps one line (a refund lowers it); a balance-sheet account has a line for
    what came in (setoran, penerimaan) apart from what went out (penarikan, pembayaran). A
    reversal lands on the line of what it reverses, with the opposite sign, so an entry posted
    by mistake and reversed leaves nothing. Transfers between cash accounts are not flows.
    """
    cash = {a.id for a in chart.leaves() if a.is_cash}
    if not cash:
        return {}
    touching = JournalLine.objects.filter(
        cooperative=cooperative, account_id__in=list(cash), date__range=(start, end)
    ).values("entry_id")
    per_entry: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    reversals = set(
        JournalEntry.objects.filter(
            cooperative=cooperative, pk__in=touching, reverses__isnull=False
        ).values_list("pk", flat=True)
    )
    for entry_id, account_id, debit, credit in (
        JournalLine.objects.filter(
            cooperative=cooperative, entry_id__in=touching, date__range=(start, end)
        )
        .order_by()
        .values_list("entry_id", "account_id", "debit", "credit")
    ):  # no sort needed
        per_entry[entry_id][account_id] += debit - credit
    flows: dict[tuple[str, int, bool], int] = defaultdict(int)
    result_kinds = (Account.Kind.INCOME, Account.Kind.EXPENSE)
    for entry_id, nets in per_entry.items():
        for account_id, amount in entry_cash_flows(chart, nets).items():
            account = chart.accounts[account_id]
            if account.kind in result_kinds:
                receipt = account.kind == Account.Kind.INCOME
            else:
                receipt = (amount > 0) != (entry_id in reversals)
            flows[(account.cash_flow, account.rollup_id, receipt)] += amount
    return dict(flows)


def cash_flow(*, cooperative: Cooperative, period: ReportPeriod) -> CashFlow:
    """Laporan Arus Kas by the direct method, gross: receipts apart from payments, per activity
    and per kind (setoran simpanan wajib, penarikan simpanan sukarela, penerimaan dari
    penjualan, pembayaran beban, ...), never one account netted against another inside an entry
    (`entry_cash_flows`); opening cash plus the net flows equals the closing cash of the
    snapshots."""
    chart = chart_of(cooperative)
    previous = period.previous()
    cash_ids = {a.id for a in chart.leaves() if a.is_cash}

    def cash_at(day: date) -> int:
        return sum(v for k, v in _net(movements(cooperative, None, day)).items() if k in cash_ids)

    flows = [cash_flows(cooperative, chart, p.start, p.end) for p in (period, previous)]
    sections = []
    for kind, title in CASH_FLOW_TITLES.items():
        keys = sorted(
            {k for f in flows for k in f if k[0] == kind},
            key=lambda k: (chart.accounts[k[1]].code, not k[2]),
        )
        lines = [
            Amount(
                chart.accounts[k[1]].code,
                _flow_label(chart.accounts[k[1]], k[2]),
                flows[0].get(k, 0),
                flows[1].get(k, 0),
            )
            for k in keys
            if flows[0].get(k, 0) or flows[1].get(k, 0)
        ]
        sections.append(
            CashFlowSection(
                kind=kind,
                title=title,
                lines=lines,
                total=sum(ln.current for ln in lines),
                previous_total=sum(ln.previous for ln in lines),
            )
        )
    return CashFlow(
        cooperative=cooperative,
        period=period,
        previous_period=previous,
        sections=sections,
        opening=(cash_at(_yesterday(period.start)), cash_at(_yesterday(previous.start))),
        closing=(cash_at(period.end), cash_at(previous.end)),
    )


# -- 7. The public one-page report (/transparansi/<code>/) ---------------------------------------


SAVINGS_ACCOUNTS = {"pokok": "3-101", "wajib": "3-102", "sukarela": "2-101"}
CSR_ACCOUNT = "3-103"  # hibah/CSR, where `capital.csr_received` credits the grant as equity


@dataclass(frozen=True)
class Result:
    """A year's result in words people use: a surplus (SHU) or a deficit, and its size."""

    amount: int

    @property
    def deficit(self) -> bool:
        return self.amount < 0

    @property
    def size(self) -> int:
        return abs(self.amount)


@dataclass(frozen=True)
class PublicReport:
    """What a villager can read about their cooperative, from closed books only: no person in it.

    `as_of` is the last day of the last closed month (its figures are final); the results are
    the year to `as_of` and the whole previous year (None when the books began this year)."""

    as_of: date
    savings: dict[str, int]  # pokok, wajib, sukarela: what members hold, in total
    csr_capital: int
    assets: int
    liabilities: int
    equity: int
    result_to_date: Result
    result_last_year: Result | None
    months_closed: int

    @property
    def balanced(self) -> bool:
        return self.assets == self.liabilities + self.equity


def public_report(*, cooperative: Cooperative, as_of: date, months_closed: int) -> PublicReport:
    """The figures of the public report at `as_of` (the end of a closed month), from the same
    statements the officers sign (Laporan Posisi Keuangan and Laporan Hasil Usaha)."""
    sheet = balance_sheet(
        cooperative=cooperative, period=ReportPeriod.month(as_of.year, as_of.month)
    )
    depth_one = {
        line.code: line.current
        for section in (
            sheet.current_assets,
            sheet.non_current_assets,
            sheet.short_term_liabilities,
            sheet.long_term_liabilities,
            sheet.equity,
        )
        for line in section.lines
    }
    to_date = income_statement(
        cooperative=cooperative, period=ReportPeriod.whole_year(as_of.year, as_of)
    )
    first = JournalLine.objects.filter(cooperative=cooperative).order_by("date").first()
    last_year = None
    if first is not None and first.date.year < as_of.year:
        last_year = Result(
            income_statement(
                cooperative=cooperative, period=ReportPeriod.whole_year(as_of.year - 1)
            ).shu[0]
        )
    return PublicReport(
        as_of=as_of,
        savings={kind: depth_one.get(code, 0) for kind, code in SAVINGS_ACCOUNTS.items()},
        csr_capital=depth_one.get(CSR_ACCOUNT, 0),
        assets=sheet.total_assets[0],
        liabilities=sheet.total_liabilities[0],
        equity=sheet.equity.total,
        result_to_date=Result(to_date.shu[0]),
        result_last_year=last_year,
        months_closed=months_closed,
    )


# -- 8. Catatan atas Laporan Keuangan (CALK) -----------------------------------------------------

# The savings control accounts per kind (pokok and wajib as equity, or as debt under a policy
# that treats them so: the same pairs as kopdes.savings.rules.CONTROL_ACCOUNTS).
SAVINGS_CONTROL = {"pokok": ("3-101", "2-111"), "wajib": ("3-102", "2-112"), "sukarela": ("2-101",)}
SAVINGS_NAMES = {
    "pokok": "Simpanan pokok",
    "wajib": "Simpanan wajib",
    "sukarela": "Simpanan sukarela",
}
INTEREST_SOURCE = "savings.interest"  # the month-end interest on sukarela
REVERSAL_SOURCE = "reversal"
LOAN_ACCOUNTS = ("1-103", "1-106")  # piutang pinjaman anggota, piutang jasa pinjaman
ROLE_GROUPS = {"pengurus": "Pengurus", "pengawas": "Pengawas"}


@dataclass(frozen=True)
class SavingsMovement:
    """One kind of simpanan in the period, from the journal lines of its control accounts."""

    kind: str  # pokok | wajib | sukarela
    label: str
    opening: int
    deposits: int  # setoran (a correction of one lowers it)
    withdrawals: int  # penarikan, pengembalian on leaving, transfers out
    interest: int  # bunga credited at month end
    closing: int  # from the balances, independently of the movements
    sheet: int  # the same accounts' lines on the Laporan Posisi Keuangan

    @property
    def consistent(self) -> bool:
        moved = self.opening + self.deposits - self.withdrawals + self.interest
        return moved == self.closing == self.sheet


@dataclass(frozen=True)
class RelatedPartyGroup:
    """The pengurus (or the pengawas) in office at a period's end, taken together: nobody
    named, no NIK or phone. Built by `kopdes.savings.selectors.officer_savings`."""

    key: str  # pengurus | pengawas
    people: int  # in office at the period's end
    members: int  # of them, members of the cooperative
    balances: dict[str, int]  # simpanan per kind at the period's end
    deposits: int  # their setoran in the period, all kinds
    withdrawals: int  # their penarikan in the period, all kinds
    loans: int  # their pinjaman outstanding at the period's end (member's reference on 1-103)

    @property
    def title(self) -> str:
        return ROLE_GROUPS[self.key]


@dataclass(frozen=True)
class NoteTable:
    columns: tuple[str, ...]  # the first one heads the labels, the others amounts
    # (label, amounts, style): style "" (rupiah), "total" (rupiah, bold), "count" (people)
    rows: Sequence[tuple[str, tuple[int, ...], str]]


@dataclass(frozen=True)
class Note:
    title: str
    paragraphs: list[str]
    tables: list[NoteTable]
    checks: list[tuple[str, bool]]


@dataclass(frozen=True)
class FinancialNotes:
    cooperative: Cooperative
    period: ReportPeriod
    notes: list[Note]

    @property
    def checks(self) -> list[tuple[str, bool]]:
        return [check for note in self.notes for check in note.checks]


def latest_public_report(*, cooperative: Cooperative) -> tuple[PublicReport | None, Period | None]:
    """The public report at the end of the cooperative's last closed month, with that month's
    period (None, None while no month is closed): the transparency page's figures, and the
    CSR partner's aggregate results."""
    period, months_closed = last_closed_period(cooperative=cooperative)
    if period is None:
        return None, None
    as_of = month_end(period.year, period.month)
    return public_report(cooperative=cooperative, as_of=as_of, months_closed=months_closed), period


def savings_movements(
    *, cooperative: Cooperative, period: ReportPeriod, sheet: BalanceSheet | None = None
) -> list[SavingsMovement]:
    """Simpanan pokok, wajib and sukarela in the period: the opening balance, the setoran, the
    penarikan, the bunga and the closing balance, each read from the journal lines of the
    control accounts, reconciled to the balance sheet at the period's end. A correction
    (reversal) lowers the line of what it corrects."""
    chart = chart_of(cooperative)
    sheet = sheet or balance_sheet(cooperative=cooperative, period=period)
    on_sheet = {
        ln.code: ln.current
        for section in (
            sheet.short_term_liabilities,
            sheet.long_term_liabilities,
            sheet.equity,
        )
        for ln in section.lines
    }
    opening = _net(movements(cooperative, None, _yesterday(period.start)))
    closing = _net(movements(cooperative, None, period.end))
    out = []
    for kind, codes in SAVINGS_CONTROL.items():
        heads = [a for a in (chart.by_code(c) for c in codes) if a is not None]
        ids = [a.id for h in heads for a in chart.descendants(h) if not a.is_header]
        sums: dict[str, int] = defaultdict(int)
        rows = (
            JournalLine.objects.filter(
                cooperative=cooperative, account_id__in=ids, date__range=(period.start, period.end)
            )
            .values("entry__source_kind")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("entry__source_kind", "d", "c")
        )
        for source, debit, credit in rows:
            if source == REVERSAL_SOURCE:
                sums["deposits"] -= debit or 0
                sums["withdrawals"] -= credit or 0
            elif source == INTEREST_SOURCE:
                sums["interest"] += (credit or 0) - (debit or 0)
            else:
                sums["deposits"] += credit or 0
                sums["withdrawals"] += debit or 0
        out.append(
            SavingsMovement(
                kind=kind,
                label=SAVINGS_NAMES[kind],
                opening=-sum(opening.get(i, 0) for i in ids),
                deposits=sums["deposits"],
                withdrawals=sums["withdrawals"],
                interest=sums["interest"],
                closing=-sum(closing.get(i, 0) for i in ids),
                sheet=sum(on_sheet.get(h.code, 0) for h in heads),
            )
        )
    return out


def _balances(chart: Chart, net: dict[int, int], codes: tuple[str, ...]) -> list[tuple[str, int]]:
    """(name, balance on the account's normal side) of the accounts `codes` with a balance."""
    out = []
    for code in codes:
        head = chart.by_code(code)
        if head is None:
            continue
        value = sum(net.get(a.id, 0) for a in chart.descendants(head) if not a.is_header)
        if value:
            out.append((head.name, _shown(head, value)))
    return out


def _ever_posted(cooperative: Cooperative, chart: Chart, codes: tuple[str, ...], end: date) -> bool:
    ids = [
        a.id
        for code in codes
        if (head := chart.by_code(code)) is not None
        for a in chart.descendants(head)
        if not a.is_header
    ]
    return JournalLine.objects.filter(
        cooperative=cooperative, account_id__in=ids, date__lte=end
    ).exists()


def financial_notes(
    *,
    cooperative: Cooperative,
    period: ReportPeriod,
    related: list[RelatedPartyGroup],
) -> FinancialNotes:
    """Catatan atas Laporan Keuangan for the period (Permenkop 2/2024; SAK EP): general
    information, accounting policies, simpanan (movements reconciled to the balance sheet),
    related parties (the officers in office, per role, no person named), loans and funding.
    Every figure comes from the books; a "belum ada" is written only when the books hold none."""
    chart = chart_of(cooperative)
    sheet = balance_sheet(cooperative=cooperative, period=period)
    end = date_id(period.end)
    village = cooperative.village
    district = village.district
    regency = district.regency
    notes: list[Note] = []

    # 1. General information.
    regency_name = regency.name
    if not regency_name.lower().startswith(regency.kind):  # "Kabupaten Tangerang" already says it
        regency_name = f"{regency.kind.capitalize()} {regency_name}"
    place = f"{village.kind.capitalize()} {village.name}, Kecamatan {district.name}, {regency_name}"
    general = [
        f"{cooperative.name} adalah koperasi desa/kelurahan dalam program Koperasi Desa/Kelurahan "
        f"Merah Putih (Instruksi Presiden 9/2025), yang melayani anggota di {place}.",
        "Nomor badan hukum: "
        + (cooperative.legal_entity_number or "belum dicatat dalam sistem")
        + ".",
    ]
    if cooperative.registry_number:
        general.append(f"Nomor Induk Koperasi: {cooperative.registry_number}.")
    if cooperative.nib:
        general.append(f"Nomor Induk Berusaha (NIB): {cooperative.nib}.")
    if cooperative.address:
        general.append(f"Alamat: {cooperative.address}.")
    if cooperative.founded_on:
        general.append(f"Tanggal pendirian: {date_id(cooperative.founded_on)}.")
    units = [
        u.name
        for u in business_units(cooperative=cooperative).order_by("code")
        if u.opened_on is None or u.opened_on <= period.end
    ]
    general.append(
        "Unit usaha (gerai): " + (", ".join(units) if units else "belum ada unit usaha") + "."
    )
    notes.append(Note("Informasi umum", general, [], []))

    # 2. Accounting policies.
    policy = policy_in_force(cooperative=cooperative, on=period.end)
    as_equity = policy.pokok_wajib_as_equity if policy is not None else True
    csr_equity = policy.csr_capital_as_equity if policy is not None else True
    notes.append(
        Note(
            "Kebijakan akuntansi",
            [
                "Laporan keuangan disusun berdasarkan Standar Akuntansi Keuangan Entitas Privat "
                "(SAK EP) dan Peraturan Menteri Koperasi Nomor 2 Tahun 2024, dengan dasar "
                "akrual: pendapatan dan beban dicatat pada saat terjadinya, bukan pada saat kas "
                "diterima atau dibayar.",
                "Mata uang pelaporan adalah rupiah, dalam rupiah penuh. Tahun buku adalah tahun "
                f"kalender. Laporan ini meliputi {period.label}, dengan pembanding "
                f"{period.previous().label}.",
                (
                    "Simpanan pokok dan simpanan wajib dicatat sebagai ekuitas, karena tidak "
                    "dapat ditarik selama pemiliknya menjadi anggota."
                    if as_equity
                    else "Simpanan pokok dan simpanan wajib dicatat sebagai liabilitas, sesuai "
                    "kebijakan koperasi, karena dikembalikan kepada anggota yang keluar."
                )
                + " Simpanan sukarela dicatat sebagai liabilitas, karena dapat ditarik anggota.",
                (
                    "Modal dari CSR dicatat sebagai hibah dalam ekuitas."
                    if csr_equity
                    else "Modal dari CSR dicatat sebagai pendapatan hibah."
                ),
                "Laporan arus kas disusun dengan metode langsung dan secara bruto: penerimaan "
                "dan pengeluaran kas disajikan terpisah per aktivitas dan per jenis (setoran dan "
                "penarikan simpanan, penjualan, pembelian, beban), tanpa saling hapus antar akun "
                "dalam satu jurnal.",
                "Pada akhir tahun buku, hasil usaha tahun itu dipindahkan ke SHU belum dibagi "
                "(penutupan tahun buku). Dalam laporan posisi keuangan saldonya disajikan "
                "sebagai SHU tahun lalu belum dibagi, atau akumulasi defisit bila negatif, "
                "sampai Rapat Anggota Tahunan memutuskan pembagiannya; hasil tahun berjalan "
                "disajikan tersendiri.",
            ],
            [],
            [],
        )
    )

    # 3. Simpanan anggota.
    moved = savings_movements(cooperative=cooperative, period=period, sheet=sheet)
    start = date_id(period.start - timedelta(days=1))
    total = SavingsMovement(
        "",
        "Jumlah",
        *(
            sum(getattr(m, f) for m in moved)
            for f in ("opening", "deposits", "withdrawals", "interest", "closing", "sheet")
        ),
    )
    table_rows: list[tuple[str, tuple[int, ...], str]] = [
        (f"Saldo {start}", tuple(m.opening for m in (*moved, total)), ""),
        (f"Setoran {period.title}", tuple(m.deposits for m in (*moved, total)), ""),
        (f"Penarikan {period.title}", tuple(-m.withdrawals for m in (*moved, total)), ""),
        (f"Bunga {period.title}", tuple(m.interest for m in (*moved, total)), ""),
        (f"Saldo {end}", tuple(m.closing for m in (*moved, total)), "total"),
        (f"Laporan posisi keuangan per {end}", tuple(m.sheet for m in (*moved, total)), ""),
    ]
    notes.append(
        Note(
            "Simpanan anggota",
            [
                f"Mutasi simpanan anggota {period.label}, dari jurnal akun simpanan. Penarikan "
                "termasuk pengembalian simpanan kepada anggota yang keluar dan pemindahan antar "
                "simpanan; koreksi mengurangi mutasi yang dikoreksinya.",
            ],
            [
                NoteTable(
                    ("Uraian", *(m.label for m in moved), "Jumlah"),
                    table_rows,
                )
            ],
            [
                (
                    f"{m.label}: saldo awal + mutasi = saldo akhir = laporan posisi keuangan",
                    m.consistent,
                )
                for m in moved
            ],
        )
    )

    # 4. Related parties.
    related_paragraphs = [
        "Pihak berelasi adalah pengurus dan pengawas yang menjabat pada "
        f"{end}. Transaksi dan saldo mereka dengan koperasi sebagai anggota (simpanan dan "
        "pinjaman), dari jurnal, dijumlahkan per jabatan; tidak ada nama atau data pribadi yang "
        "ditampilkan."
    ]
    if not any(g.people for g in related):
        related_paragraphs.append(f"Tidak ada pengurus atau pengawas yang menjabat pada {end}.")
    related_tables = []
    if related:
        rows: list[tuple[str, tuple[int, ...], str]] = [
            ("Jumlah orang menjabat", tuple(g.people for g in related), "count"),
            ("Di antaranya anggota koperasi", tuple(g.members for g in related), "count"),
        ]
        rows += [
            (f"{SAVINGS_NAMES[k]} per {end}", tuple(g.balances.get(k, 0) for g in related), "")
            for k in SAVINGS_CONTROL
        ]
        rows += [
            (f"Setoran simpanan {period.title}", tuple(g.deposits for g in related), ""),
            (f"Penarikan simpanan {period.title}", tuple(-g.withdrawals for g in related), ""),
            (f"Pinjaman per {end}", tuple(g.loans for g in related), ""),
        ]
        related_tables.append(NoteTable(("Uraian", *(g.title for g in related)), rows))
    loans_ever = _ever_posted(cooperative, chart, LOAN_ACCOUNTS, period.end)
    if not loans_ever:
        related_paragraphs.append(
            f"Belum ada pinjaman kepada pengurus atau pengawas: sampai {end} koperasi belum "
            "mencatat pinjaman kepada siapa pun."
        )
    notes.append(Note("Pihak berelasi", related_paragraphs, related_tables, []))

    # 5. Loans to members.
    closing_net = _net(movements(cooperative, None, period.end))
    if loans_ever:
        balances = _balances(chart, closing_net, LOAN_ACCOUNTS)
        loans = Note(
            "Pinjaman kepada anggota",
            [f"Saldo piutang pinjaman anggota per {end}, dari jurnal."],
            [
                NoteTable(
                    ("Uraian", end),
                    [(name, (value,), "") for name, value in balances]
                    + [("Jumlah", (sum(v for _n, v in balances),), "total")],
                )
            ],
            [],
        )
    else:
        loans = Note(
            "Pinjaman kepada anggota",
            [f"Belum ada: sampai {end} koperasi belum mencatat pinjaman kepada anggota."],
            [],
            [],
        )
    notes.append(loans)

    # 6. Funding: loans and grants received (not members' savings).
    funding_codes = tuple(
        a.code
        for a in chart.ordered
        if a.depth == 1
        and a.cash_flow == Account.CashFlow.FINANCING
        and a.kind in (Account.Kind.LIABILITY, Account.Kind.EQUITY)
        and a.code not in {c for codes in SAVINGS_CONTROL.values() for c in codes}
        and a.code not in ("3-104", "3-105", RETAINED_ACCOUNT, "2-108", "2-109")
    )
    funding = _balances(chart, closing_net, funding_codes)
    if funding:
        funding_note = Note(
            "Pendanaan",
            [f"Dana dari pihak lain selain simpanan anggota, saldo per {end}, dari jurnal."],
            [
                NoteTable(
                    ("Uraian", end),
                    [(name, (value,), "") for name, value in funding]
                    + [("Jumlah", (sum(v for _n, v in funding),), "total")],
                )
            ],
            [],
        )
    else:
        funding_note = Note(
            "Pendanaan",
            [
                f"Belum ada: sampai {end} koperasi belum mencatat pinjaman bank, hibah atau dana "
                "lain selain simpanan anggota."
            ],
            [],
            [],
        )
    notes.append(funding_note)
    return FinancialNotes(cooperative=cooperative, period=period, notes=notes)
