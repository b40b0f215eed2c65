"""The RAT and the SHU: the documents pack holds the SHU proposal, and the RAT's adopted
resolution on the SHU agenda item approves the year's SHU."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kopdes.announcements.models import Announcement
from kopdes.core import clock
from kopdes.rat import services
from kopdes.rat.errors import BooksNotClosed, NoShuProposal
from kopdes.rat.models import MeetingDocument
from kopdes.shu import services as shu_services
from kopdes.shu.models import ShuYear
from kopdes.shu.tests.test_services import _year

JAKARTA = ZoneInfo("Asia/Jakarta")


def _meeting(place, *, fiscal_year, at, day):
    with clock.as_of(at):
        meeting = services.meeting_schedule(
            actor=place.ketua,
            cooperative=place.cooperative,
            fiscal_year=fiscal_year,
            scheduled_at=day,
            place="Balai Desa",
        )
        services.agenda_set(
            actor=place.ketua,
            meeting=meeting,
            items=[
                {"title": "Laporan keuangan", "kind": "statements"},
                {"title": "Pembagian SHU", "kind": "shu"},
            ],
        )
    return meeting


def test_the_pack_needs_the_closed_books(place_a):
    at = datetime(2026, 3, 1, 9, tzinfo=JAKARTA)
    meeting = _meeting(
        place_a, fiscal_year=2025, at=at, day=datetime(2026, 3, 20, 10, tzinfo=JAKARTA)
    )
    with clock.as_of(at), pytest.raises(BooksNotClosed) as refused:
        services.documents_generate(actor=place_a.ketua, meeting=meeting)
    assert refused.value.code == "rat.books_not_closed"
    assert not MeetingDocument.objects.filter(meeting=meeting).exists()


def test_the_pack_and_the_shu_approved_by_the_rat(place_a, time_machine):
    members = _year(place_a, time_machine)  # 2026 traded and closed; now 11 January 2027
    coop = place_a.cooperative
    proposal = shu_services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    at = datetime(2027, 1, 11, 9, tzinfo=JAKARTA)
    day = datetime(2027, 2, 6, 9, tzinfo=JAKARTA)
    meeting = _meeting(place_a, fiscal_year=2026, at=at, day=day)
    with clock.as_of(at):
        made = services.documents_generate(actor=place_a.sekretaris, meeting=meeting)
        services.meeting_announce(actor=place_a.ketua, meeting=meeting)
    kinds = sorted(d.kind for d in made)
    assert kinds == ["shu", "statements", "statements", "statements"]
    for document in made:
        with document.file.open("rb") as file:
            head = file.read(5)
        assert head == b"%PDF-" or head.startswith(b"PK")  # a PDF or an xlsx (zip)
    notice = Announcement.objects.get(cooperative=coop, source=f"rat:{meeting.public_id}")
    assert notice.kind == "rat" and "Pembagian SHU" in notice.body
    shu_item = meeting.agenda.get(kind="shu")
    with clock.as_of(day):
        services.meeting_open(actor=place_a.ketua, meeting=meeting)
        for member in members:
            services.attendance_record(actor=place_a.ketua, meeting=meeting, member=member)
        resolution = services.resolution_open(
            actor=place_a.ketua,
            meeting=meeting,
            question="Menyetujui pembagian SHU 2026",
            ballot="open",
            agenda_item=shu_item,
        )
        for member, choice in zip(members, ["yes", "yes", "no"], strict=True):
            services.vote_cast(
                actor=place_a.ketua, member=member, resolution=resolution, choice=choice
            )
        services.resolution_close(actor=place_a.ketua, resolution=resolution)
        with pytest.raises(NoShuProposal):  # approved already: nothing left to approve
            services.resolution_open(
                actor=place_a.ketua,
                meeting=meeting,
                question="Sekali lagi",
                ballot="open",
                agenda_item=shu_item,
            )
    proposal = ShuYear.objects.get(pk=proposal.pk)
    assert proposal.status == "approved"
    assert proposal.resolution.startswith("Keputusan RAT ")
    assert proposal.resolution.endswith(resolution.question)
