"""The early-warning pages (peringatan dini, docs/supervision.md):

- `/pantau/peringatan/`: every warning of the cooperatives whose warnings the person sees
  (`accounts.access.watched_cooperatives`: their own as pengurus or pengawas, their scope as a
  supervisor but a CSR partner), filtered by kind, state, kecamatan and cooperative, 25 a page;
- `/app/<id>/peringatan/` (VIEW_WARNINGS): one cooperative's warnings;
- `/app/<id>/peringatan/<warning id>/` (VIEW_WARNINGS; its POSTs need FOLLOW_UP_WARNINGS, the
  examiner): the facts, the evidence, the follow-up (acknowledge, resolve with a note) and the
  history from the audit log;
- `/pantau/peringatan/ambang/`: the thresholds in force per scope and their versions, readable by
  anyone signed in; an examiner saves a new version for a scope its grants cover."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import (
    Capability,
    examiner_prefixes,
    examines_anywhere,
    watched_cooperatives,
)
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.regions.models import District
from kopdes.supervision import labels, selectors, services, warning_rules
from kopdes.supervision.models import EarlyWarning, WarningKind, WarningState
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import handle_form
from kopdes.web.views.savings import RupiahInput

WARNINGS = "app/<uuid:cooperative_id>/peringatan/"
ACTIVE = "aktif"  # the state filter's default: open or acknowledged
DEFAULT_SCOPE = "semua"  # the form's value for the default scope ("")


class WarningFilter(forms.Form):
    jenis = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False)
    koperasi = forms.ChoiceField(label=gettext_lazy("Cooperative"), required=False)

    def __init__(self, *args, districts=(), cooperatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = [("", _("All kinds")), *WarningKind.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (ACTIVE, _("Open or acknowledged")),
            ("", _("All states")),
            *WarningState.choices,
        ]
        self.fields["kecamatan"].choices = [  # type: ignore[attr-defined]
            ("", _("All kecamatan")),
            *((d.code, d.name) for d in districts),
        ]
        self.fields["koperasi"].choices = [  # type: ignore[attr-defined]
            ("", _("All cooperatives")),
            *((str(c.public_id), c.name) for c in cooperatives),
        ]


def _filtered(rows, data: dict):
    state = data.get("status", ACTIVE)
    if state == ACTIVE:
        rows = rows.filter(state__in=(WarningState.OPEN, WarningState.ACKNOWLEDGED))
    elif state:
        rows = rows.filter(state=state)
    if data.get("jenis"):
        rows = rows.filter(kind=data["jenis"])
    if data.get("kecamatan"):
        rows = rows.filter(cooperative__village__district_id=data["kecamatan"])
    if data.get("koperasi"):
        rows = rows.filter(cooperative__public_id=data["koperasi"])
    return rows


def _rows(page) -> list[dict]:
    return [{"warning": w, "text": labels.describe(w)} for w in page]


def _list_page(request, rows, *, template: str, context: dict, districts=(), cooperatives=()):
    form = WarningFilter(
        request.GET or {"status": ACTIVE}, districts=districts, cooperatives=cooperatives
    )
    data = form.cleaned_data if form.is_valid() else {"status": ACTIVE}
    rows = _filtered(rows, data).order_by("-first_seen_on", "-id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {**context, "form": form, "page": page, "rows": _rows(page)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def warnings_all(request):
    """Every warning in the person's scope (empty for someone who sees none)."""
    scope = watched_cooperatives(request.user)
    districts = (
        District.objects.filter(villages__cooperatives__in=scope).distinct().order_by("code")
    )
    cooperatives = scope.order_by("village_id").only("public_id", "name")
    return _list_page(
        request,
        selectors.warnings_visible(request.user),
        template="web/supervision/warnings.html",
        context={},
        districts=districts,
        cooperatives=cooperatives,
    )


@cooperative_page(Capability.VIEW_WARNINGS)
def cooperative_warnings(request, cooperative: Cooperative):
    """One cooperative's warnings."""
    return _list_page(
        request,
        EarlyWarning.objects.filter(cooperative=cooperative).select_related(
            "cooperative__village__district"
        ),
        template="web/supervision/cooperative_warnings.html",
        context={"cooperative": cooperative},
    )


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Follow-up"),
        choices=[
            ("acknowledge", gettext_lazy("Acknowledge: being followed up")),
            ("resolve", gettext_lazy("Resolve")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note (required to resolve)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _warning(cooperative: Cooperative, warning_id) -> EarlyWarning:
    try:
        key = parse_public_id(warning_id)
    except NotFound:
        raise Http404 from None
    found = (
        EarlyWarning.objects.filter(cooperative=cooperative, public_id=key)
        .select_related("cooperative")
        .first()
    )
    if found is None:
        raise Http404
    return found


@cooperative_page(Capability.VIEW_WARNINGS, write=Capability.FOLLOW_UP_WARNINGS)
def warning_detail(request, cooperative: Cooperative, warning_id):
    """A warning: what was found, its evidence, the follow-up (the examiner) and the history."""
    warning = _warning(cooperative, warning_id)
    can_follow = Capability.FOLLOW_UP_WARNINGS in request.capabilities
    form = FollowUpForm(request.POST or None)

    def save(data: dict) -> EarlyWarning:
        if data["action"] == "resolve":
            return services.warning_resolve(
                actor=request.user, warning=warning, note=data.get("note", "")
            )
        return services.warning_acknowledge(
            actor=request.user, warning=warning, note=data.get("note", "")
        )

    return handle_form(
        request,
        form,
        save=save,
        message=lambda w: _("The warning is now %(state)s.") % {"state": w.get_state_display()},
        success=lambda w: redirect(
            reverse("web:warning_detail", args=[cooperative.public_id, w.public_id])
        ),
        page=lambda status: render(
            request,
            "web/supervision/warning.html",
            {
                "cooperative": cooperative,
                "warning": warning,
                "text": labels.describe(warning),
                "evidence_url": selectors.evidence_url(warning),
                "history": selectors.warning_history(warning),
                "form": form
                if can_follow and warning.state in (WarningState.OPEN, WarningState.ACKNOWLEDGED)
                else None,
            },
            status=status,
        ),
    )


class ThresholdsForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("For"))
    note = forms.CharField(label=gettext_lazy("Why"), max_length=500, required=False)

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]
        for key in warning_rules.DEFAULT_THRESHOLDS:
            label = labels.THRESHOLD_LABELS[key]
            if key in labels.MONEY_THRESHOLDS:
                self.fields[key] = RupiahInput(label=label, required=False)
            else:
                self.fields[key] = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=1000
                )


def _scopes(user) -> list[tuple[str, str]]:
    """The scopes the examiner may set: the default, and the kecamatan and cooperatives their
    grants cover."""
    scopes: list[tuple[str, str]] = []
    if services.may_set_thresholds(user, ""):
        scopes.append((DEFAULT_SCOPE, _("Default (the whole regency)")))
    prefixes = examiner_prefixes(user)
    if user.is_superuser:
        prefixes = [""]
    with_cooperatives = District.objects.filter(villages__cooperatives__isnull=False).distinct()
    for district in with_cooperatives.order_by("code"):
        if any(
            p == "" or district.code == p or district.code.startswith(p + ".") for p in prefixes
        ):
            scopes.append((district.code, _("Kecamatan %(name)s") % {"name": district.name}))
    for coop in Cooperative.objects.select_related("village").order_by("village_id"):
        code = coop.village_id
        if any(p == "" or code.startswith(p + ".") for p in prefixes):
            scopes.append((code, coop.name))
    return scopes


def _scope_label(scope: str, names: dict[str, str]) -> str:
    if scope == "":
        return _("Default (the whole regency)")
    return names.get(scope, scope)


@login_required
def warning_thresholds(request):
    """The thresholds in force per scope and their versions; an examiner sets a scope's."""
    scopes = _scopes(request.user) if examines_anywhere(request.user) else []
    if request.method == "POST" and not scopes:
        raise Http404
    in_force = selectors.thresholds_in_force()
    names = {("" if k == DEFAULT_SCOPE else k): v for k, v in scopes}
    for district in District.objects.filter(code__in=list(in_force)):
        names[district.code] = _("Kecamatan %(name)s") % {"name": district.name}
    names.update(
        {c.village_id: c.name for c in Cooperative.objects.filter(village_id__in=list(in_force))}
    )
    rows = [
        {
            "scope": _scope_label(scope, names),
            "row": row,
            "values": [
                (labels.THRESHOLD_LABELS[k], labels.threshold_value(k, v))
                for k, v in row.values.items()
                if k in labels.THRESHOLD_LABELS
            ],
        }
        for scope, row in sorted(in_force.items())
    ]
    default = in_force.get("")
    form = ThresholdsForm(request.POST or None, scopes=scopes)

    def save(data: dict):
        values = {k: data[k] for k in warning_rules.DEFAULT_THRESHOLDS if data.get(k) is not None}
        scope = "" if data["scope"] == DEFAULT_SCOPE else data["scope"]
        if scope == "" and default is not None:  # the default keeps what is left blank
            values = {**default.values, **values}
        return services.warning_thresholds_set(
            actor=request.user, scope=scope, values=values, note=data.get("note", "")
        )

    history = [
        {"scope": _scope_label(row.scope, names), "row": row}
        for row in selectors.thresholds_versions()[:50]
    ]
    return handle_form(
        request,
        form,
        save=save,
        message=lambda row: (
            _("Version %(version)s of the thresholds is in force.") % {"version": row.version}
        ),
        success=reverse("web:warning_thresholds"),
        page=lambda status: render(
            request,
            "web/supervision/warning_thresholds.html",
            {"rows": rows, "form": form if scopes else None, "history": history},
            status=status,
        ),
    )


urlpatterns = [
    path("pantau/peringatan/", warnings_all, name="warnings"),
    path("pantau/peringatan/ambang/", warning_thresholds, name="warning_thresholds"),
    path(WARNINGS, cooperative_warnings, name="cooperative_warnings"),
    path(WARNINGS + "<uuid:warning_id>/", warning_detail, name="warning_detail"),
]
