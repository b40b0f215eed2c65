"""The health assessment pages (penilaian kesehatan, docs/domain.md §5), under `/pantau/<id>/`:
`kesehatan/` (VIEW_HEALTH: supervisors in scope and the cooperative's officers) shows the current
assessment of a year with every component and its inputs, the history, and for the examiner
(ASSESS_HEALTH: a Dinas grant that is not read-only) the questionnaire and "Nilai ulang";
`kesehatan/kuesioner/` (ASSESS_HEALTH) saves the management questionnaire."""

import json
from contextlib import nullcontext

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability, examines_anywhere
from kopdes.cooperatives.models import Cooperative
from kopdes.core.replicas import pin_to_primary, supervision_reads
from kopdes.supervision import selectors, services
from kopdes.supervision.models import Assessment, HealthMethod
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import handle_form

HEALTH = "pantau/<uuid:cooperative_id>/kesehatan/"


class AssessForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class QuestionnaireForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int)

    def __init__(self, *args, years: list[int], questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        for question in questions:
            self.fields[question["key"]] = forms.BooleanField(
                label=question["text"], required=False
            )


def _years(cooperative: Cooperative) -> list[int]:
    return selectors.closed_years(cooperative)


def _shown_year(request, cooperative: Cooperative, years: list[int]) -> int | None:
    asked = request.GET.get("tahun", "")
    if asked.isdigit() and len(asked) == 4:
        return int(asked)
    latest = selectors.current_assessment(cooperative)
    if latest is not None:
        return latest.year
    return years[0] if years else None


def _questionnaire_form(cooperative: Cooperative, year: int | None, data=None):
    years = _years(cooperative)
    questions = selectors.method_in_force().rules.get("questionnaire", [])
    initial: dict = {"year": year}
    filled = selectors.management_answers(cooperative, year) if year else None
    if filled is not None:
        initial.update(filled.answers)
    form = QuestionnaireForm(
        data, years=years, questions=questions, initial=initial, auto_id="kuesioner_%s"
    )
    return form, filled


def _aspects(assessment: Assessment | None, method_rules: dict) -> list[dict]:
    """The assessment's components grouped by aspect, with the aspects' labels and points."""
    if assessment is None:
        return []
    labels = {
        a["key"]: (a.get("label", a["key"]), a.get("weight")) for a in method_rules["aspects"]
    }
    groups: dict[str, dict] = {}
    for component in assessment.components:
        label, weight = labels.get(component["aspect"], (component["aspect"], ""))
        group = groups.setdefault(
            component["aspect"], {"label": label, "weight": weight, "points": 0, "components": []}
        )
        group["components"].append(component)
        group["points"] += float(component["points"])
    return list(groups.values())


def _page(request, cooperative: Cooperative, *, assess_form=None, questionnaire=None, status=200):
    years = _years(cooperative)
    year = _shown_year(request, cooperative, years)
    assessment = selectors.current_assessment(cooperative, year) if year else None
    can_assess = Capability.ASSESS_HEALTH in request.capabilities
    filled = selectors.management_answers(cooperative, year) if year else None
    if can_assess and questionnaire is None:
        questionnaire, filled = _questionnaire_form(cooperative, year)
    if can_assess and assess_form is None:
        assess_form = AssessForm(years=years, initial={"year": year})
    return render(
        request,
        "web/supervision/health.html",
        {
            "cooperative": cooperative,
            "year": year,
            "years": years,
            "assessment": assessment,
            "aspects": _aspects(assessment, assessment.method.rules) if assessment else [],
            "history": selectors.assessments(cooperative),
            "filled": filled,
            "can_assess": can_assess,
            "assess_form": assess_form if can_assess else None,
            "questionnaire": questionnaire if can_assess else None,
        },
        status=status,
    )


def _written(request, result):
    """A write's result, after which the person's pages read the primary (ADR 0036)."""
    pin_to_primary(request)
    return result


def _url(cooperative: Cooperative, year: int) -> str:
    return reverse("web:health", args=[cooperative.public_id]) + f"?tahun={year}"


@cooperative_page(Capability.VIEW_HEALTH, write=Capability.ASSESS_HEALTH)
def health(request, cooperative: Cooperative):
    """The health of the cooperative; a POST (the examiner) assesses a closed year again.
    A GET only reads: from a replica when one is configured (ADR 0036); a POST stays on the
    primary, the page it shows again included, and the examiner's next pages for a few seconds
    (`pin_to_primary`: they show the new assessment whatever the replica's lag)."""
    reads = supervision_reads(request) if request.method in ("GET", "HEAD") else nullcontext()
    with reads:
        return _health(request, cooperative)


def _health(request, cooperative: Cooperative):
    form = AssessForm(request.POST or None, years=_years(cooperative))
    return handle_form(
        request,
        form,
        save=lambda data: _written(
            request,
            services.health_assess(actor=request.user, cooperative=cooperative, year=data["year"]),
        ),
        message=lambda a: (
            _("Assessed: %(score)s, %(predicate)s.")
            % {"score": a.score, "predicate": a.get_predicate_display()}
        ),
        success=lambda a: redirect(_url(cooperative, a.year)),
        page=lambda status: _page(
            request,
            cooperative,
            assess_form=form if request.method == "POST" else None,
            status=status,
        ),
    )


@cooperative_page(Capability.ASSESS_HEALTH)
def health_questionnaire(request, cooperative: Cooperative):
    """The management questionnaire of a year (the examiner); shown on the health page too."""
    year_text = request.POST.get("year") or request.GET.get("tahun", "")
    year = int(year_text) if year_text.isdigit() else None
    form, _filled = _questionnaire_form(cooperative, year, request.POST or None)

    def save(data: dict):
        answers = {key: value for key, value in data.items() if key != "year"}
        return _written(
            request,
            services.management_answers_fill(
                actor=request.user, cooperative=cooperative, year=data["year"], answers=answers
            ),
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The management questionnaire was saved. Assess again to count it."),
        success=lambda row: redirect(_url(cooperative, row.year)),
        page=lambda status: render(
            request,
            "web/supervision/health_questionnaire.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


class MethodForm(forms.Form):
    rules = forms.CharField(
        label=gettext_lazy("Rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Aspects, components with their weight and bands (from <= ratio < to: score), "
            "the questionnaire and the predicates. Weights must total 100."
        ),
    )
    note = forms.CharField(label=gettext_lazy("What changed, and on what basis"), max_length=500)

    def clean_rules(self) -> dict:
        try:
            data = json.loads(self.cleaned_data["rules"])
        except ValueError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The rules must be a JSON object."))
        return data


def _band_text(band: dict) -> str:
    low, high = band.get("from"), band.get("to")
    if low is None:
        where = f"< {high}"
    elif high is None:
        where = f"≥ {low}"
    else:
        where = f"{low}\u2013< {high}"
    return f"{where} %: {band['score']}"


@login_required
def health_method(request):
    """The ratio method in force, readable by anyone signed in (it is the regulation's and the
    Dinas' published rules); an examiner saves a new version (`health_method_revise`)."""
    method = selectors.method_in_force(HealthMethod.Kind.RATIO)
    can_edit = examines_anywhere(request.user)
    form = MethodForm(
        request.POST or None,
        initial={"rules": json.dumps(method.rules, indent=2, ensure_ascii=False)},
    )
    if request.method == "POST" and not can_edit:
        raise Http404
    aspects = [
        {
            **aspect,
            "rows": [
                {**c, "band_texts": [_band_text(b) for b in c.get("bands", [])]}
                for c in aspect["components"]
            ],
        }
        for aspect in method.rules["aspects"]
    ]
    return handle_form(
        request,
        form,
        save=lambda data: services.health_method_revise(
            actor=request.user,
            kind=HealthMethod.Kind.RATIO,
            rules_data=data["rules"],
            note=data["note"],
        ),
        message=lambda m: (
            _("Version %(version)s of the method is in force.") % {"version": m.version}
        ),
        success=reverse("web:health_method"),
        page=lambda status: render(
            request,
            "web/supervision/health_method.html",
            {
                "method": method,
                "aspects": aspects,
                "versions": HealthMethod.objects.filter(kind=HealthMethod.Kind.RATIO).order_by(
                    "-version"
                ),
                "form": form if can_edit else None,
            },
            status=status,
        ),
    )


urlpatterns = [
    path("pantau/metode-kesehatan/", health_method, name="health_method"),
    path(HEALTH, health, name="health"),
    path(HEALTH + "kuesioner/", health_questionnaire, name="health_questionnaire"),
]
