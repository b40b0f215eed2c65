"""The demo's year of books: balanced, never short of cash, closed through October, idempotent
and deterministic. coop_a (Balaraja) is among the first 60 villages (CSR in October 2025),
coop_b (Teluknaga) received its CSR capital on 6 December 2025."""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum

from kopdes.demo.funding_seed import funding_agenda
from kopdes.demo.ledger_seed import (
    CSR_AMOUNT,
    LAST_CLOSED,
    LAST_DAY,
    Agenda,
    capital_day,
    first_round_villages,
)
from kopdes.demo.ledger_seed import ledger_seed as seed_books
from kopdes.demo.members_seed import seed_members
from kopdes.demo.savings_seed import SavingsYear
from kopdes.ledger import statements
from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine, Period
from kopdes.ledger.statements import ReportPeriod
from kopdes.savings.selectors import reconciliation, subledger_mismatches

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def csr_grant(coop, actor, timeline=None) -> None:
    """The CSR grant the books start from, received and partly spent through the funding services
    as `kopdes demo` books it (`demo.funding_seed`)."""
    agenda = Agenda(timeline)
    first_round = coop.village_id in first_round_villages()
    funding_agenda(
        coop, on=capital_day(seed=coop.village_id, first_round=first_round), agenda=agenda
    )
    agenda.finish()


def with_savings(coop, actor, timeline=None):
    csr_grant(coop, actor, timeline)
    return SavingsYear.run(coop, actor=actor)


def ledger_seed(cooperatives, extra=csr_grant):
    return seed_books(cooperatives, extra=extra)


def months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, (year, month) = [], first
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return out


def test_rounds_of_csr_capital(coop_a, coop_b):
    first = first_round_villages()
    assert len(first) == 60
    assert coop_a.village_id in first and coop_b.village_id not in first
    result = ledger_seed([coop_a, coop_b])
    assert result.cooperatives == 2 and result.entries > 80 and result.reversals >= 2
    for coop, when in ((coop_a, (2025, 10)), (coop_b, (2025, 12))):
        csr = JournalEntry.objects.get(cooperative=coop, number=1)
        assert csr.source_kind == "fund.received" and csr.total == CSR_AMOUNT
        assert (csr.date.year, csr.date.month) == when
        if coop == coop_b:
            assert csr.date == date(2025, 12, 6)
        assert JournalEntry.objects.filter(cooperative=coop).latest("date").date <= LAST_DAY


def assert_balanced_and_never_short(coop) -> None:
    totals = AccountMonth.objects.filter(cooperative=coop).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    assert totals["d"] == totals["c"] > CSR_AMOUNT
    lines = JournalLine.objects.filter(cooperative=coop).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert (lines["d"], lines["c"]) == (totals["d"], totals["c"])

    # Month-end balances of every cash, bank and stock account are never negative.
    watched = {
        a.pk: a.code
        for a in Account.objects.filter(cooperative=coop, kind="asset", is_header=False)
        if a.is_cash or a.code.startswith("1-107")
    }
    movement = defaultdict(int)
    for row in AccountMonth.objects.filter(cooperative=coop, account_id__in=watched):
        movement[(row.account_id, row.year, row.month)] += row.debit - row.credit
    first = min((y, m) for _a, y, m in movement)
    for account_id, code in watched.items():
        balance = 0
        for year, month in months(first, (2026, 11)):
            balance += movement.get((account_id, year, month), 0)
            assert balance >= 0, (coop.village_id, code, year, month, balance)
    office_cash = sum(v for (a, _y, _m), v in movement.items() if watched[a] == "1-101-01")
    assert office_cash > 0


def test_books_balance_never_run_short_and_are_closed(coop_a, coop_b):
    ledger_seed([coop_a, coop_b])
    for coop in (coop_a, coop_b):
        assert_balanced_and_never_short(coop)

        # Capital, office cash, expenses, reversals, the 2025 closing; no synthetic gerai recaps
        # (the gerai's purchases and sales are the commerce services', `commerce_seed`).
        kinds = set(JournalEntry.objects.filter(cooperative=coop).values_list("source_kind"))
        assert {
            ("fund.received",),
            ("fund.spent",),
            ("cash.bank_withdrawal",),
            ("expense.cash",),
            ("reversal",),
            ("year_end",),
        } <= kinds
        assert not kinds & {("purchase.cash",), ("sale.cash",)}
        codes = set(
            JournalLine.objects.filter(cooperative=coop).values_list("account__code", flat=True)
        )
        assert {"5-201", "5-203", "5-204"} <= codes

        closed = set(
            Period.objects.filter(cooperative=coop, status=Period.Status.CLOSED).values_list(
                "year", "month"
            )
        )
        first_entry = JournalEntry.objects.filter(cooperative=coop).earliest("date").date
        assert closed == set(months((first_entry.year, first_entry.month), LAST_CLOSED))
        assert not Period.objects.filter(
            cooperative=coop, year=2026, month=11, status=Period.Status.CLOSED
        ).exists()


def test_second_run_changes_nothing(coop_a):
    ledger_seed([coop_a])
    counts = (JournalEntry.objects.count(), JournalLine.objects.count(), Period.objects.count())
    again = ledger_seed([coop_a])
    assert again.cooperatives == 0 and again.entries == 0
    assert (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        Period.objects.count(),
    ) == counts


def test_same_village_same_books(coop_a, coop_b):
    def books():
        return (
            list(
                JournalEntry.objects.order_by("cooperative_id", "number").values_list(
                    "cooperative__village_id", "number", "date", "memo", "source_kind", "total"
                )
            ),
            list(
                JournalLine.objects.order_by(
                    "entry__cooperative_id", "entry__number", "line_no"
                ).values_list("account__code", "debit", "credit")
            ),
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        ledger_seed([coop_a, coop_b])
        first = books()
        raise Rollback
    assert not JournalEntry.objects.exists()
    ledger_seed([coop_b, coop_a])  # the order does not matter either
    assert sorted(books()[0]) == sorted(first[0])
    assert books()[1] != [] and sorted(books()[1]) == sorted(first[1])


def test_books_with_the_members_savings(coop_a, coop_b):
    """The members' year of simpanan, booked by the savings services, in the cooperative's
    books: reconciled, never short of cash, and closed with the rest."""
    for coop in (coop_a, coop_b):
        seed_members(coop)
    result = ledger_seed([coop_a, coop_b], extra=with_savings)
    assert len(result.extras) == 2 and all(r.movements > 200 for r in result.extras)
    assert result.entries == JournalEntry.objects.exclude(source_kind="reversal").count()
    for coop in (coop_a, coop_b):
        assert_balanced_and_never_short(coop)
        for row in reconciliation(cooperative=coop):
            assert row.difference == 0 and row.subledger > 0, row
        assert subledger_mismatches(cooperative=coop) == []
        first = JournalEntry.objects.filter(cooperative=coop).earliest("date", "number")
        assert (first.source_kind, first.date) == ("savings.collective", date(2025, 8, 1))
        closed = set(
            Period.objects.filter(cooperative=coop, status=Period.Status.CLOSED).values_list(
                "year", "month"
            )
        )
        assert closed == set(months((2025, 8), LAST_CLOSED))
        # The savings cash went to the bank with the month-end surplus: the office box keeps
        # its float (at most Rp5.5 juta at a month's end), not a year of simpanan.
        office = AccountMonth.objects.filter(
            cooperative=coop, account__code="1-101-01", year__lte=2026
        ).exclude(year=2026, month__gt=10)
        held = sum(r.debit - r.credit for r in office)
        assert 0 < held <= 5_500_000 < sum(r.subledger for r in reconciliation(cooperative=coop))
        assert_statements_name_each_result(coop)
    assert ledger_seed([coop_a, coop_b], extra=lambda coop, actor: None).cooperatives == 0


def assert_statements_name_each_result(coop) -> None:
    """After the demo's 2025 close, the balance sheet to October 2026 shows 2025's result once,
    as an earlier year's (SHU tahun lalu belum dibagi or akumulasi defisit), apart from 2026's;
    the cash flow shows the simpanan gross and adds up to the change in cash (issue 10.8)."""
    period = ReportPeriod.whole_year(2026, date(2026, 10, 31))
    sheet = statements.balance_sheet(cooperative=coop, period=period)
    labels = [ln.label for ln in sheet.equity.lines]
    assert len(labels) == len(set(labels)) and sheet.balanced
    last_year = statements.income_statement(cooperative=coop, period=ReportPeriod.whole_year(2025))
    retained = next(ln for ln in sheet.equity.lines if ln.code == "3-106")
    assert retained.current == last_year.shu[0] != 0
    expected = "Akumulasi defisit" if retained.current < 0 else "SHU tahun lalu belum dibagi"
    assert retained.label == expected
    assert not [ln for ln in sheet.equity.lines if "belum ditutup" in ln.label]
    flow = statements.cash_flow(cooperative=coop, period=period)
    assert flow.balanced
    financing = {ln.label: ln.current for ln in flow.sections[2].lines}
    assert financing["Setoran simpanan wajib"] > 0 and financing["Setoran simpanan sukarela"] > 0
    assert financing["Penarikan simpanan sukarela"] < 0
