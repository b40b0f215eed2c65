"""GET /api/v1/me/transparency: the caller's cooperatives' public pages, log keys and CSR fund
use by business line; aggregates only, only the caller's own cooperatives."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.funding.tests.factories import funded, spend
from kopdes.ledger import checkpoints, signing
from kopdes.savings.tests.factories import make_member


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_fund_use_by_line_and_the_keys_of_the_members_own_cooperative(
    client, place_a, place_b, time_machine, django_assert_max_num_queries
):
    time_machine.move_to(datetime(2026, 3, 9, 10, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False)
    source = funded(place_a, amount=10_000_000)
    spend(place_a, source, 1_000_000, line="sembako", payee="Toko Maju")
    spend(place_a, source, 250_000, line="lpg", payee="Pangkalan Gas Sejahtera")
    spend(place_a, source, 500_000, line="sembako", payee="Toko Maju")
    other_source = funded(place_b, amount=7_000_000)
    spend(place_b, other_source, 3_000_000, line="sembako")
    person = testing.make_person(full_name="Siti Aminah")
    make_member(place_a.cooperative, name="Siti Aminah", user=person)
    assert client.get("/api/v1/me/transparency").status_code == 401
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/me/transparency", **_auth(person))
    assert answer.status_code == 200, answer.content
    [row] = answer.json()
    coop = place_a.cooperative
    assert row["code"] == coop.village_id
    assert row["report_url"] == f"/transparansi/{coop.village_id}/"
    origin = checkpoints.origin(coop)
    assert row["origin"] == origin and row["verifier_key"] == signing.log_verifier_key(origin)
    use = row["fund_use"]
    assert (use["received"], use["spent"], use["balance"], use["funds"]) == (
        10_000_000,
        1_750_000,
        8_250_000,
        1,
    )
    assert [(r["line"], r["amount"]) for r in use["by_line"]] == [
        ("sembako", 1_500_000),
        ("lpg", 250_000),
    ]
    assert all(r["label"] != r["line"] for r in use["by_line"])
    # No payee, no person, nothing of the other cooperative.
    text = answer.content.decode()
    for word in ("Toko Maju", "Pangkalan", "Siti", "3000000", place_b.cooperative.village_id):
        assert word not in text, word
    # Someone who is no member gets nothing.
    stranger = testing.make_person(full_name="Orang Lain")
    assert client.get("/api/v1/me/transparency", **_auth(stranger)).json() == []
