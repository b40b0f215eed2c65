"""The API shell: one JSON error shape even for bodies too large, no caching of answers."""

import json

import pytest

from kopdes import testing

pytestmark = pytest.mark.django_db


def test_a_body_too_large_gets_the_json_error(client, place_a):
    body = json.dumps({"phone": place_a.ketua.phone, "password": "x" * (3 * 1024 * 1024)})
    response = client.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "request.too_large"


def test_answers_with_personal_data_are_not_cached(client, place_a):
    login = client.post(
        "/api/v1/auth/login",
        {"phone": place_a.ketua.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    token = login.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me["Cache-Control"] == "no-store"


def test_staff_pages_are_not_cached(client, place_a):
    client.force_login(place_a.ketua)
    page = client.get(f"/app/{place_a.cooperative.public_id}/pengurus/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"


def test_public_pages_keep_their_caching(client):
    response = client.get("/masuk/")
    assert response.get("Cache-Control", "") != "no-store"


def test_api_numbers_take_the_digits_0_9_only(client, place_a):
    login = client.post(
        "/api/v1/auth/login",
        {"phone": place_a.ketua.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {login.json()['token']}"}
    assert client.get("/api/v1/cooperatives", {"limit": "10"}, **auth).status_code == 200
    for text in ("\u0661\u0660", "\uff11\uff10"):  # Arabic-Indic and full-width 10
        response = client.get("/api/v1/cooperatives", {"limit": text}, **auth)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "request.invalid"


def test_one_cooperative_ref_schema_serves_every_router(client):
    from kopdes.api import auth, members, savings, schemas

    assert auth.CooperativeRef is members.CooperativeRef is savings.CooperativeRef
    assert auth.CooperativeRef is schemas.CooperativeRef
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(components["CooperativeRef"]["properties"]) == {"id", "name", "village_code"}
    for name in ("MembershipOut", "MembershipSavings", "RoleOut"):
        ref = components[name]["properties"]["cooperative"]
        assert ref == {"$ref": "#/components/schemas/CooperativeRef"}, name


def test_the_proof_api_writes_base64_with_the_ledgers_function():
    from kopdes.api import ledger

    assert not hasattr(ledger, "_b64")
