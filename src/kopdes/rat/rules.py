"""Pure rules of the members' meetings (no ORM): deadlines, the quorum, the outcome of a vote,
the notice text and the SIMKOPDES export row (docs/simkopdes.md)."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

CHOICES = ("yes", "no", "abstain")

# Deadline states of a fiscal year's RAT (rat_deadline_state).
ON_TIME = "on_time"  # held by the deadline (31 March by default)
HELD_LATE = "held_late"  # held after the deadline, by 30 June
HELD_OVERDUE = "held_overdue"  # held after 30 June
DUE = "due"  # not held yet, the deadline still ahead
LATE = "late"  # not held, the deadline passed (warned)
OVERDUE = "overdue"  # not held, 30 June passed


MONTHS_ID = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def date_id(day: date) -> str:
    """`Sabtu, 28 Maret 2026`."""
    return f"{DAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month]} {day.year}"


def default_deadline(fiscal_year: int) -> date:
    """The RAT of a fiscal year is due by 31 March of the next year (the AD/ART's usual term)."""
    return date(fiscal_year + 1, 3, 31)


def legal_limit(fiscal_year: int) -> date:
    """The latest a RAT may be held: 30 June of the year after the fiscal year."""
    return date(fiscal_year + 1, 6, 30)


def earliest_meeting_day(today: date, notice_days: int) -> date:
    return today + timedelta(days=notice_days)


def notice_long_enough(today: date, meeting_day: date, notice_days: int) -> bool:
    return meeting_day >= earliest_meeting_day(today, notice_days)


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    required: int

    @property
    def met(self) -> bool:
        return self.members > 0 and self.present >= self.required

    def __iter__(self):  # (present, members, required, met)
        return iter((self.present, self.members, self.required, self.met))


def quorum_required(members: int, percent: Decimal) -> int:
    """The smallest number of members present that is at least `percent` of `members` (the
    policy's 50.01 means more than half). At least one."""
    return max(1, math.ceil(Decimal(members) * Decimal(percent) / Decimal(100)))


def quorum(present: int, members: int, percent: Decimal) -> Quorum:
    return Quorum(present=present, members=members, required=quorum_required(members, percent))


def outcome(yes: int, no: int, abstain: int) -> str:
    """A majority of the votes cast decides: adopted when more members agree than disagree;
    abstentions count for neither side (a tie is rejected)."""
    return "adopted" if yes > no else "rejected"


def deadline_state(*, deadline: date, limit: date, held_on: date | None, today: date) -> str:
    if held_on is not None:
        if held_on <= deadline:
            return ON_TIME
        return HELD_LATE if held_on <= limit else HELD_OVERDUE
    if today <= deadline:
        return DUE
    return LATE if today <= limit else OVERDUE


def notice_text(
    *,
    cooperative: str,
    kind_label: str,
    fiscal_year: int,
    when: datetime,
    place: str,
    online: bool,
    join_info: str,
    agenda: list[str],
) -> str:
    """The notice in Indonesian, ready to paste into WhatsApp (plain text, *bold* headings)."""
    lines = [
        f"*UNDANGAN {kind_label.upper()}*",
        cooperative,
        "",
        f"Dengan hormat, seluruh anggota diundang menghadiri rapat anggota tahun buku {fiscal_year}:",
        f"Hari/tanggal: {date_id(when.date())}",
        f"Pukul: {when:%H.%M} WIB",
    ]
    if place:
        lines.append(f"Tempat: {place}")
    if online:
        lines.append(f"Hadir daring: {join_info or 'melalui aplikasi anggota'}")
    if agenda:
        lines += ["", "*Acara:*", *(f"{n}. {title}" for n, title in enumerate(agenda, start=1))]
    lines += [
        "",
        "Dokumen rapat dapat dibaca di aplikasi anggota. Satu anggota, satu suara.",
        "Kehadiran Bapak/Ibu menentukan kuorum rapat.",
    ]
    return "\n".join(lines)
