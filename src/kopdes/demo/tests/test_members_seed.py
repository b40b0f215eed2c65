"""Demo members: brought in through the members import and the office's registration and
approval; valid, deterministic, idempotent, with a pending request."""

from collections import Counter

import pytest

from kopdes.accounts.rules import normalize_phone
from kopdes.core.models import AuditEvent
from kopdes.demo.members_seed import seed_members
from kopdes.ledger.models import Sequence
from kopdes.members.models import Member, MemberImport, MemberKK, MemberStatusChange
from kopdes.members.rules import nik_check, nik_date_part
from kopdes.members.selectors import known_regions
from kopdes.members.services import NIAK_SEQUENCE

pytestmark = pytest.mark.django_db


def snapshot(coop):
    return list(
        Member.objects.filter(cooperative=coop)
        .order_by("full_name", "nik")
        .values_list(
            "full_name", "nik", "sex", "birth_date", "phone", "number", "status", "joined_on"
        )
    )


def test_forty_valid_members_through_the_import_and_the_office(coop_a, coop_b):
    assert seed_members(coop_a) == 40
    seed_members(coop_b)
    members = list(Member.objects.filter(cooperative=coop_a))
    assert Counter(m.status for m in members) == {"active": 39, "requested": 1}
    # 38 from the treasurer's spreadsheet (one import, one audit row), one approved at the office.
    record = MemberImport.objects.get(cooperative=coop_a)
    assert (record.status, record.rows_total, record.rows_imported) == ("imported", 38, 38)
    assert AuditEvent.objects.filter(action="member.import", cooperative_id=coop_a.pk).count() == 1
    approved = MemberStatusChange.objects.get(
        cooperative=coop_a, from_status="requested", to_status="active"
    ).member
    active = sorted((m for m in members if m.number), key=lambda m: m.number)
    assert [m.number for m in active] == list(range(1, 40)) and active[-1] == approved
    joined = [m.joined_on for m in active]
    assert joined == sorted(joined)  # NIAKs follow the joining dates
    assert Sequence.objects.get(cooperative=coop_a, name=NIAK_SEQUENCE).last_value == 39
    known = known_regions()
    warned = 0
    for m in members:
        assert m.nik.startswith("360301") and m.domicile_id == coop_a.village_id
        check = nik_check(m.nik, sex=m.sex, birth_date=m.birth_date, known=known)
        assert check.ok, (m.nik, check.errors)
        if m.nik[6:12] != nik_date_part(sex=m.sex, birth_date=m.birth_date):
            warned += 1
            assert [w["code"] for w in m.nik_warnings] == ["nik.date_mismatch"]
        assert normalize_phone(m.phone) == m.phone and m.phone.startswith("+62813")
        assert MemberKK.objects.filter(member=m, kk_number=m.kk_number).exists()
    assert warned == 1
    phones = list(Member.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones)) == 80
    niks = list(Member.objects.values_list("nik", flat=True))
    assert len(set(niks)) == 80


def test_deterministic_and_idempotent(coop_a):
    seed_members(coop_a)
    first = snapshot(coop_a)
    assert seed_members(coop_a) == 0
    assert snapshot(coop_a) == first
    # As on a fresh database: the same members, the same numbers.
    MemberStatusChange.objects.all().delete()
    MemberKK.objects.all().delete()
    Member.objects.all().delete()
    MemberImport.objects.all().delete()
    Sequence.objects.filter(name=NIAK_SEQUENCE).delete()
    seed_members(coop_a)
    assert snapshot(coop_a) == first


def test_scalable(coop_a):
    assert seed_members(coop_a, count=300, rng_seed=7) == 300
    assert Member.objects.filter(cooperative=coop_a, status="active").count() == 299


def test_every_member_with_a_phone_signs_in_with_the_demo_password(client, coop_a, place_a):
    from kopdes.accounts.models import User
    from kopdes.demo.seed import DEMO_PASSWORD, _demo_password_hash
    from kopdes.members.models import Member as M

    officer = place_a.anggota  # a person who already has an account, with a number on record
    seed_members(coop_a, count=12, password_hash=_demo_password_hash())
    members = M.objects.filter(cooperative=coop_a)
    assert members.count() == 12 and not members.filter(user__isnull=True).exists()
    assert User.objects.filter(phone__in=members.values("phone")).count() == 12
    assert AuditEvent.objects.filter(action="member.activate").count() == 12
    first = members.order_by("number").first()
    response = client.post(
        "/api/v1/auth/login",
        {"phone": first.phone, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    mine = client.get("/api/v1/me/memberships", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [m["niak"] for m in mine] == [first.niak]
    assert officer.memberships.count() == 0  # nobody else's membership on an existing account
