from datetime import date

import pytest

from kopdes import testing
from kopdes.core import clock
from kopdes.members.models import Member
from kopdes.savings import services
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
def saver(place_a, place_b):
    """The anggota persona of A as a member of A, with savings; someone else's savings in B."""
    member = make_member(place_a.cooperative, user=place_a.anggota, name="Anggota A")
    coop = place_a.cooperative
    for kind, amount in (("pokok", 50_000), ("wajib", 20_000), ("sukarela", 125_000)):
        services.savings_deposit(
            actor=None,
            cooperative=coop,
            member=member,
            kind=kind,
            amount=amount,
            on=date(2026, 2, 1),
        )
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    stranger = make_member(place_b.cooperative, user=place_b.anggota)
    services.savings_deposit(
        actor=None,
        cooperative=place_b.cooperative,
        member=stranger,
        kind="sukarela",
        amount=999_000,
        on=date(2026, 2, 1),
    )
    return member


def test_my_savings(client, place_a, saver):
    body = client.get("/api/v1/me/savings", **bearer(client, place_a.anggota)).json()
    [one] = body["memberships"]
    assert one["balances"] == {"pokok": 50_000, "wajib": 20_000, "sukarela": 125_000}
    assert one["total"] == 195_000 and one["arrears"] == 20_000  # March wajib unpaid
    assert one["cooperative"]["village_code"] == "36.03.01.2003"


def test_my_transactions_paginated(client, place_a, saver):
    auth = bearer(client, place_a.anggota)
    body = client.get("/api/v1/me/savings/transactions?offset=0&limit=2", **auth).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    item = body["items"][0]
    assert item["journal"].startswith("JU-") and len(item["journal_hash"]) == 12
    rest = client.get("/api/v1/me/savings/transactions?offset=2&limit=2", **auth).json()
    assert len(rest["items"]) == 1
    bad = client.get("/api/v1/me/savings/transactions?limit=0", **auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.invalid"


def test_my_bills(client, place_a, saver):
    auth = bearer(client, place_a.anggota)
    body = client.get("/api/v1/me/bills", **auth).json()
    assert [(b["savings"], b["period"], b["status"]) for b in body["items"]] == [
        ("wajib", "2026-03", "unpaid")
    ]
    assert client.get("/api/v1/me/bills?open_only=true", **auth).json()["count"] == 1


def test_only_own_active_memberships(client, place_a, place_b, saver):
    # B's anggota sees B's savings only; an officer without membership sees nothing.
    body = client.get("/api/v1/me/savings", **bearer(client, place_b.anggota)).json()
    assert [m["balances"]["sukarela"] for m in body["memberships"]] == [999_000]
    officer = client.get("/api/v1/me/savings/transactions", **bearer(client, place_a.ketua)).json()
    assert officer == {"count": 0, "items": []}
    Member.objects.filter(pk=saver.pk).update(status="resigned")
    gone = client.get("/api/v1/me/savings", **bearer(client, place_a.anggota)).json()
    assert gone == {"memberships": []}


def test_needs_a_token(client):
    for path in ("/api/v1/me/savings", "/api/v1/me/savings/transactions", "/api/v1/me/bills"):
        response = client.get(path)
        assert response.status_code == 401


def test_schema_declares_statuses(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/me/savings", "/api/v1/me/savings/transactions", "/api/v1/me/bills"):
        assert {"200", "401", "422"} <= set(schema["paths"][path]["get"]["responses"])


def test_my_statement_of_a_period(client, place_a, place_b, saver):
    """The mutasi as on the passbook: opening and closing balances, the period's transactions
    with the running balance; the caller's own membership only."""
    auth = bearer(client, place_a.anggota)
    url = f"/api/v1/me/memberships/{saver.public_id}/savings-statement?"
    body = client.get(f"{url}date_from=2026-01-01&date_to=2026-03-31", **auth).json()
    assert body["niak"] == saver.niak and body["cooperative"]["village_code"] == "36.03.01.2003"
    by_kind = {a["savings"]: a for a in body["accounts"]}
    sukarela = by_kind["sukarela"]
    assert (sukarela["opening"], sukarela["closing"], sukarela["credits"]) == (0, 125_000, 125_000)
    [row] = sukarela["rows"]
    assert row["balance"] == 125_000 and row["type_label"] and row["date"] == "2026-02-01"
    after = client.get(f"{url}date_from=2026-03-01&date_to=2026-03-31", **auth).json()
    later = {a["savings"]: a for a in after["accounts"]}["sukarela"]
    assert (later["opening"], later["closing"], later["rows"]) == (125_000, 125_000, [])

    # a period that ends before it starts, or longer than a year: refused, named on the field
    for dates in (
        "date_from=2026-03-01&date_to=2026-02-01",
        "date_from=2025-01-01&date_to=2026-03-01",
    ):
        bad = client.get(f"{url}{dates}", **auth)
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "savings.invalid_period"
        assert "date_to" in bad.json()["error"]["fields"]
    # another person's membership, in the same cooperative or in B: 404, nothing told
    other = make_member(place_a.cooperative, name="Orang Lain")
    stranger = Member.objects.get(cooperative=place_b.cooperative, user=place_b.anggota)
    for member in (other, stranger):
        missing = client.get(f"/api/v1/me/memberships/{member.public_id}/savings-statement", **auth)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "request.not_found"
    # without dates: this year so far
    default = client.get(url, **auth).json()
    today = clock.today().isoformat()
    assert default["date_to"] == today and default["date_from"] == f"{today[:4]}-01-01"
    anonymous = client.get(url)
    assert anonymous.status_code == 401
