"""Coaching's reads (pembinaan, docs/coaching.md): visits, training sessions and findings of a
cooperative or of a set of cooperatives (a supervisor's scope, read through
`accounts.access`), overdue findings first among the open ones."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.supervision.models import (
    Finding,
    FindingFollowUp,
    MentoringVisit,
    TrainingParticipation,
    TrainingSession,
)


def visits(cooperatives: QuerySet[Cooperative]) -> QuerySet[MentoringVisit]:
    return MentoringVisit.objects.filter(cooperative__in=cooperatives).select_related(
        "cooperative__village__district"
    )


def sessions(cooperatives: QuerySet[Cooperative]) -> QuerySet[TrainingSession]:
    """The training sessions with a cooperative of `cooperatives` among those invited."""
    return TrainingSession.objects.filter(
        pk__in=TrainingParticipation.objects.filter(cooperative__in=cooperatives).values(
            "session_id"
        )
    )


def session_of(cooperatives: QuerySet[Cooperative], public_id) -> TrainingSession:
    """The training session `public_id` with a cooperative of `cooperatives` invited, or
    NotFound (absent and out of reach look the same)."""
    row = sessions(cooperatives).filter(public_id=parse_public_id(public_id)).first()
    if row is None:
        raise NotFound()
    return row


def findings(
    cooperatives: QuerySet[Cooperative], *, status: str = "", overdue: bool = False
) -> QuerySet[Finding]:
    """Findings of `cooperatives`, the open ones by deadline (so overdue first), then closed;
    `status` "open" or "closed" keeps one kind, `overdue` only the open ones past deadline."""
    rows = Finding.objects.filter(cooperative__in=cooperatives).select_related(
        "cooperative__village__district", "visit"
    )
    if overdue:
        rows = rows.filter(status=Finding.Status.OPEN, deadline__lt=clock.today())
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by("-status", "deadline", "-id")  # "open" sorts after "closed": reversed


def cooperative_visits(cooperative: Cooperative) -> QuerySet[MentoringVisit]:
    return MentoringVisit.objects.filter(cooperative=cooperative).prefetch_related("findings")


def cooperative_trainings(cooperative: Cooperative) -> QuerySet[TrainingParticipation]:
    return TrainingParticipation.objects.filter(cooperative=cooperative).select_related("session")


def cooperative_findings(cooperative: Cooperative) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(cooperative=cooperative)
        .select_related("visit")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FindingFollowUp.objects.order_by("on", "id"))
        )
        .order_by("-status", "deadline", "-id")
    )


def _one(model, cooperative: Cooperative, public_id):
    """`model`'s row `public_id` of `cooperative`, or NotFound (absent and another
    cooperative's look the same)."""
    row = model.objects.filter(
        cooperative=cooperative, public_id=parse_public_id(public_id)
    ).first()
    if row is None:
        raise NotFound()
    return row


def visit_of(cooperative: Cooperative, public_id) -> MentoringVisit:
    return _one(MentoringVisit, cooperative, public_id)


def finding_of(cooperative: Cooperative, public_id) -> Finding:
    return _one(Finding, cooperative, public_id)


def participation_of(cooperative: Cooperative, public_id) -> TrainingParticipation:
    row: TrainingParticipation = _one(TrainingParticipation, cooperative, public_id)
    return row


def overdue(finding: Finding, today: date | None = None) -> bool:
    return finding.is_overdue(today or clock.today())
