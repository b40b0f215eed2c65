"""Coaching in the API (pembinaan, docs/coaching.md), under `/supervision/coaching/`:

- the lists in the caller's scope (their cooperatives as an officer, their grants but a CSR
  partner's as a supervisor): `visits`, `sessions`, `findings` (every one answers with no
  parameter; `cooperative` takes a village code, `overdue` only the open ones past deadline);
- a cooperative's findings with their follow-ups (VIEW_COACHING), a new finding and closing it
  (MANAGE_COACHING: the examiner), a follow-up note (FOLLOW_UP_FINDINGS: the pengurus, the
  manajer and the examiner).

A cooperative or finding outside the caller's reach is the same 404 `request.not_found` as one
that does not exist."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field

from kopdes.accounts.access import Capability, coaching_cooperatives, cooperative_access
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.supervision import coaching, coaching_selectors
from kopdes.supervision.errors import CoachingInvalid
from kopdes.supervision.models import Finding

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
    cooperatives_invited: int = Field(description="In the caller's scope")


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
    items = []
    for s in rows[paging.offset : paging.offset + paging.limit]:
        items.append(
            {
                "id": s.public_id,
                "title": s.title,
                "planned_on": s.planned_on,
                "place": s.place,
                "topics": s.topics,
                "trainer": s.trainer,
                "status": s.status,
                "status_label": s.get_status_display(),
                "cooperatives_invited": s.participations.filter(cooperative__in=scope).count(),
            }
        )
    return {"count": rows.count(), "items": items}


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


api.add_router("/supervision/coaching", router)
