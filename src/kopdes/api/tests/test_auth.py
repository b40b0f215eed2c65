from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kopdes import testing

pytestmark = pytest.mark.django_db


def login(client, phone, password=testing.PASSWORD, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/login",
        {"phone": phone, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_login_me_logout(client, place_a, dinas):
    national = "0" + place_a.ketua.phone[3:]
    response = login(client, national)
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["full_name"] == "Ketua A"
    assert [(r["kind"], r["cooperative"]["village_code"]) for r in me["roles"]] == [
        ("ketua", "36.03.01.2003")
    ]
    assert me["supervision"] == []
    assert client.post("/api/v1/auth/logout", **bearer(token)).status_code == 204
    revoked = client.get("/api/v1/me", **bearer(token))
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "auth.not_authenticated"


def test_me_shows_supervision_scope(client, dinas):
    token = login(client, dinas.phone).json()["token"]
    grant = client.get("/api/v1/me", **bearer(token)).json()["supervision"][0]
    assert (grant["agency"], grant["region_prefix"], grant["read_only"]) == ("dinas", "36.03", True)


def test_token_expires(client, place_a):
    token = login(client, place_a.ketua.phone).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/v1/me", **bearer(token)).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"phone": "12345", "password": "x"}, 422, "account.invalid_phone"),
        ({"phone": "081200000000", "password": "x"}, 401, "auth.invalid_credentials"),
        ({"password": "x"}, 422, "request.invalid"),
    ],
)
def test_login_errors(client, body, status, code):
    response = client.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_login_throttled_after_five_failures(client, place_a):
    for _ in range(4):
        assert login(client, place_a.ketua.phone, "wrong-password").status_code == 401
    assert login(client, place_a.ketua.phone, "wrong-password").status_code == 429
    locked = login(client, place_a.ketua.phone)  # even the right password, until the cool-off ends
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "auth.locked_out"


def test_unauthenticated(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401


def test_cooperatives_scoped(client, place_a, place_b, dinas, camat_balaraja):
    a, b = place_a.cooperative, place_b.cooperative
    token = login(client, place_a.ketua.phone).json()["token"]
    listed = client.get("/api/v1/cooperatives", **bearer(token)).json()
    assert [c["id"] for c in listed["items"]] == [str(a.public_id)]
    detail = client.get(f"/api/v1/cooperatives/{a.public_id}", **bearer(token)).json()
    assert detail["name"] == "Koperasi Desa Merah Putih Cangkudu"
    assert detail["policy"]["simpanan_pokok_amount"] == 50_000
    assert len(detail["business_units"]) == 7
    # Cross-tenant: another cooperative is the same 404 as one that does not exist.
    other = client.get(f"/api/v1/cooperatives/{b.public_id}", **bearer(token))
    absent = client.get(
        "/api/v1/cooperatives/00000000-0000-0000-0000-000000000000", **bearer(token)
    )
    assert other.status_code == absent.status_code == 404
    assert other.json() == absent.json()
    camat = login(client, camat_balaraja.phone).json()["token"]
    assert client.get(f"/api/v1/cooperatives/{b.public_id}", **bearer(camat)).status_code == 404
    regency = login(client, dinas.phone).json()["token"]
    assert client.get("/api/v1/cooperatives", **bearer(regency)).json()["count"] == 2
