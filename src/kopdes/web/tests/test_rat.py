"""The RAT pages: the list with deadlines and the export, scheduling, a meeting in session with
attendance, an in-person vote, the decision and the minutes."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from kopdes import testing
from kopdes.core import clock
from kopdes.rat.models import Attendance, Meeting, VoteReceipt
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_list_schedule_and_export(client, place_a):
    client.force_login(place_a.sekretaris)
    coop = place_a.cooperative.public_id
    page = client.get(reverse("web:rat", args=[coop]))
    assert page.status_code == 200
    day = clock.today() + timedelta(days=20)
    answer = client.post(
        reverse("web:rat_schedule", args=[coop]),
        {
            "kind": "rat",
            "fiscal_year": day.year - 1,
            "day": day.isoformat(),
            "start": "09:00",
            "place": "Balai Desa",
        },
    )
    assert answer.status_code == 302
    meeting = Meeting.objects.get(cooperative=place_a.cooperative)
    too_soon = client.post(
        reverse("web:rat_schedule", args=[coop]),
        {
            "kind": "rat",
            "fiscal_year": day.year - 1,
            "day": clock.today().isoformat(),
            "start": "09:00",
            "place": "Balai Desa",
        },
    )
    assert too_soon.status_code == 400 and Meeting.objects.count() == 1
    shown = client.get(answer["Location"]).content.decode()
    assert "Balai Desa" in shown
    exported = client.get(reverse("web:rat_export", args=[coop]) + "?format=json")
    assert [row["rat_sample_id"] for row in json.loads(exported.content)] == [
        meeting.public_id.hex[:10].upper()
    ]


def test_a_meeting_in_session(client, place_a):
    members = [make_member(place_a.cooperative, name=f"Warga {n}") for n in range(3)]
    rat = testing.make_rat(place_a, members[0], vote=False)
    client.force_login(place_a.ketua)
    coop, meeting = place_a.cooperative.public_id, rat.meeting.public_id
    found = client.get(reverse("web:rat_attendance", args=[coop, meeting]) + "?q=Warga 1")
    assert "Warga 1" in found.content.decode()
    with clock.as_of(rat.meeting.scheduled_at):
        recorded = client.post(
            reverse("web:rat_attendance", args=[coop, meeting]),
            {"member": str(members[1].public_id)},
        )
        assert recorded.status_code == 302
        client.post(
            reverse("web:rat_attendance", args=[coop, meeting]),
            {"member": str(members[2].public_id)},
        )
        vote_url = reverse("web:rat_vote", args=[coop, meeting, rat.resolution.public_id])
        voted = client.post(vote_url, {"member": str(members[1].public_id), "choice": "yes"})
        assert voted.status_code == 302
        again = client.post(vote_url, {"member": str(members[1].public_id), "choice": "no"})
        assert again.status_code == 400  # no longer among those who may vote
        decided = client.post(
            reverse("web:rat_decide", args=[coop, meeting, rat.resolution.public_id])
        )
        assert decided.status_code == 302, decided.content.decode()[-3000:]
        client.post(reverse("web:rat_close", args=[coop, meeting]))
        made = client.post(reverse("web:rat_minutes", args=[coop, meeting]))
        assert made.status_code == 302
    assert Attendance.objects.filter(meeting=rat.meeting).count() == 3
    assert VoteReceipt.objects.filter(resolution=rat.resolution).count() == 1
    pdf = client.get(reverse("web:rat_minutes_pdf", args=[coop, meeting]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    page = client.get(reverse("web:rat_meeting", args=[coop, meeting])).content.decode()
    assert reverse("web:rat_minutes_pdf", args=[coop, meeting]) in page


def test_supervisors_read_but_cannot_act(client, place_a, dinas):
    rat = testing.make_rat(place_a, make_member(place_a.cooperative))
    client.force_login(dinas)
    coop, meeting = place_a.cooperative.public_id, rat.meeting.public_id
    assert client.get(reverse("web:rat_meeting", args=[coop, meeting])).status_code == 200
    assert client.get(reverse("web:rat_open", args=[coop, meeting])).status_code == 404
