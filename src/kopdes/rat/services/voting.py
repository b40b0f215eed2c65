"""Attendance and votes: one member, one vote (docs/adr/0028-rat-meetings-and-ballots.md).

A vote is two rows written together: the `VoteReceipt` (who voted, when, how: unique per
member and resolution, in the database too) and the `Ballot` (what). A secret ballot's row
carries no member, no time and a random id, and the resolution's ballots are written again in a
random order when it closes, so neither a column nor the order of the rows joins a ballot to its
receipt. Its audit row names the voter, never the choice; the idempotency fingerprint holds the
choice only as an HMAC under the server's secret.
"""

import random

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.members.models import Member
from kopdes.rat import rules, selectors
from kopdes.rat.errors import (
    AlreadyAttending,
    AlreadyVoted,
    DidNotAttend,
    InvalidChoice,
    InvalidResolution,
    NoQuorum,
    NoShuProposal,
    NotAllowed,
    NotAMember,
    NotInSession,
    NotOnline,
    ResolutionClosed,
)
from kopdes.rat.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Meeting,
    Resolution,
    VoteReceipt,
)
from kopdes.rat.services._common import lock, require_manager, require_status
from kopdes.shu import selectors as shu_selectors
from kopdes.shu import services as shu_services
from kopdes.shu.models import ShuYear

Status = Meeting.Status
_system_random = random.SystemRandom()


def _in_person_or_member(actor: Actor, meeting: Meeting, member: Member, channel: str) -> None:
    """In person: an officer with MANAGE_RAT records it. Online / app: the member themselves."""
    if channel in (Attendance.Mode.IN_PERSON, VoteReceipt.Channel.IN_PERSON):
        require_manager(actor, meeting.cooperative)
        return
    if actor is None or member.user_id is None or member.user_id != actor.pk:
        raise NotAllowed()


def _member_present_on_day(meeting: Meeting, member: Member) -> None:
    day = selectors.meeting_day(meeting)
    if (
        member.cooperative_id != meeting.cooperative_id
        or not selectors.active_members(meeting.cooperative, day).filter(pk=member.pk).exists()
    ):
        raise NotAMember()


@transaction.atomic
def attendance_record(
    *, actor: Actor, meeting: Meeting, member: Member, mode: str = Attendance.Mode.IN_PERSON
) -> Attendance:
    """A member present: in person (an officer records it) or online (the member checks in from
    the app; the meeting must allow it). Only while the meeting is in session. Raises
    NotAllowed, NotInSession, NotOnline, NotAMember, AlreadyAttending."""
    if mode not in Attendance.Mode.values:
        raise InvalidResolution(fields={"mode": [_("In person or online.")]})
    _in_person_or_member(actor, meeting, member, mode)
    meeting = lock(meeting)
    if meeting.status != Status.HELD:
        raise NotInSession()
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise NotOnline()
    _member_present_on_day(meeting, member)
    if Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise AlreadyAttending()
    row = Attendance.objects.create(
        cooperative=meeting.cooperative,
        meeting=meeting,
        member=member,
        mode=mode,
        recorded_at=clock.now(),
        recorded_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="rat.attend",
        obj=meeting,
        after={"member": member.niak, "mode": mode},
    )
    return row


@transaction.atomic
def resolution_open(
    *,
    actor: Actor,
    meeting: Meeting,
    question: str,
    ballot: str = Resolution.Ballot.OPEN,
    agenda_item: AgendaItem | None = None,
) -> Resolution:
    """A question put to the vote during the meeting, open or secret."""
    require_manager(actor, meeting.cooperative)
    question = str(question or "").strip()[:500]
    problems = {}
    if not question:
        problems["question"] = [_("Write the question members vote on.")]
    if ballot not in Resolution.Ballot.values:
        problems["ballot"] = [_("Open or secret ballot.")]
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        problems["agenda_item"] = [_("An item of this meeting's agenda.")]
    if problems:
        raise InvalidResolution(fields=problems)
    meeting = lock(meeting)
    require_status(meeting, Status.HELD)
    if agenda_item is not None and agenda_item.kind == AgendaItem.Kind.SHU:
        _simulated_shu(meeting)
    resolution = Resolution.objects.create(
        cooperative=meeting.cooperative,
        meeting=meeting,
        agenda_item=agenda_item,
        question=question,
        ballot=ballot,
        opened_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="rat.resolution_open",
        obj=resolution,
        after={"question": question, "ballot": ballot},
    )
    return resolution


def _simulated_shu(meeting: Meeting) -> ShuYear:
    """The fiscal year's SHU proposal waiting for the RAT (simulated); NoShuProposal else."""
    proposal = shu_selectors.shu_proposal(meeting.cooperative, meeting.fiscal_year)
    if proposal is None or proposal.status != ShuYear.Status.SIMULATED:
        raise NoShuProposal(year=meeting.fiscal_year)
    return proposal


def _choice_mac(resolution: Resolution, choice: str) -> str:
    """The choice as the idempotency fingerprint holds it: keyed by the server's secret, so the
    stored hash of a secret vote cannot be tried against the three choices."""
    return salted_hmac("kopdes.rat.vote", f"{resolution.public_id}:{choice}").hexdigest()


def vote_cast(
    *,
    actor: Actor,
    member: Member,
    resolution: Resolution,
    choice: str,
    channel: str = VoteReceipt.Channel.IN_PERSON,
    idempotency_key: str | None = None,
) -> VoteReceipt:
    """One member's vote on an open resolution: in person (recorded by an officer) or from the
    member app (the member themselves). A retry with the same key and the same vote answers with
    the first receipt. Raises NotAllowed, InvalidChoice, NotInSession, ResolutionClosed,
    DidNotAttend (not recorded present), AlreadyVoted (409), IdempotencyConflict."""
    if choice not in rules.CHOICES:
        raise InvalidChoice(fields={"choice": [str(InvalidChoice.message)]})
    if channel not in VoteReceipt.Channel.values:
        raise InvalidChoice(fields={"channel": [_("In person or the member app.")]})
    meeting = resolution.meeting
    _in_person_or_member(actor, meeting, member, channel)
    request = {
        "op": "rat.vote",
        "resolution": str(resolution.public_id),
        "member": str(member.public_id),
        "channel": channel,
        "choice": _choice_mac(resolution, choice),
    }

    def run(fingerprint: str) -> VoteReceipt:
        locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if locked.status != Resolution.Status.OPEN:
            raise ResolutionClosed()
        if lock(meeting).status != Status.HELD:
            raise NotInSession()
        if not Attendance.objects.filter(meeting_id=locked.meeting_id, member=member).exists():
            raise DidNotAttend()
        if VoteReceipt.objects.filter(resolution=locked, member=member).exists():
            raise AlreadyVoted()
        try:
            with transaction.atomic():
                receipt = VoteReceipt.objects.create(
                    cooperative=locked.cooperative,
                    resolution=locked,
                    member=member,
                    cast_at=clock.now(),
                    channel=channel,
                    recorded_by_label=actor_label(actor),
                    idempotency_key=idempotency_key,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            if VoteReceipt.objects.filter(resolution=locked, member=member).exists():
                raise AlreadyVoted() from None
            raise
        secret = locked.ballot == Resolution.Ballot.SECRET
        Ballot.objects.create(
            cooperative=locked.cooperative,
            resolution=locked,
            choice=choice,
            member=None if secret else member,
        )
        audit_record(
            actor=actor,
            action="rat.vote",
            obj=locked,
            after={
                "member": member.niak,
                "channel": channel,
                **({} if secret else {"choice": choice}),
            },
        )
        return receipt

    try:
        return idempotency.once(
            VoteReceipt.objects.filter(cooperative=meeting.cooperative),
            key=idempotency_key,
            request=request,
            run=run,
        )
    except IntegrityError:
        raise AlreadyVoted() from None


def _shuffle_secret_ballots(resolution: Resolution) -> None:
    """Write a secret resolution's ballots again, in a random order with new random ids: the
    rows' physical order (SQLite's rowid, PostgreSQL's heap) no longer follows the votes'."""
    choices = list(Ballot.objects.filter(resolution=resolution).values_list("choice", flat=True))
    _system_random.shuffle(choices)
    Ballot.objects.filter(resolution=resolution).delete()
    Ballot.objects.bulk_create(
        Ballot(cooperative=resolution.cooperative, resolution=resolution, choice=c) for c in choices
    )


@transaction.atomic
def resolution_close(*, actor: Actor, resolution: Resolution) -> Resolution:
    """Decide: refused without quorum (NoQuorum: members present against the policy's
    rat_quorum_percent of the members on the meeting's day); then a majority of the votes cast
    (rules.outcome)."""
    meeting = resolution.meeting
    require_manager(actor, meeting.cooperative)
    lock(meeting)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status != Resolution.Status.OPEN:
        raise ResolutionClosed()
    present, members, required, met = selectors.quorum(meeting)
    if not met:
        raise NoQuorum(present=present, members=members, required=required)
    counts = {c: 0 for c in rules.CHOICES}
    for choice in Ballot.objects.filter(resolution=resolution).values_list("choice", flat=True):
        counts[choice] += 1
    if resolution.ballot == Resolution.Ballot.SECRET:
        _shuffle_secret_ballots(resolution)
    resolution.yes, resolution.no, resolution.abstain = (
        counts["yes"],
        counts["no"],
        counts["abstain"],
    )
    resolution.present = present
    resolution.outcome = rules.outcome(counts["yes"], counts["no"], counts["abstain"])
    resolution.status = Resolution.Status.CLOSED
    resolution.closed_at = clock.now()
    resolution.save(
        update_fields=["yes", "no", "abstain", "present", "outcome", "status", "closed_at"]
    )
    audit_record(
        actor=actor,
        action="rat.resolution_close",
        obj=resolution,
        before={"status": Resolution.Status.OPEN},
        after={
            "outcome": resolution.outcome,
            **counts,
            "present": present,
            "members": members,
            "required": required,
        },
    )
    item = resolution.agenda_item
    if (
        resolution.outcome == Resolution.Outcome.ADOPTED
        and item is not None
        and item.kind == AgendaItem.Kind.SHU
    ):
        # the approval names the decision as the books and the members read it, not an id
        decided_on = timezone.localdate(resolution.closed_at).strftime("%d-%m-%Y")
        shu_services.shu_approve(
            actor=actor,
            shu_year=_simulated_shu(meeting),
            resolution=f"Keputusan RAT {decided_on}: {resolution.question}"[:200],
        )
    return resolution
