"""Coaching pages (pembinaan, docs/coaching.md).

- `/pantau/pembinaan/`: the training sessions, mentoring visits and findings in the person's
  scope (officers: their cooperatives; supervisors but CSR partners: their grants), filtered
  by kecamatan, cooperative and finding state, paginated.
- `/pantau/pembinaan/pelatihan/baru/`: the examiner plans a training session for one or many
  cooperatives (a whole kecamatan at once).
- `/app/<id>/pembinaan/` (VIEW_COACHING): a cooperative's visits, trainings and findings; the
  examiner (MANAGE_COACHING) plans a visit there, records it held or cancelled, raises and closes
  findings, records a training's attendance; the pengurus and the manajer (FOLLOW_UP_FINDINGS)
  add follow-up notes to a finding.
"""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import (
    Capability,
    coaching_cooperatives,
    examined_cooperatives,
    examines_anywhere,
)
from kopdes.accounts.models import Role
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.regions.models import District
from kopdes.supervision import coaching, coaching_selectors
from kopdes.supervision.models import CoachingStatus, Finding
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import ActionForm, handle_form
from kopdes.web.forms import date_input

PAGE_SIZE = 30
RECENT = 20  # visits and sessions shown on the overview (the latest by date)
BASE = "app/<uuid:cooperative_id>/pembinaan/"
# The overview's finding filter (the pagination partial carries it as `action`).
FINDING_FILTERS = {
    "": gettext_lazy("Open findings"),
    "terlambat": gettext_lazy("Overdue findings"),
    "ditutup": gettext_lazy("Closed findings"),
}


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VisitPlanForm(forms.Form):
    planned_on = forms.DateField(label=gettext_lazy("Planned date"), widget=date_input())
    topics = forms.CharField(label=gettext_lazy("Topics"), widget=_text_area())
    visitors = forms.CharField(label=gettext_lazy("Who visits"), max_length=300)


class VisitRecordForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("Date held"), widget=date_input())
    notes = forms.CharField(label=gettext_lazy("Notes of the visit"), widget=_text_area(4))
    topics = forms.CharField(label=gettext_lazy("Topics"), widget=_text_area(), required=False)
    visitors = forms.CharField(label=gettext_lazy("Who visited"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for cancelling"), widget=_text_area())


def _owner_roles() -> list[tuple[str, str]]:
    return [("", _("— no role, a named person —"))] + [
        (value, str(label)) for value, label in Role.Kind.choices if value != Role.Kind.ANGGOTA
    ]


class FindingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Finding"), max_length=300)
    recommendation = forms.CharField(label=gettext_lazy("Recommendation"), widget=_text_area())
    owner_role = forms.ChoiceField(label=gettext_lazy("Owner (role)"), required=False)
    owner_name = forms.CharField(
        label=gettext_lazy("Owner (name)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A role, a named person, or both."),
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=date_input())
    visit = forms.ChoiceField(label=gettext_lazy("Raised at the visit"), required=False)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_role"].choices = _owner_roles()  # type: ignore[attr-defined]
        visits = coaching_selectors.cooperative_visits(cooperative).exclude(
            status=CoachingStatus.CANCELLED
        )[:50]
        choices = [("", _("— none —"))] + [
            (str(v.public_id), f"{v.planned_on:%d-%m-%Y} · {v.topics[:60]}") for v in visits
        ]
        self.fields["visit"].choices = choices  # type: ignore[attr-defined]


class DatedNoteForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    note = forms.CharField(label=gettext_lazy("Note"), widget=_text_area())


class AttendanceForm(forms.Form):
    attendees = forms.CharField(
        label=gettext_lazy("Who attended"),
        widget=_text_area(6),
        required=False,
        help_text=gettext_lazy(
            "One person a line: name; role (for example: Siti Aminah; bendahara). Names and "
            "roles only, no NIK or phone number. Empty: the cooperative did not attend."
        ),
    )

    def rows(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["attendees"].splitlines():
            name, _sep, role = line.partition(";")
            rows.append({"name": name.strip(), "role": role.strip()})
        return rows


def attendance_text(attendees: list[dict]) -> str:
    return "\n".join(f"{a['name']}; {a['role']}" if a.get("role") else a["name"] for a in attendees)


class TrainingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    planned_on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    topics = forms.CharField(label=gettext_lazy("Topics"), widget=_text_area())
    trainer = forms.CharField(label=gettext_lazy("Trainer"), max_length=200)
    kecamatan = forms.ChoiceField(
        label=gettext_lazy("Every cooperative of a kecamatan"), required=False
    )
    cooperatives = forms.MultipleChoiceField(
        label=gettext_lazy("Or these cooperatives"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("Hold Ctrl (or press long on a phone) to choose several."),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        districts = District.objects.filter(villages__cooperatives__in=scope).distinct()
        kecamatan = [("", _("— choose —"))] + [(d.code, d.name) for d in districts.order_by("code")]
        self.fields["kecamatan"].choices = kecamatan  # type: ignore[attr-defined]
        self.fields["cooperatives"].choices = [  # type: ignore[attr-defined]
            (str(c.public_id), f"{c.name} ({c.village.district.name})")
            for c in scope.select_related("village__district").order_by("village_id")
        ]

    def chosen(self) -> list[Cooperative]:
        data = self.cleaned_data
        condition = Q(public_id__in=data.get("cooperatives") or [])
        if data.get("kecamatan"):
            condition |= Q(village__district_id=data["kecamatan"])
        return list(self.scope.filter(condition).order_by("village_id"))


# --- the overview -------------------------------------------------------------------------


@login_required
def coaching_overview(request):
    """Coaching in the person's scope: the latest sessions and visits, and the findings."""
    scope = coaching_cooperatives(request.user)
    if not scope.exists():
        raise Http404
    district = request.GET.get("kecamatan", "")[:8]
    query = request.GET.get("q", "").strip()[:100]
    action = request.GET.get("action", "")
    action = action if action in FINDING_FILTERS else ""
    shown = scope
    if district:
        shown = shown.filter(village__district_id=district)
    if query:
        shown = shown.filter(Q(name__icontains=query) | Q(village__name__icontains=query))
    findings = coaching_selectors.findings(
        shown,
        status=Finding.Status.CLOSED if action == "ditutup" else Finding.Status.OPEN,
        overdue=action == "terlambat",
    )
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    districts = (
        District.objects.filter(villages__cooperatives__in=scope).distinct().order_by("code")
    )
    today = clock.today()
    return render(
        request,
        "web/supervision/coaching_overview.html",
        {
            "page": page,
            "today": today,
            "overdue_count": coaching_selectors.findings(shown, overdue=True).count(),
            "open_count": coaching_selectors.findings(shown, status=Finding.Status.OPEN).count(),
            "visits": coaching_selectors.visits(shown).order_by("-planned_on", "-id")[:RECENT],
            "sessions": coaching_selectors.sessions(shown)[:RECENT],
            "district": district,
            "districts": districts,
            "query": query,
            "action": action,
            "filters": list(FINDING_FILTERS.items()),
            "can_plan": examines_anywhere(request.user),
        },
    )


@login_required
def training_new(request):
    """The examiner plans a training session for cooperatives they examine."""
    if not examines_anywhere(request.user):
        raise Http404
    scope = examined_cooperatives(request.user)
    form = TrainingForm(
        request.POST or None,
        scope=scope,
        initial={"planned_on": clock.today() + timedelta(days=14)},
    )
    return handle_form(
        request,
        form,
        save=lambda data: coaching.training_session_plan(
            actor=request.user,
            cooperatives=form.chosen(),
            title=data["title"],
            planned_on=data["planned_on"],
            place=data["place"],
            topics=data["topics"],
            trainer=data["trainer"],
        ),
        message=lambda s: (
            _("The training session was planned for %(n)s cooperatives.")
            % {"n": s.participations.count()}
        ),
        success=reverse("web:coaching_overview"),
        page=lambda status: render(
            request,
            "web/supervision/coaching_form.html",
            {
                "form": form,
                "title": _("Plan a training session"),
                "submit": _("Plan the training"),
                "back": reverse("web:coaching_overview"),
            },
            status=status,
        ),
    )


# --- a cooperative's coaching -------------------------------------------------------------


def _home(cooperative: Cooperative) -> str:
    return reverse("web:coaching", args=[cooperative.public_id])


def _object(find, cooperative: Cooperative, public_id):
    try:
        return find(cooperative, public_id)
    except NotFound:
        raise Http404 from None


@cooperative_page(Capability.VIEW_COACHING, write=Capability.MANAGE_COACHING)
def coaching_page(request, cooperative: Cooperative):
    """The cooperative's coaching; a POST (the examiner) plans a mentoring visit."""
    form = VisitPlanForm(
        request.POST or None,
        initial={"planned_on": clock.today(), "visitors": str(request.user)},
    )
    can_manage = Capability.MANAGE_COACHING in request.capabilities
    return handle_form(
        request,
        form,
        save=lambda data: coaching.visit_plan(actor=request.user, cooperative=cooperative, **data),
        message=_("The mentoring visit was planned."),
        success=_home(cooperative),
        page=lambda status: render(
            request,
            "web/supervision/coaching.html",
            {
                "cooperative": cooperative,
                "today": clock.today(),
                "visits": coaching_selectors.cooperative_visits(cooperative),
                "trainings": coaching_selectors.cooperative_trainings(cooperative),
                "findings": coaching_selectors.cooperative_findings(cooperative),
                "can_manage": can_manage,
                "form": form if can_manage else None,
            },
            status=status,
        ),
    )


def _form_page(request, cooperative: Cooperative, form, *, title: str, submit: str, **extra):
    def page(status: int):
        return render(
            request,
            "web/supervision/coaching_form.html",
            {
                "cooperative": cooperative,
                "form": form,
                "title": title,
                "submit": submit,
                "back": _home(cooperative),
                **extra,
            },
            status=status,
        )

    return page


@cooperative_page(Capability.VIEW_COACHING, write=Capability.MANAGE_COACHING)
def visit_page(request, cooperative: Cooperative, visit_id):
    """A mentoring visit; a POST (the examiner) records it held."""
    visit = _object(coaching_selectors.visit_of, cooperative, visit_id)
    form = VisitRecordForm(
        request.POST or None,
        initial={"done_on": clock.today(), "topics": visit.topics, "visitors": visit.visitors},
    )
    can_manage = Capability.MANAGE_COACHING in request.capabilities
    return handle_form(
        request,
        form,
        save=lambda data: coaching.visit_record(actor=request.user, visit=visit, **data),
        message=_("The mentoring visit was recorded as held."),
        success=lambda v: redirect(
            reverse("web:coaching_visit", args=[cooperative.public_id, v.public_id])
        ),
        page=lambda status: render(
            request,
            "web/supervision/coaching_visit.html",
            {
                "cooperative": cooperative,
                "visit": visit,
                "findings": visit.findings.all(),
                "today": clock.today(),
                "can_manage": can_manage,
                "form": form if can_manage and visit.status == CoachingStatus.PLANNED else None,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_COACHING)
def visit_cancel(request, cooperative: Cooperative, visit_id):
    visit = _object(coaching_selectors.visit_of, cooperative, visit_id)
    form = CancelForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: coaching.visit_cancel(actor=request.user, visit=visit, **data),
        message=_("The mentoring visit was cancelled."),
        success=_home(cooperative),
        page=_form_page(
            request,
            cooperative,
            form,
            title=_("Cancel the mentoring visit of %(day)s")
            % {"day": f"{visit.planned_on:%d-%m-%Y}"},
            submit=_("Cancel the visit"),
        ),
    )


@cooperative_page(Capability.MANAGE_COACHING)
def finding_new(request, cooperative: Cooperative):
    """The examiner raises a finding (from a visit: `?kunjungan=<visit id>`)."""
    asked = request.GET.get("kunjungan", "")[:40]
    form = FindingForm(
        request.POST or None,
        cooperative=cooperative,
        initial={"deadline": clock.today() + timedelta(days=30), "visit": asked},
    )

    def save(data: dict):
        visit = (
            _object(coaching_selectors.visit_of, cooperative, data["visit"])
            if data["visit"]
            else None
        )
        return coaching.finding_raise(
            actor=request.user,
            cooperative=cooperative,
            title=data["title"],
            recommendation=data["recommendation"],
            owner_role=data["owner_role"],
            owner_name=data["owner_name"],
            deadline=data["deadline"],
            visit=visit,
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The finding was raised."),
        success=lambda f: redirect(
            reverse("web:coaching_finding", args=[cooperative.public_id, f.public_id])
        ),
        page=_form_page(
            request, cooperative, form, title=_("Raise a finding"), submit=_("Raise the finding")
        ),
    )


@cooperative_page(Capability.VIEW_COACHING, write=Capability.FOLLOW_UP_FINDINGS)
def finding_page(request, cooperative: Cooperative, finding_id):
    """A finding with its follow-ups; a POST (the pengurus, the manajer or the examiner) adds a
    follow-up note."""
    finding = _object(coaching_selectors.finding_of, cooperative, finding_id)
    form = DatedNoteForm(request.POST or None, initial={"on": clock.today()})
    may_follow_up = (
        Capability.FOLLOW_UP_FINDINGS in request.capabilities
        and finding.status == Finding.Status.OPEN
    )
    return handle_form(
        request,
        form,
        save=lambda data: coaching.finding_follow_up(
            actor=request.user, finding=finding, note=data["note"], on=data["on"]
        ),
        message=_("The follow-up was added."),
        success=reverse("web:coaching_finding", args=[cooperative.public_id, finding.public_id]),
        page=lambda status: render(
            request,
            "web/supervision/coaching_finding.html",
            {
                "cooperative": cooperative,
                "finding": finding,
                "follow_ups": finding.follow_ups.order_by("on", "id"),
                "overdue": finding.is_overdue(clock.today()),
                "can_close": Capability.MANAGE_COACHING in request.capabilities
                and finding.status == Finding.Status.OPEN,
                "form": form if may_follow_up else None,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_COACHING)
def finding_close(request, cooperative: Cooperative, finding_id):
    finding = _object(coaching_selectors.finding_of, cooperative, finding_id)
    form = DatedNoteForm(request.POST or None, initial={"on": clock.today()})
    return handle_form(
        request,
        form,
        save=lambda data: coaching.finding_close(
            actor=request.user, finding=finding, note=data["note"], on=data["on"]
        ),
        message=_("The finding was closed."),
        success=reverse("web:coaching_finding", args=[cooperative.public_id, finding.public_id]),
        page=_form_page(
            request,
            cooperative,
            form,
            title=_("Close the finding: %(title)s") % {"title": finding.title},
            submit=_("Close the finding"),
        ),
    )


@cooperative_page(Capability.VIEW_COACHING, write=Capability.MANAGE_COACHING)
def training_page(request, cooperative: Cooperative, training_id):
    """A training session as the cooperative took part in it; a POST (the examiner) records
    who of the cooperative attended (once the session is held)."""
    participation = _object(coaching_selectors.participation_of, cooperative, training_id)
    session = participation.session
    form = AttendanceForm(
        request.POST or None, initial={"attendees": attendance_text(participation.attendees)}
    )
    can_manage = Capability.MANAGE_COACHING in request.capabilities
    url = reverse("web:coaching_training", args=[cooperative.public_id, participation.public_id])
    return handle_form(
        request,
        form,
        save=lambda data: coaching.training_attendance_record(
            actor=request.user, participation=participation, attendees=form.rows()
        ),
        message=_("The attendance was recorded."),
        success=url,
        page=lambda status: render(
            request,
            "web/supervision/coaching_training.html",
            {
                "cooperative": cooperative,
                "participation": participation,
                "session": session,
                "invited": session.participations.count(),
                "can_manage": can_manage,
                "planned": session.status == CoachingStatus.PLANNED,
                "form": form if can_manage and session.status == CoachingStatus.HELD else None,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_COACHING)
def training_hold(request, cooperative: Cooperative, training_id):
    """The examiner records the session held (for every cooperative invited)."""
    participation = _object(coaching_selectors.participation_of, cooperative, training_id)
    form = ActionForm(request.POST if request.method == "POST" else None)
    url = reverse("web:coaching_training", args=[cooperative.public_id, participation.public_id])
    return handle_form(
        request,
        form,
        save=lambda data: coaching.training_session_hold(
            actor=request.user, session=participation.session
        ),
        message=_("The training session was recorded as held: record who attended."),
        success=url,
        page=_form_page(
            request,
            cooperative,
            form,
            title=_("Record the training session held: %(title)s")
            % {"title": participation.session.title},
            submit=_("Held"),
        ),
    )


@cooperative_page(Capability.MANAGE_COACHING)
def training_cancel(request, cooperative: Cooperative, training_id):
    participation = _object(coaching_selectors.participation_of, cooperative, training_id)
    form = CancelForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: coaching.training_session_cancel(
            actor=request.user, session=participation.session, **data
        ),
        message=_("The training session was cancelled."),
        success=_home(cooperative),
        page=_form_page(
            request,
            cooperative,
            form,
            title=_("Cancel the training session: %(title)s")
            % {"title": participation.session.title},
            submit=_("Cancel the training"),
        ),
    )


urlpatterns = [
    path("pantau/pembinaan/", coaching_overview, name="coaching_overview"),
    path("pantau/pembinaan/pelatihan/baru/", training_new, name="coaching_training_new"),
    path(BASE, coaching_page, name="coaching"),
    path(BASE + "kunjungan/<uuid:visit_id>/", visit_page, name="coaching_visit"),
    path(BASE + "kunjungan/<uuid:visit_id>/batal/", visit_cancel, name="coaching_visit_cancel"),
    path(BASE + "temuan/baru/", finding_new, name="coaching_finding_new"),
    path(BASE + "temuan/<uuid:finding_id>/", finding_page, name="coaching_finding"),
    path(BASE + "temuan/<uuid:finding_id>/tutup/", finding_close, name="coaching_finding_close"),
    path(BASE + "pelatihan/<uuid:training_id>/", training_page, name="coaching_training"),
    path(
        BASE + "pelatihan/<uuid:training_id>/terlaksana/",
        training_hold,
        name="coaching_training_hold",
    ),
    path(
        BASE + "pelatihan/<uuid:training_id>/batal/",
        training_cancel,
        name="coaching_training_cancel",
    ),
]
