"""The statements, checked with exact numbers on a small first quarter of 2026.

Jan  5  CSR capital into the bank                          100.000.000
Jan  6  cash drawn from the bank for the office             20.000.000
Jan  7  office cash handed to the sembako gerai             15.000.000
Jan 10  stock bought by sembako                             10.000.000
Feb  3  sale to a member        revenue 3.000.000  cost 2.400.000
Feb  4  sale to a non-member    revenue 1.000.000  cost   800.000
Feb 10  salaries (5-201)                                     1.500.000
Feb 12  electricity (5-203)                                    300.000
Mar  5  sale to a member        revenue 2.000.000  cost 1.600.000
Mar 10  rent (5-202), posted by mistake                         700.000
Mar 12  ... reversed
Mar 15  a fixed asset bought from the bank (1-301)           4.000.000
Mar 20  sale to a non-member    revenue   500.000  cost   400.000
Mar 25  RAT costs (5-301)                                      250.000
"""

from collections import defaultdict
from datetime import date

import pytest

from kopdes.ledger import exports, services, statements
from kopdes.ledger.models import AccountMonth, JournalLine
from kopdes.ledger.services import Line
from kopdes.ledger.statements import ReportPeriod

pytestmark = pytest.mark.django_db

MARCH = ReportPeriod.month(2026, 3)
Q1 = ReportPeriod.quarter(2026, 1)


def event(coop, day, name, key="", **amounts):
    return services.post_event(
        cooperative=coop, event=name, key=key, amounts=amounts, date=day, memo=f"{name} {key}"
    )


@pytest.fixture
def books(coop_a):
    event(coop_a, date(2026, 1, 5), "capital.csr_received", amount=100_000_000)
    event(coop_a, date(2026, 1, 6), "cash.bank_withdrawal", amount=20_000_000)
    event(coop_a, date(2026, 1, 7), "cash.transfer_to_unit", "sembako", amount=15_000_000)
    event(coop_a, date(2026, 1, 10), "purchase.cash", "sembako", amount=10_000_000)
    event(
        coop_a, date(2026, 2, 3), "sale.cash", "sembako:member", revenue=3_000_000, cost=2_400_000
    )
    event(
        coop_a, date(2026, 2, 4), "sale.cash", "sembako:non_member", revenue=1_000_000, cost=800_000
    )
    event(coop_a, date(2026, 2, 10), "expense.cash", "5-201", amount=1_500_000)
    event(coop_a, date(2026, 2, 12), "expense.cash", "5-203", amount=300_000)
    event(
        coop_a, date(2026, 3, 5), "sale.cash", "sembako:member", revenue=2_000_000, cost=1_600_000
    )
    mistake = event(coop_a, date(2026, 3, 10), "expense.cash", "5-202", amount=700_000)
    services.journal_entry_reverse(entry=mistake, date=date(2026, 3, 12), actor=None)
    services.journal_entry_post(
        cooperative=coop_a,
        date=date(2026, 3, 15),
        memo="Etalase dan timbangan",
        lines=[Line("1-301", debit=4_000_000), Line("1-102", credit=4_000_000)],
        source_kind="manual",
    )
    event(
        coop_a, date(2026, 3, 20), "sale.cash", "sembako:non_member", revenue=500_000, cost=400_000
    )
    event(coop_a, date(2026, 3, 25), "expense.cash", "5-301", amount=250_000)
    return coop_a


def lines_of(section):
    return [(ln.code, ln.current, ln.previous) for ln in section.lines]


# -- periods ---------------------------------------------------------------------------------


def test_periods_and_their_comparatives():
    assert (MARCH.start, MARCH.end, MARCH.title) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
        "Maret 2026",
    )
    assert MARCH.previous() == ReportPeriod.month(2026, 2)
    assert ReportPeriod.month(2026, 1).previous() == ReportPeriod.month(2025, 12)
    assert Q1.previous() == ReportPeriod.quarter(2025, 4)
    assert (Q1.end, Q1.title) == (date(2026, 3, 31), "Triwulan I 2026")
    assert ReportPeriod.whole_year(2026).previous() == ReportPeriod.whole_year(2025)
    cut = ReportPeriod.month(2026, 3, date(2026, 3, 30))
    assert cut.previous() == ReportPeriod.month(2026, 2)  # clamped to the end of February
    assert ReportPeriod.month(2026, 3, date(2026, 3, 15)).previous().end == date(2026, 2, 15)
    assert cut.label == "1 Maret 2026 s.d. 30 Maret 2026"


@pytest.mark.parametrize(
    ("period", "title"),
    [
        (ReportPeriod.whole_year(2026, date(2026, 10, 31)), "Januari s.d. Oktober 2026"),
        (ReportPeriod.whole_year(2026, date(2026, 1, 31)), "Januari 2026"),
        (ReportPeriod.whole_year(2026, date(2026, 3, 15)), "1 Januari 2026 s.d. 15 Maret 2026"),
        (ReportPeriod.month(2026, 3, date(2026, 3, 15)), "1 s.d. 15 Maret 2026"),
        (ReportPeriod.whole_year(2026), "Tahun 2026"),
    ],
)
def test_a_period_cut_short_is_named_for_what_it_covers(period, title):
    """A column headed "Tahun 2026" over January to October would misstate the period."""
    assert period.title == title
    for bad in [("month", 2026, 13), ("quarter", 2026, 0), ("year", 2026, 2)]:
        with pytest.raises(ValueError):
            ReportPeriod(*bad)
    with pytest.raises(ValueError):
        ReportPeriod.month(2026, 3, date(2026, 4, 1))


# -- snapshots equal a recomputation from the journal --------------------------------------------


def from_scratch(coop, start, end):
    """Every journal line of the cooperative, summed per account by brute force."""
    sums = defaultdict(lambda: [0, 0])
    for line in JournalLine.objects.filter(cooperative=coop):
        if (start is None or line.date >= start) and line.date <= end:
            sums[line.account_id][0] += line.debit
            sums[line.account_id][1] += line.credit
    return {k: tuple(v) for k, v in sums.items() if v != [0, 0]}


def nonzero(movements):
    return {k: v for k, v in movements.items() if v != (0, 0)}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, date(2026, 3, 31)),
        (None, date(2026, 3, 14)),
        (None, date(2026, 1, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 2, 4), date(2026, 3, 12)),  # both ends mid-month
        (date(2026, 3, 6), date(2026, 3, 15)),  # inside one month
        (date(2026, 3, 1), date(2026, 3, 10)),
        (date(2026, 1, 6), date(2026, 1, 31)),
        (date(2025, 12, 1), date(2026, 2, 3)),
        (date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_snapshot_path_equals_journal_recomputation(books, start, end):
    assert nonzero(statements.movements(books, start, end)) == from_scratch(books, start, end)


@pytest.mark.parametrize(
    "on", [None, date(2026, 3, 31), date(2026, 3, 14), date(2026, 2, 3), date(2025, 12, 31)]
)
def test_account_balances_equal_journal_recomputation(books, on):
    """`ledger.selectors.account_balances`, the one reader of balances outside the statements
    (loans' own capital, allowance and reconcile, savings' reconcile): snapshots for whole
    months, lines for the rest, equal to a sum of every line; filtered by code and by kind."""
    from kopdes.ledger.models import Account
    from kopdes.ledger.selectors import account_balances

    scratch = from_scratch(books, None, on or date(2099, 12, 31))
    codes = dict(Account.objects.filter(cooperative=books).values_list("pk", "code"))
    expected = {codes[pk]: debit - credit for pk, (debit, credit) in scratch.items()}
    assert account_balances(cooperative=books, on=on) == expected
    assert account_balances(cooperative=books, codes=["1-102", "9-999"], on=on) == {
        k: v for k, v in expected.items() if k == "1-102"
    }
    equity = set(
        Account.objects.filter(cooperative=books, kind="equity").values_list("code", flat=True)
    )
    assert account_balances(cooperative=books, kind="equity", on=on) == {
        k: v for k, v in expected.items() if k in equity
    }


def test_reports_read_snapshots_not_the_journal(books):
    # Whole months: the snapshots alone. Nothing reads JournalLine.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        statements.movements(books, date(2026, 1, 1), date(2026, 3, 31))
    assert not any("ledger_journalline" in q["sql"] for q in queries.captured_queries)
    assert AccountMonth.objects.filter(cooperative=books).exists()
    with CaptureQueriesContext(connection) as queries:
        statements.movements(books, None, date(2026, 3, 15))
    partial = [q["sql"] for q in queries.captured_queries if "ledger_journalline" in q["sql"]]
    assert len(partial) == 1 and "2026-03-01" in partial[0] and "2026-03-15" in partial[0]


# -- 1. Neraca Saldo -----------------------------------------------------------------------------


def test_trial_balance_march(books):
    tb = statements.trial_balance(cooperative=books, period=MARCH)
    rows = {r.code: r for r in tb.rows}
    assert (tb.total_debit, tb.total_credit) == (10_150_000, 10_150_000)
    assert tb.balanced
    bank = rows["1-102"]
    assert (bank.opening, bank.debit, bank.credit, bank.closing) == (
        80_000_000,
        0,
        4_000_000,
        76_000_000,
    )
    kas = rows["1-101"]  # the header sums its gerai
    assert kas.is_header and (kas.opening, kas.closing) == (12_200_000, 14_450_000)
    rent = rows["5-202"]
    assert (rent.opening, rent.debit, rent.credit, rent.closing) == (0, 700_000, 700_000, 0)
    capital = rows["3-103"]
    assert (capital.opening, capital.closing) == (100_000_000, 100_000_000)  # credit-normal
    sales = rows["4-101-02"]
    assert (sales.opening, sales.credit, sales.closing) == (3_000_000, 2_000_000, 5_000_000)
    assert (
        tb.closing_debit == tb.closing_credit == 106_500_000  # 99.250.000 assets + 7.250.000 costs
    )
    assert tb.previous.period == ReportPeriod.month(2026, 2)
    assert (
        tb.previous.total_debit == 3_000_000 + 2_400_000 + 1_000_000 + 800_000 + 1_500_000 + 300_000
    )
    assert tb.previous.balanced


def test_trial_balance_matches_recomputation(books):
    period = ReportPeriod.month(2026, 3, date(2026, 3, 14))
    tb = statements.trial_balance(cooperative=books, period=period)
    chart = statements.chart_of(books)
    opening = from_scratch(books, None, date(2026, 2, 28))
    moved = from_scratch(books, date(2026, 3, 1), date(2026, 3, 14))
    for row in tb.rows:
        account = chart.by_code(row.code)
        if account.is_header:
            continue
        d, c = moved.get(account.id, (0, 0))
        od, oc = opening.get(account.id, (0, 0))
        sign = 1 if account.debit_normal else -1
        assert (row.opening, row.debit, row.credit, row.closing) == (
            sign * (od - oc),
            d,
            c,
            sign * (od - oc + d - c),
        ), row.code


def test_trial_balance_status_reports_unbalanced_snapshots(books):
    # A snapshot out of step with the journal (never written like this outside a test) shows.
    cash = statements.chart_of(books).by_code("1-102")
    AccountMonth.objects.filter(cooperative=books, account_id=cash.id, year=2026, month=3).update(
        debit=1
    )
    tb = statements.trial_balance(cooperative=books, period=MARCH)
    assert not tb.balanced


def test_trial_balance_of_an_empty_cooperative(coop_b):
    tb = statements.trial_balance(cooperative=coop_b, period=MARCH)
    assert tb.balanced and tb.total_debit == 0 and all(r.closing == 0 for r in tb.rows)


# -- 2. Buku Besar -------------------------------------------------------------------------------


def test_general_ledger_running_balance(books):
    chart = statements.chart_of(books)
    kas = chart.by_code("1-101-01")
    gl = statements.general_ledger(cooperative=books, account=kas, period=MARCH)
    assert gl.opening == 3_200_000
    assert [(ln.debit, ln.credit, ln.balance) for ln in gl.lines] == [
        (0, 700_000, 2_500_000),
        (700_000, 0, 3_200_000),
        (0, 250_000, 2_950_000),
    ]
    assert (gl.total_debit, gl.total_credit, gl.closing, gl.count) == (
        700_000,
        950_000,
        2_950_000,
        3,
    )
    paged = statements.general_ledger(
        cooperative=books, account=kas, period=MARCH, page=2, per_page=2
    )
    assert (paged.pages, paged.page, paged.page_opening) == (2, 2, 3_200_000)
    assert [ln.balance for ln in paged.lines] == [2_950_000]
    income = chart.by_code("4-101")  # a header: the lines of its gerai accounts
    gl = statements.general_ledger(cooperative=books, account=income, period=Q1)
    assert (gl.opening, gl.closing, gl.count) == (0, 5_000_000, 2)
    assert [ln.balance for ln in gl.lines] == [3_000_000, 5_000_000]


# -- 3. Laporan Posisi Keuangan -------------------------------------------------------------------


def test_balance_sheet_march_with_comparative(books):
    bs = statements.balance_sheet(cooperative=books, period=MARCH)
    assert (bs.as_of, bs.previous_as_of) == (date(2026, 3, 31), date(2026, 2, 28))
    assert lines_of(bs.current_assets) == [
        ("1-101", 14_450_000, 12_200_000),
        ("1-102", 76_000_000, 80_000_000),
        ("1-107", 4_800_000, 6_800_000),
    ]
    assert lines_of(bs.non_current_assets) == [("1-301", 4_000_000, 0)]
    assert bs.total_assets == (99_250_000, 99_000_000)
    assert bs.total_liabilities == (0, 0)
    assert lines_of(bs.equity) == [
        ("3-103", 100_000_000, 100_000_000),
        ("", -750_000, -1_000_000),  # this year's result: a loss
    ]
    assert bs.equity.lines[1].label == "Defisit tahun berjalan"  # a loss is never "SHU"
    assert bs.total_liabilities_and_equity == (99_250_000, 99_000_000)
    assert bs.balanced


def test_balance_sheet_mid_month(books):
    bs = statements.balance_sheet(
        cooperative=books, period=ReportPeriod.month(2026, 3, date(2026, 3, 15))
    )
    assert (bs.as_of, bs.previous_as_of) == (date(2026, 3, 15), date(2026, 2, 15))
    assert bs.total_assets == (99_400_000, 99_000_000)
    assert lines_of(bs.current_assets)[0] == ("1-101", 14_200_000, 12_200_000)
    assert bs.equity.lines[-1].current == -600_000
    assert bs.balanced


def test_contra_accounts_are_subtracted(books):
    services.journal_entry_post(
        cooperative=books,
        date=date(2026, 3, 31),
        memo="Penyusutan Maret",
        lines=[Line("5-205", debit=100_000), Line("1-302", credit=100_000)],
        source_kind="manual",
    )
    bs = statements.balance_sheet(cooperative=books, period=MARCH)
    assert lines_of(bs.non_current_assets) == [("1-301", 4_000_000, 0), ("1-302", -100_000, 0)]
    assert bs.total_assets[0] == 99_150_000 and bs.balanced


def test_liabilities_by_maturity(books):
    services.journal_entry_post(
        cooperative=books,
        date=date(2026, 3, 30),
        memo="Pinjaman bank dan utang dagang",
        lines=[
            Line("1-102", debit=50_000_000),
            Line("2-201", credit=45_000_000),
            Line("2-102", credit=5_000_000),
        ],
        source_kind="manual",
    )
    bs = statements.balance_sheet(cooperative=books, period=MARCH)
    assert lines_of(bs.short_term_liabilities) == [("2-102", 5_000_000, 0)]
    assert lines_of(bs.long_term_liabilities) == [("2-201", 45_000_000, 0)]
    assert bs.balanced


# -- 4. Laporan Perhitungan Hasil Usaha -----------------------------------------------------------


def test_income_statement_quarter(books):
    report = statements.income_statement(cooperative=books, period=Q1)
    assert lines_of(report.member_income) == [("4-101-02", 5_000_000, 0)]
    assert lines_of(report.non_member_income) == [("4-201-02", 1_500_000, 0)]
    assert report.total_income == (6_500_000, 0)
    assert lines_of(report.cost_of_sales) == [("5-101-02", 5_200_000, 0)]
    assert report.gross_result == (1_300_000, 0)
    assert lines_of(report.operating_expenses) == [
        ("5-201", 1_500_000, 0),
        ("5-203", 300_000, 0),
    ]  # the reversed rent nets to nothing and is left out
    assert lines_of(report.cooperative_expenses) == [("5-301", 250_000, 0)]
    assert report.total_expenses == (2_050_000, 0)
    assert report.shu == (-750_000, 0)
    (unit,) = report.units
    assert (unit.member_income, unit.non_member_income, unit.cost_of_sales, unit.result) == (
        5_000_000,
        1_500_000,
        5_200_000,
        1_300_000,
    )


def test_income_statement_month_with_comparative(books):
    report = statements.income_statement(cooperative=books, period=MARCH)
    assert report.total_income == (2_500_000, 4_000_000)
    assert report.gross_result == (500_000, 800_000)
    assert report.total_expenses == (250_000, 1_800_000)
    assert report.shu == (250_000, -1_000_000)
    assert report.previous_period == ReportPeriod.month(2026, 2)


# -- 5. Laporan Perubahan Ekuitas -----------------------------------------------------------------


def test_equity_changes(books):
    report = statements.equity_changes(cooperative=books, period=Q1)
    rows = {r.code: r for r in report.rows}
    capital = rows["3-103"]
    assert (capital.opening, capital.additions, capital.deductions, capital.closing) == (
        0,
        100_000_000,
        0,
        100_000_000,
    )
    result = rows[""]
    assert (result.opening, result.result, result.closing) == (0, -750_000, -750_000)
    assert report.total("closing") == 99_250_000  # = equity in the Laporan Posisi Keuangan
    assert report.consistent
    march = statements.equity_changes(cooperative=books, period=MARCH)
    result = next(r for r in march.rows if r.code == "")
    assert (result.opening, result.result, result.closing) == (-1_000_000, 250_000, -750_000)
    assert march.previous.total("closing") == 99_000_000


# -- 6. Laporan Arus Kas --------------------------------------------------------------------------


def flows(section):
    """code -> (this period, previous) for the lines of one account; both lines of an account
    with receipts and payments apart are keyed by their label."""
    codes = [ln.code for ln in section.lines]
    return {
        (ln.code if codes.count(ln.code) == 1 else ln.label): (ln.current, ln.previous)
        for ln in section.lines
    }


def test_cash_flow_march(books):
    report = statements.cash_flow(cooperative=books, period=MARCH)
    operating, investing, financing = report.sections
    assert flows(operating) == {
        "4-101": (2_000_000, 3_000_000),
        "4-201": (500_000, 1_000_000),
        "5-201": (0, -1_500_000),
        "5-203": (0, -300_000),
        "5-301": (-250_000, 0),
    }  # the rent and its reversal cancel out
    assert flows(investing) == {"1-301": (-4_000_000, 0)}
    assert flows(financing) == {}
    assert report.net_change == (-1_750_000, 2_200_000)
    assert report.opening == (92_200_000, 90_000_000)
    assert report.closing == (90_450_000, 92_200_000)
    assert report.balanced


def test_cash_flow_quarter(books):
    report = statements.cash_flow(cooperative=books, period=Q1)
    operating, investing, financing = report.sections
    assert operating.total == 5_000_000 + 1_500_000 - 10_000_000 - 1_500_000 - 300_000 - 250_000
    assert flows(operating)["1-107"] == (-10_000_000, 0)
    assert flows(financing) == {"3-103": (100_000_000, 0)}
    assert investing.total == -4_000_000
    assert (report.opening[0], report.closing[0]) == (0, 90_450_000)
    assert report.balanced


def test_cash_flow_splits_mixed_entries_exactly(coop_a):
    # One receipt of 1.000.001 from three sources of different classes: the parts add up.
    services.journal_entry_post(
        cooperative=coop_a,
        date=date(2026, 3, 2),
        memo="Setoran campuran",
        lines=[
            Line("1-102", debit=1_000_001),
            Line("3-101", credit=333_334),
            Line("4-901", credit=333_333),
            Line("2-201", credit=333_334),
        ],
        source_kind="manual",
    )
    report = statements.cash_flow(cooperative=coop_a, period=MARCH)
    operating, _investing, financing = report.sections
    assert flows(operating) == {"4-901": (333_333, 0)}
    assert flows(financing) == {"2-201": (333_334, 0), "3-101": (333_334, 0)}
    assert report.net_change[0] == 1_000_001 and report.balanced


def test_cash_flow_is_gross_inside_an_entry(coop_a):
    """A week's recap takes in simpanan wajib and pays out sukarela through the one cash account:
    both lines appear whole, not netted against each other (issue 10.8)."""
    event(coop_a, date(2026, 3, 2), "capital.csr_received", amount=2_000_000)
    services.journal_entry_post(
        cooperative=coop_a,
        date=date(2026, 3, 7),
        memo="Rekap simpanan minggu pertama",
        lines=[
            Line("1-102", debit=1_030_000),
            Line("3-102", credit=1_030_000),
            Line("2-101", debit=580_000),
            Line("1-102", credit=580_000),
        ],
        source_kind="manual",
    )
    # The same as one net cash line, and a sale with its cost in the same entry.
    services.journal_entry_post(
        cooperative=coop_a,
        date=date(2026, 3, 14),
        memo="Rekap simpanan dan penjualan minggu kedua",
        lines=[
            Line("1-102", debit=450_000 + 300_000),
            Line("3-102", credit=1_030_000),
            Line("2-101", debit=580_000),
            Line("4-901", credit=300_000),
            Line("5-201", debit=100_000),
            Line("2-102", credit=100_000),  # an expense left owing: not cash
        ],
        source_kind="manual",
    )
    # A withdrawal posted by mistake and reversed leaves the lines as they were.
    mistake = services.journal_entry_post(
        cooperative=coop_a,
        date=date(2026, 3, 20),
        memo="Penarikan keliru",
        lines=[Line("2-101", debit=70_000), Line("1-102", credit=70_000)],
        source_kind="manual",
    )
    services.journal_entry_reverse(entry=mistake, date=date(2026, 3, 21), actor=None)
    report = statements.cash_flow(cooperative=coop_a, period=MARCH)
    operating, _investing, financing = report.sections
    assert [(ln.code, ln.label, ln.current) for ln in financing.lines] == [
        ("2-101", "Penarikan simpanan sukarela", -580_000 - 580_000),
        ("3-102", "Setoran simpanan wajib", 1_030_000 + 1_030_000),
        ("3-103", "Penerimaan hibah/CSR", 2_000_000),
    ]
    assert flows(operating) == {"4-901": (300_000, 0)}  # the unpaid expense is no payment
    cash = statements.chart_of(coop_a).by_code("1-102")
    moved = statements.movements(coop_a, MARCH.start, MARCH.end)[cash.id]
    assert report.net_change[0] == moved[0] - moved[1] == 2_000_000 + 450_000 + 750_000
    assert report.balanced


def test_cash_flow_keeps_a_stock_cost_and_a_receivable_out_of_cash(coop_a):
    chart = statements.chart_of(coop_a)
    code = {a.code: a.id for a in chart.leaves()}
    stock = next(a.id for a in chart.leaves() if a.code.startswith("1-107-"))
    cost = next(a.id for a in chart.leaves() if a.code.startswith("5-101-"))
    # A sale of 1.000.000, 400.000 of it on credit, its stock 700.000 to HPP.
    nets = {
        code["1-102"]: 600_000,
        code["1-105"]: 400_000,
        code["4-901"]: -1_000_000,
        cost: 700_000,
        stock: -700_000,
    }
    assert statements.entry_cash_flows(chart, nets) == {code["4-901"]: 600_000}


# -- the year-end close ---------------------------------------------------------------------------


def test_year_end_close_keeps_the_year_result_visible(coop_a, time_machine):
    time_machine.move_to(date(2026, 2, 1))
    event(coop_a, date(2025, 12, 1), "capital.csr_received", amount=100_000_000)
    event(coop_a, date(2025, 12, 2), "cash.bank_withdrawal", amount=5_000_000)
    event(coop_a, date(2025, 12, 3), "cash.transfer_to_unit", "sembako", amount=5_000_000)
    event(coop_a, date(2025, 12, 4), "purchase.cash", "sembako", amount=4_000_000)
    event(coop_a, date(2025, 12, 9), "sale.cash", "sembako:member", revenue=1_000_000, cost=600_000)
    services.year_end_close(actor=None, cooperative=coop_a, year=2025)
    year = ReportPeriod.whole_year(2025)
    report = statements.income_statement(cooperative=coop_a, period=year)
    assert report.shu == (400_000, 0)  # the closing entry does not zero the year's result
    bs = statements.balance_sheet(cooperative=coop_a, period=year)
    equity = {ln.label: (ln.code, ln.current) for ln in bs.equity.lines}
    # On 31 December the year's result is the year's, though the close moved it to 3-106.
    assert equity == {"Hibah/CSR": ("3-103", 100_000_000), "SHU tahun berjalan": ("", 400_000)}
    assert bs.balanced
    changes = statements.equity_changes(cooperative=coop_a, period=year)
    unclosed = next(r for r in changes.rows if r.code == "")
    assert (unclosed.result, unclosed.deductions, unclosed.closing) == (400_000, 400_000, 0)
    assert changes.consistent
    january = statements.balance_sheet(cooperative=coop_a, period=ReportPeriod.month(2026, 1))
    assert january.balanced and january.total_assets[0] == 100_400_000
    # A year on, 2025's result is an earlier year's, closed and not yet divided; the column of
    # 31 December 2025 still calls it that year's result. One name per line.
    assert {ln.label: (ln.code, ln.current, ln.previous) for ln in january.equity.lines} == {
        "Hibah/CSR": ("3-103", 100_000_000, 100_000_000),
        "SHU tahun lalu belum dibagi": ("3-106", 400_000, 0),
        "SHU tahun berjalan": ("", 0, 400_000),
    }


def test_a_closed_loss_is_an_accumulated_deficit(coop_a, time_machine):
    time_machine.move_to(date(2026, 2, 1))
    event(coop_a, date(2025, 12, 1), "capital.csr_received", amount=1_000_000)
    event(coop_a, date(2025, 12, 2), "expense.cash", "5-201", amount=300_000)
    services.year_end_close(actor=None, cooperative=coop_a, year=2025)
    event(coop_a, date(2026, 1, 5), "expense.cash", "5-203", amount=50_000)
    bs = statements.balance_sheet(cooperative=coop_a, period=ReportPeriod.month(2026, 1))
    assert {ln.label: (ln.current, ln.previous) for ln in bs.equity.lines} == {
        "Hibah/CSR": (1_000_000, 1_000_000),
        "Akumulasi defisit": (-300_000, 0),
        "Defisit tahun berjalan": (-50_000, -300_000),
    }
    assert bs.balanced
    table = exports.balance_sheet_table(bs)
    labels = [row.cells[0] for row in table.rows]
    assert "3-106 Akumulasi defisit" in labels and not any("SHU" in str(x) for x in labels)
    assert not any("ewajiban" in str(x) for x in labels)  # "Liabilitas", never "Kewajiban"


def test_unclosed_earlier_year_shows_separately(coop_a):
    event(coop_a, date(2025, 12, 1), "capital.csr_received", amount=1_000_000)
    services.journal_entry_post(
        cooperative=coop_a,
        date=date(2025, 12, 5),
        memo="Pendapatan lain",
        lines=[Line("1-102", debit=10_000), Line("4-901", credit=10_000)],
        source_kind="manual",
    )
    bs = statements.balance_sheet(cooperative=coop_a, period=ReportPeriod.month(2026, 1))
    equity = {ln.label: (ln.current, ln.previous) for ln in bs.equity.lines}
    assert equity == {
        "Hibah/CSR": (1_000_000, 1_000_000),
        "SHU tahun berjalan": (0, 10_000),  # 2025's result, at 31 December 2025
        "SHU tahun lalu belum ditutup": (10_000, 0),  # the same, a year on, with 2025 not closed
    }
    assert bs.balanced


def test_day_before_is_exclusive(books):
    # An opening balance on the 1st includes nothing of that day.
    assert statements.movements(books, None, date(2026, 1, 4)) == {}
    day = date(2026, 1, 5)
    assert nonzero(statements.movements(books, day, day)) == from_scratch(books, day, day)


# -- Catatan atas Laporan Keuangan ----------------------------------------------------------------


def post(coop, day, source, *lines):
    return services.journal_entry_post(
        cooperative=coop, date=day, memo=source, lines=list(lines), source_kind=source
    )


@pytest.fixture
def savings_books(coop_a):
    post(
        coop_a,
        date(2026, 1, 10),
        "savings.collective",
        Line("1-102", debit=350_000),
        Line("3-101", credit=100_000),
        Line("3-102", credit=150_000),
        Line("2-101", credit=100_000),
    )
    post(
        coop_a,
        date(2026, 2, 10),
        "savings.deposit",
        Line("1-102", debit=40_000),
        Line("3-102", credit=40_000),
    )
    mistake = post(
        coop_a,
        date(2026, 2, 11),
        "savings.deposit",
        Line("1-102", debit=9_000),
        Line("2-101", credit=9_000),
    )
    services.journal_entry_reverse(entry=mistake, date=date(2026, 2, 12), actor=None)
    post(
        coop_a,
        date(2026, 2, 20),
        "savings.withdraw",
        Line("2-101", debit=30_000),
        Line("1-102", credit=30_000),
    )
    post(
        coop_a,
        date(2026, 2, 28),
        "savings.interest",
        Line("5-501", debit=500),
        Line("2-101", credit=500),
    )
    return coop_a


def test_notes_reconcile_the_savings_to_the_balance_sheet(savings_books):
    period = ReportPeriod.whole_year(2026, date(2026, 2, 28))
    moved = {
        m.kind: m for m in statements.savings_movements(cooperative=savings_books, period=period)
    }
    assert (moved["pokok"].opening, moved["pokok"].deposits, moved["pokok"].closing) == (
        0,
        100_000,
        100_000,
    )
    assert (moved["wajib"].deposits, moved["wajib"].closing) == (190_000, 190_000)
    sukarela = moved["sukarela"]
    # The reversed 9.000 is no deposit; the interest is not a deposit either.
    assert (sukarela.deposits, sukarela.withdrawals, sukarela.interest, sukarela.closing) == (
        100_000,
        30_000,
        500,
        70_500,
    )
    assert all(m.consistent and m.sheet == m.closing for m in moved.values())
    february = statements.savings_movements(
        cooperative=savings_books, period=ReportPeriod.month(2026, 2)
    )
    assert [m.opening for m in february] == [100_000, 150_000, 100_000]


def test_notes_derive_every_belum_ada_from_the_books(savings_books):
    period = ReportPeriod.whole_year(2026, date(2026, 2, 28))
    officers = [
        statements.RelatedPartyGroup("pengurus", 5, 2, {"wajib": 40_000}, 40_000, 0, 0),
        statements.RelatedPartyGroup("pengawas", 2, 0, {}, 0, 0, 0),
    ]
    notes = statements.financial_notes(cooperative=savings_books, period=period, related=officers)
    titles = [n.title for n in notes.notes]
    assert titles == [
        "Informasi umum",
        "Kebijakan akuntansi",
        "Simpanan anggota",
        "Pihak berelasi",
        "Pinjaman kepada anggota",
        "Pendanaan",
    ]
    by_title = {n.title: n for n in notes.notes}
    assert "Tanggal pendirian: 21 Juli 2025." in by_title["Informasi umum"].paragraphs
    assert any("SAK EP" in p for p in by_title["Kebijakan akuntansi"].paragraphs)
    assert any("metode langsung" in p for p in by_title["Kebijakan akuntansi"].paragraphs)
    savings = by_title["Simpanan anggota"].tables[0]
    assert savings.columns == (
        "Uraian",
        "Simpanan pokok",
        "Simpanan wajib",
        "Simpanan sukarela",
        "Jumlah",
    )
    assert [r[0] for r in savings.rows][:2] == [
        "Saldo 31 Desember 2025",
        "Setoran Januari s.d. Februari 2026",
    ]
    assert savings.rows[4] == (
        "Saldo 28 Februari 2026",
        (100_000, 190_000, 70_500, 360_500),
        "total",
    )
    related = by_title["Pihak berelasi"].tables[0]
    assert related.columns == ("Uraian", "Pengurus", "Pengawas")
    assert related.rows[0] == ("Jumlah orang menjabat", (5, 2), "count")
    assert by_title["Pinjaman kepada anggota"].paragraphs[0].startswith("Belum ada")
    assert by_title["Pendanaan"].paragraphs[0].startswith("Belum ada")
    assert notes.checks and all(holds for _c, holds in notes.checks)

    # Once the books hold a loan and a bank loan, the notes say what they are, never "belum ada".
    post(
        savings_books,
        date(2026, 2, 15),
        "manual",
        Line("1-102", debit=5_000_000),
        Line("2-201", credit=5_000_000),
    )
    post(
        savings_books,
        date(2026, 2, 16),
        "loans.disburse",
        Line("1-103", debit=1_000_000),
        Line("1-102", credit=1_000_000),
    )
    notes = statements.financial_notes(cooperative=savings_books, period=period, related=officers)
    by_title = {n.title: n for n in notes.notes}
    assert by_title["Pinjaman kepada anggota"].tables[0].rows[0] == (
        "Piutang pinjaman anggota",
        (1_000_000,),
        "",
    )
    assert by_title["Pendanaan"].tables[0].rows[0] == ("Utang bank (Himbara)", (5_000_000,), "")
    assert not any("Belum ada pinjaman" in p for p in by_title["Pihak berelasi"].paragraphs)
    table = exports.notes_table(notes)
    assert table.title == "Catatan atas Laporan Keuangan"
    assert table.rows[0].cells == ("1. Informasi umum", None, None, None, None)
