"""Scheduling and running a members' meeting: schedule (at least the policy's notice ahead),
agenda, announce (the notice for the member app and WhatsApp), open, close, cancel."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.announcements.rules import TITLE_MAX_LENGTH
from kopdes.announcements.services import announcement_publish
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.rules import DEFAULT_POLICY
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.rat import rules, selectors
from kopdes.rat.errors import (
    DeadlineBeyondLimit,
    InvalidAgenda,
    InvalidMeeting,
    NoticeTooShort,
    NotInSession,
    ResolutionsOpen,
)
from kopdes.rat.models import AgendaItem, Meeting, Resolution
from kopdes.rat.services._common import lock, require_manager, require_status

Status = Meeting.Status
MAX_AGENDA = 20


def _notice_days(cooperative: Cooperative, on: date) -> int:
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:
        return int(str(DEFAULT_POLICY["rat_notice_days"]))
    return policy.rat_notice_days


def _check_notice(cooperative: Cooperative, scheduled_at: datetime) -> None:
    today = clock.today()
    days = _notice_days(cooperative, today)
    if not rules.notice_long_enough(today, timezone.localdate(scheduled_at), days):
        earliest = rules.earliest_meeting_day(today, days)
        raise NoticeTooShort(
            fields={"scheduled_at": [_("At least %(days)s days ahead.") % {"days": days}]},
            days=days,
            earliest=earliest.isoformat(),
        )


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    cooperative: Cooperative,
    fiscal_year: int,
    scheduled_at: datetime,
    kind: str = Meeting.Kind.RAT,
    place: str = "",
    online: bool = False,
    join_info: str = "",
    deadline: date | None = None,
) -> Meeting:
    """A new meeting (draft) of the fiscal year. Raises NotAllowed (MANAGE_RAT), InvalidMeeting,
    NoticeTooShort (less than the policy's rat_notice_days ahead), DeadlineBeyondLimit (a
    deadline after 30 June of the next year)."""
    require_manager(actor, cooperative)
    today = clock.today()
    problems: dict[str, list[str]] = {}
    if kind not in Meeting.Kind.values:
        problems["kind"] = [_("Choose RAT or RALB.")]
    if not isinstance(fiscal_year, int) or not 2000 <= fiscal_year <= today.year:
        problems["fiscal_year"] = [_("A fiscal year from 2000 to this year.")]
    if not isinstance(scheduled_at, datetime) or timezone.is_naive(scheduled_at):
        problems["scheduled_at"] = [_("A date and a time.")]
    place, join_info = str(place or "").strip()[:200], str(join_info or "").strip()[:300]
    if not place and not online:
        problems["place"] = [_("Say where the meeting takes place, or let members join online.")]
    if problems:
        raise InvalidMeeting(fields=problems)
    limit = rules.legal_limit(fiscal_year)
    deadline = deadline or rules.default_deadline(fiscal_year)
    if deadline > limit:
        raise DeadlineBeyondLimit(fields={"deadline": [str(DeadlineBeyondLimit.message)]})
    _check_notice(cooperative, scheduled_at)
    meeting = Meeting.objects.create(
        cooperative=cooperative,
        fiscal_year=fiscal_year,
        kind=kind,
        scheduled_at=scheduled_at,
        place=place,
        online=bool(online),
        join_info=join_info,
        deadline=deadline,
        created_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="rat.schedule",
        obj=meeting,
        after={
            "kind": kind,
            "fiscal_year": fiscal_year,
            "scheduled_at": scheduled_at.isoformat(),
            "deadline": deadline.isoformat(),
        },
    )
    return meeting


@transaction.atomic
def agenda_set(*, actor: Actor, meeting: Meeting, items: list[dict[str, Any]]) -> Meeting:
    """The meeting's agenda, in order, replacing the one before (draft or announced meetings).
    Each item: `title`, `kind` (AgendaItem.Kind), optional `document` (a MeetingDocument of the
    meeting). An announced meeting's notice is written again with the new agenda."""
    require_manager(actor, meeting.cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.DRAFT, Status.ANNOUNCED)
    cleaned = []
    for item in items[: MAX_AGENDA + 1]:
        title = str(item.get("title") or "").strip()[:200]
        kind = item.get("kind") or AgendaItem.Kind.OTHER
        document = item.get("document")
        if not title or kind not in AgendaItem.Kind.values:
            raise InvalidAgenda(fields={"agenda": [str(InvalidAgenda.message)]})
        if document is not None and document.meeting_id != meeting.pk:
            raise InvalidAgenda(fields={"agenda": [str(InvalidAgenda.message)]})
        cleaned.append((title, kind, document))
    if not cleaned or len(cleaned) > MAX_AGENDA:
        raise InvalidAgenda(fields={"agenda": [str(InvalidAgenda.message)]})
    before = list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True))
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            cooperative=meeting.cooperative,
            meeting=meeting,
            order=n,
            title=title,
            kind=kind,
            document=document,
        )
        for n, (title, kind, document) in enumerate(cleaned, start=1)
    )
    if meeting.status == Status.ANNOUNCED:
        meeting.notice_text = _notice(meeting)
        meeting.save(update_fields=["notice_text", "updated_at"])
    audit_record(
        actor=actor,
        action="rat.agenda",
        obj=meeting,
        before={"agenda": before},
        after={"agenda": [title for title, _kind, _doc in cleaned]},
    )
    return meeting


def _notice(meeting: Meeting) -> str:
    return rules.notice_text(
        cooperative=meeting.cooperative.name,
        kind_label=str(Meeting.Kind(meeting.kind).label),
        fiscal_year=meeting.fiscal_year,
        when=timezone.localtime(meeting.scheduled_at),
        place=meeting.place,
        online=meeting.online,
        join_info=meeting.join_info,
        agenda=list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("order")
            .values_list("title", flat=True)
        ),
    )


@transaction.atomic
def meeting_announce(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Send the notice: the meeting is announced (members see it in the app: GET /me/rat and
    the announcements, published with source "rat:<meeting id>") and its WhatsApp-ready text
    kept on it. Refused (NoticeTooShort) when the meeting is now less
    than the policy's notice ahead, and without an agenda (InvalidAgenda)."""
    require_manager(actor, meeting.cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.DRAFT)
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        raise InvalidAgenda(fields={"agenda": [_("Set the agenda before the notice.")]})
    _check_notice(meeting.cooperative, meeting.scheduled_at)
    meeting.status = Status.ANNOUNCED
    meeting.announced_at = clock.now()
    meeting.notice_text = _notice(meeting)
    meeting.save(update_fields=["status", "announced_at", "notice_text", "updated_at"])
    # The notice in the member app, as an announcement of kind "rat" (idempotent on its source).
    announcement_publish(
        actor=actor,
        cooperative=meeting.cooperative,
        title=f"Undangan {Meeting.Kind(meeting.kind).label} tahun buku {meeting.fiscal_year}"[
            :TITLE_MAX_LENGTH
        ],
        body=meeting.notice_text.replace("*", ""),
        kind="rat",
        source=f"rat:{meeting.public_id}",
    )
    audit_record(
        actor=actor,
        action="rat.announce",
        obj=meeting,
        before={"status": Status.DRAFT},
        after={"status": meeting.status},
    )
    return meeting


@transaction.atomic
def meeting_open(*, actor: Actor, meeting: Meeting) -> Meeting:
    """The meeting is in session: attendance and votes are taken from now on. Not before its
    day (NotInSession)."""
    require_manager(actor, meeting.cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.ANNOUNCED)
    if clock.today() < selectors.meeting_day(meeting):
        raise NotInSession()
    meeting.status = Status.HELD
    meeting.opened_at = clock.now()
    meeting.save(update_fields=["status", "opened_at", "updated_at"])
    audit_record(
        actor=actor,
        action="rat.open",
        obj=meeting,
        before={"status": Status.ANNOUNCED},
        after={"status": meeting.status},
    )
    return meeting


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """The meeting ends; every resolution must be decided first (ResolutionsOpen)."""
    require_manager(actor, meeting.cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.HELD)
    if Resolution.objects.filter(meeting=meeting, status=Resolution.Status.OPEN).exists():
        raise ResolutionsOpen()
    meeting.status = Status.CLOSED
    meeting.closed_at = clock.now()
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="rat.close",
        obj=meeting,
        before={"status": Status.HELD},
        after={"status": meeting.status},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting, reason: str) -> Meeting:
    """A draft or announced meeting called off, with the reason."""
    require_manager(actor, meeting.cooperative)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidMeeting(fields={"reason": [_("Give the reason.")]})
    meeting = lock(meeting)
    require_status(meeting, Status.DRAFT, Status.ANNOUNCED)
    before = meeting.status
    meeting.status = Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="rat.cancel",
        obj=meeting,
        before={"status": before},
        after={"status": meeting.status},
        reason=reason,
    )
    return meeting
