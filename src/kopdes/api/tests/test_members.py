"""The member app's membership API: self-registration and one's memberships."""

from datetime import date

import pytest

from kopdes import testing
from kopdes.members import services
from kopdes.members.models import Member
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

URL = "/api/v1/members/requests"
MINE = "/api/v1/me/memberships"


def token_for(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def body(n=1, **change):
    born = date(1990, 2, 3)
    values = {
        "village_code": "36.03.01.2003",
        "full_name": f"Calon {n}",
        "nik": nik_make(district_digits="360301", sex="F", birth_date=born, serial=n),
        "sex": "F",
        "birth_date": born.isoformat(),
        "birth_place": "Tangerang",
        "address": "Kp. Cangkudu RT 003/RW 001",
    }
    values.update(change)
    return values


def post(client, auth, payload):
    return client.post(URL, payload, content_type="application/json", **auth)


def test_request_then_see_it_approved(client, place_a):
    person = testing.make_person(full_name="Calon Anggota")
    auth = token_for(client, person)
    response = post(client, auth, body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["niak"], created["card_id"]) == ("requested", "", None)
    assert created["cooperative"]["village_code"] == "36.03.01.2003"
    member = Member.objects.get(public_id=created["id"])
    assert (member.user_id, member.phone) == (person.pk, person.phone)
    services.member_approve(actor=place_a.ketua, member=member)
    mine = client.get(MINE, **auth).json()
    assert [(m["status"], m["niak"]) for m in mine] == [("active", "0001")]
    assert mine[0]["card_id"] == str(member.card_id)
    assert "nik" not in mine[0]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"nik": "3603010302900001"}, 422, "member.invalid"),  # a man's day, stated female
        ({"nik": "123"}, 422, "member.invalid"),
        ({"sex": "X"}, 422, "request.invalid"),
        ({"village_code": "36.03.02.2001"}, 404, "member.no_cooperative"),
        ({"village_code": "nowhere"}, 422, "member.unknown_village"),
        ({"birth_date": "2030-01-01"}, 422, "member.invalid"),
    ],
)
def test_refusals(client, place_a, change, status, code):
    auth = token_for(client, testing.make_person(full_name="Calon"))
    response = post(client, auth, body(**change))
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert Member.objects.count() == 0


def test_twice_is_a_conflict(client, place_a):
    auth = token_for(client, testing.make_person(full_name="Calon"))
    assert post(client, auth, body(1)).status_code == 201
    again = post(client, auth, body(2))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "member.already_requested"


def test_a_nik_already_registered_is_a_conflict(client, place_a):
    services.member_register(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        **{
            **{k: v for k, v in body(1).items() if k != "village_code"},
            "birth_date": date(1990, 2, 3),
        },
    )
    auth = token_for(client, testing.make_person(full_name="Calon"))
    response = post(client, auth, body(1))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "member.nik_taken"
    # The answer names nobody: not the registered person, not the cooperative.
    text = response.content.decode()
    assert "Calon 1" not in text and place_a.cooperative.name not in text


def test_a_nik_active_elsewhere_answers_as_a_new_one(client, place_a, place_b):
    """The caller may not know who is a member of another cooperative: a NIK active in B gets
    the same answer in A as a NIK nobody has."""
    nik = body(5)["nik"]
    services.member_register(
        actor=place_b.sekretaris,
        cooperative=place_b.cooperative,
        approve=True,
        full_name="Orang Lain",
        nik=nik,
        sex="F",
        birth_date=date(1990, 2, 3),
        address="Kp. Teluknaga",
    )
    known = post(client, token_for(client, testing.make_person(full_name="X")), body(5)).json()
    fresh = post(client, token_for(client, testing.make_person(full_name="Y")), body(6)).json()
    assert known["warnings"] == fresh["warnings"] == []
    assert place_b.cooperative.name not in str(known)


@pytest.mark.parametrize("who", ["dinas", "kejaksaan", "csr_a"])
def test_supervisors_cannot_make_member_requests(client, request, who):
    supervisor = request.getfixturevalue(who)
    response = post(client, token_for(client, supervisor), body(3))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "member.supervisor_cannot_request"
    assert not Member.objects.exists()


def test_self_registration_is_throttled_per_account(client, place_a, settings):
    settings.KOPDES_MEMBER_REQUEST_LIMIT = 3
    auth = token_for(client, testing.make_person(full_name="Penebak"))
    statuses = [post(client, auth, body(n)).status_code for n in range(10, 14)]
    assert statuses[:3] != [429, 429, 429] and statuses[3] == 429
    other = token_for(client, testing.make_person(full_name="Orang lain"))
    assert post(client, other, body(20)).status_code == 201


def test_self_registration_is_throttled_per_address(client, place_a, settings):
    settings.KOPDES_MEMBER_REQUEST_ADDRESS_LIMIT = 2
    answers = [
        post(client, token_for(client, testing.make_person(full_name=f"P{n}")), body(n))
        for n in range(30, 33)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "throttle.too_many_attempts"


def test_memberships_are_only_ones_own(client, place_a, place_b):
    someone = testing.make_person(full_name="Orang A")
    other = testing.make_person(full_name="Orang B")
    assert post(client, token_for(client, someone), body(1)).status_code == 201
    assert (
        post(
            client,
            token_for(client, other),
            body(
                2,
                village_code="36.03.13.2001",
                nik=nik_make(
                    district_digits="360313", sex="F", birth_date=date(1990, 2, 3), serial=2
                ),
            ),
        ).status_code
        == 201
    )
    mine = client.get(MINE, **token_for(client, other)).json()
    assert [m["cooperative"]["village_code"] for m in mine] == ["36.03.13.2001"]
    assert client.get(MINE, **token_for(client, place_a.ketua)).json() == []


def test_needs_a_token(client):
    assert client.get(MINE).status_code == 401
    assert client.post(URL, body(), content_type="application/json").status_code == 401
