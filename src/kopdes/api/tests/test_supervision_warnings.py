"""`/api/v1/supervision/warnings`: the list in scope (200 with no parameters), one warning with
its history, acknowledge and resolve by the examiner with stable codes; 404 outside the scope."""

from datetime import date

import pytest

from kopdes.accounts.tokens import token_issue
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import EarlyWarning
from kopdes.supervision.services import warnings_scan


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def warning(place_a):
    savings.savings_deposit(
        actor=None,
        cooperative=place_a.cooperative,
        member=make_member(place_a.cooperative),
        kind="sukarela",
        amount=25_000_000,
        on=date(2026, 3, 2),
    )
    warnings_scan(actor=None, cooperatives=[place_a.cooperative], on=date(2026, 3, 20))
    return EarlyWarning.objects.get(cooperative=place_a.cooperative, kind="cash_above_limit")


def _path(w, tail="") -> str:
    return f"/api/v1/supervision/warnings/{w.public_id}{tail}"


def test_the_list_and_one_warning(client, warning, place_a, kejaksaan, csr_a):
    response = client.get("/api/v1/supervision/warnings", **_auth(kejaksaan))
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert str(warning.public_id) in ids
    item = next(i for i in response.json()["items"] if i["id"] == str(warning.public_id))
    assert item["evidence_url"].endswith("/laporan/neraca-saldo/")
    assert item["facts"]["balance"] == 25_000_000
    one = client.get(_path(warning), **_auth(place_a.ketua)).json()
    assert one["history"][0]["action"] == "warning.raise"
    csr = client.get("/api/v1/supervision/warnings", **_auth(csr_a)).json()
    assert csr["count"] == 0
    assert client.get(_path(warning), **_auth(csr_a)).status_code == 404


def test_follow_up_by_the_examiner_only(client, warning, place_a, examiner, kejaksaan):
    refused = client.post(
        _path(warning, "/acknowledge"), {}, "application/json", **_auth(kejaksaan)
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "supervision.not_warning_examiner"
    done = client.post(
        _path(warning, "/acknowledge"), {"note": "Dicek"}, "application/json", **_auth(examiner)
    )
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"
    again = client.post(_path(warning, "/acknowledge"), {}, "application/json", **_auth(examiner))
    assert again.json()["error"]["code"] == "supervision.warning_not_open"
    empty = client.post(
        _path(warning, "/resolve"), {"note": ""}, "application/json", **_auth(examiner)
    )
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "supervision.resolution_note_required"
    resolved = client.post(
        _path(warning, "/resolve"), {"note": "Disetor"}, "application/json", **_auth(examiner)
    )
    assert resolved.json()["state"] == "resolved"
    assert [h["action"] for h in resolved.json()["history"]] == [
        "warning.raise",
        "warning.acknowledge",
        "warning.resolve",
    ]
    closed = client.post(
        _path(warning, "/resolve"), {"note": "x"}, "application/json", **_auth(examiner)
    )
    assert closed.json()["error"]["code"] == "supervision.warning_closed"
