"""The supervisors' dashboard (docs/supervision-dashboard.md): `/pantau/` (totals over the
scope, the map by kecamatan, the trend charts), `/pantau/koperasi/` (the table: sortable,
filterable, paginated) and its exports (`ekspor.csv`, `ekspor.xlsx`: exactly the filtered
table). The scope is `supervised_cooperatives(user)`: what the person's live read grants cover
(a superuser: everything); a person without one (a CSR partner too) gets 404."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import active_grants, supervised_cooperatives, supervises_anywhere
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.core.months import month_text
from kopdes.core.replicas import supervision_reads
from kopdes.ledger import exports
from kopdes.regions.models import District
from kopdes.supervision import dashboard as board
from kopdes.supervision.models import Predicate
from kopdes.web import charts
from kopdes.web.views.rat import deadline_labels

PAGE_SIZE = 50


def _scope(request) -> QuerySet[Cooperative]:
    """The cooperatives the person supervises; 404 for a person without a live read grant (a
    CSR partner has its own view, /pantau/csr/)."""
    user = request.user
    if not supervises_anywhere(user):
        raise Http404
    return supervised_cooperatives(user)


def indicator_labels() -> dict[str, str]:
    return {
        "cooperatives": _("Cooperatives"),
        "members": _("Active members"),
        "employees": _("Employees (jobs created)"),
        "own_capital": _("Own capital"),
        "assets": _("Assets"),
        "revenue_ytd": _("Revenue this year"),
        "shu_ytd": _("SHU this year"),
        "shu_last_year": _("SHU last year"),
        "loans_outstanding": _("Loans outstanding"),
        "collection_rate": _("Wajib collection rate (%)"),
        "npl_ratio": _("NPL (%)"),
        "checkpoint_age": _("Days since the last checkpoint"),
    }


def verification_labels() -> dict[str, str]:
    return {
        board.VERIFY_OK: _("Signed"),
        board.VERIFY_FAILING: _("Verification failed"),
        board.VERIFY_NONE: _("No checkpoint yet"),
    }


def capital_labels() -> dict[str, str]:
    return dict(board.CAPITAL_SOURCE_LABELS)


# -- the overview ---------------------------------------------------------------------------------


@login_required
@supervision_reads()
def supervision(request):
    """Totals over the scope, the map of a chosen indicator by kecamatan, the trend charts."""
    scope = _scope(request)
    data = board.dashboard(scope)
    labels = indicator_labels()
    indicator = request.GET.get("peta", "members")
    if indicator not in board.MAP_INDICATORS:
        indicator = "members"
    districts = board.by_district(data.rows)
    values = {code: d.value(indicator) for code, d in districts.items()}
    # Every kecamatan of the regencies in the scope, those without a cooperative in grey.
    outlines = District.objects.filter(
        regency_id__in={code.rsplit(".", 1)[0] for code in districts}
    ).values_list("code", "name", "boundary")
    image = charts.choropleth(outlines, values)
    points = board.trends(scope, today=data.today)
    series = [
        ("members", _("Active members"), [p.members for p in points]),
        ("savings", _("Members' savings"), [p.savings for p in points]),
        ("loans", _("Loans outstanding"), [p.loans_outstanding for p in points]),
        ("revenue", _("Revenue per month"), [p.revenue for p in points]),
    ]
    months = [month_text(p.year, p.month) for p in points]
    trend_charts = [
        {
            "key": key,
            "chart": charts.line_chart(title, list(zip(months, values_, strict=True))),
            "money": key != "members",
        }
        for key, title, values_ in series
    ]
    totals = data.totals
    predicate_counts = [
        (label, totals.predicates.get(value, 0)) for value, label in Predicate.choices
    ] + [(_("Not assessed"), totals.predicates.get("", 0))]
    return render(
        request,
        "web/supervision/dashboard.html",
        {
            "data": data,
            "totals": totals,
            "capital": [
                (label, totals.capital.get(key, 0)) for key, label in capital_labels().items()
            ],
            "predicate_counts": predicate_counts,
            "grants": active_grants(request.user).prefetch_related("cooperatives"),
            "indicator": indicator,
            "indicator_label": labels[indicator],
            "indicators": [(key, labels[key]) for key in board.MAP_INDICATORS],
            "map": image,
            "district_values": sorted(
                ((d.code, d.name, values[d.code]) for d in districts.values()),
                key=lambda item: item[1],
            ),
            "money_indicator": indicator
            in ("own_capital", "assets", "revenue_ytd", "loans_outstanding"),
            "percent_indicator": indicator in ("collection_rate", "npl_ratio"),
            "trend_charts": trend_charts,
            "stale_days": board.STALE_DAYS,
        },
    )


# -- the table ------------------------------------------------------------------------------------


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace(",", ".")[:20]
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class TableQuery:
    """The table's filters and order, read from the query string (bad values are ignored)."""

    def __init__(self, params) -> None:
        self.q = params.get("q", "").strip()[:100]
        self.district = params.get("kecamatan", "").strip()[:8]
        predicate = params.get("predikat", "")
        self.predicate = predicate if predicate in [*Predicate.values, "none"] else ""
        indicator = params.get("indikator", "")
        self.indicator = indicator if indicator in board.THRESHOLD_FIELDS else ""
        self.at_least = _decimal(params.get("min", ""))
        self.at_most = _decimal(params.get("max", ""))
        sort = params.get("urut", "code")
        self.sort = sort if sort in board.SORT_KEYS else "code"
        self.descending = params.get("arah", "") == "turun"

    def filters(self) -> dict[str, str]:
        """The filters as query parameters (no order, no page)."""
        found = {
            "q": self.q,
            "kecamatan": self.district,
            "predikat": self.predicate,
            "indikator": self.indicator,
            "min": "" if self.at_least is None else str(self.at_least),
            "max": "" if self.at_most is None else str(self.at_most),
        }
        return {k: v for k, v in found.items() if v}

    def rows(self, scope: QuerySet[Cooperative]) -> tuple[board.Dashboard, list[board.Row]]:
        data = board.dashboard(board.search(scope, self.q, self.district))
        rows = board.filter_rows(
            data.rows,
            predicate=self.predicate,
            indicator=self.indicator,
            at_least=self.at_least,
            at_most=self.at_most,
        )
        return data, board.sort_rows(rows, self.sort, self.descending)


COLUMNS = (
    ("name", gettext_lazy("Cooperative")),
    ("district", gettext_lazy("Kecamatan")),
    ("members", gettext_lazy("Members")),
    ("employees", gettext_lazy("Employees")),
    ("own_capital", gettext_lazy("Own capital")),
    ("assets", gettext_lazy("Assets")),
    ("revenue_ytd", gettext_lazy("Revenue this year")),
    ("shu_ytd", gettext_lazy("SHU this year")),
    ("shu_last_year", gettext_lazy("SHU last year")),
    ("collection_rate", gettext_lazy("Wajib collected")),
    ("loans_outstanding", gettext_lazy("Loans outstanding")),
    ("npl_ratio", gettext_lazy("NPL")),
    ("rat", gettext_lazy("RAT")),
    ("periods", gettext_lazy("Months closed on time")),
    ("checkpoint_age", gettext_lazy("Ledger checkpoint")),
    ("predicate", gettext_lazy("Health")),
)


def _display(row: board.Row, labels: dict[str, dict[str, str]]) -> dict:
    kinds = dict(BusinessUnit.Kind.choices)
    return {
        "row": row,
        "status": dict(Cooperative.Status.choices).get(row.status, ""),
        "rat": labels["rat"].get(row.rat_state, ""),
        "verification": labels["verification"][row.verification],
        "predicate": dict(Predicate.choices).get(row.predicate, "") if row.predicate else "",
        "lines": [
            f"{name} ({kinds.get(kind, '')})"
            for name, kind in zip(row.business_lines, row.business_kinds, strict=True)
        ],
    }


def _labels() -> dict[str, dict[str, str]]:
    return {"rat": deadline_labels(), "verification": verification_labels()}


@login_required
@supervision_reads()
def supervision_table(request):
    scope = _scope(request)
    query = TableQuery(request.GET)
    data, rows = query.rows(scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _labels()
    filters = query.filters()
    headers = []
    for key, label in COLUMNS:
        descending = query.sort == key and not query.descending
        params = {**filters, "urut": key, **({"arah": "turun"} if descending else {})}
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode(params),
                "sorted": ("descending" if query.descending else "ascending")
                if query.sort == key
                else "",
            }
        )
    ordered = {**filters, "urut": query.sort, **({"arah": "turun"} if query.descending else {})}
    districts = (
        District.objects.filter(villages__cooperatives__in=scope)
        .annotate(n=Count("villages__cooperatives"))
        .order_by("name")
    )
    indicators = indicator_labels()
    return render(
        request,
        "web/supervision/table.html",
        {
            "data": data,
            "query": query,
            "page": page,
            "rows": [_display(row, labels) for row in page],
            "count": len(rows),
            "headers": headers,
            "districts": districts,
            "predicates": Predicate.choices,
            "indicators": [(key, indicators[key]) for key in board.THRESHOLD_FIELDS],
            "ordered": urlencode(ordered),
            "page_query": urlencode(ordered) + "&" if ordered else "",
        },
    )


# -- the exports ----------------------------------------------------------------------------------


def export_table(data: board.Dashboard, rows: list[board.Row]) -> exports.Table:
    """The filtered table as a `ledger.exports.Table` (Indonesian headings, as the statements):
    one line per cooperative, amounts as whole rupiah, percentages as text."""
    labels = _labels()
    rat = labels["rat"]
    predicates = dict(Predicate.choices)
    kinds = dict(BusinessUnit.Kind.choices)
    columns = (
        "Kode desa",
        "Koperasi",
        "Desa/kelurahan",
        "Kecamatan",
        "Anggota aktif",
        "Karyawan",
        "Modal sendiri",
        *(f"Modal: {label}" for label in board.CAPITAL_SOURCE_LABELS.values()),
        "Aset",
        f"Pendapatan {data.year}",
        f"SHU {data.year}",
        f"Pendapatan {data.last_year}",
        f"SHU {data.last_year}",
        "Wajib ditagih",
        "Wajib dibayar",
        "Tingkat tagih wajib (%)",
        "Pinjaman beredar",
        "NPL",
        "NPL (%)",
        f"RAT {data.last_year}",
        f"RAT {data.last_year} dilaporkan",
        "Bulan ditutup tepat waktu",
        "Bulan wajib ditutup",
        "Checkpoint terakhir",
        "Status verifikasi",
        "Predikat kesehatan",
        "Tahun penilaian",
        "Unit usaha",
        "Komoditas unggulan",
        "Komoditas tanpa unit usaha",
    )
    amounts = tuple(
        c.startswith(("Anggota", "Karyawan", "Modal", "Aset", "Pendapatan", "SHU", "Wajib d"))
        or c.startswith(("Pinjaman", "Bulan"))
        or c == "NPL"
        for c in columns
    )
    out = []
    for row in rows:
        out.append(
            exports.Row(
                (
                    row.code,
                    row.name,
                    row.village,
                    row.district,
                    row.members,
                    row.employees,
                    row.own_capital,
                    *(row.capital.get(key, 0) for key in board.CAPITAL_SOURCE_LABELS),
                    row.assets,
                    row.revenue_ytd,
                    row.shu_ytd,
                    row.revenue_last_year,
                    row.shu_last_year,
                    row.wajib_billed,
                    row.wajib_paid,
                    "" if row.collection_rate is None else str(row.collection_rate),
                    row.loans_outstanding,
                    row.npl,
                    "" if row.npl_ratio is None else str(row.npl_ratio),
                    rat.get(row.rat_state, "Belum jatuh tempo") if row.rat_state else "-",
                    "Ya" if row.rat_reported else "Tidak",
                    row.periods_on_time,
                    row.periods_due,
                    row.checkpoint_date,
                    verification_labels()[row.verification],
                    str(predicates.get(row.predicate, "Belum dinilai")),
                    "" if row.predicate_year is None else str(row.predicate_year),
                    "; ".join(
                        f"{name} ({kinds.get(kind, '')})"
                        for name, kind in zip(row.business_lines, row.business_kinds, strict=True)
                    ),
                    "; ".join(row.commodities),
                    "; ".join(row.unserved),
                )
            )
        )
    return exports.Table(
        title="Koperasi dalam pantauan",
        period=f"per {data.today.isoformat()}",
        columns=columns,
        amounts=amounts,
        rows=out,
        landscape=True,
    )


def _export(request, kind: str) -> HttpResponse:
    scope = _scope(request)
    data, rows = TableQuery(request.GET).rows(scope)
    table = export_table(data, rows)
    name = f"koperasi-pantauan-{clock.today().isoformat()}"
    if kind == "csv":
        response = HttpResponse(exports.csv_text(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        exports.xlsx_bytes(table, heading=[table.title, table.period]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@supervision_reads()
def supervision_export_csv(request):
    return _export(request, "csv")


@login_required
@supervision_reads()
def supervision_export_xlsx(request):
    return _export(request, "xlsx")


urlpatterns = [
    path("pantau/", supervision, name="supervision"),
    path("pantau/koperasi/", supervision_table, name="supervision_table"),
    path("pantau/koperasi/ekspor.csv", supervision_export_csv, name="supervision_export_csv"),
    path("pantau/koperasi/ekspor.xlsx", supervision_export_xlsx, name="supervision_export_xlsx"),
]
