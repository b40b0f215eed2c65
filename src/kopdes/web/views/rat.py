"""The members' meetings (RAT, RALB) under `/app/<id>/rat/` (URL names `rat_*`; docs/adr/
0028-rat-meetings-and-ballots.md): the list with each fiscal year's deadline (late and overdue
highlighted) and the SIMKOPDES export, scheduling, and a meeting's page (agenda, documents,
attendance with the quorum, resolutions) with one page per action on it. Everyone with VIEW_RAT
reads (supervisors too); the ketua and sekretaris (MANAGE_RAT) act. Each POST calls one service
through `handle_form`."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.members import selectors as member_selectors
from kopdes.rat import export, rules, selectors, services
from kopdes.rat.models import AgendaItem, Attendance, Ballot, Meeting, MeetingDocument, Resolution
from kopdes.rat.services.documents import UPLOAD_KINDS
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import ActionForm, handle_form
from kopdes.web.forms import date_input, plain_int

RAT = "app/<uuid:cooperative_id>/rat/"
MEETING = RAT + "<uuid:meeting_id>/"
AGENDA_ROWS = 8
CONTENT_TYPES = {
    b"%PDF": "application/pdf",
    b"PK\x03\x04": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
    b"RIFF": "image/webp",
}


def _meeting(cooperative: Cooperative, meeting_id) -> Meeting:
    try:
        return selectors.meeting_get(cooperative, meeting_id)
    except NotFound:
        raise Http404 from None


def _resolution(meeting: Meeting, resolution_id) -> Resolution:
    try:
        return selectors.resolution_get(meeting, resolution_id)
    except NotFound:
        raise Http404 from None


def _meeting_url(meeting: Meeting) -> str:
    return reverse("web:rat_meeting", args=[meeting.cooperative.public_id, meeting.public_id])


def _base(request, cooperative: Cooperative, meeting: Meeting | None = None) -> dict[str, Any]:
    return {
        "cooperative": cooperative,
        "meeting": meeting,
        "can_manage": Capability.MANAGE_RAT in request.capabilities,
    }


# -- the list ------------------------------------------------------------------------------------


def deadline_labels() -> dict[str, str]:
    return {
        rules.ON_TIME: _("Held on time"),
        rules.HELD_LATE: _("Held late"),
        rules.HELD_OVERDUE: _("Held after 30 June"),
        rules.DUE: _("Due"),
        rules.LATE: _("Late: not held by the deadline"),
        rules.OVERDUE: _("Overdue: not held by 30 June"),
    }


@cooperative_page(Capability.VIEW_RAT)
def rat_list(request, cooperative: Cooperative):
    labels = deadline_labels()
    return render(
        request,
        "web/rat/list.html",
        {
            **_base(request, cooperative),
            "deadlines": [(row, labels[row.state]) for row in selectors.deadlines(cooperative)],
            "meetings": list(selectors.meetings(cooperative)[:50]),
            "years": sorted(
                set(selectors.meetings(cooperative).values_list("fiscal_year", flat=True)),
                reverse=True,
            ),
        },
    )


@cooperative_page(Capability.VIEW_RAT)
def rat_export(request, cooperative: Cooperative):
    """The SIMKOPDES rows (docs/simkopdes.md): `?format=csv|json`, `&year=Y` for one year."""
    kind = request.GET.get("format", "csv")
    year_text = request.GET.get("year", "").strip()
    year = plain_int(year_text) if year_text else None
    if kind not in ("csv", "json") or (year_text and year is None):
        return HttpResponse(_("format must be csv or json; year a number."), status=400)
    rows = export.simkopdes_rows(cooperative, year)
    name = f"rat_koperasi_{cooperative.village_id}{'_' + str(year) if year else ''}.{kind}"
    if kind == "json":
        response = HttpResponse(export.as_json(rows), content_type="application/json")
    else:
        response = HttpResponse(export.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- scheduling ----------------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Meeting"), choices=Meeting.Kind.choices)
    fiscal_year = forms.IntegerField(label=gettext_lazy("Fiscal year"), min_value=2000)
    day = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    start = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    online = forms.BooleanField(label=gettext_lazy("Members may join online"), required=False)
    join_info = forms.CharField(
        label=gettext_lazy("How to join online"), max_length=300, required=False
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        widget=date_input(),
        required=False,
        help_text=gettext_lazy("31 March of the next year unless the AD/ART says otherwise."),
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_schedule(request, cooperative: Cooperative):
    today = clock.today()
    form = ScheduleForm(
        request.POST or None,
        initial={
            "kind": Meeting.Kind.RAT,
            "fiscal_year": today.year - 1,
            "day": today + timedelta(days=14),
            "start": time(9, 0),
        },
    )

    def save(data):
        moment = timezone.make_aware(datetime.combine(data["day"], data["start"]))
        return services.meeting_schedule(
            actor=request.user,
            cooperative=cooperative,
            fiscal_year=data["fiscal_year"],
            kind=data["kind"],
            scheduled_at=moment,
            place=data["place"],
            online=data["online"],
            join_info=data["join_info"],
            deadline=data["deadline"],
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The meeting is scheduled. Set its agenda, then send the notice."),
        success=lambda meeting: redirect(_meeting_url(meeting)),
        page=lambda status: render(
            request,
            "web/rat/schedule.html",
            {**_base(request, cooperative), "form": form},
            status=status,
        ),
    )


# -- a meeting -----------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_RAT)
def rat_meeting(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    resolutions = list(selectors.resolutions(meeting).order_by("opened_at", "pk"))
    voted = {r.pk: r.receipts.count() for r in resolutions if r.status == Resolution.Status.OPEN}
    for resolution in resolutions:
        resolution.receipt_count = voted.get(resolution.pk)  # type: ignore[attr-defined]  # template only
    return render(
        request,
        "web/rat/meeting.html",
        {
            **_base(request, cooperative, meeting),
            "agenda": list(meeting.agenda.select_related("document").order_by("order")),
            "documents": list(meeting.documents.order_by("kind", "pk")),
            "quorum": selectors.quorum(meeting),
            "attendance": list(selectors.attendance(meeting)),
            "resolutions": resolutions,
            "whatsapp": meeting.notice_text,
        },
    )


@cooperative_page(Capability.VIEW_RAT)
def rat_document(request, cooperative: Cooperative, meeting_id, meeting_document_id):
    meeting = _meeting(cooperative, meeting_id)
    try:
        key = parse_public_id(meeting_document_id)
    except NotFound:
        raise Http404 from None
    document = MeetingDocument.objects.filter(meeting=meeting, public_id=key).first()
    if document is None:
        raise Http404
    return _file(document.file, document.title)


def _file(field, title: str) -> HttpResponse:
    if not field:
        raise Http404
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    content_type = next(
        (kind for head, kind in CONTENT_TYPES.items() if content.startswith(head)),
        "application/octet-stream",
    )
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    extension = field.name.rsplit(".", 1)[-1]
    safe = "".join(c if c.isalnum() else "_" for c in title)[:80]
    response["Content-Disposition"] = f'attachment; filename="{safe}.{extension}"'
    return response


class AgendaForm(forms.Form):
    def __init__(self, *args, documents: list[MeetingDocument], **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, AGENDA_ROWS + 1):
            self.fields[f"title_{n}"] = forms.CharField(
                label=_("Item %(n)s") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                label=_("Kind of item %(n)s") % {"n": n}, choices=AgendaItem.Kind.choices
            )
            self.fields[f"document_{n}"] = forms.ChoiceField(
                label=_("Document of item %(n)s") % {"n": n},
                choices=[("", "—"), *[(str(d.public_id), d.title) for d in documents]],
                required=False,
            )
        self.documents = {str(d.public_id): d for d in documents}

    def rows(self):
        return [
            (self[f"title_{n}"], self[f"kind_{n}"], self[f"document_{n}"])
            for n in range(1, AGENDA_ROWS + 1)
        ]

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "title": data[f"title_{n}"],
                "kind": data[f"kind_{n}"],
                "document": self.documents.get(data[f"document_{n}"] or ""),
            }
            for n in range(1, AGENDA_ROWS + 1)
            if data[f"title_{n}"].strip()
        ]


def _default_agenda() -> list[tuple[str, str]]:
    """A RAT's usual agenda, offered for a new meeting."""
    return [
        (_("The pengurus' accountability report"), AgendaItem.Kind.PENGURUS_REPORT),
        (_("The pengawas' report"), AgendaItem.Kind.PENGAWAS_REPORT),
        (_("Financial statements of the fiscal year"), AgendaItem.Kind.STATEMENTS),
        (_("Distribution of the SHU"), AgendaItem.Kind.SHU),
        (_("Work plan and budget (RAPB)"), AgendaItem.Kind.RAPB),
    ]


@cooperative_page(Capability.VIEW_RAT, write=Capability.MANAGE_RAT)
def rat_agenda(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    items = list(meeting.agenda.order_by("order"))
    initial: dict[str, Any] = {}
    rows = [(i.title, i.kind, str(i.document.public_id) if i.document else "") for i in items]
    if not rows:
        rows = [(title, kind, "") for title, kind in _default_agenda()]
    for n, (title, kind, document) in enumerate(rows, start=1):
        initial |= {f"title_{n}": title, f"kind_{n}": kind, f"document_{n}": document}
    form = AgendaForm(
        request.POST or None, initial=initial, documents=list(meeting.documents.all())
    )
    editable = meeting.status in (Meeting.Status.DRAFT, Meeting.Status.ANNOUNCED)
    return handle_form(
        request,
        form,
        save=lambda data: services.agenda_set(
            actor=request.user, meeting=meeting, items=form.items()
        ),
        message=_("Agenda saved."),
        success=_meeting_url(meeting),
        page=lambda status: render(
            request,
            "web/rat/agenda.html",
            {
                **_base(request, cooperative, meeting),
                "form": form,
                "items": items,
                "editable": editable and Capability.MANAGE_RAT in request.capabilities,
            },
            status=status,
        ),
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[(k.value, k.label) for k in UPLOAD_KINDS],
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    file = forms.FileField(
        label=gettext_lazy("File (PDF or photo, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_upload(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.document_upload(
            actor=request.user,
            meeting=meeting,
            kind=data["kind"],
            title=data["title"],
            file=data["file"],
        ),
        message=lambda document: _("%(title)s added.") % {"title": document.title},
        success=_meeting_url(meeting),
        page=lambda status: render(
            request,
            "web/rat/upload.html",
            {**_base(request, cooperative, meeting), "form": form},
            status=status,
        ),
    )


def _action(request, cooperative, meeting, *, save, message, title, text, button, status_ok):
    """A page that confirms one action on the meeting (a button), then calls its service."""
    form = ActionForm(request.POST)
    return handle_form(
        request,
        form,
        save=lambda data: save(),
        message=message,
        success=_meeting_url(meeting),
        page=lambda status: render(
            request,
            "web/rat/action.html",
            {
                **_base(request, cooperative, meeting),
                "form": form,
                "title": title,
                "text": text,
                "button": button,
                "possible": status_ok,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_generate(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.documents_generate(actor=request.user, meeting=meeting),
        message=_("The documents pack was made from the closed books."),
        title=_("Make the documents pack"),
        text=_(
            "The financial statements of the fiscal year (PDF and Excel) and the SHU proposal "
            "are made from the closed books. Documents made before are replaced; uploaded ones "
            "stay."
        ),
        button=_("Make the documents"),
        status_ok=meeting.status in (Meeting.Status.DRAFT, Meeting.Status.ANNOUNCED),
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_announce(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.meeting_announce(actor=request.user, meeting=meeting),
        message=_("The notice is sent: members see it in the app. Share the text on WhatsApp."),
        title=_("Send the notice"),
        text=_(
            "Members see the meeting, its agenda and documents in the member app, and the notice "
            "text is ready to share on WhatsApp."
        ),
        button=_("Send the notice"),
        status_ok=meeting.status == Meeting.Status.DRAFT,
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_open(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.meeting_open(actor=request.user, meeting=meeting),
        message=_("The meeting is in session: record who is present."),
        title=_("Open the meeting"),
        text=_("From now on attendance is recorded and resolutions are voted on."),
        button=_("Open the meeting"),
        status_ok=meeting.status == Meeting.Status.ANNOUNCED,
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_close(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.meeting_close(actor=request.user, meeting=meeting),
        message=_("The meeting is closed. Make its minutes (berita acara)."),
        title=_("Close the meeting"),
        text=_("Every resolution must be decided first."),
        button=_("Close the meeting"),
        status_ok=meeting.status == Meeting.Status.HELD,
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_minutes(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.minutes_generate(actor=request.user, meeting=meeting),
        message=_("The minutes (berita acara) are made."),
        title=_("Make the minutes (berita acara)"),
        text=_(
            "A PDF with the attendance, the quorum, every resolution with its votes and the "
            "signatures block. Made again, it replaces the one before."
        ),
        button=_("Make the minutes"),
        status_ok=meeting.status in (Meeting.Status.HELD, Meeting.Status.CLOSED),
    )


@cooperative_page(Capability.VIEW_RAT)
def rat_minutes_pdf(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    return _file(meeting.minutes_file, f"Berita_Acara_{meeting.fiscal_year}")


# -- attendance ----------------------------------------------------------------------------------


class MemberForm(forms.Form):
    member = forms.UUIDField(widget=forms.HiddenInput)


@cooperative_page(Capability.MANAGE_RAT)
def rat_attendance(request, cooperative: Cooperative, meeting_id):
    """Find a member as you type (name, NIAK or phone) and record them present."""
    meeting = _meeting(cooperative, meeting_id)
    query = request.GET.get("q", "").strip()[:100]
    present = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    found = (
        [m for m in member_selectors.member_search(cooperative=cooperative, q=query)]
        if query
        else []
    )
    form = MemberForm(request.POST or None)

    def save(data):
        member = member_selectors.members(cooperative).filter(public_id=data["member"]).first()
        if member is None:
            raise NotFound()
        return services.attendance_record(actor=request.user, meeting=meeting, member=member)

    return handle_form(
        request,
        form,
        save=save,
        message=lambda row: _("%(name)s is present.") % {"name": row.member.full_name},
        success=reverse("web:rat_attendance", args=[cooperative.public_id, meeting.public_id]),
        page=lambda status: render(
            request,
            "web/rat/attendance.html",
            {
                **_base(request, cooperative, meeting),
                "form": form,
                "query": query,
                "found": [(m, m.pk in present) for m in found],
                "quorum": selectors.quorum(meeting),
                "in_session": meeting.status == Meeting.Status.HELD,
            },
            status=status,
        ),
    )


# -- resolutions ---------------------------------------------------------------------------------


class ResolutionForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question put to the vote"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ballot = forms.ChoiceField(label=gettext_lazy("Ballot"), choices=Resolution.Ballot.choices)
    agenda_item = forms.ChoiceField(label=gettext_lazy("Agenda item"), required=False)

    def __init__(self, *args, items: list[AgendaItem], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(str(i.public_id), i.title) for i in items]]
        self.items = {str(i.public_id): i for i in items}


@cooperative_page(Capability.MANAGE_RAT)
def rat_resolution_new(request, cooperative: Cooperative, meeting_id):
    meeting = _meeting(cooperative, meeting_id)
    form = ResolutionForm(request.POST or None, items=list(meeting.agenda.order_by("order")))
    return handle_form(
        request,
        form,
        save=lambda data: services.resolution_open(
            actor=request.user,
            meeting=meeting,
            question=data["question"],
            ballot=data["ballot"],
            agenda_item=form.items.get(data["agenda_item"] or ""),
        ),
        message=_("The vote is open."),
        success=lambda resolution: redirect(
            "web:rat_vote", cooperative.public_id, meeting.public_id, resolution.public_id
        ),
        page=lambda status: render(
            request,
            "web/rat/resolution_new.html",
            {
                **_base(request, cooperative, meeting),
                "form": form,
                "in_session": meeting.status == Meeting.Status.HELD,
            },
            status=status,
        ),
    )


class VoteForm(forms.Form):
    member = forms.ChoiceField(label=gettext_lazy("Member"))
    choice = forms.ChoiceField(
        label=gettext_lazy("Vote"), choices=Ballot.Choice.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *[(str(m.public_id), f"{m.niak} {m.full_name}") for m in members],
        ]
        self.members = {str(m.public_id): m for m in members}


@cooperative_page(Capability.VIEW_RAT, write=Capability.MANAGE_RAT)
def rat_vote(request, cooperative: Cooperative, meeting_id, resolution_id):
    """A resolution: its counts once decided; while open, the in-person votes recorded one by
    one (a member present who has not voted), for a secret ballot entered by the member on the
    officer's device."""
    meeting = _meeting(cooperative, meeting_id)
    resolution = _resolution(meeting, resolution_id)
    voted = set(resolution.receipts.values_list("member_id", flat=True))
    waiting = [a.member for a in selectors.attendance(meeting) if a.member_id not in voted]
    form = VoteForm(request.POST or None, members=waiting)

    def save(data):
        member = form.members.get(data["member"])
        if member is None:
            raise NotFound()
        return services.vote_cast(
            actor=request.user,
            member=member,
            resolution=resolution,
            choice=data["choice"],
            channel="in_person",
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("Vote recorded."),
        success=reverse(
            "web:rat_vote", args=[cooperative.public_id, meeting.public_id, resolution.public_id]
        ),
        page=lambda status: render(
            request,
            "web/rat/vote.html",
            {
                **_base(request, cooperative, meeting),
                "resolution": resolution,
                "form": form,
                "receipts": resolution.receipts.count(),
                "quorum": selectors.quorum(meeting),
                "voting": resolution.status == Resolution.Status.OPEN
                and meeting.status == Meeting.Status.HELD
                and Capability.MANAGE_RAT in request.capabilities,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_RAT)
def rat_decide(request, cooperative: Cooperative, meeting_id, resolution_id):
    meeting = _meeting(cooperative, meeting_id)
    resolution = _resolution(meeting, resolution_id)
    present, members, required, _met = selectors.quorum(meeting)
    return _action(
        request,
        cooperative,
        meeting,
        save=lambda: services.resolution_close(actor=request.user, resolution=resolution),
        message=_("The vote is closed and counted."),
        title=_("Close the vote: %(question)s") % {"question": resolution.question},
        text=_(
            "Present: %(present)s of %(members)s members (quorum %(required)s). A majority of "
            "the votes cast decides."
        )
        % {"present": present, "members": members, "required": required},
        button=_("Close the vote and count"),
        status_ok=resolution.status == Resolution.Status.OPEN,
    )


urlpatterns = [
    path(RAT, rat_list, name="rat"),
    path(RAT + "baru/", rat_schedule, name="rat_schedule"),
    path(RAT + "ekspor/", rat_export, name="rat_export"),
    path(MEETING, rat_meeting, name="rat_meeting"),
    path(MEETING + "acara/", rat_agenda, name="rat_agenda"),
    path(MEETING + "dokumen/", rat_upload, name="rat_upload"),
    path(MEETING + "dokumen/buat/", rat_generate, name="rat_generate"),
    path(MEETING + "dokumen/<uuid:meeting_document_id>/", rat_document, name="rat_document"),
    path(MEETING + "umumkan/", rat_announce, name="rat_announce"),
    path(MEETING + "buka/", rat_open, name="rat_open"),
    path(MEETING + "tutup/", rat_close, name="rat_close"),
    path(MEETING + "hadir/", rat_attendance, name="rat_attendance"),
    path(MEETING + "keputusan/", rat_resolution_new, name="rat_resolution_new"),
    path(MEETING + "keputusan/<uuid:resolution_id>/", rat_vote, name="rat_vote"),
    path(MEETING + "keputusan/<uuid:resolution_id>/tutup/", rat_decide, name="rat_decide"),
    path(MEETING + "berita-acara/", rat_minutes, name="rat_minutes"),
    path(MEETING + "berita-acara/unduh/", rat_minutes_pdf, name="rat_minutes_pdf"),
]
