"""`GET /api/v1/supervision/cooperatives/{id}/health`: supervisors in scope and the
cooperative's officers read it; anyone else gets 404 `request.not_found`."""

import pytest

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.services import health_assess


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def assessed(place_a, examiner):
    testing.close_shu_books(place_a, make_member(place_a.cooperative))
    health_assess(actor=examiner, cooperative=place_a.cooperative, year=2025)
    health_assess(actor=None, cooperative=place_a.cooperative, year=2025)
    return place_a.cooperative


def _path(coop) -> str:
    return f"/api/v1/supervision/cooperatives/{coop.public_id}/health"


def test_supervisors_and_officers_read_the_health(
    client, assessed, place_a, examiner, dinas, kejaksaan, camat_balaraja
):
    for reader in (
        examiner,
        dinas,
        kejaksaan,
        camat_balaraja,
        place_a.ketua,
        place_a.pengawas,
    ):
        response = client.get(_path(assessed), **_auth(reader))
        assert response.status_code == 200, reader
        body = response.json()
        assert body["cooperative"]["id"] == str(assessed.public_id)
        (current,) = body["current"]
        assert current["year"] == 2025 and current["method_version"] == 1
        assert current["assessed_by"] == "system"
        assert len(body["history"]) == 1
        capital = next(c for c in current["components"] if c["key"] == "modal_sendiri_aset")
        assert capital["inputs"] == {"own_capital": 1_100_000, "total_assets": 1_100_000}
        assert capital["ratio"] == "100.00" and capital["value"] == 25


@pytest.mark.parametrize("who", ["camat_balaraja", "csr_a", "outsider"])
def test_outside_the_scope_is_404(request, client, place_b, who):
    person = request.getfixturevalue(who)
    response = client.get(_path(place_b.cooperative), **_auth(person))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request.not_found"


def test_a_csr_partner_reads_only_its_csr_report_not_the_health(client, assessed, csr_a):
    response = client.get(_path(assessed), **_auth(csr_a))
    assert response.status_code == 404


def test_a_kasir_is_404(client, place_a):
    response = client.get(_path(place_a.cooperative), **_auth(place_a.kasir))
    assert response.status_code == 404
