"""Loan reports (VIEW_LOANS): the portfolio, aging and collectibility with the NPL ratio, the
arrears list with a WhatsApp reminder per borrower (and its Excel export), and the loan card of a
borrower (a page and a PDF). Loans are live data: every report is as of today, read from the
loan's own fields that the daily close maintains (days past due, collectibility, denda)."""

import io
from datetime import date
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, pdf
from kopdes.core.masking import mask_phone
from kopdes.core.money import format_rupiah
from kopdes.core.spreadsheet import append_row
from kopdes.ledger.statements import date_id
from kopdes.loans import labels, reports
from kopdes.members import selectors as member_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.views.loans import LOANS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cooperative_page(Capability.VIEW_LOANS)
def loans_portfolio(request, cooperative: Cooperative):
    """How many loans, how much lent and how much is outstanding, by product and by status."""
    return render(
        request,
        "web/loans/portfolio.html",
        {
            "cooperative": cooperative,
            "portfolio": reports.portfolio(cooperative=cooperative),
            "today": clock.today(),
        },
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_aging(request, cooperative: Cooperative):
    """Active loans by collectibility class and by days past due, and the NPL ratio (classes 3-5
    over the outstanding principal)."""
    return render(
        request,
        "web/loans/aging.html",
        {
            "cooperative": cooperative,
            "aging": reports.aging(cooperative=cooperative),
            "today": clock.today(),
        },
    )


def reminder_text(*, cooperative: str, row: reports.ArrearsRow, today: date) -> str:
    """The WhatsApp reminder, in Indonesian whatever the officer's language: it goes to the
    member."""
    lines = [
        f"Yth. {row.member.full_name},",
        f"angsuran pinjaman {row.loan.number} di {cooperative} belum dibayar"
        + (f" sejak {date_id(row.oldest_due)}" if row.oldest_due else "")
        + ".",
    ]
    if row.overdue:
        lines.append(f"Angsuran tertunggak: {format_rupiah(row.overdue)}")
    if row.penalty:
        lines.append(f"Denda: {format_rupiah(row.penalty)}")
    lines.append(f"Jumlah per {date_id(today)}: {format_rupiah(row.total)}")
    lines.append("Mohon dibayar di kantor koperasi. Terima kasih.")
    return "\n".join(lines)


def _arrears_rows(cooperative: Cooperative, today: date) -> list[dict]:
    out = []
    for row in reports.arrears(cooperative=cooperative, today=today):
        text = reminder_text(cooperative=cooperative.name, row=row, today=today)
        phone = row.member.phone or ""
        out.append(
            {
                "row": row,
                "text": text,
                # The link carries the number (WhatsApp needs it); the page shows it masked.
                "whatsapp": f"https://wa.me/{phone.lstrip('+')}?text={quote(text)}"
                if phone
                else "",
                "phone": mask_phone(phone) if phone else "",
            }
        )
    return out


def _arrears_xlsx(cooperative: Cooperative, rows: list[dict], today: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tunggakan"
    append_row(sheet, [cooperative.name])
    append_row(sheet, [_("Loan arrears"), date_id(today)])
    append_row(sheet, [])
    header = append_row(
        sheet,
        [
            _("Loan"),
            _("NIAK"),
            _("Name"),
            _("Phone"),
            _("Product"),
            _("Days past due"),
            _("Collectibility"),
            _("Late installments"),
            _("Oldest due date"),
            _("Overdue (pokok + jasa)"),
            _("Denda"),
            _("Total"),
            _("Outstanding principal"),
        ],
    )
    for cell in header:
        cell.font = Font(bold=True)
    for item in rows:
        row = item["row"]
        cells = append_row(
            sheet,
            [
                row.loan.number,
                row.member.niak,
                row.member.full_name,
                item["phone"],
                row.loan.product.name,
                row.loan.days_past_due,
                labels.collectibility_label(row.loan.collectibility),
                row.installments,
                row.oldest_due,
                row.overdue,
                row.penalty,
                row.total,
                row.loan.outstanding_principal,
            ],
        )
        cells[8].number_format = "d mmm yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@cooperative_page(Capability.VIEW_LOANS)
def loans_arrears(request, cooperative: Cooperative):
    """Borrowers with an installment due and unpaid or denda, most days late first, each with a
    reminder to send by WhatsApp; `?format=xlsx` for Excel."""
    today = clock.today()
    rows = _arrears_rows(cooperative, today)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(_arrears_xlsx(cooperative, rows, today), content_type=XLSX)
        name = f"tunggakan-pinjaman-{cooperative.code}-{today.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "web/loans/arrears.html",
        {
            "cooperative": cooperative,
            "rows": rows,
            "today": today,
            "total": sum(item["row"].total for item in rows),
        },
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_card(request, cooperative: Cooperative, member_id):
    """The borrower's loan card: every loan with its schedule and payments; `?format=pdf`."""
    member = found_or_404(member_selectors.member_get, cooperative=cooperative, public_id=member_id)
    context = {
        "cooperative": cooperative,
        "member": member,
        "loans": reports.member_loans(cooperative=cooperative, member=member),
        "today": clock.today(),
        "printed": timezone.localtime(),
    }
    if request.GET.get("format") == "pdf":
        html = render_to_string("web/loans/card_pdf.html", context, request=request)
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        name = f"kartu-pinjaman-{member.niak or member.public_id}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "web/loans/card.html", context)


urlpatterns = [
    path(LOANS + "laporan/", loans_portfolio, name="loans_portfolio"),
    path(LOANS + "laporan/kolektibilitas/", loans_aging, name="loans_aging"),
    path(LOANS + "laporan/tunggakan/", loans_arrears, name="loans_arrears"),
    path(LOANS + "anggota/<uuid:member_id>/kartu/", loans_card, name="loans_card"),
]
