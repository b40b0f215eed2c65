"""The fund-use report as of a day: per fund and per partner what was received, used by business
line and is left, and every use with its evidence; as data (the funding page), an Excel workbook
and a PDF. Built here so the funding page and the RAT's documents pack read the same report.
Labels are in the language active while it is built and rendered: the pack does both under
`translation.override("id")`."""

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, pdf
from kopdes.core.spreadsheet import append_row
from kopdes.funding import rules, selectors
from kopdes.funding.models import FundUse
from kopdes.funding.selectors import FundUseRow, PartnerRow
from kopdes.ledger.statements import date_id


@dataclass(frozen=True)
class FundUseReport:
    cooperative: Cooperative
    on: date
    rows: list[FundUseRow]
    partners: list[PartnerRow]
    details: list[tuple[FundUseRow, list[FundUse]]]  # each fund with its uses, oldest first
    received: int
    spent: int
    balance: int


def fund_use_report(
    cooperative: Cooperative, on: date, *, kinds: Collection[str] | None = None
) -> FundUseReport:
    """The report as of `on`: only receipts and uses dated on or before it count; only the
    funds of `kinds` when given (the CSR partner's report)."""
    rows = selectors.fund_use(cooperative, on=on, kinds=kinds)
    details = [(row, list(selectors.uses(row.source, on=on))) for row in rows]
    for _row, uses in details:
        for use in uses:
            use.line_text = rules.line_label(use.line)  # type: ignore[attr-defined]  # for the template
    return FundUseReport(
        cooperative=cooperative,
        on=on,
        rows=rows,
        partners=selectors.by_partner(rows),
        details=details,
        received=sum(r.received for r in rows),
        spent=sum(r.spent for r in rows),
        balance=sum(r.balance for r in rows),
    )


def fund_use_report_pdf(report: FundUseReport) -> bytes:
    html = render_to_string(
        "funding/report_pdf.html",
        {"report": report, "printed": timezone.localtime(clock.now())},
    )
    return pdf.render_pdf(html)


def fund_use_report_xlsx(report: FundUseReport) -> bytes:
    """Three sheets: per fund (each line's use under it), per partner, every use."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Penggunaan dana"
    append_row(sheet, [report.cooperative.name])
    append_row(sheet, [_("Fund-use report"), date_id(report.on)])
    append_row(sheet, [])
    header = append_row(
        sheet,
        [
            _("Fund"),
            _("Kind"),
            _("Partner"),
            _("Agreement number"),
            _("Business line"),
            _("Received"),
            _("Used"),
            _("Balance"),
            _("Uses"),
            _("With evidence"),
        ],
    )
    for cell in header:
        cell.font = Font(bold=True)
    for row in report.rows:
        source = row.source
        append_row(
            sheet,
            [
                source.name,
                str(source.get_kind_display()),
                source.partner,
                source.agreement_number,
                _("All lines"),
                row.received,
                row.spent,
                row.balance,
                row.use_count,
                row.evidence_count,
            ],
        )
        for line in row.by_line:
            append_row(
                sheet, [source.name, "", "", "", str(line.label), "", line.amount, "", "", ""]
            )
    partner_sheet = book.create_sheet("Per mitra")
    header = append_row(
        partner_sheet, [_("Partner"), _("Business line"), _("Received"), _("Used"), _("Balance")]
    )
    for cell in header:
        cell.font = Font(bold=True)
    for partner in report.partners:
        append_row(
            partner_sheet,
            [partner.partner, _("All lines"), partner.received, partner.spent, partner.balance],
        )
        for line in partner.by_line:
            append_row(partner_sheet, [partner.partner, str(line.label), "", line.amount, ""])
    uses_sheet = book.create_sheet("Rincian")
    header = append_row(
        uses_sheet,
        [
            _("Fund"),
            _("Date"),
            _("Business line"),
            _("Description"),
            _("Paid to"),
            _("Amount"),
            _("Journal entry"),
            _("Evidence SHA-256"),
            _("Flag"),
        ],
    )
    for cell in header:
        cell.font = Font(bold=True)
    for row, uses in report.details:
        for use in uses:
            cells = append_row(
                uses_sheet,
                [
                    row.source.name,
                    use.on,
                    rules.line_label(use.line),
                    use.description,
                    use.payee,
                    use.amount,
                    str(use.entry),
                    use.evidence_sha256,
                    str(use.get_flag_state_display()) if use.flagged else "",
                ],
            )
            cells[1].number_format = "d mmm yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
