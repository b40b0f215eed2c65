"""The early warnings in the API (peringatan dini, docs/supervision.md):

- `GET /supervision/warnings`: the warnings of every cooperative whose warnings the caller sees
  (their own as pengurus or pengawas; their scope as a supervisor, but not a CSR partner's),
  filtered by kind, state (default: open or acknowledged), kecamatan and cooperative, paginated;
- `GET /supervision/warnings/{warning_id}`: one warning with its evidence and history;
- `POST /supervision/warnings/{warning_id}/acknowledge` and `/resolve` (the examiner: a Dinas
  grant that is not read-only covering the cooperative).

A warning the caller may not see is the same 404 `request.not_found` as one that does not
exist."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.labels import action_label
from kopdes.supervision import labels, selectors, services
from kopdes.supervision.models import EarlyWarning, WarningKind, WarningState

router = Router(tags=["supervision"])

KINDS = ", ".join(WarningKind.values)


class WarningFilter(Schema):
    kind: str | None = Field(None, max_length=30, description=f"One of: {KINDS}")
    state: Literal["active", "open", "acknowledged", "resolved", "cleared", "all"] = Field(
        "active", description="active (the default) is open or acknowledged"
    )
    kecamatan: str | None = Field(None, max_length=8, description="A kecamatan code")
    cooperative_id: UUID | None = None
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class HistoryOut(Schema):
    at: datetime
    action: str = Field(description="warning.raise, .acknowledge, .resolve, .clear, .reopen")
    action_label: str
    by: str
    note: str


class WarningOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    kind: str
    kind_label: str
    subject: str
    state: str = Field(description="open, acknowledged, resolved, cleared")
    state_label: str
    text: str = Field(description="What was found, in the caller's language")
    facts: dict[str, Any]
    evidence_url: str = Field(description="The staff page showing the evidence")
    first_seen_on: date
    last_seen_on: date
    cleared_on: date | None
    acknowledged_by: str
    acknowledged_at: datetime | None
    resolved_by: str
    resolved_at: datetime | None
    resolution_note: str


class WarningDetailOut(WarningOut):
    history: list[HistoryOut]


class WarningPage(Schema):
    count: int
    items: list[WarningOut]


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=2000)


class ResolveIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"note": "Kas sudah disetor ke bank."}]}}

    note: str = Field("", max_length=2000, description="What was done; required")


def _out(w: EarlyWarning) -> dict[str, Any]:
    return {
        "id": w.public_id,
        "cooperative": cooperative_ref(w.cooperative),
        "kind": w.kind,
        "kind_label": w.get_kind_display(),
        "subject": w.subject,
        "state": w.state,
        "state_label": w.get_state_display(),
        "text": labels.describe(w),
        "facts": w.facts,
        "evidence_url": selectors.evidence_url(w),
        "first_seen_on": w.first_seen_on,
        "last_seen_on": w.last_seen_on,
        "cleared_on": w.cleared_on,
        "acknowledged_by": w.acknowledged_by_label,
        "acknowledged_at": w.acknowledged_at,
        "resolved_by": w.resolved_by_label,
        "resolved_at": w.resolved_at,
        "resolution_note": w.resolution_note,
    }


def _detail(w: EarlyWarning) -> dict[str, Any]:
    return {
        **_out(w),
        "history": [
            {
                "at": e.at,
                "action": e.action,
                "action_label": action_label(e.action),
                "by": e.actor_label,
                "note": e.reason,
            }
            for e in selectors.warning_history(w)
        ],
    }


@router.get("/warnings", response={200: WarningPage, **errors(401, 422)})
def warnings_list(request, filters: Query[WarningFilter]):
    """The early warnings in the caller's scope, the newest first, paginated."""
    rows = selectors.warnings_visible(request.user).select_related("cooperative__village")
    if filters.state == "active":
        rows = rows.filter(state__in=(WarningState.OPEN, WarningState.ACKNOWLEDGED))
    elif filters.state != "all":
        rows = rows.filter(state=filters.state)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.kecamatan:
        rows = rows.filter(cooperative__village__district_id=filters.kecamatan)
    if filters.cooperative_id:
        rows = rows.filter(cooperative__public_id=filters.cooperative_id)
    rows = rows.order_by("-first_seen_on", "-id")
    return {
        "count": rows.count(),
        "items": [_out(w) for w in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.get("/warnings/{warning_id}", response={200: WarningDetailOut, **errors(401, 404)})
def warning_get(request, warning_id: str):
    """One early warning with its evidence and history."""
    return _detail(selectors.warning_for(request.user, warning_id))


@router.post(
    "/warnings/{warning_id}/acknowledge",
    response={200: WarningDetailOut, **errors(401, 403, 404, 409, 422)},
)
def warning_acknowledge(request, warning_id: str, payload: AcknowledgeIn | None = None):
    """The examiner acknowledges an open warning (being followed up). 403
    `supervision.not_warning_examiner`; 409 `supervision.warning_not_open`."""
    warning = selectors.warning_for(request.user, warning_id)
    done = services.warning_acknowledge(
        actor=request.user, warning=warning, note=payload.note if payload else ""
    )
    return _detail(done)


@router.post(
    "/warnings/{warning_id}/resolve",
    response={200: WarningDetailOut, **errors(401, 403, 404, 409, 422)},
)
def warning_resolve(request, warning_id: str, payload: ResolveIn | None = None):
    """The examiner resolves an open or acknowledged warning with a note. 403
    `supervision.not_warning_examiner`; 409 `supervision.warning_closed`; 422
    `supervision.resolution_note_required`."""
    warning = selectors.warning_for(request.user, warning_id)
    done = services.warning_resolve(
        actor=request.user, warning=warning, note=payload.note if payload else ""
    )
    return _detail(done)


api.add_router("/supervision", router)
