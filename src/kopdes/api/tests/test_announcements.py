"""The member app's announcements and documents: /api/v1/me/announcements, /me/documents and
/me/documents/{id}: only the caller's cooperatives, only what is published, others 404."""

from datetime import timedelta

import pytest

from kopdes import testing
from kopdes.announcements import services
from kopdes.core import clock
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def member_a(place_a):
    make_member(place_a.cooperative, user=place_a.anggota)
    return place_a.anggota


def test_announcements_published_newest_first_without_scheduled_or_withdrawn(
    client, place_a, place_b, member_a
):
    coop = place_a.cooperative
    publish = services.announcement_publish
    old = publish(actor=None, cooperative=coop, title="Lama", body="a")
    new = publish(actor=None, cooperative=coop, title="Baru", body="b", kind="rat")
    publish(
        actor=None,
        cooperative=coop,
        title="Nanti",
        body="c",
        publish_on=clock.today() + timedelta(days=2),
    )
    gone = publish(actor=None, cooperative=coop, title="Ditarik", body="d")
    services.announcement_withdraw(actor=None, announcement=gone, reason="Salah")
    publish(actor=None, cooperative=place_b.cooperative, title="Koperasi lain", body="e")
    response = client.get("/api/v1/me/announcements", **bearer(client, member_a))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [a["id"] for a in body["items"]] == [str(new.public_id), str(old.public_id)]
    assert body["items"][0]["kind"] == "rat"
    paged = client.get("/api/v1/me/announcements?offset=1&limit=1", **bearer(client, member_a))
    assert [a["title"] for a in paged.json()["items"]] == ["Lama"]


def test_documents_only_published_of_the_own_cooperative(client, place_a, place_b, member_a):
    own = testing.make_announcements(place_a).document
    hidden = services.document_add(
        actor=None,
        cooperative=place_a.cooperative,
        kind="other",
        title="Draf",
        file=testing.SAMPLE_PDF,
    )
    foreign = testing.make_announcements(place_b).document
    headers = bearer(client, member_a)
    listing = client.get("/api/v1/me/documents", **headers).json()
    assert [d["id"] for d in listing["items"]] == [str(own.public_id)]
    assert listing["items"][0]["sha256"] == own.sha256
    file = client.get(f"/api/v1/me/documents/{own.public_id}", **headers)
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert file.content == testing.SAMPLE_PDF
    for other in (hidden, foreign):
        refused = client.get(f"/api/v1/me/documents/{other.public_id}", **headers)
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "request.not_found"


def test_a_person_who_is_not_a_member_sees_nothing(client, place_a):
    testing.make_announcements(place_a)
    headers = bearer(client, place_a.kasir)  # an officer, not a member
    assert client.get("/api/v1/me/announcements", **headers).json()["count"] == 0
    assert client.get("/api/v1/me/documents", **headers).json()["count"] == 0


def test_anonymous_is_401(client):
    assert client.get("/api/v1/me/announcements").status_code == 401
    assert client.get("/api/v1/me/documents").status_code == 401
