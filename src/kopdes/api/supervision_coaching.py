"""Coaching in the API (pembinaan, docs/coaching.md), under `/supervision/coaching/`:

- the lists in the caller's scope (their cooperatives as an officer, their grants but a CSR
  partner's as a supervisor): `visits`, `sessions`, `findings` (every one answers with no
  parameter; `cooperative` takes a village code, `overdue` only the open ones past deadline);
- a cooperative's findings with their follow-ups (VIEW_COACHING), a new finding and closing it
  (MANAGE_COACHING: the examiner), a follow-up note (FOLLOW_UP_FINDINGS: the pengurus, the
  manajer and the examiner);
- a cooperative's mentoring visits planned, recorded held or cancelled (MANAGE_COACHING); its
  trainings as it took part in them (VIEW_COACHING) and their attendance, names and roles only
  (MANAGE_COACHING);
- training sessions planned for cooperatives the caller examines (`POST sessions`, 403
  `supervision.not_coach` for who examines nothing), recorded held or cancelled (the service
  refuses with 403 `supervision.not_coach` unless the caller examines every cooperative
  invited).

Every write is a service of `kopdes.supervision.coaching` (its validation, transaction and
audit row). A cooperative, visit, training, session or finding outside the caller's reach is
the same 404 `request.not_found` as one that does not exist."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kopdes.accounts.access import (
    Capability,
    coaching_cooperatives,
    cooperative_access,
    examined_cooperatives,
    examines_anywhere,
)
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.supervision import coaching, coaching_selectors
from kopdes.supervision.errors import CoachingInvalid, NotCoach
from kopdes.supervision.models import (
    Finding,
    MentoringVisit,
    TrainingParticipation,
    TrainingSession,
)

router = Router(tags=["supervision"])


class Paging(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)
    cooperative: str = Field("", max_length=20, description="A village code, e.g. 36.03.01.2003")


class FindingFilter(Paging):
    status: Literal["", "open", "closed"] = ""
    overdue: bool = Field(False, description="Only the open findings past their deadline")


class VisitOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    planned_on: date
    done_on: date | None
    status: str = Field(description="planned, held, cancelled")
    status_label: str
    topics: str
    visitors: str
    notes: str
    cancel_reason: str


class SessionOut(Schema):
    id: UUID
    title: str
    planned_on: date
    place: str
    topics: str
    trainer: str
    status: str = Field(description="planned, held, cancelled")
    status_label: str
    cancel_reason: str
    cooperatives_invited: int = Field(description="In the caller's scope")
    cooperatives: list[CooperativeRef] = Field(description="The invited ones in the caller's scope")


class AttendeeOut(Schema):
    name: str
    role: str


class TrainingOut(Schema):
    id: UUID = Field(description="The cooperative's participation (the `training_id` of URLs)")
    session_id: UUID
    title: str
    planned_on: date
    place: str
    topics: str
    trainer: str
    status: str = Field(description="The session's: planned, held, cancelled")
    status_label: str
    cancel_reason: str
    attended: bool
    attendees: list[AttendeeOut] = Field(description="Names and roles only")
    recorded_at: datetime | None


class FollowUpOut(Schema):
    id: UUID
    on: date
    note: str
    side: str = Field(description="cooperative or dinas")
    side_label: str
    by: str
    created_at: datetime


class FindingOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    visit_id: UUID | None
    title: str
    recommendation: str
    owner_role: str
    owner_name: str
    owner: str = Field(description="The role's label and the person, in words")
    deadline: date
    raised_on: date
    status: str = Field(description="open, closed")
    status_label: str
    overdue: bool
    closed_on: date | None
    closing_note: str
    follow_ups: list[FollowUpOut]


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class SessionPage(Schema):
    count: int
    items: list[SessionOut]


class FindingPage(Schema):
    count: int
    items: list[FindingOut]


class TrainingPage(Schema):
    count: int
    items: list[TrainingOut]


class FindingIn(Schema):
    title: str = Field(max_length=300)
    recommendation: str
    deadline: date
    owner_role: str = Field("", description="A role kind: ketua, bendahara, manajer, ...")
    owner_name: str = Field("", max_length=200)
    visit_id: UUID | None = Field(None, description="The mentoring visit it was raised at")


class NoteIn(Schema):
    note: str
    on: date | None = Field(None, description="Today when left out")


TEXT = 10_000  # free text (topics, notes, reasons): bounded so no body is unbounded


class VisitIn(Schema):
    planned_on: date
    topics: str = Field(max_length=TEXT)
    visitors: str = Field(max_length=300, description="Who visits")


class VisitRecordIn(Schema):
    done_on: date = Field(description="Not in the future")
    notes: str = Field(max_length=TEXT)
    topics: str = Field("", max_length=TEXT, description="The planned topics when left out")
    visitors: str = Field("", max_length=300, description="The planned visitors when left out")


class ReasonIn(Schema):
    reason: str = Field(max_length=TEXT)


class AttendeeIn(Schema):
    name: str = Field(max_length=200)
    role: str = Field("", max_length=100, description="e.g. bendahara")


class AttendanceIn(Schema):
    attendees: list[AttendeeIn] = Field(
        max_length=coaching.MAX_ATTENDEES,
        description="Who of the cooperative attended, names and roles only (no NIK, no phone "
        "number); empty: the cooperative did not attend. Replaces an earlier record.",
    )


class SessionIn(Schema):
    title: str = Field(max_length=200)
    planned_on: date
    place: str = Field(max_length=200)
    topics: str = Field(max_length=TEXT)
    trainer: str = Field(max_length=200)
    cooperatives: list[Annotated[str, Field(max_length=20)]] = Field(
        max_length=300, description="Village codes of cooperatives the caller examines"
    )


def _visit(v) -> dict:
    return {
        "id": v.public_id,
        "cooperative": cooperative_ref(v.cooperative),
        "planned_on": v.planned_on,
        "done_on": v.done_on,
        "status": v.status,
        "status_label": v.get_status_display(),
        "topics": v.topics,
        "visitors": v.visitors,
        "notes": v.notes,
        "cancel_reason": v.cancel_reason,
    }


def _invited_in(scope: QuerySet[Cooperative]) -> Prefetch:
    """A session's invitations of cooperatives in `scope`, as `invited` (one query per page)."""
    rows = TrainingParticipation.objects.filter(cooperative__in=scope).select_related("cooperative")
    return Prefetch("participations", rows.order_by("cooperative__village_id"), to_attr="invited")


def _session(s: TrainingSession, scope: QuerySet[Cooperative]) -> dict:
    if not hasattr(s, "invited"):
        prefetch_related_objects([s], _invited_in(scope))
    refs = [cooperative_ref(p.cooperative) for p in s.invited]  # type: ignore[attr-defined]
    return {
        "id": s.public_id,
        **_session_fields(s),
        "cooperatives_invited": len(refs),
        "cooperatives": refs,
    }


def _session_fields(s: TrainingSession) -> dict:
    """What a session and a cooperative's participation in it both show of the session."""
    return {
        "title": s.title,
        "planned_on": s.planned_on,
        "place": s.place,
        "topics": s.topics,
        "trainer": s.trainer,
        "status": s.status,
        "status_label": s.get_status_display(),
        "cancel_reason": s.cancel_reason,
    }


def _training(p: TrainingParticipation) -> dict:
    s = p.session
    return {
        "id": p.public_id,
        "session_id": s.public_id,
        **_session_fields(s),
        "attended": p.attended,
        "attendees": [{"name": a.get("name", ""), "role": a.get("role", "")} for a in p.attendees],
        "recorded_at": p.recorded_at,
    }


def _follow_up(n) -> dict:
    return {
        "id": n.public_id,
        "on": n.on,
        "note": n.note,
        "side": n.side,
        "side_label": n.get_side_display(),
        "by": n.by_label,
        "created_at": n.created_at,
    }


def _finding(f, today: date) -> dict:
    return {
        "id": f.public_id,
        "cooperative": cooperative_ref(f.cooperative),
        "visit_id": f.visit.public_id if f.visit_id else None,
        "title": f.title,
        "recommendation": f.recommendation,
        "owner_role": f.owner_role,
        "owner_name": f.owner_name,
        "owner": f.owner_text,
        "deadline": f.deadline,
        "raised_on": f.raised_on,
        "status": f.status,
        "status_label": f.get_status_display(),
        "overdue": f.is_overdue(today),
        "closed_on": f.closed_on,
        "closing_note": f.closing_note,
        "follow_ups": [_follow_up(n) for n in f.follow_ups.all()],
    }


def _scope(request, code: str):
    rows = coaching_cooperatives(request.user)
    return rows.filter(village_id=code) if code else rows


@router.get("/visits", response={200: VisitPage, **errors(401)})
def coaching_visits(request, paging: Query[Paging]):
    """The mentoring visits in the caller's scope, the latest date first, paginated."""
    rows = coaching_selectors.visits(_scope(request, paging.cooperative)).order_by(
        "-planned_on", "-id"
    )
    return {
        "count": rows.count(),
        "items": [_visit(v) for v in rows[paging.offset : paging.offset + paging.limit]],
    }


@router.get("/sessions", response={200: SessionPage, **errors(401)})
def coaching_sessions(request, paging: Query[Paging]):
    """The training sessions with a cooperative of the caller's scope invited, latest first."""
    scope = _scope(request, paging.cooperative)
    rows = coaching_selectors.sessions(scope)
    page = rows[paging.offset : paging.offset + paging.limit].prefetch_related(_invited_in(scope))
    return {"count": rows.count(), "items": [_session(s, scope) for s in page]}


@router.get("/findings", response={200: FindingPage, **errors(401)})
def coaching_findings(request, filters: Query[FindingFilter]):
    """The findings in the caller's scope: open ones by deadline (overdue first), then closed."""
    rows = coaching_selectors.findings(
        _scope(request, filters.cooperative), status=filters.status, overdue=filters.overdue
    ).prefetch_related("follow_ups")
    today = clock.today()
    return {
        "count": rows.count(),
        "items": [
            _finding(f, today) for f in rows[filters.offset : filters.offset + filters.limit]
        ],
    }


@router.get(
    "/cooperatives/{cooperative_id}/findings", response={200: FindingPage, **errors(401, 404)}
)
def cooperative_findings(request, cooperative_id: str):
    """A cooperative's findings with their follow-ups (its officers and the supervisors in
    scope but CSR partners)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.VIEW_COACHING)
    rows = list(coaching_selectors.cooperative_findings(cooperative))
    today = clock.today()
    return {"count": len(rows), "items": [_finding(f, today) for f in rows]}


def _finding_of(request, cooperative_id: str, finding_id: UUID, need: Capability) -> Finding:
    cooperative = cooperative_access(request.user, cooperative_id, need=need)
    return coaching_selectors.finding_of(cooperative, finding_id)


def _missing(field: str) -> CoachingInvalid:
    return CoachingInvalid(fields={field: ["required"]}, problems=field)


@router.post(
    "/cooperatives/{cooperative_id}/findings",
    response={201: FindingOut, **errors(401, 403, 404)},
)
def finding_create(request, cooperative_id: str, payload: FindingIn | None = None):
    """Raise a finding (the examiner). 422 `supervision.coaching_invalid` with the fields at
    fault (no owner, a deadline before today, a visit of another cooperative)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.MANAGE_COACHING)
    if payload is None:
        raise _missing("title")
    visit = None
    if payload.visit_id is not None:
        try:
            visit = coaching_selectors.visit_of(cooperative, payload.visit_id)
        except NotFound:
            raise CoachingInvalid(fields={"visit_id": ["unknown"]}, problems="visit_id") from None
    finding = coaching.finding_raise(
        actor=request.user,
        cooperative=cooperative,
        title=payload.title,
        recommendation=payload.recommendation,
        deadline=payload.deadline,
        owner_role=payload.owner_role,
        owner_name=payload.owner_name,
        visit=visit,
    )
    return Status(201, _finding(finding, clock.today()))


@router.post(
    "/cooperatives/{cooperative_id}/findings/{finding_id}/follow-ups",
    response={201: FollowUpOut, **errors(401, 403, 404, 409)},
)
def finding_follow_up(
    request, cooperative_id: str, finding_id: UUID, payload: NoteIn | None = None
):
    """Add a dated follow-up note (the cooperative's pengurus or manajer, or the examiner).
    409 `supervision.finding_closed` once the finding is closed."""
    finding = _finding_of(request, cooperative_id, finding_id, Capability.FOLLOW_UP_FINDINGS)
    if payload is None:
        raise _missing("note")
    row = coaching.finding_follow_up(
        actor=request.user, finding=finding, note=payload.note, on=payload.on
    )
    return Status(201, _follow_up(row))


@router.post(
    "/cooperatives/{cooperative_id}/findings/{finding_id}/close",
    response={200: FindingOut, **errors(401, 403, 404, 409)},
)
def finding_close(request, cooperative_id: str, finding_id: UUID, payload: NoteIn | None = None):
    """Close a finding with a closing note (the examiner). 409 `supervision.finding_closed`."""
    finding = _finding_of(request, cooperative_id, finding_id, Capability.MANAGE_COACHING)
    if payload is None:
        raise _missing("note")
    closed = coaching.finding_close(
        actor=request.user, finding=finding, note=payload.note, on=payload.on
    )
    return _finding(closed, clock.today())


# --- mentoring visits ---------------------------------------------------------------------


def _visit_of(request, cooperative_id: str, visit_id: UUID) -> MentoringVisit:
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.MANAGE_COACHING)
    return coaching_selectors.visit_of(cooperative, visit_id)


@router.post(
    "/cooperatives/{cooperative_id}/visits",
    response={201: VisitOut, **errors(401, 403, 404)},
)
def visit_create(request, cooperative_id: str, payload: VisitIn | None = None):
    """Plan a mentoring visit (the examiner). 422 `supervision.coaching_invalid` with the
    fields at fault (no topics, no visitors)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.MANAGE_COACHING)
    if payload is None:
        raise _missing("planned_on")
    visit = coaching.visit_plan(
        actor=request.user,
        cooperative=cooperative,
        planned_on=payload.planned_on,
        topics=payload.topics,
        visitors=payload.visitors,
    )
    return Status(201, _visit(visit))


@router.post(
    "/cooperatives/{cooperative_id}/visits/{visit_id}/record",
    response={200: VisitOut, **errors(401, 403, 404, 409)},
)
def visit_record(
    request, cooperative_id: str, visit_id: UUID, payload: VisitRecordIn | None = None
):
    """Record a planned visit held (the examiner): the date, the notes, and the topics and
    visitors when they differ from the plan. 409 `supervision.coaching_not_planned` once held
    or cancelled; 422 `supervision.coaching_invalid` (a date in the future, no notes)."""
    visit = _visit_of(request, cooperative_id, visit_id)
    if payload is None:
        raise _missing("done_on")
    held = coaching.visit_record(
        actor=request.user,
        visit=visit,
        done_on=payload.done_on,
        notes=payload.notes,
        topics=payload.topics,
        visitors=payload.visitors,
    )
    return _visit(held)


@router.post(
    "/cooperatives/{cooperative_id}/visits/{visit_id}/cancel",
    response={200: VisitOut, **errors(401, 403, 404, 409)},
)
def visit_cancel(request, cooperative_id: str, visit_id: UUID, payload: ReasonIn | None = None):
    """Cancel a planned visit with a reason (the examiner). 409
    `supervision.coaching_not_planned` once held or cancelled; 422
    `supervision.coaching_invalid` without a reason."""
    visit = _visit_of(request, cooperative_id, visit_id)
    if payload is None:
        raise _missing("reason")
    cancelled = coaching.visit_cancel(actor=request.user, visit=visit, reason=payload.reason)
    return _visit(cancelled)


# --- trainings ----------------------------------------------------------------------------


@router.get(
    "/cooperatives/{cooperative_id}/trainings", response={200: TrainingPage, **errors(401, 404)}
)
def cooperative_trainings(request, cooperative_id: str):
    """The training sessions the cooperative was invited to, the latest first, with who of it
    attended (its officers and the supervisors in scope but CSR partners)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.VIEW_COACHING)
    rows = list(coaching_selectors.cooperative_trainings(cooperative))
    return {"count": len(rows), "items": [_training(p) for p in rows]}


@router.put(
    "/cooperatives/{cooperative_id}/trainings/{training_id}/attendance",
    response={200: TrainingOut, **errors(401, 403, 404, 409)},
)
def training_attendance(
    request, cooperative_id: str, training_id: UUID, payload: AttendanceIn | None = None
):
    """Record who of the cooperative attended a held session (the examiner), replacing an
    earlier record. 409 `supervision.training_not_held` before the session is held; 422
    `supervision.coaching_invalid` (a NIK or phone number in a name or role, a role without a
    name)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.MANAGE_COACHING)
    participation = coaching_selectors.participation_of(cooperative, training_id)
    if payload is None:
        raise _missing("attendees")
    recorded = coaching.training_attendance_record(
        actor=request.user,
        participation=participation,
        attendees=[{"name": a.name, "role": a.role} for a in payload.attendees],
    )
    return _training(recorded)


# --- training sessions --------------------------------------------------------------------


@router.post("/sessions", response={201: SessionOut, **errors(401, 403)})
def session_create(request, payload: SessionIn | None = None):
    """Plan a training session for cooperatives the caller examines, named by village code.
    403 `supervision.not_coach` for a caller who examines nothing; 422
    `supervision.coaching_invalid` with the fields at fault (a code that is not among the
    cooperatives the caller examines, whether it exists or not, in `cooperatives`; none
    chosen; an empty title, place, topics or trainer)."""
    if not examines_anywhere(request.user):
        raise NotCoach()
    if payload is None:
        raise _missing("title")
    codes = list(dict.fromkeys(payload.cooperatives))
    invited = list(examined_cooperatives(request.user).filter(village_id__in=codes))
    unknown = sorted(set(codes) - {c.village_id for c in invited})
    if unknown:
        message = _("Not among the cooperatives you examine: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
        raise CoachingInvalid(fields={"cooperatives": [message]}, problems=message)
    session = coaching.training_session_plan(
        actor=request.user,
        cooperatives=sorted(invited, key=lambda c: c.village_id),
        title=payload.title,
        planned_on=payload.planned_on,
        place=payload.place,
        topics=payload.topics,
        trainer=payload.trainer,
    )
    return Status(201, _session(session, coaching_cooperatives(request.user)))


def _session_of(request, session_id: UUID) -> tuple[TrainingSession, QuerySet[Cooperative]]:
    scope = coaching_cooperatives(request.user)
    return coaching_selectors.session_of(scope, session_id), scope


@router.post(
    "/sessions/{session_id}/hold", response={200: SessionOut, **errors(401, 403, 404, 409)}
)
def session_hold(request, session_id: UUID):
    """Record a planned session held (the examiner of every cooperative invited, else 403
    `supervision.not_coach`): attendance can then be recorded. 409
    `supervision.coaching_not_planned` once held or cancelled; 422
    `supervision.coaching_invalid` while its date is in the future. A session with no
    cooperative of the caller's scope invited is 404."""
    session, scope = _session_of(request, session_id)
    held = coaching.training_session_hold(actor=request.user, session=session)
    return _session(held, scope)


@router.post(
    "/sessions/{session_id}/cancel", response={200: SessionOut, **errors(401, 403, 404, 409)}
)
def session_cancel(request, session_id: UUID, payload: ReasonIn | None = None):
    """Cancel a planned session with a reason (the examiner of every cooperative invited, else
    403 `supervision.not_coach`). 409 `supervision.coaching_not_planned` once held or
    cancelled; 422 `supervision.coaching_invalid` without a reason. A session with no
    cooperative of the caller's scope invited is 404."""
    session, scope = _session_of(request, session_id)
    if payload is None:
        raise _missing("reason")
    cancelled = coaching.training_session_cancel(
        actor=request.user, session=session, reason=payload.reason
    )
    return _session(cancelled, scope)


api.add_router("/supervision/coaching", router)
