"""The demo's RAT: held through the services with a quorum and minutes, deterministic and
idempotent; a late one and one never held show in the deadline tracking."""

from datetime import date

import pytest

from kopdes.demo.members_seed import seed_members
from kopdes.demo.rat_seed import rat_seed_cooperative
from kopdes.rat import selectors
from kopdes.rat.models import Attendance, Resolution

pytestmark = pytest.mark.django_db


def test_a_rat_held_with_its_quorum_and_minutes(coop_a):
    seed_members(coop_a)
    meeting = rat_seed_cooperative(coop_a, year=2025, held_on=date(2026, 3, 14))
    assert meeting.status == "closed" and meeting.minutes_sha256
    quorum = selectors.quorum(meeting)
    assert quorum.met and quorum.present == Attendance.objects.filter(meeting=meeting).count()
    decided = Resolution.objects.get(meeting=meeting)
    assert (
        decided.status == "closed" and decided.yes + decided.no + decided.abstain == quorum.present
    )
    assert rat_seed_cooperative(coop_a, year=2025, held_on=date(2026, 3, 14)).pk == meeting.pk
    assert selectors.deadlines(coop_a, date(2026, 12, 1))[0].state == "on_time"


def test_late_and_not_held(coop_a, coop_b):
    seed_members(coop_a)
    seed_members(coop_b)
    late = rat_seed_cooperative(coop_a, year=2025, held_on=date(2026, 3, 14), late=True)
    assert late.scheduled_at.date() > date(2026, 3, 31)
    assert selectors.deadlines(coop_a, date(2026, 12, 1))[0].state == "held_late"
    rat_seed_cooperative(coop_b, year=2025, held_on=date(2026, 3, 14), held=False)
    assert selectors.deadlines(coop_b, date(2026, 5, 1))[0].state == "late"
    assert selectors.deadlines(coop_b, date(2026, 12, 1))[0].state == "overdue"
