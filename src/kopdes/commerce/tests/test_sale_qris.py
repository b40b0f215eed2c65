"""A QRIS sale: pending with its stock reserved and nothing posted, completed by the provider's
signed notification (through the payments handler), or cancelled with its reservation freed."""

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import InsufficientStock, SaleNotPending
from kopdes.commerce.tests.sale_factories import (
    D,
    assert_stock_reconciles,
    at,
    balance,
    code,
    level,
    lines_of,
    stocked,
)
from kopdes.payments import services as payments
from kopdes.payments.models import PaymentIntent
from kopdes.payments.tests.factories import make_merchant


def qris_sale(place, unit, lines):
    with at(D):
        return services.sale_record(actor=place.kasir, unit=unit, lines=lines, payment="qris")


def test_a_qris_sale_waits_for_its_payment_then_posts(place_a):
    unit, beras, _telur = stocked(place_a, quantity=3)
    make_merchant(place_a.cooperative)
    sale = qris_sale(place_a, unit, [(beras, 2)])
    assert (sale.status, sale.entry, sale.cost) == ("pending_payment", None, 0)
    assert (level(unit, beras).quantity, level(unit, beras).reserved) == (3, 2)
    # What is held is not sold to another.
    with pytest.raises(InsufficientStock), at(D):
        services.sale_record(actor=place_a.kasir, unit=unit, lines=[(beras, 2)], payment="cash")
    intent = PaymentIntent.objects.get(purpose="commerce.sale", reference=str(sale.public_id))
    assert intent.amount == 144_000
    with at(D):
        payments.payment_simulate_paid(intent)
        payments.payment_simulate_paid(intent)  # a replay changes nothing
    sale.refresh_from_db()
    assert (sale.status, sale.cost) == ("completed", 130_000)
    assert (level(unit, beras).quantity, level(unit, beras).reserved) == (1, 0)
    assert lines_of(sale.entry) == [
        ("1-109", 144_000, 0),
        (code(unit, "4-201"), 0, 144_000),
        (code(unit, "5-101"), 130_000, 0),
        (code(unit, "1-107"), 0, 130_000),
    ]
    assert balance(place_a.cooperative, "1-109") == 144_000
    assert_stock_reconciles(unit)
    with pytest.raises(SaleNotPending), at(D):
        services.sale_cancel_pending(actor=place_a.kasir, sale=sale)


def test_an_unpaid_qris_sale_is_cancelled_and_its_stock_freed(place_a):
    unit, beras, _telur = stocked(place_a, quantity=3)
    make_merchant(place_a.cooperative)
    sale = qris_sale(place_a, unit, [(beras, 2)])
    with at(D):
        cancelled = services.sale_cancel_pending(actor=place_a.kasir, sale=sale, note="Batal")
    assert cancelled.status == "cancelled" and cancelled.entry is None
    assert (level(unit, beras).quantity, level(unit, beras).reserved) == (3, 0)
    intent = PaymentIntent.objects.get(reference=str(sale.public_id))
    assert intent.status == "cancelled"
    with pytest.raises(SaleNotPending):
        services.sale_complete_payment(sale=sale)
