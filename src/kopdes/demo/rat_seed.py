"""The demo's RAT (issue 13.7): a cooperative's annual members' meeting for a fiscal year,
booked through the RAT services as the officers would run it: the ketua schedules it three weeks
ahead, sets the usual agenda, makes the documents pack when the year's books are closed, and
sends the notice; on the day the sekretaris records who came, the members vote on the pengurus'
report (open ballot) and, when the year has an SHU proposal, on the SHU (which the adopted
resolution approves); the meeting is closed, its minutes made and published to the members.

Deterministic: attendance (always at least the quorum) and votes are drawn from a generator
seeded by the village code. `late=True` holds it a month after the deadline (31 March);
`held=False` leaves it announced and never held, so the deadline tracking shows it late or
overdue. Idempotent: a fiscal year that already has a RAT is left as it is. `kopdes demo` books
the RAT of 2025 once 2025 is closed (`demo.seed`, with the SHU around it: `shu_seed`)."""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.announcements import services as announcements
from kopdes.announcements.models import Document
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.rat import rules, selectors
from kopdes.rat import services as rat
from kopdes.rat.errors import BooksNotClosed
from kopdes.rat.models import Meeting
from kopdes.shu import selectors as shu_selectors
from kopdes.shu.models import ShuYear

AGENDA = [
    ("Laporan pertanggungjawaban pengurus", "pengurus_report"),
    ("Laporan pengawas", "pengawas_report"),
    ("Laporan keuangan tahun buku", "statements"),
    ("Pembagian SHU", "shu"),
    ("Rencana kerja dan anggaran (RAPB)", "rapb"),
]


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _officers(cooperative: Cooperative) -> dict[str, User]:
    found: dict[str, User] = {}
    for role in Role.objects.filter(cooperative=cooperative, ended_on__isnull=True).select_related(
        "user"
    ):
        found.setdefault(role.kind, role.user)
    return found


def rat_day(cooperative: Cooperative, *, year: int = 2025, late: bool = False) -> date:
    """The RAT's day: a Saturday from early February to mid-March of the next year, drawn by the
    village's own generator; held `late`, a month after the deadline (31 March) at the earliest."""
    rng = random.Random(f"rat-day:{cooperative.village_id}:{year}")
    first = date(year + 1, 2, 1)
    first += timedelta(days=(5 - first.weekday()) % 7)  # the first Saturday of February
    day = first + timedelta(weeks=rng.randint(0, 5))
    if late:
        day = max(day, rules.default_deadline(year) + timedelta(days=30))
    return day


def rat_seed_cooperative(
    cooperative: Cooperative,
    *,
    year: int = 2025,
    held_on: date | None = None,
    late: bool = False,
    held: bool = True,
) -> Meeting:
    """The RAT of fiscal year `year`, held on `held_on` (default `rat_day`)."""
    existing = (
        Meeting.objects.filter(cooperative=cooperative, fiscal_year=year, kind=Meeting.Kind.RAT)
        .exclude(status=Meeting.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing
    rng = random.Random(f"rat:{cooperative.village_id}:{year}")
    day = held_on or rat_day(cooperative, year=year, late=late)
    if late:
        day = max(day, rules.default_deadline(year) + timedelta(days=30))
    people = _officers(cooperative)
    ketua, sekretaris = people["ketua"], people.get("sekretaris", people["ketua"])
    with clock.as_of(_at(day - timedelta(days=21))):
        meeting = rat.meeting_schedule(
            actor=ketua,
            cooperative=cooperative,
            fiscal_year=year,
            scheduled_at=_at(day),
            place="Balai Desa",
            online=True,
            join_info="Aplikasi anggota Kopdes",
        )
        with contextlib.suppress(BooksNotClosed):  # no pack before the books close
            rat.documents_generate(actor=sekretaris, meeting=meeting)
        rat.agenda_set(
            actor=ketua,
            meeting=meeting,
            items=[{"title": title, "kind": kind} for title, kind in AGENDA],
        )
        meeting = rat.meeting_announce(actor=ketua, meeting=meeting)
    if not held:
        return meeting
    with clock.as_of(_at(day)):
        rat.meeting_open(actor=ketua, meeting=meeting)
        members = list(selectors.active_members(cooperative, day).order_by("number", "pk"))
        required = selectors.quorum(meeting).required
        count = min(len(members), max(required, round(len(members) * rng.uniform(0.55, 0.85))))
        present = rng.sample(members, count)
        for member in present:
            rat.attendance_record(actor=sekretaris, meeting=meeting, member=member)
        items = {item.kind: item for item in meeting.agenda.all()}
        questions = [("Menerima laporan pertanggungjawaban pengurus", items["pengurus_report"])]
        proposal = shu_selectors.shu_proposal(cooperative, year)
        if proposal is not None and proposal.status == ShuYear.Status.SIMULATED:
            questions.append((f"Menyetujui pembagian SHU tahun buku {year}", items["shu"]))
        for question, item in questions:
            resolution = rat.resolution_open(
                actor=ketua, meeting=meeting, question=question, ballot="open", agenda_item=item
            )
            for member in present:
                choice = rng.choices(["yes", "no", "abstain"], weights=[85, 10, 5])[0]
                rat.vote_cast(actor=sekretaris, member=member, resolution=resolution, choice=choice)
            rat.resolution_close(actor=ketua, resolution=resolution)
        rat.meeting_close(actor=ketua, meeting=meeting)
        meeting = rat.minutes_generate(actor=sekretaris, meeting=meeting)
        # the signed berita acara published to the members (and the transparency page)
        with meeting.minutes_file.open("rb") as minutes:
            announcements.document_add(
                actor=sekretaris,
                cooperative=cooperative,
                kind=Document.Kind.RAT_RESULT,
                title=f"Berita acara RAT tahun buku {year}",
                file=minutes.read(),
                fiscal_year=year,
                published=True,
            )
        return meeting
