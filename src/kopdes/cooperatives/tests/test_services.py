from datetime import date
from decimal import Decimal

import pytest

from kopdes.cooperatives import rules, services
from kopdes.cooperatives.errors import (
    BusinessUnitCodeTaken,
    InvalidCooperativeData,
    InvalidPolicy,
    PolicyBackdated,
    VillageTaken,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative, Policy, VillageProfile
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core.models import AuditEvent
from kopdes.regions.models import Village

pytestmark = pytest.mark.django_db


def test_founding_names_units_and_policy():
    coop = services.cooperative_found(
        actor=None, village=Village.objects.get(code="36.03.01.1001"), founded_on=date(2025, 7, 21)
    )
    assert coop.name == "Koperasi Kelurahan Merah Putih Balaraja"
    assert sorted(
        BusinessUnit.objects.filter(cooperative=coop).values_list("kind", flat=True)
    ) == sorted(BusinessUnit.STANDARD_KINDS)
    policy = policy_in_force(cooperative=coop, on=date(2025, 8, 1))
    assert (policy.version, policy.simpanan_pokok_amount, policy.simpanan_wajib_amount) == (
        1,
        50_000,
        20_000,
    )
    assert AuditEvent.objects.filter(
        action="cooperative.found", object_id=str(coop.public_id)
    ).exists()


def test_one_cooperative_per_village(coop_a):
    with pytest.raises(VillageTaken):
        services.cooperative_found(actor=None, village=coop_a.village)
    assert Cooperative.objects.filter(village=coop_a.village).count() == 1


def test_bad_legal_numbers_save_nothing():
    village = Village.objects.get(code="36.03.01.1001")
    with pytest.raises(InvalidCooperativeData) as caught:
        services.cooperative_found(actor=None, village=village, npwp="12", nib="abc")
    assert set(caught.value.fields) == {"npwp", "nib"}
    assert not Cooperative.objects.filter(village=village).exists()


def test_update_profile_audited(coop_a, place_a):
    services.cooperative_update(
        actor=place_a.ketua, cooperative=coop_a, nib="1234567890123", address="Jl. Raya 1"
    )
    coop_a.refresh_from_db()
    assert coop_a.nib == "1234567890123"
    event = AuditEvent.objects.get(action="cooperative.update")
    assert event.before["nib"] == "" and event.after["nib"] == "1234567890123"
    assert event.actor_id == place_a.ketua.pk
    with pytest.raises(InvalidCooperativeData):
        services.cooperative_update(actor=None, cooperative=coop_a, name="Other")


def test_policy_history_and_in_force(coop_a, place_a):
    v2 = services.policy_change(
        actor=place_a.ketua,
        cooperative=coop_a,
        effective_from=date(2026, 1, 1),
        reason="RAT 2025",
        simpanan_wajib_amount=25_000,
    )
    assert v2.version == 2 and v2.simpanan_pokok_amount == 50_000
    assert (
        policy_in_force(cooperative=coop_a, on=date(2025, 12, 31)).simpanan_wajib_amount == 20_000
    )
    assert policy_in_force(cooperative=coop_a, on=date(2026, 1, 1)).simpanan_wajib_amount == 25_000
    assert v2.changed_by_id == place_a.ketua.pk
    with pytest.raises(PolicyBackdated):
        services.policy_change(
            actor=None, cooperative=coop_a, effective_from=date(2025, 12, 1), reason="x"
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"savings_rate_max": Decimal("9.5")}, "savings_rate_max"),
        ({"loan_rate_max": Decimal("25")}, "loan_rate_max"),
        ({"loan_rate_min": Decimal("20"), "loan_rate_max": Decimal("10")}, "loan_rate_min"),
        ({"simpanan_wajib_amount": -1}, "simpanan_wajib_amount"),
        ({"rat_quorum_percent": Decimal("0")}, "rat_quorum_percent"),
        ({"rat_notice_days": 7}, "rat_notice_days"),
        ({"restricted_fund_outside_lines": "ignore"}, "restricted_fund_outside_lines"),
        (
            {
                "shu_allocation": [
                    {**line, "percent": "25"} if line["key"] == "anggota" else line
                    for line in rules.DEFAULT_SHU_ALLOCATION
                ]
            },
            "shu_allocation",
        ),
    ],
)
def test_policy_refuses_bad_values(coop_a, changes, field):
    with pytest.raises(InvalidPolicy) as caught:
        services.policy_change(
            actor=None, cooperative=coop_a, effective_from=date(2026, 1, 1), reason="x", **changes
        )
    assert field in caught.value.fields
    assert Policy.objects.filter(cooperative=coop_a).count() == 1


def test_shu_allocation_of_105_percent_is_refused():
    lines = [
        {"key": "cadangan", "label": "c", "percent": "40"},
        {"key": "anggota", "label": "a", "percent": "40"},
        *[
            {"key": k, "label": k, "percent": "5"}
            for k in ("pengurus", "karyawan", "pendidikan", "sosial", "x")
        ],
    ]
    assert any("105" in m for m in rules.shu_allocation_errors(lines))
    assert rules.shu_allocation_errors(rules.DEFAULT_SHU_ALLOCATION) == []


def test_business_units(coop_a):
    unit = services.business_unit_add(
        actor=None, cooperative=coop_a, kind="lpg", name="Pangkalan LPG", code="lpg"
    )
    assert unit.cooperative == coop_a
    with pytest.raises(BusinessUnitCodeTaken):
        services.business_unit_add(
            actor=None, cooperative=coop_a, kind="lpg", name="Again", code="lpg"
        )
    with pytest.raises(InvalidCooperativeData):
        services.business_unit_add(
            actor=None, cooperative=coop_a, kind="casino", name="", code="a b"
        )
    services.business_unit_set_active(actor=None, unit=unit, is_active=False)
    assert not BusinessUnit.objects.get(pk=unit.pk).is_active


def test_village_profile(coop_a):
    profile = services.village_profile_update(
        actor=None,
        cooperative=coop_a,
        population=8200,
        households=2300,
        main_livelihoods=["petani", " buruh pabrik ", ""],
        leading_commodities=["padi"],
    )
    assert profile.main_livelihoods == ["petani", "buruh pabrik"]
    with pytest.raises(InvalidCooperativeData):
        services.village_profile_update(
            actor=None,
            cooperative=coop_a,
            population=10,
            households=20,
            main_livelihoods=[],
            leading_commodities=[],
        )


def test_policy_without_a_date_starts_on_the_cooperatives_local_day():
    """At 01:00 in Tangerang the server's UTC clock still says yesterday: the policy starts today
    in Asia/Jakarta, not on the server's date."""
    import time_machine

    with time_machine.travel("2026-01-01T18:00:00+00:00", tick=False):
        coop = services.cooperative_found(
            actor=None, village=Village.objects.get(code="36.03.01.1001")
        )
    assert Policy.objects.get(cooperative=coop).effective_from == date(2026, 1, 2)


def test_cooperative_profile_update_saves_both_or_nothing_and_keeps_the_notes(coop_a):
    services.village_profile_update(
        actor=None,
        cooperative=coop_a,
        population=100,
        households=30,
        main_livelihoods=["petani"],
        leading_commodities=[],
        notes="Catatan pendamping",
    )
    services.cooperative_profile_update(
        actor=None,
        cooperative=coop_a,
        identity={"nib": "1234567890123", "founded_on": date(2025, 7, 21)},
        population=120,
        households=40,
        main_livelihoods=["petani", "nelayan"],
        leading_commodities=["padi"],
    )
    coop_a.refresh_from_db()
    profile = VillageProfile.objects.get(cooperative=coop_a)
    assert (coop_a.nib, coop_a.founded_on) == ("1234567890123", date(2025, 7, 21))
    assert (profile.population, profile.notes) == (120, "Catatan pendamping")
    with pytest.raises(InvalidCooperativeData):
        services.cooperative_profile_update(
            actor=None,
            cooperative=coop_a,
            identity={"nib": "999"},
            population=10,
            households=20,
            main_livelihoods=[],
            leading_commodities=[],
        )
    with pytest.raises(InvalidCooperativeData):  # identity fine, village profile refused
        services.cooperative_profile_update(
            actor=None,
            cooperative=coop_a,
            identity={"founded_on": date(2020, 1, 1)},
            population=10,
            households=20,
            main_livelihoods=[],
            leading_commodities=[],
        )
    coop_a.refresh_from_db()
    assert (coop_a.nib, coop_a.founded_on) == ("1234567890123", date(2025, 7, 21))
    assert VillageProfile.objects.get(cooperative=coop_a).population == 120
