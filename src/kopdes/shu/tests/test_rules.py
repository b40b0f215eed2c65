"""The SHU computation on worked examples with known answers (pure: no database)."""

from decimal import Decimal

import pytest

from kopdes.cooperatives.rules import DEFAULT_SHU_ALLOCATION
from kopdes.shu import rules
from kopdes.shu.errors import AllocationNot100, NoBasis, UnknownAllocationLine

TYPICAL = [  # domain.md section 2: cadangan 40, anggota 40, pengurus/karyawan/pendidikan/sosial 5
    {"key": "cadangan", "label": "Dana cadangan", "percent": "40"},
    {"key": "anggota", "label": "Jasa anggota", "percent": "40"},
    {"key": "pengurus", "label": "Dana pengurus", "percent": "5"},
    {"key": "karyawan", "label": "Dana karyawan", "percent": "5"},
    {"key": "pendidikan", "label": "Dana pendidikan", "percent": "5"},
    {"key": "sosial", "label": "Dana sosial", "percent": "5"},
]


def test_worked_example_ten_million_three_members_to_the_rupiah():
    # SHU Rp10.000.000, all of it earned from members, the default allocation (anggota 40%),
    # jasa modal 40% of the members' line, jasa usaha 60%.
    lines = rules.allocation(
        shu_total=10_000_000, member_share=10_000_000, lines=DEFAULT_SHU_ALLOCATION
    )
    assert {ln.key: ln.amount for ln in lines} == {
        "cadangan": 2_500_000,
        "anggota": 4_000_000,
        "pemerintah_desa": 2_000_000,
        "pengurus": 500_000,
        "karyawan": 500_000,
        "pendidikan": 300_000,
        "sosial": 200_000,
    }
    modal, usaha = rules.pools(members_line=4_000_000, jasa_modal_percent=Decimal("40"))
    assert (modal, usaha) == (1_600_000, 2_400_000)
    # Savings 1.000.000 / 1.500.000 / 2.500.000 (of 5.000.000); transactions 3.000.000 /
    # 2.000.000 / 1.000.000 (of 6.000.000).
    bases = [
        rules.Basis(number=1, savings=1_000_000, transactions=3_000_000),
        rules.Basis(number=2, savings=1_500_000, transactions=2_000_000),
        rules.Basis(number=3, savings=2_500_000, transactions=1_000_000),
    ]
    modal, usaha, shares = rules.member_shares(
        jasa_modal_pool=modal, jasa_usaha_pool=usaha, bases=bases
    )
    # JMA = 1.000.000 / 5.000.000 x 1.600.000 = 320.000, and so on.
    assert [(s.jasa_modal, s.jasa_usaha, s.total) for s in shares] == [
        (320_000, 1_200_000, 1_520_000),
        (480_000, 800_000, 1_280_000),
        (800_000, 400_000, 1_200_000),
    ]
    assert sum(s.total for s in shares) == 4_000_000


def test_rupiah_left_over_go_to_the_largest_remainders_ties_to_the_lower_member_number():
    bases = [rules.Basis(number=n, savings=1, transactions=1) for n in (7, 3, 5)]
    _modal, _usaha, shares = rules.member_shares(
        jasa_modal_pool=1_000, jasa_usaha_pool=2, bases=bases
    )
    assert [(s.number, s.jasa_modal, s.jasa_usaha) for s in shares] == [
        (3, 334, 1),
        (5, 333, 1),
        (7, 333, 0),
    ]
    assert sum(s.total for s in shares) == 1_002


@pytest.mark.parametrize("shu", [1, 999, 10_000_001, 123_456_789])
def test_the_lines_sum_exactly_to_the_shu_and_the_shares_to_the_pools(shu):
    member, other = rules.member_part(shu_total=shu, member_income=7, non_member_income=3)
    assert member + other == shu
    lines = rules.allocation(shu_total=shu, member_share=member, lines=TYPICAL)
    assert sum(ln.amount for ln in lines) == shu
    anggota = next(ln.amount for ln in lines if ln.key == "anggota")
    modal, usaha = rules.pools(members_line=anggota, jasa_modal_percent=Decimal("33.33"))
    assert modal + usaha == anggota
    bases = [rules.Basis(number=n, savings=n * 13, transactions=n * n) for n in range(1, 12)]
    modal, usaha, shares = rules.member_shares(
        jasa_modal_pool=modal, jasa_usaha_pool=usaha, bases=bases
    )
    assert sum(s.jasa_modal for s in shares) == modal
    assert sum(s.jasa_usaha for s in shares) == usaha
    assert modal + usaha == anggota


def test_the_members_line_is_paid_from_the_member_part_only_the_rest_to_the_reserve():
    # SHU 10.000.000, 60% earned from members: the members' 40% is 4.000.000 x 60% = 2.400.000;
    # its 1.600.000 of non-member SHU goes to the reserve (4.000.000 + 1.600.000).
    member, other = rules.member_part(
        shu_total=10_000_000, member_income=30_000_000, non_member_income=20_000_000
    )
    assert (member, other) == (6_000_000, 4_000_000)
    lines = {
        ln.key: ln.amount
        for ln in rules.allocation(shu_total=10_000_000, member_share=member, lines=TYPICAL)
    }
    assert lines["anggota"] == 2_400_000
    assert lines["cadangan"] == 5_600_000
    assert sum(lines.values()) == 10_000_000


def test_an_allocation_of_105_percent_is_refused():
    lines = [dict(line) for line in TYPICAL]
    lines[0]["percent"] = "45"  # the published example that adds up to 105%
    with pytest.raises(AllocationNot100) as refused:
        rules.allocation(shu_total=10_000_000, member_share=10_000_000, lines=lines)
    assert refused.value.code == "shu.allocation_not_100"
    assert "105" in refused.value.render()


def test_a_line_without_an_account_is_refused():
    lines = [*TYPICAL[:-1], {"key": "rekreasi", "label": "Rekreasi", "percent": "5"}]
    with pytest.raises(UnknownAllocationLine):
        rules.check_allocation(lines)


def test_a_pool_without_any_basis_joins_the_other_and_no_basis_at_all_is_refused():
    bases = [rules.Basis(number=1, savings=100, transactions=0)]
    modal, usaha, shares = rules.member_shares(jasa_modal_pool=40, jasa_usaha_pool=60, bases=bases)
    assert (modal, usaha, shares[0].total) == (100, 0, 100)
    with pytest.raises(NoBasis):
        rules.member_shares(
            jasa_modal_pool=40,
            jasa_usaha_pool=60,
            bases=[rules.Basis(number=1, savings=0, transactions=0)],
        )


def test_exact_share_and_average_balance():
    assert rules.exact_share(basis=1, basis_total=3, pool=1_000).quantize(Decimal("0.01")) == (
        Decimal("333.33")
    )
    assert rules.average_balance([0] * 6 + [120] * 6) == 60
    assert rules.average_balance([1, 2]) == 2  # 1.5 rounds half up
