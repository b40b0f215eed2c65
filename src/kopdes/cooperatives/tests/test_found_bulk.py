"""`cooperatives_found_bulk`, a regency's cooperatives founded at once (the demo's 274), writes
exactly what `cooperative_found` village by village writes, and refuses what it refuses, all or
nothing."""

from datetime import date

import pytest
from django.db import transaction

from kopdes.cooperatives import services
from kopdes.cooperatives.errors import InvalidCooperativeData, InvalidPolicy, VillageTaken
from kopdes.cooperatives.models import BusinessUnit, Cooperative, Policy, VillageProfile
from kopdes.core.models import AuditEvent
from kopdes.regions.models import Village

pytestmark = pytest.mark.django_db

# three villages of Kecamatan Balaraja without a cooperative in the tests' places
CODES = ["36.03.01.1001", "36.03.01.2005", "36.03.01.2009"]


def _foundings() -> list[dict]:
    villages = Village.objects.in_bulk(CODES)
    return [
        {
            "village": villages[CODES[0]],
            "founded_on": date(2025, 7, 21),
            "address": "Kantor Desa",
            "legal_entity_number": "AHU-0012345.AH.01.29.TAHUN 2025",
            "registry_number": "3603123456789012",
            "npwp": "123456789012345",
            "nib": "1234567890123",
        },
        {"village": villages[CODES[1]]},
        {
            "village": villages[CODES[2]],
            "founded_on": date(2025, 8, 1),
            "policy": {"simpanan_wajib_amount": 25_000},
            "policy_effective_from": date(2025, 9, 1),
        },
    ]


def _without_ids(row: dict) -> dict:
    return {
        k: v
        for k, v in row.items()
        if k not in ("id", "public_id", "cooperative", "cooperative_id", "created_at", "updated_at")
    }


def _written() -> list:
    """Per village: the cooperative, its units, profile, policies and audit rows, without what
    differs between any two foundings (ids, public ids, moments)."""
    written = []
    for cooperative in Cooperative.objects.filter(village_id__in=CODES).order_by("village_id"):
        objects = [str(cooperative.public_id)]
        policies = Policy.objects.filter(cooperative=cooperative).order_by("version")
        objects += [str(p.public_id) for p in policies]
        audit = [
            (
                e.actor_id,
                e.actor_label,
                e.action,
                e.object_type,
                e.object_label,
                _without_ids(e.after or {}),
                e.before,
                e.reason,
                (e.cooperative_id == cooperative.pk, e.cooperative_id is None),
            )
            for e in AuditEvent.objects.filter(object_id__in=objects).order_by("id")
        ]
        written.append(
            (
                _without_ids(Cooperative.objects.filter(pk=cooperative.pk).values().get()),
                sorted(
                    tuple(sorted(_without_ids(u).items()))
                    for u in BusinessUnit.objects.filter(cooperative=cooperative).values()
                ),
                [
                    _without_ids(p)
                    for p in VillageProfile.objects.filter(cooperative=cooperative).values()
                ],
                [_without_ids(p) for p in policies.values()],
                audit,
            )
        )
    return written


def test_cooperatives_at_once_are_the_cooperatives_one_by_one():
    with transaction.atomic():
        for founding in _foundings():
            services.cooperative_found(actor=None, **founding)
        one_by_one = _written()
        transaction.set_rollback(True)
    cooperatives = services.cooperatives_found_bulk(actor=None, foundings=_foundings())
    assert _written() == one_by_one
    assert len(one_by_one) == 3
    assert [len(w[4]) for w in one_by_one] == [2, 2, 2]  # cooperative.found, policy.change
    assert [c.village_id for c in cooperatives] == CODES
    assert all(c.pk for c in cooperatives)


def test_signals_follow_each_policy(monkeypatch):
    from kopdes.cooperatives.signals import policy_changed

    sent = []

    def receiver(sender, *, policy, actor, **kwargs):
        sent.append((policy.cooperative.village_id, policy.version))

    policy_changed.connect(receiver, dispatch_uid="test.found_bulk")
    try:
        services.cooperatives_found_bulk(actor=None, foundings=_foundings())
    finally:
        policy_changed.disconnect(dispatch_uid="test.found_bulk")
    assert sent == [(code, 1) for code in CODES]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"npwp": "12"}, InvalidCooperativeData),
        ({"policy": {"savings_rate_max": 50}}, InvalidPolicy),
        ({"policy": {"no_such_field": 1}}, InvalidPolicy),
    ],
)
def test_one_bad_founding_refuses_them_all(change, error):
    foundings = _foundings()
    foundings[1] = {**foundings[1], **change}
    with pytest.raises(error):
        services.cooperatives_found_bulk(actor=None, foundings=foundings)
    assert not Cooperative.objects.filter(village_id__in=CODES).exists()


def test_a_village_taken_before_or_twice_refuses_them_all():
    foundings = _foundings()
    with pytest.raises(VillageTaken):
        services.cooperatives_found_bulk(actor=None, foundings=[*foundings, foundings[0]])
    assert not Cooperative.objects.filter(village_id__in=CODES).exists()
    services.cooperative_found(actor=None, **foundings[2])
    with pytest.raises(VillageTaken):
        services.cooperatives_found_bulk(actor=None, foundings=foundings)
    assert Cooperative.objects.filter(village_id__in=CODES).count() == 1
