"""Demo members: valid, deterministic, idempotent, with pending requests and a resignation."""

from collections import Counter

import pytest

from kopdes.accounts.rules import normalize_phone
from kopdes.demo.members_seed import seed_members
from kopdes.ledger.models import Sequence
from kopdes.members.models import Member, MemberKK, MemberStatusChange
from kopdes.members.rules import nik_check, nik_date_part
from kopdes.members.selectors import known_regions
from kopdes.members.services import NIAK_SEQUENCE

pytestmark = pytest.mark.django_db


def snapshot(coop):
    return list(
        Member.objects.filter(cooperative=coop)
        .order_by("full_name", "nik")
        .values_list("full_name", "nik", "sex", "birth_date", "phone", "number", "status")
    )


def test_forty_valid_members(coop_a, coop_b, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        assert seed_members(coop_a) == 40
    seed_members(coop_b)
    members = list(Member.objects.filter(cooperative=coop_a))
    assert Counter(m.status for m in members) == {"active": 36, "requested": 3, "resigned": 1}
    numbers = sorted(m.number for m in members if m.number)
    assert numbers == list(range(1, 38))
    assert Sequence.objects.get(cooperative=coop_a, name=NIAK_SEQUENCE).last_value == 37
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
    Sequence.objects.filter(name=NIAK_SEQUENCE).delete()
    seed_members(coop_a)
    assert snapshot(coop_a) == first


def test_scalable(coop_a):
    assert seed_members(coop_a, count=300, rng_seed=7) == 300
