"""The evidence export page (docs/evidence.md), `/app/<id>/bukti/` (EXPORT_EVIDENCE: the
Kejaksaan and the Dinas examiner covering the cooperative; nobody else, officers included, gets
more than the 404): a GET form with the months from and to, or a fiscal year; submitted, the
answer is the ZIP, written to a temporary file and streamed from it. A GET, not a POST: it
changes nothing but the audit row every export leaves."""

from datetime import date

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.clock import today
from kopdes.core.errors import DomainError
from kopdes.supervision import evidence
from kopdes.web.access import cooperative_page
from kopdes.web.errors import form_add_domain_error


class EvidenceForm(forms.Form):
    first = forms.CharField(
        label=gettext_lazy("From month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    last = forms.CharField(
        label=gettext_lazy("Through month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    year = forms.CharField(
        label=gettext_lazy("Or a fiscal year"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY"}),
    )


def _initial() -> dict[str, str]:
    day: date = today()
    return {"first": f"{day.year}-01", "last": f"{day:%Y-%m}", "year": ""}


@cooperative_page(Capability.EXPORT_EVIDENCE)
def evidence_export(request, cooperative: Cooperative):
    """The form; with `first` and `last` (or `year`) in the query, the evidence ZIP."""
    asked = any(request.GET.get(k) for k in ("first", "last", "year"))
    form = EvidenceForm(request.GET if asked else None, initial=_initial())
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            period = evidence.period_from_text(data["first"], data["last"], data["year"])
            return evidence.evidence_download(
                actor=request.user, cooperative=cooperative, period=period
            )
        except DomainError as error:
            form_add_domain_error(form, error)
    return render(
        request,
        "web/supervision/evidence.html",
        {"cooperative": cooperative, "form": form},
        status=400 if asked else 200,
    )


urlpatterns = [
    path("app/<uuid:cooperative_id>/bukti/", evidence_export, name="evidence_export"),
]
