"""The RAT services: notice, attendance, one member one vote, quorum, secret ballots, minutes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from kopdes import testing
from kopdes.core import clock
from kopdes.core.audit import AuditEvent
from kopdes.rat import selectors, services
from kopdes.rat.errors import (
    AlreadyVoted,
    DidNotAttend,
    NoQuorum,
    NotAllowed,
    NoticeTooShort,
    ResolutionClosed,
)
from kopdes.rat.models import Ballot, Meeting, Resolution, VoteReceipt
from kopdes.savings.tests.factories import make_member

JAKARTA = ZoneInfo("Asia/Jakarta")
DAY = datetime(2026, 3, 20, 10, tzinfo=JAKARTA)


def _at(moment: datetime):
    return clock.as_of(moment)


def test_a_notice_shorter_than_the_policy_is_refused(place_a):
    with (
        _at(datetime(2026, 3, 10, 9, tzinfo=JAKARTA)),
        pytest.raises(NoticeTooShort) as refused,
    ):
        services.meeting_schedule(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            fiscal_year=2025,
            scheduled_at=DAY,  # 10 days ahead; the policy says 14
            place="Balai Desa",
        )
    assert refused.value.code == "rat.notice_too_short"
    assert not Meeting.objects.filter(cooperative=place_a.cooperative).exists()
    with _at(datetime(2026, 3, 6, 9, tzinfo=JAKARTA)):  # exactly 14 days ahead
        meeting = services.meeting_schedule(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            fiscal_year=2025,
            scheduled_at=DAY,
            place="Balai Desa",
        )
    assert meeting.deadline.isoformat() == "2026-03-31"


def test_only_the_ketua_and_sekretaris_manage_meetings(place_a):
    with _at(datetime(2026, 3, 1, 9, tzinfo=JAKARTA)), pytest.raises(NotAllowed):
        services.meeting_schedule(
            actor=place_a.bendahara,
            cooperative=place_a.cooperative,
            fiscal_year=2025,
            scheduled_at=DAY,
            place="Balai Desa",
        )


def test_the_notice_names_the_agenda_for_whatsapp(place_a):
    member = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member)
    text = rat.meeting.notice_text
    assert "UNDANGAN" in text and "Jumat, 20 Maret 2026" in text and "Pukul: 10.00" in text
    assert "1. Laporan pertanggungjawaban pengurus" in text and "2. Pembagian SHU" in text


def test_a_member_cannot_vote_twice(place_a):
    member = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member)  # the member voted "yes"
    with _at(DAY), pytest.raises(AlreadyVoted) as refused:
        services.vote_cast(
            actor=place_a.sekretaris, member=member, resolution=rat.resolution, choice="no"
        )
    assert refused.value.status == 409 and refused.value.code == "rat.already_voted"
    assert VoteReceipt.objects.filter(resolution=rat.resolution).count() == 1
    assert Ballot.objects.filter(resolution=rat.resolution).count() == 1


def test_the_database_refuses_a_second_receipt(place_a):
    member = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteReceipt.objects.create(
            cooperative=place_a.cooperative,
            resolution=rat.resolution,
            member=member,
            cast_at=clock.now(),
            channel="app",
        )


def test_a_retry_with_the_same_key_returns_the_first_vote(place_a):
    member = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member, vote=False)
    with _at(DAY):
        first = services.vote_cast(
            actor=place_a.ketua,
            member=member,
            resolution=rat.resolution,
            choice="no",
            idempotency_key="k-1",
        )
        again = services.vote_cast(
            actor=place_a.ketua,
            member=member,
            resolution=rat.resolution,
            choice="no",
            idempotency_key="k-1",
        )
    assert again.pk == first.pk
    assert Ballot.objects.filter(resolution=rat.resolution).count() == 1


def test_only_members_present_vote(place_a):
    member = make_member(place_a.cooperative)
    absent = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member)
    with _at(DAY), pytest.raises(DidNotAttend):
        services.vote_cast(
            actor=place_a.ketua, member=absent, resolution=rat.resolution, choice="yes"
        )


def test_a_decision_without_quorum_is_refused(place_a):
    members = [make_member(place_a.cooperative) for _ in range(4)]
    rat = testing.make_rat(place_a, members[0])  # 1 of 4 present
    present, total, required, met = selectors.quorum(rat.meeting)
    assert (present, total, required, met) == (1, 4, 3, False)
    with _at(DAY), pytest.raises(NoQuorum) as refused:
        services.resolution_close(actor=place_a.ketua, resolution=rat.resolution)
    assert refused.value.code == "rat.no_quorum"
    assert Resolution.objects.get(pk=rat.resolution.pk).status == "open"
    with _at(DAY):
        for member in members[1:3]:  # 3 of 4: more than half
            services.attendance_record(actor=place_a.ketua, meeting=rat.meeting, member=member)
        decided = services.resolution_close(actor=place_a.ketua, resolution=rat.resolution)
    assert (decided.outcome, decided.yes, decided.no, decided.present) == ("adopted", 1, 0, 3)
    with _at(DAY), pytest.raises(ResolutionClosed):
        services.vote_cast(
            actor=place_a.ketua, member=members[1], resolution=rat.resolution, choice="no"
        )


def test_a_secret_ballot_keeps_no_link_between_member_and_choice(place_a):
    members = [make_member(place_a.cooperative) for _ in range(3)]
    rat = testing.make_rat(place_a, members[0], vote=False)
    with _at(DAY):
        for member in members[1:]:
            services.attendance_record(actor=place_a.ketua, meeting=rat.meeting, member=member)
        secret = services.resolution_open(
            actor=place_a.ketua, meeting=rat.meeting, question="Memilih ketua", ballot="secret"
        )
        for member, choice in zip(members, ["yes", "no", "yes"], strict=True):
            services.vote_cast(
                actor=place_a.ketua,
                member=member,
                resolution=secret,
                choice=choice,
                idempotency_key=f"secret-{member.pk}",
            )
        ballots = list(Ballot.objects.filter(resolution=secret).values())
        assert all(b["member_id"] is None for b in ballots)
        # No column of a ballot ties it to a receipt: no member, no time, no sequential id.
        assert set(ballots[0]) == {"id", "cooperative_id", "resolution_id", "choice", "member_id"}
        # The audit log and the idempotency fingerprint do not hold the choice either.
        for event in AuditEvent.objects.filter(action="rat.vote", object_id=str(secret.public_id)):
            assert "choice" not in (event.after or {})
        hashes = set(
            VoteReceipt.objects.filter(resolution=secret).values_list("request_hash", flat=True)
        )
        assert len(hashes) == 3
        decided = services.resolution_close(actor=place_a.ketua, resolution=secret)
    assert (decided.yes, decided.no, decided.outcome) == (2, 1, "adopted")
    after = list(Ballot.objects.filter(resolution=secret).values_list("id", flat=True))
    assert not {b["id"] for b in ballots} & set(after)  # written again with new random ids


def test_an_open_ballot_names_the_member(place_a):
    member = make_member(place_a.cooperative)
    rat = testing.make_rat(place_a, member)
    assert Ballot.objects.get(resolution=rat.resolution).member_id == member.pk


def test_the_minutes_are_a_pdf_with_their_hash(place_a):
    members = [make_member(place_a.cooperative) for _ in range(2)]
    rat = testing.make_rat(place_a, members[0])
    with _at(DAY):
        services.attendance_record(actor=place_a.ketua, meeting=rat.meeting, member=members[1])
        services.resolution_close(actor=place_a.ketua, resolution=rat.resolution)
        services.meeting_close(actor=place_a.ketua, meeting=rat.meeting)
        meeting = services.minutes_generate(actor=place_a.sekretaris, meeting=rat.meeting)
    with meeting.minutes_file.open("rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == meeting.minutes_sha256


def test_online_attendance_is_the_members_own(place_a):
    member = make_member(place_a.cooperative, user=place_a.anggota)
    rat = testing.make_rat(place_a, make_member(place_a.cooperative))
    with _at(DAY):
        with pytest.raises(NotAllowed):
            services.attendance_record(
                actor=place_a.kasir, meeting=rat.meeting, member=member, mode="online"
            )
        row = services.attendance_record(
            actor=place_a.anggota, meeting=rat.meeting, member=member, mode="online"
        )
    assert row.mode == "online"


def test_deadlines_warn_late_and_overdue(place_a):
    today = datetime(2026, 5, 1, tzinfo=JAKARTA).date()
    rows = selectors.deadlines(place_a.cooperative, today)
    assert [(r.fiscal_year, r.state) for r in rows] == [(2025, "late")]
    rows = selectors.deadlines(place_a.cooperative, today + timedelta(days=61))
    assert rows[0].state == "overdue" and rows[0].overdue
    member = make_member(place_a.cooperative)
    testing.make_rat(place_a, member)  # held on 20 March 2026
    rows = selectors.deadlines(place_a.cooperative, today)
    assert rows[0].state == "on_time" and rows[0].held_on.isoformat() == "2026-03-20"
