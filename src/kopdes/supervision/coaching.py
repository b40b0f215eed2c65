"""Coaching's writes (pembinaan, docs/coaching.md): training sessions for one or many
cooperatives and their attendance, mentoring visits, and findings (temuan) with their
recommendation, owner and deadline, followed up until the Dinas closes them.

Each write is one transaction and one audit row. Planning and recording, raising and closing
a finding need `Capability.MANAGE_COACHING` (the examiner: a Dinas grant that is not read-only
and covers the cooperative; `actor=None` is the system, the demo); a follow-up note needs
`Capability.FOLLOW_UP_FINDINGS` (the cooperative's pengurus and manajer, and the examiner)."""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kopdes.accounts.access import Capability, holds
from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.supervision.errors import (
    CoachingInvalid,
    CoachingNotPlanned,
    FindingClosed,
    NotCoach,
    NotFindingOwner,
    TrainingNotHeld,
)
from kopdes.supervision.models import (
    CoachingStatus,
    Finding,
    FindingFollowUp,
    MentoringVisit,
    TrainingParticipation,
    TrainingSession,
)

# A run of digits as long as a phone number or a NIK's part: an attendee is named, never numbered.
_NUMBER = re.compile(r"\d{6,}")
MAX_ATTENDEES = 50


def _check(actor: Actor, cooperative: Cooperative, need: Capability, error: type) -> None:
    if actor is not None and not (isinstance(actor, User) and holds(actor, cooperative, need)):
        raise error()


def _check_coach(actor: Actor, cooperative: Cooperative) -> None:
    _check(actor, cooperative, Capability.MANAGE_COACHING, NotCoach)


def _invalid(**fields: Any) -> CoachingInvalid:
    problems = "; ".join(str(m) for m in fields.values())
    return CoachingInvalid(fields={k: [str(v)] for k, v in fields.items()}, problems=problems)


def _text(value: str, field: str, problems: dict[str, Any], *, limit: int = 0) -> str:
    text = (value or "").strip()
    if not text:
        problems[field] = _("This field is required.")
    elif limit and len(text) > limit:
        problems[field] = _("At most %(n)s characters.") % {"n": limit}
    return text


def _not_after_today(day: date, field: str, problems: dict[str, Any]) -> None:
    if day > clock.today():
        problems[field] = _("The date cannot be in the future.")


def _raise_if(problems: dict[str, Any]) -> None:
    if problems:
        raise _invalid(**problems)


def _require_planned(row: TrainingSession | MentoringVisit) -> None:
    if row.status != CoachingStatus.PLANNED:
        raise CoachingNotPlanned(status=str(CoachingStatus(row.status).label).lower())


# --- training sessions --------------------------------------------------------------------


@transaction.atomic
def training_session_plan(
    *,
    actor: Actor,
    cooperatives: Iterable[Cooperative],
    title: str,
    planned_on: date,
    place: str,
    topics: str,
    trainer: str,
) -> TrainingSession:
    """A training session for `cooperatives` (one or many, every one the actor examines)."""
    invited = list({c.pk: c for c in cooperatives}.values())
    for cooperative in invited:
        _check_coach(actor, cooperative)
    problems: dict[str, Any] = {}
    clean = {
        "title": _text(title, "title", problems, limit=200),
        "place": _text(place, "place", problems, limit=200),
        "topics": _text(topics, "topics", problems),
        "trainer": _text(trainer, "trainer", problems, limit=200),
    }
    if not invited:
        problems["cooperatives"] = _("Choose at least one cooperative.")
    _raise_if(problems)
    session = TrainingSession.objects.create(
        planned_on=planned_on, planned_by_label=actor_label(actor), **clean
    )
    TrainingParticipation.objects.bulk_create(
        [TrainingParticipation(cooperative=c, session=session) for c in invited]
    )
    audit_record(
        actor=actor,
        action="coaching.training_plan",
        obj=session,
        after={
            **clean,
            "planned_on": planned_on.isoformat(),
            "cooperatives": sorted(c.village_id for c in invited),
        },
    )
    return session


def _session_cooperatives(session: TrainingSession) -> list[Cooperative]:
    return list(Cooperative.objects.filter(pk__in=session.participations.values("cooperative_id")))


@transaction.atomic
def training_session_hold(*, actor: Actor, session: TrainingSession) -> TrainingSession:
    """The session took place (on its date, not later than today): attendance can be recorded."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for cooperative in _session_cooperatives(session):
        _check_coach(actor, cooperative)
    _require_planned(session)
    problems: dict[str, Any] = {}
    _not_after_today(session.planned_on, "planned_on", problems)
    _raise_if(problems)
    session.status = CoachingStatus.HELD
    session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="coaching.training_hold",
        obj=session,
        before={"status": CoachingStatus.PLANNED},
        after={"status": session.status},
    )
    return session


@transaction.atomic
def training_session_cancel(
    *, actor: Actor, session: TrainingSession, reason: str
) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for cooperative in _session_cooperatives(session):
        _check_coach(actor, cooperative)
    _require_planned(session)
    problems: dict[str, Any] = {}
    reason = _text(reason, "reason", problems)
    _raise_if(problems)
    session.status = CoachingStatus.CANCELLED
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancel_reason"])
    audit_record(
        actor=actor,
        action="coaching.training_cancel",
        obj=session,
        before={"status": CoachingStatus.PLANNED},
        after={"status": session.status},
        reason=reason,
    )
    return session


def clean_attendees(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The attendees as {"name", "role"}, blank rows dropped; a name or role with a long run of
    digits (a NIK, a phone number) is refused: attendance names people, it does not number them."""
    clean: list[dict[str, str]] = []
    problems: dict[str, Any] = {}
    for row in rows:
        name = (row.get("name") or "").strip()
        role = (row.get("role") or "").strip()
        if not name and not role:
            continue
        if not name:
            problems["attendees"] = _("Every attendee needs a name.")
        elif _NUMBER.search(name) or _NUMBER.search(role):
            problems["attendees"] = _(
                "Write names and roles only: no NIK or phone number in the attendance."
            )
        elif len(name) > 200 or len(role) > 100:
            problems["attendees"] = _("A name or a role is too long.")
        clean.append({"name": name, "role": role})
    if len(clean) > MAX_ATTENDEES:
        problems["attendees"] = _("At most %(n)s attendees per cooperative.") % {"n": MAX_ATTENDEES}
    _raise_if(problems)
    return clean


@transaction.atomic
def training_attendance_record(
    *, actor: Actor, participation: TrainingParticipation, attendees: Sequence[dict[str, str]]
) -> TrainingParticipation:
    """Who of the cooperative attended a held session (replaces an earlier record; nobody
    listed means the cooperative did not attend)."""
    participation = (
        TrainingParticipation.objects.select_for_update()
        .select_related("session", "cooperative")
        .get(pk=participation.pk)
    )
    _check_coach(actor, participation.cooperative)
    if participation.session.status != CoachingStatus.HELD:
        raise TrainingNotHeld()
    clean = clean_attendees(attendees)
    before = {"attended": participation.attended, "attendees": len(participation.attendees)}
    participation.attendees = clean
    participation.attended = bool(clean)
    participation.recorded_by_label = actor_label(actor)
    participation.recorded_at = clock.now()
    participation.save()
    audit_record(
        actor=actor,
        action="coaching.training_attendance",
        obj=participation,
        cooperative_id=participation.cooperative_id,
        before=before,
        after={"session": participation.session.title, "attendees": clean},
    )
    return participation


# --- mentoring visits ---------------------------------------------------------------------


@transaction.atomic
def visit_plan(
    *, actor: Actor, cooperative: Cooperative, planned_on: date, topics: str, visitors: str
) -> MentoringVisit:
    _check_coach(actor, cooperative)
    problems: dict[str, Any] = {}
    clean = {
        "topics": _text(topics, "topics", problems),
        "visitors": _text(visitors, "visitors", problems, limit=300),
    }
    _raise_if(problems)
    visit = MentoringVisit.objects.create(
        cooperative=cooperative,
        planned_on=planned_on,
        planned_by_label=actor_label(actor),
        **clean,
    )
    audit_record(
        actor=actor,
        action="coaching.visit_plan",
        obj=visit,
        cooperative_id=cooperative.pk,
        after={**clean, "planned_on": planned_on.isoformat()},
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    visit: MentoringVisit,
    done_on: date,
    notes: str,
    topics: str = "",
    visitors: str = "",
) -> MentoringVisit:
    """The visit was held on `done_on` (not in the future): what was discussed and seen."""
    visit = (
        MentoringVisit.objects.select_for_update().select_related("cooperative").get(pk=visit.pk)
    )
    _check_coach(actor, visit.cooperative)
    _require_planned(visit)
    problems: dict[str, Any] = {}
    notes = _text(notes, "notes", problems)
    _not_after_today(done_on, "done_on", problems)
    if visitors.strip() and len(visitors.strip()) > 300:
        problems["visitors"] = _("At most %(n)s characters.") % {"n": 300}
    _raise_if(problems)
    visit.status = CoachingStatus.HELD
    visit.done_on = done_on
    visit.notes = notes
    visit.topics = topics.strip() or visit.topics
    visit.visitors = visitors.strip() or visit.visitors
    visit.recorded_by_label = actor_label(actor)
    visit.save()
    audit_record(
        actor=actor,
        action="coaching.visit_record",
        obj=visit,
        cooperative_id=visit.cooperative_id,
        before={"status": CoachingStatus.PLANNED},
        after={
            "status": visit.status,
            "done_on": done_on.isoformat(),
            "topics": visit.topics,
            "visitors": visit.visitors,
            "notes": notes,
        },
    )
    return visit


@transaction.atomic
def visit_cancel(*, actor: Actor, visit: MentoringVisit, reason: str) -> MentoringVisit:
    visit = (
        MentoringVisit.objects.select_for_update().select_related("cooperative").get(pk=visit.pk)
    )
    _check_coach(actor, visit.cooperative)
    _require_planned(visit)
    problems: dict[str, Any] = {}
    reason = _text(reason, "reason", problems)
    _raise_if(problems)
    visit.status = CoachingStatus.CANCELLED
    visit.cancel_reason = reason
    visit.save(update_fields=["status", "cancel_reason"])
    audit_record(
        actor=actor,
        action="coaching.visit_cancel",
        obj=visit,
        cooperative_id=visit.cooperative_id,
        before={"status": CoachingStatus.PLANNED},
        after={"status": visit.status},
        reason=reason,
    )
    return visit


# --- findings -----------------------------------------------------------------------------


@transaction.atomic
def finding_raise(
    *,
    actor: Actor,
    cooperative: Cooperative,
    title: str,
    recommendation: str,
    deadline: date,
    owner_role: str = "",
    owner_name: str = "",
    visit: MentoringVisit | None = None,
    raised_on: date | None = None,
) -> Finding:
    """A finding (temuan) with its recommendation, owner (a role, a person, or both) and
    deadline; raised at a visit of the same cooperative that was not cancelled, or on its own."""
    _check_coach(actor, cooperative)
    raised_on = raised_on or clock.today()
    problems: dict[str, Any] = {}
    clean = {
        "title": _text(title, "title", problems, limit=300),
        "recommendation": _text(recommendation, "recommendation", problems),
        "owner_role": (owner_role or "").strip(),
        "owner_name": (owner_name or "").strip()[:200],
    }
    if clean["owner_role"] and clean["owner_role"] not in Role.Kind.values:
        problems["owner_role"] = _("Choose a role of the cooperative.")
    if not clean["owner_role"] and not clean["owner_name"]:
        problems["owner_name"] = _("Name who follows it up: a role, a person, or both.")
    if deadline < raised_on:
        problems["deadline"] = _("The deadline cannot be before the finding is raised.")
    _not_after_today(raised_on, "raised_on", problems)
    if visit is not None and (
        visit.cooperative_id != cooperative.pk or visit.status == CoachingStatus.CANCELLED
    ):
        problems["visit"] = _("Choose a visit of this cooperative that was not cancelled.")
    _raise_if(problems)
    finding = Finding.objects.create(
        cooperative=cooperative,
        visit=visit,
        deadline=deadline,
        raised_on=raised_on,
        raised_by_label=actor_label(actor),
        **clean,
    )
    audit_record(
        actor=actor,
        action="coaching.finding_raise",
        obj=finding,
        cooperative_id=cooperative.pk,
        after={
            **clean,
            "deadline": deadline.isoformat(),
            "raised_on": raised_on.isoformat(),
            "visit": str(visit.public_id) if visit else None,
        },
    )
    return finding


def _open_finding(finding: Finding) -> Finding:
    row = Finding.objects.select_for_update().select_related("cooperative").get(pk=finding.pk)
    if row.status == Finding.Status.CLOSED:
        raise FindingClosed()
    return row


@transaction.atomic
def finding_follow_up(
    *, actor: Actor, finding: Finding, note: str, on: date | None = None
) -> FindingFollowUp:
    """A dated follow-up note on an open finding, by the cooperative (its pengurus or manajer)
    or by the Dinas (the examiner, or the system)."""
    finding = _open_finding(finding)
    cooperative = finding.cooperative
    _check(actor, cooperative, Capability.FOLLOW_UP_FINDINGS, NotFindingOwner)
    on = on or clock.today()
    problems: dict[str, Any] = {}
    note = _text(note, "note", problems)
    _not_after_today(on, "on", problems)
    if on < finding.raised_on:
        problems["on"] = _("The date cannot be before the finding was raised.")
    _raise_if(problems)
    by_dinas = actor is None or (
        isinstance(actor, User) and holds(actor, cooperative, Capability.MANAGE_COACHING)
    )
    side = FindingFollowUp.Side.DINAS if by_dinas else FindingFollowUp.Side.COOPERATIVE
    row = FindingFollowUp.objects.create(
        cooperative=cooperative,
        finding=finding,
        on=on,
        note=note,
        side=side,
        by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="coaching.finding_follow_up",
        obj=row,
        cooperative_id=cooperative.pk,
        after={"finding": finding.title, "on": on.isoformat(), "side": side, "note": note},
    )
    return row


@transaction.atomic
def finding_close(*, actor: Actor, finding: Finding, note: str, on: date | None = None) -> Finding:
    """The Dinas closes a finding once the recommendation is carried out (a closing note)."""
    finding = _open_finding(finding)
    _check_coach(actor, finding.cooperative)
    on = on or clock.today()
    problems: dict[str, Any] = {}
    note = _text(note, "note", problems)
    _not_after_today(on, "on", problems)
    if on < finding.raised_on:
        problems["on"] = _("The date cannot be before the finding was raised.")
    _raise_if(problems)
    finding.status = Finding.Status.CLOSED
    finding.closed_on = on
    finding.closing_note = note
    finding.closed_by_label = actor_label(actor)
    finding.save(update_fields=["status", "closed_on", "closing_note", "closed_by_label"])
    audit_record(
        actor=actor,
        action="coaching.finding_close",
        obj=finding,
        cooperative_id=finding.cooperative_id,
        before={"status": Finding.Status.OPEN},
        after={"status": finding.status, "closed_on": on.isoformat(), "note": note},
    )
    return finding
