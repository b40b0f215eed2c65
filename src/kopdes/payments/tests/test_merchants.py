"""The static QRIS of the office and the gerai; the settlement of QRIS money into the bank."""

import pytest

from kopdes.cooperatives.models import BusinessUnit
from kopdes.core.audit import AuditEvent
from kopdes.core.errors import NotFound
from kopdes.payments import qris, services
from kopdes.payments.errors import InvalidAmount, InvalidQris, InvalidSettlement, NotAllowed
from kopdes.payments.models import QrisMerchant
from kopdes.payments.tests.factories import STATIC


def test_set_and_replace_the_office_qris(place_a):
    coop = place_a.cooperative
    merchant = services.qris_merchant_set(
        actor=place_a.ketua, cooperative=coop, unit=None, static_payload=f"  {STATIC}\n"
    )
    assert (merchant.merchant_name, merchant.merchant_city, merchant.nmid) == (
        "KOPDES MERAH PUTIH BLRJ",
        "TANGERANG",
        "ID1026123456789",
    )
    assert merchant.static_payload == STATIC
    again = services.qris_merchant_set(
        actor=place_a.bendahara, cooperative=coop, unit=None, static_payload=STATIC
    )
    assert again.pk == merchant.pk and QrisMerchant.objects.count() == 1
    assert AuditEvent.objects.filter(action="payments.merchant_set").count() == 2


def test_a_unit_has_its_own(place_a, place_b):
    unit = BusinessUnit.objects.filter(cooperative=place_a.cooperative).first()
    services.qris_merchant_set(
        actor=place_a.manajer, cooperative=place_a.cooperative, unit=unit, static_payload=STATIC
    )
    assert QrisMerchant.objects.get().unit == unit
    foreign = BusinessUnit.objects.filter(cooperative=place_b.cooperative).first()
    with pytest.raises(NotFound):
        services.qris_merchant_set(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            unit=foreign,
            static_payload=STATIC,
        )


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("hello", "not a QRIS code"),
        (STATIC[:-1] + ("0" if STATIC[-1] != "0" else "1"), "check digits (CRC) do not match"),
        (
            qris.dynamic_payload(STATIC, amount=1000, bill_number="B1"),
            "not a static QRIS",
        ),
        ("0" * 600, "not a QRIS code"),
    ],
)
def test_a_bad_payload_is_refused_with_what_is_wrong(place_a, payload, says):
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidQris) as refused:
        services.qris_merchant_set(
            actor=place_a.ketua, cooperative=place_a.cooperative, unit=None, static_payload=payload
        )
    assert refused.value.code == "payments.invalid_qris"
    assert any(says in m for m in refused.value.fields["static_payload"])
    assert QrisMerchant.objects.count() == 0


@pytest.mark.parametrize("who", ["kasir", "sekretaris", "pengawas", "anggota"])
def test_only_the_catalogue_managers(place_a, who):
    with pytest.raises(NotAllowed):
        services.qris_merchant_set(
            actor=place_a.people[who],
            cooperative=place_a.cooperative,
            unit=None,
            static_payload=STATIC,
        )
    with pytest.raises(NotAllowed):
        services.qris_merchant_set(
            actor=None, cooperative=place_a.cooperative, unit=None, static_payload=STATIC
        )


def test_settlement_refusals(place_a):
    coop = place_a.cooperative
    with pytest.raises(InvalidSettlement):  # 1-109 holds nothing
        services.qris_settle(actor=place_a.bendahara, cooperative=coop, amount=1)
    with pytest.raises(InvalidAmount):
        services.qris_settle(actor=place_a.bendahara, cooperative=coop, amount=0)
    with pytest.raises(NotAllowed):
        services.qris_settle(actor=place_a.kasir, cooperative=coop, amount=1)
