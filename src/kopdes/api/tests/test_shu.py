"""The member's SHU in the API: the list of approved years and the statement of one, the same
numbers as the staff page and `kopdes shu explain` (shu.selectors.member_statement)."""

from io import StringIO

from django.core.management import call_command

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.savings.tests.factories import make_member
from kopdes.shu import services


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_me_shu_lists_approved_years_and_explains_one(client, place_a):
    person = testing.make_person(full_name="Siti Aminah")
    member = make_member(place_a.cooperative, name="Siti Aminah", user=person)
    year = testing.make_shu_year(place_a, member)
    # A simulation is not the member's yet.
    assert client.get("/api/v1/me/shu", **_auth(person)).json() == []
    assert client.get("/api/v1/me/shu/2025", **_auth(person)).status_code == 404
    services.shu_approve(actor=place_a.ketua, shu_year=year, resolution="RAT/2026/03")
    rows = client.get("/api/v1/me/shu", **_auth(person)).json()
    assert [(r["year"], r["status"], r["total"]) for r in rows] == [
        (2025, "approved", rows[0]["total"])
    ]
    st = client.get("/api/v1/me/shu/2025", **_auth(person)).json()
    # The only member: all of the members' line is theirs; JMA recomputes from the numbers.
    assert st["total"] == st["members_line"] == rows[0]["total"] > 0
    assert st["savings"] == st["savings_total"] == 100_000
    assert st["jasa_modal"] == st["jasa_modal_pool"]
    assert st["resolution"] == "RAT/2026/03" and st["niak"] == member.niak
    # Another person: the same 404 as no share at all.
    other = testing.make_person(full_name="Orang Lain")
    answer = client.get("/api/v1/me/shu/2025", **_auth(other))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "request.not_found"
    # The CLI prints the same statement.
    out = StringIO()
    call_command(
        "shu",
        "explain",
        "--member",
        member.niak,
        "--cooperative",
        place_a.cooperative.village_id,
        "--year",
        "2025",
        stdout=out,
    )
    text = out.getvalue()
    assert "JMA" in text and "JUA" in text and member.full_name in text
    assert f"{st['total']:,}".replace(",", ".") in text
