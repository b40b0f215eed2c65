"""`GET /api/v1/me/home` and `GET /api/v1/me/card`: the member app's home in one request, and
the member card with its QR code. Own data only; a fixed number of queries."""

from datetime import date

import pytest
from django.core.cache import caches

from kopdes import testing
from kopdes.announcements import services as announcement_services
from kopdes.api.member_home import HomeOut
from kopdes.loans.tests.factories import make_active_loan
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
def member_a(place_a, place_b):
    """The anggota persona of A as a member of A with savings, a bill, a loan and an
    announcement; in B, another member's savings and an announcement of B."""
    coop = place_a.cooperative
    member = make_member(coop, user=place_a.anggota, name="Anggota A")
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
    make_active_loan(place_a, member=member, principal=6_000_000, months=12)
    announcement_services.announcement_publish(
        actor=None, cooperative=coop, title="Rapat anggota", body="Sabtu di balai desa."
    )
    stranger = make_member(place_b.cooperative, user=place_b.anggota, name="Orang Lain B")
    services.savings_deposit(
        actor=None,
        cooperative=place_b.cooperative,
        member=stranger,
        kind="sukarela",
        amount=999_000,
        on=date(2026, 2, 1),
    )
    announcement_services.announcement_publish(
        actor=None, cooperative=place_b.cooperative, title="Kabar desa B", body="Hanya untuk B."
    )
    return member


def test_home_in_one_answer(client, place_a, member_a):
    response = client.get("/api/v1/me/home", **bearer(client, place_a.anggota))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    HomeOut.model_validate(body)  # the cached rendering keeps the declared schema
    assert list(body)[:2] == ["server_time", "full_name"]
    assert body["full_name"] == place_a.anggota.full_name
    assert body["server_time"]
    [one] = body["memberships"]
    assert one["niak"] == member_a.niak
    assert one["cooperative"]["village_code"] == "36.03.01.2003"
    assert [(s["kind"], s["balance"]) for s in one["savings"]] == [
        ("pokok", 50_000),
        ("wajib", 20_000),
        ("sukarela", 125_000),
    ]
    assert one["savings_total"] == 195_000
    assert all(s["label"].lower().startswith("simpanan") for s in one["savings"])
    bills = one["bills_due"]
    assert bills["count"] == 1 and bills["total"] == 20_000
    assert bills["next"][0]["period"] == "2026-03"
    assert bills["next"][0]["label"] != "wajib" and bills["next"][0]["status_label"]
    loans = one["loans"]
    assert loans["count"] == 1 and loans["outstanding"] == 6_000_000
    nxt = loans["next_installment"]
    assert nxt["number"] == 1 and nxt["due_date"] == "2026-04-02" and nxt["amount"] > 0
    assert [a["title"] for a in body["announcements"]] == ["Rapat anggota"]


def test_home_shows_nothing_of_anyone_else(client, place_a, place_b, member_a):
    body = client.get("/api/v1/me/home", **bearer(client, place_a.anggota)).content.decode()
    for foreign in (
        str(place_b.cooperative.public_id),
        "Orang Lain B",
        "Kabar desa B",
        "999000",
    ):
        assert foreign not in body
    # B's member sees B only.
    other = client.get("/api/v1/me/home", **bearer(client, place_b.anggota)).json()
    [one] = other["memberships"]
    assert one["savings_total"] == 999_000 and one["loans"]["count"] == 0
    assert [a["title"] for a in other["announcements"]] == ["Kabar desa B"]


def test_an_officer_who_is_no_member_gets_an_empty_home(client, place_a, member_a):
    body = client.get("/api/v1/me/home", **bearer(client, place_a.ketua)).json()
    assert body["memberships"] == [] and body["announcements"] == []


def test_home_needs_a_token(client):
    for path in ("/api/v1/me/home", "/api/v1/me/card"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "auth.not_authenticated"


def test_home_queries_are_few_and_fixed(
    client, place_a, member_a, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    auth = bearer(client, place_a.anggota)
    client.get("/api/v1/me/home", **auth)  # the token's last use is written once
    caches["member_home"].clear()  # a miss: the versions, then the seven queries of the answer
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/me/home", **auth).status_code == 200
    # More data, the same count: a second loan, more bills, more announcements (committed:
    # the data version moves when the writes' transaction commits, ADR 0034).
    with django_capture_on_commit_callbacks(execute=True):
        make_active_loan(place_a, member=member_a, principal=1_000_000, months=6)
        services.savings_bills_create(actor=None, cooperative=place_a.cooperative, month="2026-04")
        for n in range(4):
            announcement_services.announcement_publish(
                actor=None, cooperative=place_a.cooperative, title=f"Kabar {n}", body="."
            )
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/me/home", **auth).json()
    assert body["memberships"][0]["loans"]["count"] == 2
    assert len(body["announcements"]) == 3


def test_my_card_carries_a_qr_of_the_public_check(client, place_a, member_a):
    [card] = client.get("/api/v1/me/card", **bearer(client, place_a.anggota)).json()
    assert card["niak"] == member_a.niak and card["full_name"] == "Anggota A"
    assert card["check_url"].endswith(f"/kartu/{member_a.card_id}/")
    assert card["qr_svg"].startswith("data:image/svg+xml")
    assert client.get(card["check_url"]).status_code == 200


def test_transactions_and_bills_carry_labels(client, place_a, member_a):
    auth = bearer(client, place_a.anggota)
    [txn, *_] = client.get("/api/v1/me/savings/transactions", **auth).json()["items"]
    assert txn["savings_label"] and txn["type_label"] and txn["type_label"] != txn["type"]
    [bill] = client.get("/api/v1/me/bills", **auth).json()["items"]
    assert bill["savings_label"] and bill["status_label"] and bill["status_label"] != "unpaid"


# The cache (ADR 0034): a hit costs the token's query and the memberships' versions; any
# committed write to the member's cooperative shows on the next call; nobody gets another's.


def home(client, auth) -> dict:
    response = client.get("/api/v1/me/home", **auth)
    assert response.status_code == 200
    return response.json()


def test_a_repeated_home_is_two_queries(client, place_a, member_a, django_assert_num_queries):
    auth = bearer(client, place_a.anggota)
    first = home(client, auth)
    with django_assert_num_queries(2):  # the token, the memberships with their data versions
        again = home(client, auth)
    assert again["server_time"] >= first["server_time"]
    assert {**again, "server_time": None} == {**first, "server_time": None}


def test_a_deposit_shows_on_the_next_home(
    client, place_a, member_a, django_capture_on_commit_callbacks
):
    auth = bearer(client, place_a.anggota)
    assert home(client, auth)["memberships"][0]["savings_total"] == 195_000
    with django_capture_on_commit_callbacks(execute=True):
        services.savings_deposit(
            actor=None,
            cooperative=place_a.cooperative,
            member=member_a,
            kind="sukarela",
            amount=5_000,
            on=date(2026, 3, 2),
        )
    assert home(client, auth)["memberships"][0]["savings_total"] == 200_000


def test_a_bill_paid_shows_on_the_next_home(
    client, place_a, member_a, django_capture_on_commit_callbacks
):
    auth = bearer(client, place_a.anggota)
    assert home(client, auth)["memberships"][0]["bills_due"]["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.savings_deposit(
            actor=None,
            cooperative=place_a.cooperative,
            member=member_a,
            kind="wajib",
            amount=20_000,
            on=date(2026, 3, 2),
        )
    assert home(client, auth)["memberships"][0]["bills_due"]["count"] == 0


def test_a_loan_payment_shows_on_the_next_home(
    client, place_a, member_a, django_capture_on_commit_callbacks
):
    from kopdes.loans.models import Loan
    from kopdes.loans.services import loan_repay

    auth = bearer(client, place_a.anggota)
    before = home(client, auth)["memberships"][0]["loans"]
    loan = Loan.objects.get(member=member_a)
    with django_capture_on_commit_callbacks(execute=True):
        loan_repay(
            actor=None, loan=loan, amount=before["next_installment"]["amount"], on=date(2026, 4, 2)
        )
    after = home(client, auth)["memberships"][0]["loans"]
    assert after["outstanding"] < before["outstanding"]
    assert after["next_installment"]["number"] == 2


def test_an_announcement_shows_on_the_next_home(
    client, place_a, member_a, django_capture_on_commit_callbacks
):
    auth = bearer(client, place_a.anggota)
    assert [a["title"] for a in home(client, auth)["announcements"]] == ["Rapat anggota"]
    with django_capture_on_commit_callbacks(execute=True):
        announcement_services.announcement_publish(
            actor=None, cooperative=place_a.cooperative, title="Kabar baru", body="Baru."
        )
    assert home(client, auth)["announcements"][0]["title"] == "Kabar baru"


def test_a_write_that_is_not_committed_changes_no_version(place_a, member_a):
    from django.db import transaction

    from kopdes.core.versions import versions

    coop = place_a.cooperative
    [before] = versions([coop.pk]).values()
    with transaction.atomic():
        services.savings_deposit(
            actor=None,
            cooperative=coop,
            member=member_a,
            kind="sukarela",
            amount=5_000,
            on=date(2026, 3, 2),
        )
    # Still inside the test's own transaction: nothing committed, the version stays.
    assert versions([coop.pk]) == {coop.pk: before}


def test_the_cache_never_gives_one_member_anothers_home(
    client, place_a, member_a, django_capture_on_commit_callbacks
):
    """Two members of the same cooperative, the same data version: each gets their own."""
    coop = place_a.cooperative
    with django_capture_on_commit_callbacks(execute=True):
        other_user = testing.make_person(full_name="Anggota Kedua")
        other = make_member(coop, user=other_user, name="Anggota Kedua")
        services.savings_deposit(
            actor=None,
            cooperative=coop,
            member=other,
            kind="sukarela",
            amount=7_000,
            on=date(2026, 3, 2),
        )
    mine = home(client, bearer(client, place_a.anggota))
    theirs = home(client, bearer(client, other_user))
    assert mine["memberships"][0]["niak"] == member_a.niak
    assert theirs["memberships"][0]["niak"] == other.niak != member_a.niak
    assert (
        theirs["full_name"] == "Anggota Kedua"
        and theirs["memberships"][0]["savings_total"] == 7_000
    )
    assert home(client, bearer(client, place_a.anggota))["memberships"][0]["niak"] == member_a.niak


def test_the_cache_keeps_each_language(client, place_a, member_a):
    auth = bearer(client, place_a.anggota)
    indonesian = home(client, auth)["memberships"][0]["bills_due"]["next"][0]["status_label"]
    english = client.get("/api/v1/me/home", HTTP_ACCEPT_LANGUAGE="en", **auth).json()
    in_english = english["memberships"][0]["bills_due"]["next"][0]["status_label"]
    assert (indonesian, in_english) == ("Belum dibayar", "Unpaid")
