"""The statements as tables, and those tables as Excel workbooks and PDF documents.

A statement becomes one `Table` (Indonesian headings: these are legal documents in Bahasa
Indonesia), which the pages, the Excel export and the PDF template all render, so the three
always show the same rows. Amount cells are whole-rupiah ints; text cells are strings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from kopdes.core.spreadsheet import append_row
from kopdes.ledger.statements import (
    Amount,
    BalanceSheet,
    CashFlow,
    EquityChanges,
    FinancialNotes,
    GeneralLedger,
    IncomeStatement,
    Section,
    TrialBalance,
    date_id,
)

# A date cell is a `date`: the pages and the PDF write it in the one date format (`1 Des 2026`),
# Excel keeps it a real date cell.
Cell = str | int | date | None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = (
        ""  # "" | "heading" (a section title) | "subtotal" | "total" | "group" (a header account)
        # | "text" (a sentence of the notes)
    )
    indent: int = 0
    code: str = ""  # an account code the page links to its Buku Besar


@dataclass(frozen=True)
class Table:
    title: str
    period: str  # the dates the figures cover, as the heading states them
    columns: tuple[str, ...]
    amounts: tuple[bool, ...]  # which columns hold amounts
    rows: list[Row]
    checks: list[tuple[str, bool]] = field(default_factory=list)  # (statement, holds)
    landscape: bool = False


def _amount_rows(section: Section, *, indent: int = 1) -> list[Row]:
    rows = [Row((section.title, None, None), style="heading")]
    rows += [_line(ln, indent=indent) for ln in section.lines]
    rows.append(
        Row(
            (f"Jumlah {section.title.lower()}", section.total, section.previous_total),
            style="subtotal",
        )
    )
    return rows


def _line(line: Amount, *, indent: int = 1) -> Row:
    label = f"{line.code} {line.label}" if line.code else line.label
    return Row((label, line.current, line.previous), indent=indent, code=line.code)


def trial_balance_table(statement: TrialBalance) -> Table:
    rows = [
        Row(
            (r.code, r.name, r.opening, r.debit, r.credit, r.closing),
            style="group" if r.is_header else "",
            indent=r.depth,
            code=r.code,
        )
        for r in statement.rows
    ]
    rows.append(
        Row(
            ("", "Jumlah mutasi", None, statement.total_debit, statement.total_credit, None),
            style="total",
        )
    )
    rows.append(
        Row(
            (
                "",
                "Jumlah saldo akhir (debit / kredit)",
                None,
                statement.closing_debit,
                statement.closing_credit,
                None,
            ),
            style="total",
        )
    )
    checks = [("Debit sama dengan kredit (seimbang)", statement.balanced)]
    if statement.previous is not None:
        previous = statement.previous
        rows.append(
            Row(
                (
                    "",
                    f"Pembanding {previous.period.title}: jumlah mutasi",
                    None,
                    previous.total_debit,
                    previous.total_credit,
                    None,
                ),
                style="subtotal",
            )
        )
        checks.append((f"Pembanding {previous.period.title} seimbang", previous.balanced))
    return Table(
        title="Neraca Saldo",
        period=statement.period.label,
        columns=("Kode", "Nama akun", "Saldo awal", "Debit", "Kredit", "Saldo akhir"),
        amounts=(False, False, True, True, True, True),
        rows=rows,
        checks=checks,
        landscape=True,
    )


def general_ledger_table(statement: GeneralLedger) -> Table:
    account = statement.account
    rows = [Row(("", "", "Saldo awal", None, None, statement.opening), style="subtotal")]
    rows += [
        Row(
            (
                ln.date,
                f"JU-{ln.number:06d}",
                ln.memo if ln.account_code == account.code else f"{ln.account_code} · {ln.memo}",
                ln.debit or None,
                ln.credit or None,
                ln.balance,
            )
        )
        for ln in statement.lines
    ]
    rows.append(
        Row(
            (
                "",
                "",
                "Jumlah dan saldo akhir",
                statement.total_debit,
                statement.total_credit,
                statement.closing,
            ),
            style="total",
        )
    )
    return Table(
        title=f"Buku Besar {account.code} {account.name}",
        period=statement.period.label,
        columns=("Tanggal", "Nomor", "Keterangan", "Debit", "Kredit", "Saldo"),
        amounts=(False, False, False, True, True, True),
        rows=rows,
        landscape=True,
    )


def balance_sheet_table(statement: BalanceSheet) -> Table:
    assets, liabilities = statement.total_assets, statement.total_liabilities
    both = statement.total_liabilities_and_equity
    rows = [Row(("ASET", None, None), style="heading")]
    rows += _amount_rows(statement.current_assets)
    rows += _amount_rows(statement.non_current_assets)
    rows.append(Row(("JUMLAH ASET", *assets), style="total"))
    rows.append(Row(("LIABILITAS DAN EKUITAS", None, None), style="heading"))
    rows += _amount_rows(statement.short_term_liabilities)
    rows += _amount_rows(statement.long_term_liabilities)
    rows.append(Row(("Jumlah liabilitas", *liabilities), style="subtotal"))
    rows += _amount_rows(statement.equity)
    rows.append(Row(("JUMLAH LIABILITAS DAN EKUITAS", *both), style="total"))
    return Table(
        title="Laporan Posisi Keuangan",
        period=f"per {date_id(statement.as_of)}",
        columns=("Pos", date_id(statement.as_of), date_id(statement.previous_as_of)),
        amounts=(False, True, True),
        rows=rows,
        checks=[("Aset sama dengan liabilitas ditambah ekuitas", statement.balanced)],
    )


def income_statement_table(statement: IncomeStatement) -> Table:
    rows: list[Row] = [Row(("PENDAPATAN", None, None), style="heading")]
    for section in (statement.member_income, statement.non_member_income, statement.other_income):
        if section.lines:
            rows += _amount_rows(section)
    rows.append(Row(("Jumlah pendapatan", *statement.total_income), style="subtotal"))
    rows += _amount_rows(statement.cost_of_sales)
    rows.append(Row(("HASIL USAHA KOTOR", *statement.gross_result), style="total"))
    rows.append(Row(("BEBAN", None, None), style="heading"))
    for section in (
        statement.operating_expenses,
        statement.cooperative_expenses,
        statement.other_expenses,
    ):
        if section.lines:
            rows += _amount_rows(section)
    rows.append(Row(("Jumlah beban", *statement.total_expenses), style="subtotal"))
    # A loss is a defisit, never "SHU" (SAK EP wording).
    shu_label = "SISA HASIL USAHA (SHU)" if statement.shu[0] >= 0 else "DEFISIT"
    rows.append(Row((shu_label, *statement.shu), style="total"))
    if statement.units:
        rows.append(
            Row((f"Hasil usaha per unit ({statement.period.title})", None, None), style="heading")
        )
        for unit in statement.units:
            rows.append(Row((unit.name, None, None), style="group", indent=1))
            rows.append(Row(("Partisipasi anggota", unit.member_income, None), indent=2))
            rows.append(Row(("Pendapatan non-anggota", unit.non_member_income, None), indent=2))
            rows.append(Row(("Harga pokok penjualan", unit.cost_of_sales, None), indent=2))
            if unit.expenses:
                rows.append(Row(("Beban unit", unit.expenses, None), indent=2))
            rows.append(
                Row((f"Hasil usaha {unit.name}", unit.result, None), style="subtotal", indent=1)
            )
    return Table(
        title="Laporan Perhitungan Hasil Usaha",
        period=statement.period.label,
        columns=("Pos", statement.period.title, statement.previous_period.title),
        amounts=(False, True, True),
        rows=rows,
    )


def equity_changes_table(statement: EquityChanges) -> Table:
    rows: list[Row] = []
    checks = []
    for part in (statement, statement.previous):
        if part is None:
            continue
        rows.append(
            Row((f"{part.period.title} ({part.period.label})", *([None] * 5)), style="heading")
        )
        rows += [
            Row(
                (
                    f"{r.code} {r.label}".strip(),
                    r.opening,
                    r.additions,
                    r.deductions,
                    r.result,
                    r.closing,
                ),
                indent=1,
                code=r.code,
            )
            for r in part.rows
        ]
        rows.append(
            Row(
                (
                    "Jumlah ekuitas",
                    *(
                        part.total(n)
                        for n in ("opening", "additions", "deductions", "result", "closing")
                    ),
                ),
                style="total",
            )
        )
        checks.append(
            (f"Saldo awal + perubahan = saldo akhir ({part.period.title})", part.consistent)
        )
    return Table(
        title="Laporan Perubahan Ekuitas",
        period=statement.period.label,
        columns=(
            "Pos ekuitas",
            "Saldo awal",
            "Penambahan",
            "Pengurangan",
            "SHU periode",
            "Saldo akhir",
        ),
        amounts=(False, True, True, True, True, True),
        rows=rows,
        checks=checks,
        landscape=True,
    )


def cash_flow_table(statement: CashFlow) -> Table:
    rows: list[Row] = []
    for section in statement.sections:
        rows.append(Row((section.title, None, None), style="heading"))
        rows += [_line(ln) for ln in section.lines]
        rows.append(
            Row(
                (f"Kas bersih {section.title[9:]}", section.total, section.previous_total),
                style="subtotal",
            )
        )
    rows.append(Row(("Kenaikan (penurunan) kas bersih", *statement.net_change), style="total"))
    rows.append(Row(("Kas pada awal periode", *statement.opening), style="subtotal"))
    rows.append(Row(("KAS PADA AKHIR PERIODE", *statement.closing), style="total"))
    return Table(
        title="Laporan Arus Kas",
        period=statement.period.label,
        columns=("Uraian", statement.period.title, statement.previous_period.title),
        amounts=(False, True, True),
        rows=rows,
        checks=[("Kas awal + arus kas bersih = kas akhir", statement.balanced)],
    )


def notes_table(statement: FinancialNotes) -> Table:
    """The Catatan atas Laporan Keuangan as one table (for the spreadsheet): each note a heading,
    its paragraphs text rows, its tables' header and rows below, amounts in their columns."""
    width = max(
        [2] + [len(t.columns) for note in statement.notes for t in note.tables],
    )
    rows: list[Row] = []

    def pad(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        return cells + (None,) * (width - len(cells))

    for number, note in enumerate(statement.notes, start=1):
        rows.append(Row(pad((f"{number}. {note.title}",)), style="heading"))
        rows += [Row(pad((text,)), style="text") for text in note.paragraphs]
        for table in note.tables:
            rows.append(Row(pad(table.columns), style="group", indent=1))
            rows += [
                Row(pad((label, *amounts)), style="subtotal" if style == "total" else "", indent=1)
                for label, amounts, style in table.rows
            ]
    return Table(
        title="Catatan atas Laporan Keuangan",
        period=statement.period.label,
        columns=("Uraian",) + ("",) * (width - 1),
        amounts=(False,) + (True,) * (width - 1),
        rows=rows,
        checks=statement.checks,
    )


# -- files --------------------------------------------------------------------------------------

NUMBER_FORMAT = "#,##0"
DATE_FORMAT = "d mmm yyyy"


def xlsx_bytes(table: Table, *, heading: list[str]) -> bytes:
    """One sheet: the heading lines (cooperative, village, title, period), then the table with
    bold column headers, amounts as integer cells formatted `#,##0`, and set column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    bold = Font(bold=True)
    # Every row goes through core.spreadsheet.append_row: text is written as text, so a memo or
    # an account name starting with "=" is never a live formula.
    for text in heading:
        append_row(sheet, [text])[0].font = bold
    sheet.append([])
    append_row(sheet, table.columns)
    header_row = sheet.max_row
    for column in range(1, len(table.columns) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    widths = [len(c) for c in table.columns]
    for row in table.rows:
        values = list(row.cells)
        append_row(sheet, values)
        if row.style == "text":  # a note's sentence: wrapped in its column
            sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
        elif row.indent:
            sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(indent=row.indent)
        emphasis = row.style in ("heading", "subtotal", "total", "group")
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(value, int):
                cell.number_format = NUMBER_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if emphasis:
                cell.font = bold
            if isinstance(value, int):
                width = len(f"{value:,}")
            elif isinstance(value, date):
                width = 11
            else:
                width = len(str(value or ""))
            widths[column - 1] = max(widths[column - 1], width)
    for check, holds in table.checks:
        append_row(sheet, [check, "Ya" if holds else "TIDAK"])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(table: Table) -> str:
    """The table as CSV (a header line, then the rows). A text cell that a spreadsheet would run
    as a formula (starting with =, +, -, @) gets a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(
            [
                "'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
                for cell in ("" if c is None else c for c in row.cells)
            ]
        )
    return out.getvalue()
