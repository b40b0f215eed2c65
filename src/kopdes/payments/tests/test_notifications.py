"""Intents, signed notifications, replays and forgeries, the simulator (ADR 0019-qris-gateway)."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings

from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.payments import gateway as gateways
from kopdes.payments import handlers, qris, services
from kopdes.payments.errors import (
    AmountMismatch,
    BadNotification,
    BadSignature,
    IntentClosed,
    InvalidAmount,
    NoMerchant,
    NotPending,
    Refused,
    SimulatorOff,
    UnknownIntent,
    UnknownProvider,
    UnknownPurpose,
)
from kopdes.payments.models import PaymentIntent, PaymentNotification
from kopdes.payments.tests.factories import make_member, make_merchant

PURPOSE = "commerce.sale"


@pytest.fixture
def booked(monkeypatch):
    """A handler for commerce.sale that records what it was asked to book."""
    calls = []
    monkeypatch.setitem(handlers._handlers, PURPOSE, lambda i, n: calls.append((i.pk, n.pk)))
    return calls


@pytest.fixture
def intent(coop_a, booked):
    make_merchant(coop_a)
    return services.payment_intent_create(
        cooperative=coop_a, purpose=PURPOSE, reference="sale:1", amount=27_500
    )


def _deliver(intent, *, reference="REF-1", amount=None, status="paid", paid_at=None):
    body, headers = gateways.simulator().notification(
        provider_reference=reference,
        bill_number=intent.bill_number,
        amount=intent.amount if amount is None else amount,
        status=status,
        paid_at=paid_at or clock.now(),
    )
    return services.payment_notification_receive(provider="simulator", body=body, headers=headers)


def _state():
    return (
        list(PaymentIntent.objects.order_by("pk").values_list("pk", "status", "paid_at")),
        PaymentNotification.objects.count(),
    )


def test_intent_carries_a_dynamic_qris(intent):
    assert intent.status == PaymentIntent.Status.PENDING
    assert qris.crc_valid(intent.payload)
    assert qris.payload_amount(intent.payload) == 27_500
    assert qris.payload_bill_number(intent.payload) == intent.bill_number
    assert {f.tag: f.value for f in qris.parse(intent.payload)}["01"] == "12"
    assert intent.expires_at > clock.now()


def test_intent_refusals(coop_a, coop_b, booked):
    with pytest.raises(NoMerchant):
        services.payment_intent_create(cooperative=coop_a, purpose=PURPOSE, reference="x", amount=1)
    make_merchant(coop_a)
    for amount in (0, -1, 10**13, True, 1.5):
        with pytest.raises(InvalidAmount):
            services.payment_intent_create(
                cooperative=coop_a, purpose=PURPOSE, reference="x", amount=amount
            )
    with pytest.raises(UnknownPurpose):
        services.payment_intent_create(
            cooperative=coop_a, purpose="loans.repaid", reference="x", amount=1
        )
    with pytest.raises(NotFound):
        services.payment_intent_create(
            cooperative=coop_a,
            purpose=PURPOSE,
            reference="x",
            amount=1,
            member=make_member(coop_b),
        )
    assert PaymentIntent.objects.count() == 0


def test_same_thing_is_never_open_twice(intent):
    again = services.payment_intent_create(
        cooperative=intent.cooperative, purpose=PURPOSE, reference="sale:1", amount=27_500
    )
    assert again.pk == intent.pk
    changed = services.payment_intent_create(
        cooperative=intent.cooperative, purpose=PURPOSE, reference="sale:1", amount=30_000
    )
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.CANCELLED
    assert changed.status == PaymentIntent.Status.PENDING
    _deliver(changed)
    with pytest.raises(NotPending):
        services.payment_intent_create(
            cooperative=intent.cooperative, purpose=PURPOSE, reference="sale:1", amount=30_000
        )


def test_a_signed_notification_pays_and_books_once(intent, booked):
    record = _deliver(intent)
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PAID
    assert intent.provider_reference == "REF-1"
    assert record.outcome == PaymentNotification.Outcome.PAID and record.signature_valid
    assert booked == [(intent.pk, record.pk)]
    # The replay: the same answer, nothing changes, the handler is not called again.
    before = _state()
    again = _deliver(intent)
    assert again.pk == record.pk
    assert _state() == before
    assert booked == [(intent.pk, record.pk)]


def test_a_forged_notification_changes_nothing(intent, booked):
    body, headers = gateways.simulator().notification(
        provider_reference="REF-1", bill_number=intent.bill_number, amount=intent.amount
    )
    forged = {**headers, "X-Kopdes-Signature": "0" * 64}
    before = _state()
    with pytest.raises(BadSignature):
        services.payment_notification_receive(provider="simulator", body=body, headers=forged)
    with pytest.raises(BadSignature):
        services.payment_notification_receive(provider="simulator", body=body, headers={})
    # A body changed after signing: the signature no longer covers it.
    tampered = body.replace(b'"amount":27500', b'"amount":1')
    with pytest.raises(BadSignature):
        services.payment_notification_receive(provider="simulator", body=tampered, headers=headers)
    assert _state()[0] == before[0]
    kept = list(PaymentNotification.objects.order_by("pk"))
    assert [(n.signature_valid, n.outcome, n.provider_reference) for n in kept] == [
        (False, "bad_signature", None)
    ] * 3
    assert booked == []
    # The forgeries took no reference: the genuine notification still pays.
    assert _deliver(intent).outcome == "paid"


def test_amount_mismatch_is_refused_and_kept(intent, booked):
    before = _state()[0]
    with pytest.raises(AmountMismatch) as refused:
        _deliver(intent, amount=1_000)
    assert refused.value.code == "payments.amount_mismatch"
    assert _state()[0] == before
    assert booked == []
    # its replay answers the same
    with pytest.raises(AmountMismatch):
        _deliver(intent, amount=1_000)
    assert PaymentNotification.objects.filter(outcome="amount_mismatch").count() == 1


def test_unknown_bill_and_unknown_provider(intent):
    body, headers = gateways.simulator().notification(
        provider_reference="REF-9", bill_number="KDNOSUCHBILL", amount=1
    )
    with pytest.raises(UnknownIntent):
        services.payment_notification_receive(provider="simulator", body=body, headers=headers)
    count = PaymentNotification.objects.count()
    with pytest.raises(UnknownProvider):
        services.payment_notification_receive(provider="other", body=body, headers=headers)
    assert PaymentNotification.objects.count() == count


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b"{}", json.dumps({"reference": "R", "bill_number": "B"}).encode()],
)
def test_an_unreadable_notification_is_refused(intent, body):
    headers = {"X-Kopdes-Signature": gateways.simulator().signature(body)}
    with pytest.raises(BadNotification):
        services.payment_notification_receive(provider="simulator", body=body, headers=headers)
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PENDING


def test_failed_payment_and_second_payment_book_nothing(intent, booked):
    assert _deliver(intent, reference="F-1", status="failed").outcome == "not_paid"
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PENDING
    _deliver(intent, reference="P-1")
    second = _deliver(intent, reference="P-2")
    assert second.outcome == "duplicate"
    assert len(booked) == 1


def test_cancelled_and_late_payments_are_refused(intent, booked):
    services.payment_intent_cancel(actor=None, intent=intent)
    with pytest.raises(IntentClosed):
        _deliver(intent)
    with pytest.raises(NotPending):
        services.payment_intent_cancel(actor=None, intent=intent)
    assert booked == []


def test_expiry_and_a_payment_made_in_time(coop_a, booked):
    make_merchant(coop_a)
    first = services.payment_intent_create(
        cooperative=coop_a, purpose=PURPOSE, reference="a", amount=5_000
    )
    second = services.payment_intent_create(
        cooperative=coop_a, purpose=PURPOSE, reference="b", amount=5_000
    )
    with pytest.raises(NotPending):
        services.payment_intent_expire(intent=first)
    later = first.expires_at + timedelta(minutes=1)
    assert services.payment_intents_expire_due(cooperative=coop_a, now=later) == 2
    # paid before it expired, notified after: booked
    _deliver(first, reference="IN-TIME", paid_at=first.expires_at - timedelta(minutes=1))
    first.refresh_from_db()
    assert first.status == PaymentIntent.Status.PAID
    # paid after it expired: refused
    with pytest.raises(IntentClosed):
        _deliver(second, reference="LATE", paid_at=later)
    assert len(booked) == 1


def test_a_handler_that_refuses_books_nothing(coop_a, monkeypatch):
    from kopdes.core.errors import Conflict

    def refuse(intent, notification):
        PaymentIntent.objects.filter(pk=intent.pk).update(reference="changed")
        raise Conflict()

    monkeypatch.setitem(handlers._handlers, PURPOSE, refuse)
    make_merchant(coop_a)
    intent = services.payment_intent_create(
        cooperative=coop_a, purpose=PURPOSE, reference="r", amount=9_000
    )
    with pytest.raises(Refused):
        _deliver(intent)
    intent.refresh_from_db()
    assert (intent.status, intent.reference) == (PaymentIntent.Status.PENDING, "r")
    assert PaymentNotification.objects.get().outcome == "refused"


def test_the_simulator_uses_the_real_path(intent, booked):
    record = services.payment_simulate_paid(intent)
    assert record.signature_valid and record.provider == "simulator"
    assert record.provider_reference == f"SIM-{intent.bill_number}"
    assert services.payment_simulate_paid(intent).pk == record.pk  # a replay
    assert len(booked) == 1


def test_the_simulator_is_off_in_production(intent):
    with override_settings(PRODUCTION=True), pytest.raises(SimulatorOff):
        services.payment_simulate_paid(intent)
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PENDING


def test_the_daily_job_expires_what_is_due(coop_a, booked):
    from datetime import date, datetime

    import time_machine

    from kopdes.payments import daily

    make_merchant(coop_a)
    with time_machine.travel(datetime.fromisoformat("2026-04-02 10:00+07:00"), tick=False):
        services.payment_intent_create(
            cooperative=coop_a, purpose=PURPOSE, reference="d", amount=1_000
        )
    with time_machine.travel(datetime.fromisoformat("2026-04-03 01:00+07:00"), tick=False):
        outcome = daily.run(day=date(2026, 4, 2), village=coop_a.village_id)
        assert outcome.failures == [] and outcome.lines[0].endswith(": 1.")
        assert PaymentIntent.objects.get().status == PaymentIntent.Status.EXPIRED
        assert daily.run(day=date(2026, 4, 2), village="99.99").failures
