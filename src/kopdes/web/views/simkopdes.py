"""The SIMKOPDES exports (docs/simkopdes.md): `/app/<id>/simkopdes/` for one cooperative
(VIEW_BOOKS: its officers and its supervisors; the members' tables only to who may see the
members, VIEW_MEMBERS) and `/pantau/simkopdes/` for a supervisor, every cooperative of their
scope at once (not a CSR partner's; not the members' tables). A GET form (table, format);
submitted, the file."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability, reporting_filter
from kopdes.cooperatives.models import Cooperative
from kopdes.supervision import simkopdes
from kopdes.web.access import cooperative_page

LABELS = {
    "profil_koperasi": gettext_lazy("Profile (profil_koperasi)"),
    "pengurus_koperasi": gettext_lazy("Pengurus and pengawas (pengurus_koperasi)"),
    "anggota_koperasi": gettext_lazy("Members (anggota_koperasi)"),
    "simpanan_anggota": gettext_lazy("Savings bills (simpanan_anggota)"),
    "gerai_koperasi": gettext_lazy("Outlets (gerai_koperasi)"),
    "modal_koperasi": gettext_lazy("Funding received (modal_koperasi)"),
    "rat_koperasi": gettext_lazy("Annual meetings (rat_koperasi)"),
}


class ExportForm(forms.Form):
    table = forms.ChoiceField(label=gettext_lazy("Table"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("csv", "CSV"), ("json", "JSON")]
    )

    def __init__(self, *args, tables: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(t, LABELS.get(t, t)) for t in tables]  # type: ignore[attr-defined]


def _file(name: str, cooperatives, kind: str, label: str) -> HttpResponse:
    text = simkopdes.render(name, cooperatives, kind)
    content_type = "application/json" if kind == "json" else "text/csv; charset=utf-8"
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}_{label}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _answer(request, tables: list[str], files, context: dict):
    asked = "table" in request.GET
    form = ExportForm(request.GET if asked else None, tables=tables, initial={"format": "csv"})
    if asked and form.is_valid():
        return files(form.cleaned_data["table"], form.cleaned_data["format"])
    return render(
        request,
        "web/supervision/simkopdes.html",
        {**context, "form": form, "tables": [(t, LABELS.get(t, t)) for t in tables]},
        status=400 if asked else 200,
    )


@cooperative_page(Capability.VIEW_BOOKS)
def simkopdes_cooperative(request, cooperative: Cooperative):
    """One cooperative's SIMKOPDES tables."""
    tables = [t for t in simkopdes.TABLES if simkopdes.needed(t) in request.capabilities]
    return _answer(
        request,
        tables,
        lambda name, kind: _file(name, [cooperative], kind, cooperative.village_id),
        {"cooperative": cooperative},
    )


@login_required
def simkopdes_region(request):
    """Every cooperative of the supervisor's scope, one table at a time."""
    tables = [t for t in simkopdes.TABLES if t not in simkopdes.PERSONAL]
    reach = simkopdes.exportable(request.user, tables[0])
    if not request.user.is_superuser and reporting_filter(request.user) is None:
        raise Http404
    return _answer(
        request,
        tables,
        lambda name, kind: _file(name, reach, kind, "wilayah"),
        {"cooperative": None, "count": reach.count()},
    )


urlpatterns = [
    path("app/<uuid:cooperative_id>/simkopdes/", simkopdes_cooperative, name="simkopdes"),
    path("pantau/simkopdes/", simkopdes_region, name="simkopdes_region"),
]
