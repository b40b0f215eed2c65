"""The health assessment in the API (docs/domain.md §5):
`GET /supervision/cooperatives/{cooperative_id}/health`, the current assessment of every
assessed year (the latest first) with each component's inputs, and the history. Supervisors in
scope and the cooperative's officers (VIEW_HEALTH); anyone else gets the same 404
`request.not_found` as for a cooperative that does not exist."""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from kopdes.accounts.access import Capability, cooperative_access
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.replicas import supervision_reads
from kopdes.supervision import selectors

router = Router(tags=["supervision"])


class ComponentOut(Schema):
    aspect: str
    key: str
    label: str
    weight: Decimal
    ratio: Decimal | None = Field(
        description="Percent; null when not computable or a questionnaire"
    )
    value: int = Field(description="0..100, from the component's bands")
    points: Decimal = Field(description="value x weight / 100")
    inputs: dict[str, int] = Field(description="Rupiah read from the closed books")
    note: str = Field(description="How the value came about, in Indonesian")


class AssessmentOut(Schema):
    year: int
    method: str
    method_version: int
    score: Decimal
    predicate: str = Field(
        description="sehat, cukup_sehat, dalam_pengawasan, dalam_pengawasan_khusus"
    )
    predicate_label: str
    current: bool
    questionnaire_filled: bool
    assessed_by: str
    assessed_at: datetime
    components: list[ComponentOut]


class HealthOut(Schema):
    cooperative: CooperativeRef
    current: list[AssessmentOut] = Field(description="The current assessment of each year")
    history: list[AssessmentOut] = Field(description="Earlier assessments, replaced")


def _out(a) -> dict:
    return {
        "year": a.year,
        "method": a.method.kind,
        "method_version": a.method.version,
        "score": a.score,
        "predicate": a.predicate,
        "predicate_label": a.get_predicate_display(),
        "current": a.is_current,
        "questionnaire_filled": a.questionnaire_filled,
        "assessed_by": a.assessed_by_label,
        "assessed_at": a.assessed_at,
        "components": a.components,
    }


@router.get("/cooperatives/{cooperative_id}/health", response={200: HealthOut, **errors(401, 404)})
def cooperative_health(request, cooperative_id: str):
    """The cooperative's health assessments (penilaian kesehatan): score, predicate and every
    component with its inputs, per year; the replaced ones in `history`. The access check on
    the primary, the assessments from a replica when one is configured (ADR 0036)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.VIEW_HEALTH)
    with supervision_reads():
        rows = list(selectors.assessments(cooperative))
        return {
            "cooperative": cooperative_ref(cooperative),
            "current": [_out(a) for a in rows if a.is_current],
            "history": [_out(a) for a in rows if not a.is_current],
        }


api.add_router("/supervision", router)
