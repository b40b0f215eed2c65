"""The outlets' reports (VIEW_COMMERCE): sales by outlet, product, day and kasir; margins; stock
position and value; slow and fast movers; expiring lots; shrinkage. Each is a page with a filter
form (a period, which defaults to this month, and an outlet) and an Excel download
(`?format=xlsx`, rows through `core.spreadsheet.append_row`). The reads are
`kopdes.commerce.reports`: aggregated by the database, a fixed number of queries per page.
"""

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce import reports
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.core.spreadsheet import append_row
from kopdes.ledger.statements import date_id
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import form_status
from kopdes.web.forms import date_input

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORTS = "app/<uuid:cooperative_id>/gerai/laporan/"
# The longest period a report reads at once (a year and a day: a whole year, leap or not).
PERIOD_DAYS_MAX = 366


def sales_by_choices() -> list[tuple[str, str]]:
    return [
        ("unit", _("Outlet")),
        ("product", _("Product")),
        ("day", _("Day")),
        ("kasir", _("Cashier")),
    ]


class ReportForm(forms.Form):
    """The filters: the period (this month by default) and an outlet (all by default)."""

    date_from = forms.DateField(label=gettext_lazy("From"), widget=date_input(), required=False)
    date_to = forms.DateField(label=gettext_lazy("Until"), widget=date_input(), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Outlet"), required=False)

    def __init__(self, *args, cooperative: Cooperative, period: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in reports.units(cooperative)}
        field = self.fields["unit"]
        field.choices = [("", _("All outlets"))] + [  # type: ignore[attr-defined]
            (code, unit.name) for code, unit in self.units.items()
        ]
        if not period:
            del self.fields["date_from"], self.fields["date_to"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        today = clock.today()
        if "date_from" in self.fields:
            default = reports.this_month(today)
            start = data.get("date_from") or default.start
            end = data.get("date_to") or default.end
            if start > end:
                self.add_error("date_to", _("The end comes before the start."))
            elif (end - start).days >= PERIOD_DAYS_MAX:
                self.add_error(
                    "date_to", _("Choose at most %(days)s days.") % {"days": PERIOD_DAYS_MAX}
                )
            data["period"] = reports.Period(start, end)
        data["unit_obj"] = self.units.get(data.get("unit") or "")
        return data


def _filters(request, cooperative: Cooperative, *, period: bool = True, extra=None):
    """The bound filter form (GET), and its values (the defaults when the form is refused)."""
    form_class = extra or ReportForm
    today = clock.today()
    default = reports.this_month(today)
    initial: dict[str, Any] = {"date_from": default.start, "date_to": default.end}
    form = form_class(request.GET or None, cooperative=cooperative, period=period, initial=initial)
    if request.GET and form.is_valid():
        return form, form.cleaned_data
    data: dict[str, Any] = {"period": default, "unit_obj": None}
    if extra is not None:
        data.update(extra.defaults())
    return form, data


class SalesForm(ReportForm):
    by = forms.ChoiceField(label=gettext_lazy("Group by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = sales_by_choices()  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        data["by"] = data.get("by") or "unit"
        return data

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {"by": "unit"}


class ExpiryForm(ReportForm):
    days = forms.IntegerField(
        label=gettext_lazy("Expiring within (days)"), min_value=0, max_value=730, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("days") is None:
            data["days"] = reports.EXPIRY_DAYS_DEFAULT
        return data

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {"days": reports.EXPIRY_DAYS_DEFAULT}


# -- Excel ---------------------------------------------------------------------------------------


def _xlsx(
    cooperative: Cooperative,
    *,
    title: str,
    subtitle: str,
    header: list[str],
    rows: list[list[Any]],
    name: str,
) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    append_row(sheet, [cooperative.name])
    append_row(sheet, [title, subtitle])
    append_row(sheet, [])
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)
    for values in rows:
        cells = append_row(sheet, values)
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, date):
                cell.number_format = "d mmm yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{cooperative.code}.xlsx"'
    return response


def _period_text(period: reports.Period) -> str:
    return f"{date_id(period.start)} - {date_id(period.end)}"


def _pct(value) -> float | str:
    return float(value) if value is not None else ""


def _page(request, cooperative, template: str, context: dict, form) -> HttpResponse:
    return render(
        request,
        f"web/commerce/reports/{template}",
        {"cooperative": cooperative, "form": form, **context},
        status=form_status(form),
    )


def _wants_xlsx(request, form) -> bool:
    return request.GET.get("format") == "xlsx" and not (form.is_bound and form.errors)


# -- the pages -----------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_sales(request, cooperative: Cooperative):
    """Completed sales by outlet, product, day or kasir over the period, with HPP and margin."""
    form, data = _filters(request, cooperative, extra=SalesForm)
    report = reports.sales(
        cooperative=cooperative, period=data["period"], by=data["by"], unit=data["unit_obj"]
    )
    by_label = dict(sales_by_choices())[report.by]
    if _wants_xlsx(request, form):
        return _xlsx(
            cooperative,
            title=_("Sales by %(what)s") % {"what": by_label.lower()},
            subtitle=_period_text(report.period),
            header=[
                by_label,
                _("Name"),
                _("Receipts"),
                _("Quantity"),
                _("Revenue"),
                _("Cost of goods (HPP)"),
                _("Margin"),
                _("Margin ratio"),
                _("Returns"),
            ],
            rows=[
                [
                    r.day if r.day else r.key,
                    r.label,
                    r.sales,
                    r.quantity,
                    r.revenue,
                    r.cost,
                    r.margin,
                    _pct(r.margin_percent),
                    r.returns,
                ]
                for r in report.rows
            ],
            name=f"penjualan-{report.by}",
        )
    return _page(request, cooperative, "sales.html", {"report": report, "by_label": by_label}, form)


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_margins(request, cooperative: Cooperative):
    """Revenue, HPP and margin (rupiah and %) by outlet and by product over the period."""
    form, data = _filters(request, cooperative)
    by_unit = reports.sales(
        cooperative=cooperative, period=data["period"], by="unit", unit=data["unit_obj"]
    )
    by_product = reports.sales(
        cooperative=cooperative, period=data["period"], by="product", unit=data["unit_obj"]
    )
    if _wants_xlsx(request, form):
        rows = [
            [_("Outlet"), r.label, r.revenue, r.cost, r.margin, _pct(r.margin_percent)]
            for r in by_unit.rows
        ] + [
            [
                _("Product"),
                f"{r.key} {r.label}",
                r.revenue,
                r.cost,
                r.margin,
                _pct(r.margin_percent),
            ]
            for r in by_product.rows
        ]
        return _xlsx(
            cooperative,
            title=_("Margins"),
            subtitle=_period_text(by_unit.period),
            header=[
                _("By"),
                _("Name"),
                _("Revenue"),
                _("Cost of goods (HPP)"),
                _("Margin"),
                _("Margin ratio"),
            ],
            rows=rows,
            name="margin",
        )
    return _page(
        request,
        cooperative,
        "margins.html",
        {"by_unit": by_unit, "by_product": by_product, "period": by_unit.period},
        form,
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_stock(request, cooperative: Cooperative):
    """Stock on hand and its value per unit and product, at moving-average cost (as of now)."""
    form, data = _filters(request, cooperative, period=False)
    units = reports.stock_position(cooperative=cooperative, unit=data["unit_obj"])
    if _wants_xlsx(request, form):
        return _xlsx(
            cooperative,
            title=_("Stock position"),
            subtitle=date_id(clock.today()),
            header=[
                _("Outlet"),
                _("SKU"),
                _("Product"),
                _("Selling unit"),
                _("On hand"),
                _("Reserved"),
                _("Average cost"),
                _("Value"),
                _("Minimum stock"),
            ],
            rows=[
                [
                    r.unit_name,
                    r.sku,
                    r.name,
                    r.product_unit,
                    r.quantity,
                    r.reserved,
                    r.average_cost,
                    r.value,
                    r.min_stock,
                ]
                for u in units
                for r in u.rows
            ],
            name="posisi-stok",
        )
    return _page(
        request,
        cooperative,
        "stock.html",
        {"units": units, "total": sum(u.value for u in units), "today": clock.today()},
        form,
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_movers(request, cooperative: Cooperative):
    """Units sold per product over the period against the stock on hand: fast and slow movers
    and the days of cover."""
    form, data = _filters(request, cooperative)
    result = reports.movers(cooperative=cooperative, period=data["period"], unit=data["unit_obj"])
    kinds = {"fast": _("Fast"), "slow": _("Slow"), "": ""}
    if _wants_xlsx(request, form):
        return _xlsx(
            cooperative,
            title=_("Slow and fast movers"),
            subtitle=_period_text(result.period),
            header=[
                _("Outlet"),
                _("SKU"),
                _("Product"),
                _("Sold"),
                _("Sold a day"),
                _("On hand"),
                _("Days of cover"),
                _("Turnover"),
            ],
            rows=[
                [
                    r.unit_name,
                    r.sku,
                    r.name,
                    r.sold,
                    float(r.per_day),
                    r.on_hand,
                    r.cover_days if r.cover_days is not None else "",
                    str(kinds[r.kind]),
                ]
                for r in result.rows
            ],
            name="perputaran",
        )
    return _page(
        request,
        cooperative,
        "movers.html",
        {"result": result, "kinds": kinds, "slow_days": reports.SLOW_COVER_DAYS},
        form,
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_expiring(request, cooperative: Cooperative):
    """Lots on hand expiring within N days (60 by default), or already expired."""
    form, data = _filters(request, cooperative, period=False, extra=ExpiryForm)
    today = clock.today()
    rows = reports.expiring(
        cooperative=cooperative, today=today, days=data["days"], unit=data["unit_obj"]
    )
    if _wants_xlsx(request, form):
        return _xlsx(
            cooperative,
            title=_("Expiring items"),
            subtitle=date_id(today),
            header=[
                _("Outlet"),
                _("SKU"),
                _("Product"),
                _("Expiry date"),
                _("Days left"),
                _("Quantity"),
                _("Value"),
            ],
            rows=[
                [r.unit_name, r.sku, r.name, r.expiry_date, r.days_left, r.quantity, r.value]
                for r in rows
            ],
            name="kedaluwarsa",
        )
    return _page(
        request,
        cooperative,
        "expiring.html",
        {"rows": rows, "days": data["days"], "today": today, "total": sum(r.value for r in rows)},
        form,
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_report_shrinkage(request, cooperative: Cooperative):
    """Stock lost to opname differences and write-offs over the period, against the sales, per
    unit and product."""
    form, data = _filters(request, cooperative)
    result = reports.shrinkage(
        cooperative=cooperative, period=data["period"], unit=data["unit_obj"]
    )
    if _wants_xlsx(request, form):
        rows = [
            [r.unit_name, "", "", r.count_loss, r.write_off, r.loss, r.sales, _pct(r.share)]
            for r in result.units
        ] + [
            [r.unit_name, r.sku, r.name, r.count_loss, r.write_off, r.loss, r.sales, _pct(r.share)]
            for r in result.products
        ]
        return _xlsx(
            cooperative,
            title=_("Shrinkage"),
            subtitle=_period_text(result.period),
            header=[
                _("Outlet"),
                _("SKU"),
                _("Product"),
                _("Opname differences"),
                _("Write-offs"),
                _("Loss"),
                _("Sales"),
                _("Loss to sales ratio"),
            ],
            rows=rows,
            name="susut",
        )
    return _page(request, cooperative, "shrinkage.html", {"result": result}, form)


REPORT_PAGES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("", commerce_report_sales, "commerce_report_sales"),
    ("margin/", commerce_report_margins, "commerce_report_margins"),
    ("stok/", commerce_report_stock, "commerce_report_stock"),
    ("perputaran/", commerce_report_movers, "commerce_report_movers"),
    ("kedaluwarsa/", commerce_report_expiring, "commerce_report_expiring"),
    ("susut/", commerce_report_shrinkage, "commerce_report_shrinkage"),
]

urlpatterns = [path(REPORTS + route, view, name=name) for route, view, name in REPORT_PAGES]

__all__ = ["BusinessUnit", "urlpatterns"]
