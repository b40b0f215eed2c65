"""The financial statements: Neraca Saldo, Buku Besar, Laporan Posisi Keuangan, Laporan
Perhitungan Hasil Usaha, Laporan Perubahan Ekuitas, Laporan Arus Kas; as pages, PDF and Excel.

The period comes from the query string: `?tahun=2026` (a year), `&bulan=3` (a month) or
`&triwulan=1` (a quarter), optionally `&sampai=2026-03-15` to stop before the period's end.
Without a period a report opens on the last closed month, or the year to date while no month
is closed (`default_period`): never on the current month, which is still empty.
A bad period is a 400 page that says what is wrong, never a 500.
"""

from datetime import date
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.accounts.models import Role
from kopdes.accounts.selectors import officers
from kopdes.cooperatives.models import Cooperative
from kopdes.core import pdf
from kopdes.ledger import exports, statements
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger.statements import MONTHS_ID, QUARTERS_ID, ReportPeriod
from kopdes.savings import selectors as savings_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.forms import plain_int


class BadQuery(Exception):
    """A query parameter the statements cannot use; the message is shown on the 400 page."""


def _int(request, name: str, low: int, high: int) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = plain_int(raw)
    if value is None or not low <= value <= high:
        raise BadQuery(
            _("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def default_period(cooperative: Cooperative) -> ReportPeriod:
    """What a report opens on: the last closed month (its figures are final), or the year to
    date while no month is closed yet. Never the current month, which is still empty."""
    through = ledger_selectors.closed_through(cooperative=cooperative)
    if through is not None:
        return ReportPeriod.month(through.year, through.month)
    today = timezone.localdate()
    return ReportPeriod.whole_year(today.year, today)


def period_from(request, cooperative: Cooperative) -> ReportPeriod:
    """The report period of the query string; `default_period` when none is given."""
    year = _int(request, "tahun", 2000, 2100)
    month = _int(request, "bulan", 1, 12)
    quarter = _int(request, "triwulan", 1, 4)
    if month and quarter:
        raise BadQuery(_("Choose either a month or a quarter, not both."))
    if year is None:
        if month or quarter:
            raise BadQuery(_("Give the year (tahun) with the month or quarter."))
        if not request.GET.get("sampai", "").strip():
            return default_period(cooperative)
        today = timezone.localdate()
        year, month = today.year, today.month
    end = None
    raw_end = request.GET.get("sampai", "").strip()
    if raw_end:
        try:
            end = date.fromisoformat(raw_end)
        except ValueError:
            raise BadQuery(_("sampai must be a date written as YYYY-MM-DD.")) from None
    try:
        if month:
            period = ReportPeriod.month(year, month)
        elif quarter:
            period = ReportPeriod.quarter(year, quarter)
        else:
            period = ReportPeriod.whole_year(year)
        if end is not None:
            period = ReportPeriod(period.kind, period.year, period.number, end)
    except ValueError:
        raise BadQuery(_("The end date (sampai) must fall inside the chosen period.")) from None
    return period


def _period_query(period: ReportPeriod) -> dict[str, str]:
    query = {"tahun": str(period.year)}
    if period.kind == "month":
        query["bulan"] = str(period.number)
    elif period.kind == "quarter":
        query["triwulan"] = str(period.number)
    if period.is_cut_short:
        query["sampai"] = period.end.isoformat()
    return query


def _bad_request(request, cooperative: Cooperative, message: str):
    return render(
        request,
        "web/statements/bad_request.html",
        {"cooperative": cooperative, "message": message},
        status=400,
    )


def _signatories(cooperative: Cooperative) -> list[tuple[str, str]]:
    """(office, name) of the Ketua and the Bendahara, from the active roles."""
    names = {role.kind: role.user.full_name for role in officers(cooperative=cooperative)}
    return [
        ("Ketua", names.get(Role.Kind.KETUA, "")),
        ("Bendahara", names.get(Role.Kind.BENDAHARA, "")),
    ]


def _display_rows(table: exports.Table, link=None) -> list[dict]:
    return [
        {
            "style": row.style,
            "indent": min(row.indent, 4),
            "link": link(row.code) if link and row.code else "",
            "cells": [
                {"value": value, "amount": is_amount}
                for value, is_amount in zip(row.cells, table.amounts, strict=False)
            ],
        }
        for row in table.rows
    ]


def _respond(
    request, cooperative: Cooperative, table: exports.Table, period, *, name, link=None, extra=None
):
    """The page, or with `?format=pdf|xlsx` the document to download."""
    kind = request.GET.get("format", "").strip() or "html"
    village = cooperative.village
    heading = [
        cooperative.name,
        f"{village} · Kec. {village.district.name}",
        table.title,
        table.period,
    ]
    filename = f"{table.title} {cooperative.code} {period.title}".replace(" ", "_").replace(
        "/", "-"
    )
    if kind == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(table, heading=heading),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    context = {
        "cooperative": cooperative,
        "table": table,
        "rows": _display_rows(table, link if kind == "html" else None),
        "header": list(zip(table.columns, table.amounts, strict=True)),
        "period": period,
        "heading": heading,
    }
    if kind == "pdf":
        html = render_to_string(
            "web/statements/pdf.html",
            {
                **context,
                "signatories": _signatories(cooperative),
                "place": village.name,
                "today": timezone.localdate(),
            },
        )
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    if kind != "html":
        return _bad_request(request, cooperative, _("format must be pdf or xlsx."))
    query = _period_query(period)
    context.update(
        {
            "url_name": name,
            "query": urlencode(query),
            "pdf_query": urlencode({**query, "format": "pdf"}),
            "xlsx_query": urlencode({**query, "format": "xlsx"}),
            "previous_query": urlencode(_period_query(period.previous())),
            **(extra or {}),
        }
    )
    return render(request, "web/statements/statement.html", context)


def statement_page(build, to_table, name: str):
    """A view for one statement: parse the period, build, render the page or the document."""

    @cooperative_page(Capability.VIEW_BOOKS)
    def view(request, cooperative: Cooperative):
        try:
            period = period_from(request, cooperative)
        except BadQuery as error:
            return _bad_request(request, cooperative, str(error))
        statement = build(cooperative=cooperative, period=period)

        def link(code: str) -> str:
            url = reverse("web:general_ledger", args=[cooperative.public_id, code])
            return f"{url}?{urlencode(_period_query(period))}"

        return _respond(request, cooperative, to_table(statement), period, name=name, link=link)

    view.__name__ = name
    return view


trial_balance = statement_page(
    statements.trial_balance, exports.trial_balance_table, "trial_balance"
)
balance_sheet = statement_page(
    statements.balance_sheet, exports.balance_sheet_table, "balance_sheet"
)
income_statement = statement_page(
    statements.income_statement, exports.income_statement_table, "income_statement"
)
equity_changes = statement_page(
    statements.equity_changes, exports.equity_changes_table, "equity_changes"
)
cash_flow = statement_page(statements.cash_flow, exports.cash_flow_table, "cash_flow")


@cooperative_page(Capability.VIEW_BOOKS)
def financial_notes(request, cooperative: Cooperative):
    """Catatan atas Laporan Keuangan: the same period, access and downloads as the statements;
    a page of headed notes (paragraphs and small tables), a PDF, a spreadsheet."""
    try:
        period = period_from(request, cooperative)
    except BadQuery as error:
        return _bad_request(request, cooperative, str(error))
    notes = statements.financial_notes(
        cooperative=cooperative,
        period=period,
        related=savings_selectors.officer_savings(
            cooperative=cooperative, start=period.start, end=period.end
        ),
    )
    kind = request.GET.get("format", "").strip() or "html"
    if kind == "xlsx":
        return _respond(request, cooperative, exports.notes_table(notes), period, name="notes")
    village = cooperative.village
    query = _period_query(period)
    context = {
        "cooperative": cooperative,
        "notes": notes,
        "title": "Catatan atas Laporan Keuangan",
        "period": period,
        "place_line": f"{village} · Kec. {village.district.name}",
    }
    if kind == "pdf":
        html = render_to_string(
            "web/statements/notes_pdf.html",
            {
                **context,
                "signatories": _signatories(cooperative),
                "place": village.name,
                "today": timezone.localdate(),
            },
        )
        filename = f"Catatan_atas_Laporan_Keuangan_{cooperative.code}_{period.title}"
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{filename.replace(" ", "_").replace("/", "-")}.pdf"'
        )
        return response
    if kind != "html":
        return _bad_request(request, cooperative, _("format must be pdf or xlsx."))
    context.update(
        {
            "query": urlencode(query),
            "pdf_query": urlencode({**query, "format": "pdf"}),
            "xlsx_query": urlencode({**query, "format": "xlsx"}),
            "previous_query": urlencode(_period_query(period.previous())),
        }
    )
    return render(request, "web/statements/notes.html", context)


@cooperative_page(Capability.VIEW_BOOKS)
def general_ledger(request, cooperative: Cooperative, code: str):
    chart = statements.chart_of(cooperative)
    account = chart.by_code(code)
    if account is None:
        raise Http404
    try:
        period = period_from(request, cooperative)
        page = _int(request, "halaman", 1, 10**6) or 1
    except BadQuery as error:
        return _bad_request(request, cooperative, str(error))
    paged = request.GET.get("format", "") in ("", "html")
    ledger = statements.general_ledger(
        cooperative=cooperative,
        account=account,
        period=period,
        page=page,
        per_page=50 if paged else None,
    )
    query = urlencode(_period_query(period))
    return _respond(
        request,
        cooperative,
        exports.general_ledger_table(ledger),
        period,
        name="general_ledger",
        extra={"ledger": ledger, "account_code": code, "page_query": query},
    )


@cooperative_page(Capability.VIEW_BOOKS)
def statement_index(request, cooperative: Cooperative):
    try:
        period = period_from(request, cooperative)
    except BadQuery as error:
        return _bad_request(request, cooperative, str(error))
    account_code = request.GET.get("akun", "").strip()
    chart = statements.chart_of(cooperative)
    if account_code:
        if chart.by_code(account_code) is None:
            return _bad_request(
                request, cooperative, _("There is no account %(code)s.") % {"code": account_code}
            )
        url = reverse("web:general_ledger", args=[cooperative.public_id, account_code])
        return redirect(f"{url}?{urlencode(_period_query(period))}")
    query = urlencode(_period_query(period))
    pages = [
        ("trial_balance", "Neraca Saldo"),
        ("balance_sheet", "Laporan Posisi Keuangan"),
        ("income_statement", "Laporan Perhitungan Hasil Usaha"),
        ("equity_changes", "Laporan Perubahan Ekuitas"),
        ("cash_flow", "Laporan Arus Kas"),
        ("financial_notes", "Catatan atas Laporan Keuangan"),
    ]
    return render(
        request,
        "web/statements/index.html",
        {
            "cooperative": cooperative,
            "period": period,
            "query": query,
            "links": [
                (title, f"{reverse(f'web:{name}', args=[cooperative.public_id])}?{query}")
                for name, title in pages
            ],
            "accounts": chart.ordered,
            "years": range(timezone.localdate().year + 1, 2019, -1),
            "months": [(i, MONTHS_ID[i]) for i in range(1, 13)],
            "quarters": [(i, f"Triwulan {QUARTERS_ID[i]}") for i in range(1, 5)],
        },
    )


urlpatterns = [
    path("app/<uuid:cooperative_id>/laporan/", statement_index, name="statements"),
    path("app/<uuid:cooperative_id>/laporan/neraca-saldo/", trial_balance, name="trial_balance"),
    path(
        "app/<uuid:cooperative_id>/laporan/buku-besar/<str:code>/",
        general_ledger,
        name="general_ledger",
    ),
    path("app/<uuid:cooperative_id>/laporan/posisi-keuangan/", balance_sheet, name="balance_sheet"),
    path(
        "app/<uuid:cooperative_id>/laporan/hasil-usaha/", income_statement, name="income_statement"
    ),
    path(
        "app/<uuid:cooperative_id>/laporan/perubahan-ekuitas/",
        equity_changes,
        name="equity_changes",
    ),
    path("app/<uuid:cooperative_id>/laporan/arus-kas/", cash_flow, name="cash_flow"),
    path("app/<uuid:cooperative_id>/laporan/catatan/", financial_notes, name="financial_notes"),
]
