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


def test_me_shu_estimate_divides_the_year_so_far_as_the_rat_would(
    client, place_a, time_machine, django_assert_max_num_queries
):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from kopdes.commerce import services as commerce
    from kopdes.commerce.tests.sale_factories import stocked
    from kopdes.savings import services as savings
    from kopdes.shu import selectors

    time_machine.move_to(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False)
    coop = place_a.cooperative
    sembako, beras, _telur = stocked(place_a)
    ani_user = testing.make_person(full_name="Ani")
    ani = make_member(coop, name="Ani", user=ani_user, joined_on=date(2025, 12, 1))
    budi = make_member(coop, name="Budi", joined_on=date(2025, 12, 1))
    for member, saved, bought in ((ani, 100_000, 3), (budi, 300_000, 1)):
        savings.savings_deposit(
            actor=None,
            cooperative=coop,
            member=member,
            kind="wajib",
            amount=saved,
            on=date(2026, 3, 2),
        )
        commerce.sale_record(
            actor=place_a.kasir,
            unit=sembako,
            lines=[(beras, bought)],
            payment="cash",
            member=member,
        )
    assert client.get("/api/v1/me/shu/estimate").status_code == 401
    with django_assert_max_num_queries(14):
        answer = client.get("/api/v1/me/shu/estimate", **_auth(ani_user))
    assert answer.status_code == 200, answer.content
    [row] = answer.json()
    assert row["estimate"] is True and row["year"] == 2026 and row["through"] == "2026-03-02"
    assert row["cooperative"]["id"] == str(coop.public_id)
    # The same division as shu_simulate's (selectors.division), of the year-to-date result.
    result = selectors.year_to_date_result(coop, 2026, date(2026, 3, 2))
    assert row["shu_total"] == result.shu_total > 0
    assert row["savings"] == 100_000 and row["savings_total"] == 400_000
    assert row["total"] == row["jasa_modal"] + row["jasa_usaha"] > 0
    # Only the caller's own share: Budi's is not in the answer; someone without a membership
    # gets nothing.
    assert "Budi" not in answer.content.decode()
    other = testing.make_person(full_name="Orang Lain")
    assert client.get("/api/v1/me/shu/estimate", **_auth(other)).json() == []
