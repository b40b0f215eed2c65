"""`/api/v1/supervision/coaching/...`: the lists in scope, a cooperative's findings, raising,
following up and closing a finding; outside the scope the same 404 `request.not_found`."""

from datetime import timedelta

import pytest

from kopdes.accounts.tokens import token_issue
from kopdes.core import clock
from kopdes.supervision.models import Finding
from kopdes.supervision.tests.factories import make_coaching

BASE = "/api/v1/supervision/coaching"


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def coached(coop_a):
    return make_coaching(coop_a)


def test_the_lists_answer_with_no_parameter_within_the_scope(
    client, coached, coop_b, place_a, dinas
):
    make_coaching(coop_b, label="B")
    for path in ("visits", "sessions", "findings"):
        mine = client.get(f"{BASE}/{path}", **_auth(place_a.ketua))
        assert mine.status_code == 200 and mine.json()["count"] == 1, path
        regency = client.get(f"{BASE}/{path}", **_auth(dinas))
        assert regency.json()["count"] == 2, path
    one = client.get(f"{BASE}/findings?cooperative={coop_b.village_id}", **_auth(dinas)).json()
    assert one["count"] == 1 and one["items"][0]["cooperative"]["village_code"] == coop_b.village_id
    assert client.get(f"{BASE}/findings?overdue=true", **_auth(dinas)).json()["count"] == 0


def test_a_cooperatives_findings_and_who_may_read_them(
    client, coached, coop_a, csr_a, place_b, kejaksaan
):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/findings"
    body = client.get(path, **_auth(kejaksaan)).json()
    assert body["items"][0]["title"] == coached.finding.title
    assert body["items"][0]["follow_ups"][0]["side"] == "dinas"
    for outsider in (csr_a, place_b.ketua):
        response = client.get(path, **_auth(outsider))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "request.not_found"
    assert client.get(f"{BASE}/findings", **_auth(csr_a)).json()["count"] == 0


def test_raise_follow_up_and_close(client, coop_a, place_a, examiner):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/findings"
    body = {
        "title": "Buku kas tidak diperbarui",
        "recommendation": "Catat setiap hari",
        "deadline": (clock.today() + timedelta(days=7)).isoformat(),
        "owner_role": "bendahara",
    }
    refused = client.post(path, body, content_type="application/json", **_auth(place_a.ketua))
    assert refused.status_code == 404
    created = client.post(path, body, content_type="application/json", **_auth(examiner))
    assert created.status_code == 201, created.content
    finding_id = created.json()["id"]
    bad = client.post(
        path, {**body, "owner_role": ""}, content_type="application/json", **_auth(examiner)
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "supervision.coaching_invalid"
    note = client.post(
        f"{path}/{finding_id}/follow-ups",
        {"note": "Sudah dicatat"},
        content_type="application/json",
        **_auth(place_a.bendahara),
    )
    assert note.status_code == 201 and note.json()["side"] == "cooperative"
    close = f"{path}/{finding_id}/close"
    assert (
        client.post(
            close, {"note": "x"}, content_type="application/json", **_auth(place_a.ketua)
        ).status_code
        == 404
    )
    closed = client.post(
        close, {"note": "Tuntas"}, content_type="application/json", **_auth(examiner)
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = client.post(close, {"note": "lagi"}, content_type="application/json", **_auth(examiner))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "supervision.finding_closed"
    assert Finding.objects.get().status == Finding.Status.CLOSED
