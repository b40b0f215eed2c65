"""The member app's RAT: the notice, online check-in, one vote per member (a second is 409)."""

import pytest

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.core import clock
from kopdes.rat.models import VoteReceipt
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_notice_check_in_and_one_vote(client, place_a):
    me = make_member(place_a.cooperative, user=place_a.anggota)
    rat = testing.make_rat(place_a, make_member(place_a.cooperative), vote=False)
    headers = bearer(place_a.anggota)
    listed = client.get("/api/v1/me/rat", **headers).json()
    assert [m["id"] for m in listed] == [str(rat.meeting.public_id)]
    assert listed[0]["agenda"][1]["kind"] == "shu" and listed[0]["attending"] is False
    assert "UNDANGAN" in listed[0]["notice_text"]
    vote_url = f"/api/v1/me/rat/resolutions/{rat.resolution.public_id}/vote"
    with clock.as_of(rat.meeting.scheduled_at):
        absent = client.post(
            vote_url, {"choice": "yes"}, content_type="application/json", **headers
        )
        assert absent.status_code == 409
        assert absent.json()["error"]["code"] == "rat.did_not_attend"
        joined = client.post(
            f"/api/v1/me/rat/{rat.meeting.public_id}/attendance",
            content_type="application/json",
            **headers,
        )
        assert joined.status_code == 201 and joined.json()["mode"] == "online"
        first = client.post(
            vote_url,
            {"choice": "no"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="vote-1",
            **headers,
        )
        assert first.status_code == 201 and first.json()["channel"] == "app"
        retry = client.post(
            vote_url,
            {"choice": "no"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="vote-1",
            **headers,
        )
        assert retry.status_code == 201 and retry.json() == first.json()
        second = client.post(
            vote_url,
            {"choice": "yes"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="vote-2",
            **headers,
        )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "rat.already_voted"
    assert VoteReceipt.objects.filter(resolution=rat.resolution, member=me).count() == 1
    again = client.get("/api/v1/me/rat", **headers).json()[0]
    assert again["attending"] is True and again["resolutions"][0]["voted"] is True


def test_another_cooperatives_meeting_is_not_found(client, place_a, place_b):
    make_member(place_b.cooperative, user=place_b.anggota)
    rat = testing.make_rat(place_a, make_member(place_a.cooperative))
    headers = bearer(place_b.anggota)
    assert client.get("/api/v1/me/rat", **headers).json() == []
    answer = client.post(
        f"/api/v1/me/rat/resolutions/{rat.resolution.public_id}/vote",
        {"choice": "yes"},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "request.not_found"


def test_a_document_of_the_pack_for_the_members_own_meeting_only(client, place_a, place_b):
    make_member(place_a.cooperative, user=place_a.anggota)
    rat = testing.make_rat(place_a, make_member(place_a.cooperative))
    [listed] = client.get("/api/v1/me/rat", **bearer(place_a.anggota)).json()
    assert listed["documents"], listed
    document = listed["documents"][0]
    url = f"/api/v1/me/rat/{rat.meeting.public_id}/documents/{document['id']}"
    assert client.get(url).status_code == 401
    answer = client.get(url, **bearer(place_a.anggota))
    assert answer.status_code == 200
    assert answer["X-Content-SHA256"] == document["sha256"]
    assert "no-store" in answer["Cache-Control"]
    # A member of another cooperative: the same 404 as a document that does not exist.
    make_member(place_b.cooperative, user=place_b.anggota)
    foreign = client.get(url, **bearer(place_b.anggota))
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "request.not_found"
    missing = f"/api/v1/me/rat/{rat.meeting.public_id}/documents/{rat.meeting.public_id}"
    assert client.get(missing, **bearer(place_a.anggota)).status_code == 404
