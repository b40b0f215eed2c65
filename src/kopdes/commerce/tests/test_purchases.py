"""Purchase orders and goods receipts: posting to persediaan against kas, bank or utang usaha,
partial receipts, idempotency, refusals with nothing half-saved."""

from datetime import date

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import (
    Backdated,
    ExpiryRequired,
    InvalidLines,
    InvalidPayment,
    NotAllowed,
    NotStockUnit,
    OverReceipt,
    PurchaseOrderState,
)
from kopdes.commerce.models import GoodsReceipt, StockLevel, StockLot, StockMovement
from kopdes.commerce.tests.factories import D, at, make_product, make_supplier, stock_in, unit_of
from kopdes.commerce.tests.helpers import assert_reconciles, entry_lines
from kopdes.core.errors import IdempotencyConflict
from kopdes.ledger.models import JournalEntry


@pytest.mark.parametrize(
    ("payment", "credit"), [("cash", "1-101-02"), ("bank", "1-102"), ("credit", "2-102")]
)
def test_a_receipt_posts_persediaan_against_how_it_was_paid(place_a, payment, credit):
    coop = place_a.cooperative
    beras = make_product(coop)
    receipt = stock_in(place_a, beras, 10, unit_cost=65_000, payment=payment)
    assert receipt.number == "GR-2026-0001"
    assert (receipt.total, receipt.received_on, receipt.payment) == (650_000, D, payment)
    # The sembako is the founding's second unit: its accounts end in -02.
    assert entry_lines(receipt.entry) == sorted([("1-107-02", 650_000, 0), (credit, 0, 650_000)])
    assert receipt.entry.source_kind == "stock.received"
    level = StockLevel.objects.get(unit=receipt.unit, product=beras)
    assert (level.quantity, level.value) == (10, 650_000)
    movement = StockMovement.objects.get(reference=f"receipt:{receipt.number}")
    assert (movement.kind, movement.quantity, movement.value, movement.entry_id) == (
        "receipt",
        10,
        650_000,
        receipt.entry_id,
    )
    assert_reconciles(coop)


def test_the_same_key_returns_the_first_receipt_and_another_request_conflicts(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    first = stock_in(place_a, beras, 10, idempotency_key="gr-1")
    again = stock_in(place_a, beras, 10, idempotency_key="gr-1")
    assert again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        stock_in(place_a, beras, 11, idempotency_key="gr-1")
    assert GoodsReceipt.objects.filter(cooperative=coop).count() == 1
    assert StockLevel.objects.get(unit=first.unit, product=beras).quantity == 10


def test_partial_receipts_of_an_order(place_a):
    coop = place_a.cooperative
    unit = unit_of(coop)
    beras = make_product(coop)
    gula = make_product(
        coop, sku="GL-1", name="Gula 1 kg", member_price=17_000, non_member_price=18_000
    )
    supplier = make_supplier(coop)
    with at(D):
        order = services.purchase_order_create(
            actor=place_a.manajer,
            unit=unit,
            supplier=supplier,
            lines=[(beras, 10, 65_000), (gula, 20, 15_000)],
        )
        assert (order.number, order.status) == ("PO-2026-0001", "draft")
        with pytest.raises(PurchaseOrderState):
            stock_in(place_a, beras, 4, order=order, supplier=supplier)
        services.purchase_order_submit(actor=place_a.manajer, order=order)
        stock_in(place_a, beras, 4, order=order, supplier=supplier)
        order.refresh_from_db()
        assert order.status == "partly_received"
        with pytest.raises(OverReceipt) as caught:
            stock_in(place_a, beras, 7, order=order, supplier=supplier)
        assert caught.value.code == "commerce.over_receipt"
        with pytest.raises(PurchaseOrderState):
            services.purchase_order_cancel(actor=place_a.manajer, order=order)
        services.goods_receive(
            actor=place_a.manajer,
            unit=unit,
            supplier=supplier,
            order=order,
            payment="credit",
            lines=[(beras, 6, 65_000), (gula, 20, 15_000)],
        )
    order.refresh_from_db()
    assert order.status == "received"
    assert sorted(order.lines.values_list("quantity", "received_quantity")) == [(10, 10), (20, 20)]
    assert StockLevel.objects.get(unit=unit, product=beras).quantity == 10
    assert_reconciles(coop)


def test_an_order_can_be_cancelled_before_anything_arrives(place_a):
    coop = place_a.cooperative
    with at(D):
        order = services.purchase_order_create(
            actor=place_a.manajer,
            unit=unit_of(coop),
            supplier=make_supplier(coop),
            lines=[(make_product(coop), 1, 65_000)],
        )
        services.purchase_order_cancel(actor=place_a.manajer, order=order)
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_refusals_leave_nothing_behind(place_a, place_b):
    coop = place_a.cooperative
    beras = make_product(coop)
    obat = make_product(
        coop,
        sku="PCT",
        name="Parasetamol",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    other = make_product(place_b.cooperative)
    cases = [
        (InvalidLines, {"lines": []}),
        (InvalidLines, {"lines": [(beras, 0, 65_000)]}),
        (InvalidLines, {"lines": [(beras, 1, 0)]}),
        (InvalidLines, {"lines": [(beras, 1, 65_000), (beras, 1, 65_000)]}),
        (InvalidLines, {"lines": [(other, 1, 65_000)]}),
        (InvalidPayment, {"payment": "gold"}),
        (NotStockUnit, {"unit": unit_of(coop, "kantor")}),
        (ExpiryRequired, {"lines": [(obat, 1, 3_000)], "unit": unit_of(coop, "apotek")}),
        (Backdated, {"on": date(2026, 3, 1)}),
        (NotAllowed, {"actor": place_a.kasir}),
    ]
    entries = JournalEntry.objects.filter(cooperative=coop).count()
    with at(D):
        for error, change in cases:
            kwargs = {
                "actor": place_a.manajer,
                "unit": unit_of(coop),
                "supplier": make_supplier(coop),
                "lines": [(beras, 1, 65_000)],
                "payment": "cash",
                **change,
            }
            with pytest.raises(error):
                services.goods_receive(**kwargs)
    assert not GoodsReceipt.objects.filter(cooperative=coop).exists()
    assert not StockMovement.objects.filter(cooperative=coop).exists()
    assert not StockLot.objects.filter(cooperative=coop).exists()
    assert JournalEntry.objects.filter(cooperative=coop).count() == entries
