"""The QRIS pages: the stored static QRIS (seen by every officer, changed by the catalogue
managers), the settlement, and the payment simulator (outside production only)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from kopdes import testing
from kopdes.payments.models import PaymentIntent, QrisMerchant
from kopdes.payments.tests.factories import make_member
from kopdes.savings.models import SavingsAccount

pytestmark = pytest.mark.django_db


def url(name, place):
    return reverse(f"web:{name}", args=[place.cooperative.public_id])


def test_store_and_show_the_office_qris(client, place_a):
    client.force_login(place_a.manajer)
    page = client.get(url("commerce_qris", place_a))
    assert page.status_code == 200
    assert "Belum ada QRIS" in page.content.decode() or "No QRIS" in page.content.decode()
    payload = testing.sample_static_qris()
    saved = client.post(
        url("commerce_qris", place_a), {"target": "kantor", "static_payload": payload}
    )
    assert saved.status_code == 302
    shown = client.get(url("commerce_qris", place_a)).content.decode()
    assert "<svg" in shown and "KOPDES MERAH PUTIH" in shown
    assert QrisMerchant.objects.get(cooperative=place_a.cooperative).static_payload == payload


def test_a_bad_payload_is_explained_and_nothing_saved(client, place_a):
    client.force_login(place_a.ketua)
    payload = testing.sample_static_qris()
    broken = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    answer = client.post(
        url("commerce_qris", place_a), {"target": "kantor", "static_payload": broken}
    )
    assert answer.status_code == 400
    assert "CRC" in answer.content.decode()
    assert QrisMerchant.objects.count() == 0


def test_the_kasir_sees_but_cannot_change(client, place_a):
    client.force_login(place_a.kasir)
    page = client.get(url("commerce_qris", place_a))
    assert page.status_code == 200
    assert url("commerce_simulator", place_a) in page.content.decode()
    with override_settings(PRODUCTION=True):
        hidden = client.get(url("commerce_qris", place_a)).content.decode()
        assert url("commerce_simulator", place_a) not in hidden
    answer = client.post(
        url("commerce_qris", place_a),
        {"target": "kantor", "static_payload": testing.sample_static_qris()},
    )
    assert answer.status_code == 404
    assert QrisMerchant.objects.count() == 0


def test_the_simulator_marks_a_payment_paid(client, place_a):
    member = make_member(place_a.cooperative)
    intent = testing.make_qris(place_a, member)
    client.force_login(place_a.kasir)
    page = client.get(url("commerce_simulator", place_a))
    assert page.status_code == 200 and intent.bill_number in page.content.decode()
    done = client.post(url("commerce_simulator", place_a), {"intent": str(intent.public_id)})
    assert done.status_code == 302
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PAID
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 25_000


def test_the_simulator_refuses_another_cooperatives_intent(client, place_a, place_b):
    foreign = testing.make_qris(place_b, make_member(place_b.cooperative))
    client.force_login(place_a.kasir)
    answer = client.post(url("commerce_simulator", place_a), {"intent": str(foreign.public_id)})
    assert answer.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == PaymentIntent.Status.PENDING


def test_the_simulator_is_hidden_in_production(client, place_a):
    client.force_login(place_a.kasir)
    with override_settings(PRODUCTION=True):
        assert client.get(url("commerce_simulator", place_a)).status_code == 404


def test_settlement_page(client, place_a):
    member = make_member(place_a.cooperative)
    intent = testing.make_qris(place_a, member)
    from kopdes.payments.services import payment_simulate_paid

    payment_simulate_paid(intent)
    client.force_login(place_a.bendahara)
    assert client.get(url("commerce_qris_settle", place_a)).status_code == 200
    too_much = client.post(url("commerce_qris_settle", place_a), {"amount": "30.000"})
    assert too_much.status_code == 400
    done = client.post(url("commerce_qris_settle", place_a), {"amount": "25.000"})
    assert done.status_code == 302
    page = client.get(url("commerce_qris", place_a)).content.decode()
    assert "Rp0" in page
    assert intent.bill_number in page  # among the latest QRIS payments, paid


def test_a_refused_notification_is_listed_for_follow_up(client, place_a):
    from kopdes.payments import gateway
    from kopdes.payments.errors import AmountMismatch
    from kopdes.payments.services import payment_notification_receive

    intent = testing.make_qris(place_a, make_member(place_a.cooperative))
    body, headers = gateway.simulator().notification(
        provider_reference="P-9", bill_number=intent.bill_number, amount=1
    )
    with pytest.raises(AmountMismatch):
        payment_notification_receive(provider="simulator", body=body, headers=headers)
    client.force_login(place_a.sekretaris)
    page = client.get(url("commerce_qris", place_a)).content.decode()
    assert "Jumlah berbeda: ditolak" in page
