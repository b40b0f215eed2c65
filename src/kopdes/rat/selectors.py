"""Reads of the members' meetings: for one cooperative's officers, and for a member (their own
cooperatives' announced meetings only)."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.rules import DEFAULT_POLICY
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.members.models import Member
from kopdes.rat import rules
from kopdes.rat.errors import MeetingNotFound, ResolutionNotFound
from kopdes.rat.models import Attendance, Meeting, Resolution

VISIBLE_TO_MEMBERS = (Meeting.Status.ANNOUNCED, Meeting.Status.HELD, Meeting.Status.CLOSED)


def meetings(cooperative: Cooperative) -> QuerySet[Meeting]:
    return Meeting.objects.filter(cooperative=cooperative).order_by("-scheduled_at", "-pk")


def meeting_get(cooperative: Cooperative, public_id: uuid.UUID | str) -> Meeting:
    """One of the cooperative's meetings; MeetingNotFound for another's, a missing or a
    malformed id alike."""
    try:
        key = parse_public_id(public_id)
    except NotFound:
        raise MeetingNotFound() from None
    found = meetings(cooperative).filter(public_id=key).first()
    if found is None:
        raise MeetingNotFound()
    return found


def meeting_day(meeting: Meeting) -> date:
    return timezone.localdate(meeting.scheduled_at)


def active_members(cooperative: Cooperative, on: date) -> QuerySet[Member]:
    """Members on `on`: joined by then and not ended before it (a member who resigned later
    still counted that day)."""
    return (
        Member.objects.filter(cooperative=cooperative, joined_on__isnull=False, joined_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .exclude(status__in=[Member.Status.REQUESTED, Member.Status.REJECTED])
    )


def quorum_percent(cooperative: Cooperative, on: date) -> Decimal:
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:
        return Decimal(str(DEFAULT_POLICY["rat_quorum_percent"]))
    return policy.rat_quorum_percent


def quorum(meeting: Meeting) -> rules.Quorum:
    """(present, members, required, met): attendance against the policy's quorum of the members
    on the meeting's day."""
    on = meeting_day(meeting)
    present = Attendance.objects.filter(meeting=meeting).count()
    members = active_members(meeting.cooperative, on).count()
    return rules.quorum(present, members, quorum_percent(meeting.cooperative, on))


def attendance(meeting: Meeting) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__number", "pk")
    )


def resolutions(meeting: Meeting) -> QuerySet[Resolution]:
    return Resolution.objects.filter(meeting=meeting).select_related("agenda_item")


def resolution_get(meeting: Meeting, public_id: uuid.UUID | str) -> Resolution:
    try:
        key = parse_public_id(public_id)
    except NotFound:
        raise ResolutionNotFound() from None
    found = resolutions(meeting).filter(public_id=key).first()
    if found is None:
        raise ResolutionNotFound()
    return found


@dataclass(frozen=True)
class DeadlineRow:
    fiscal_year: int
    deadline: date
    limit: date
    held_on: date | None
    meeting: Meeting | None
    state: str

    @property
    def warned(self) -> bool:
        return self.state in (rules.LATE, rules.HELD_LATE)

    @property
    def overdue(self) -> bool:
        return self.state in (rules.OVERDUE, rules.HELD_OVERDUE)


def held_on(meeting: Meeting) -> date | None:
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        return timezone.localdate(meeting.opened_at or meeting.scheduled_at)
    return None


def deadlines(cooperative: Cooperative, today: date | None = None) -> list[DeadlineRow]:
    """Each fiscal year whose RAT is due (from the cooperative's founding year to last year),
    newest first: held on time, held late (after the deadline, 31 March by default), held
    overdue (after 30 June), or not held yet: due, late (warned) or overdue."""
    today = today or clock.today()
    first = cooperative.founded_on.year if cooperative.founded_on else today.year - 1
    rats: dict[int, Meeting] = {}
    for meeting in (
        meetings(cooperative).filter(kind=Meeting.Kind.RAT).exclude(status=Meeting.Status.CANCELLED)
    ):
        current = rats.get(meeting.fiscal_year)
        if current is None or (held_on(meeting) and not held_on(current)):
            rats[meeting.fiscal_year] = meeting
    oldest = min([first, *rats.keys()])
    rows = []
    for year in range(today.year - 1, oldest - 1, -1):
        found = rats.get(year)
        deadline = found.deadline if found else rules.default_deadline(year)
        held = held_on(found) if found else None
        limit = rules.legal_limit(year)
        rows.append(
            DeadlineRow(
                fiscal_year=year,
                deadline=deadline,
                limit=limit,
                held_on=held,
                meeting=found,
                state=rules.deadline_state(
                    deadline=deadline, limit=limit, held_on=held, today=today
                ),
            )
        )
    return rows


def late_cooperatives(cooperatives: QuerySet[Cooperative], today: date | None = None) -> list:
    """(cooperative, DeadlineRow) for each cooperative whose latest RAT is late or overdue: what
    supervisors are warned of."""
    out = []
    for cooperative in cooperatives:
        rows = deadlines(cooperative, today)
        if rows and rows[0].state in (rules.LATE, rules.OVERDUE):
            out.append((cooperative, rows[0]))
    return out


# -- the member's side (API) --------------------------------------------------------------------


def member_of(user, cooperative: Cooperative) -> Member | None:
    return Member.objects.filter(
        user=user, cooperative=cooperative, status=Member.Status.ACTIVE
    ).first()


def my_meetings(user) -> QuerySet[Meeting]:
    """Announced, in-session and closed meetings of the cooperatives where `user` is an active
    member, newest first."""
    cooperatives = Member.objects.filter(user=user, status=Member.Status.ACTIVE).values(
        "cooperative_id"
    )
    return (
        Meeting.objects.filter(cooperative_id__in=cooperatives, status__in=VISIBLE_TO_MEMBERS)
        .select_related("cooperative")
        .order_by("-scheduled_at", "-pk")
    )


def my_meeting(user, public_id: uuid.UUID | str) -> Meeting:
    key = parse_public_id(public_id)  # NotFound, as for another person's meeting
    found = my_meetings(user).filter(public_id=key).first()
    if found is None:
        raise NotFound()
    return found


def my_resolution(user, public_id: uuid.UUID | str) -> Resolution:
    key = parse_public_id(public_id)
    found = (
        Resolution.objects.filter(meeting__in=my_meetings(user), public_id=key)
        .select_related("meeting", "meeting__cooperative")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
