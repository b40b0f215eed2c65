"""The one stock mechanism (kopdes.commerce.stock): moving-average cost exact to the rupiah, FEFO
lots, refusals naming the product, reservations, the business date, the bulk form."""

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from kopdes.commerce.errors import (
    Backdated,
    ExpiryRequired,
    FutureDate,
    InsufficientStock,
    InvalidLines,
    NotStockUnit,
)
from kopdes.commerce.models import StockLevel, StockLot, StockMovement
from kopdes.commerce.stock import (
    issue_cost,
    stock_issue,
    stock_issue_bulk,
    stock_link_entries,
    stock_release,
    stock_reserve,
    stock_restore,
)
from kopdes.commerce.tests.factories import D, at, make_product, unit_of
from kopdes.ledger import services as ledger


@pytest.fixture
def shop(place_a):
    cooperative = place_a.cooperative
    return cooperative, unit_of(cooperative), make_product(cooperative)


def _level(unit, product):
    return StockLevel.objects.get(unit=unit, product=product)


def _movement_value(unit):
    return StockMovement.objects.filter(unit=unit).aggregate(v=Sum("value"))["v"] or 0


def test_moving_average_cost_is_exact_to_the_rupiah(shop):
    _coop, unit, beras = shop
    with at(D):
        stock_restore(unit=unit, lines=[(beras, 3, 100)], on=D, kind="receipt", reference="r:1")
        costs = [
            stock_issue(unit=unit, lines=[(beras, 1)], on=D, kind="sale", reference=f"s:{n}")[0]
            for n in range(3)
        ]
    # 100 / 3: two units at 33, the last takes what is left.
    assert costs == [33, 33, 34]
    level = _level(unit, beras)
    assert (level.quantity, level.value) == (0, 0)
    assert _movement_value(unit) == 0


def test_a_second_receipt_averages_in(shop):
    _coop, unit, beras = shop
    with at(D):
        stock_restore(
            unit=unit, lines=[(beras, 10, 650_000)], on=D, kind="receipt", reference="r:1"
        )
        stock_restore(unit=unit, lines=[(beras, 5, 340_000)], on=D, kind="receipt", reference="r:2")
        [cost] = stock_issue(unit=unit, lines=[(beras, 4)], on=D, kind="sale", reference="s:1")
    assert cost == 990_000 * 4 // 15
    level = _level(unit, beras)
    assert (level.quantity, level.value) == (11, 990_000 - cost)
    assert level.last_movement_on == D
    assert _movement_value(unit) == level.value
    sale = StockMovement.objects.get(reference="s:1")
    assert (sale.kind, sale.quantity, sale.value, sale.on) == ("sale", -4, -cost, D)


@given(
    value=st.integers(min_value=0, max_value=10**12),
    issues=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=20),
)
def test_issuing_everything_takes_the_whole_value(value, issues):
    quantity = sum(issues)
    left_q, left_v, taken = quantity, value, 0
    for issued in issues:
        cost = issue_cost(left_v, left_q, issued)
        assert 0 <= cost <= left_v
        left_q, left_v, taken = left_q - issued, left_v - cost, taken + cost
    assert (left_q, left_v, taken) == (0, 0, value)


def test_lots_are_consumed_first_expiry_first_out(shop):
    coop, _unit, _beras = shop
    apotek = unit_of(coop, "apotek")
    obat = make_product(
        coop,
        sku="PCT-500",
        name="Parasetamol 500 mg",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    late, early = date(2027, 6, 30), date(2026, 9, 30)
    with at(D):
        stock_restore(
            unit=apotek,
            lines=[(obat, 5, 15_000)],
            on=D,
            kind="receipt",
            reference="r:1",
            expiry={obat.pk: late},
        )
        stock_restore(
            unit=apotek,
            lines=[(obat, 4, 12_000)],
            on=D,
            kind="receipt",
            reference="r:2",
            expiry={obat.pk: early},
        )
        stock_issue(unit=apotek, lines=[(obat, 6)], on=D, kind="sale", reference="s:1")
    lots = dict(
        StockLot.objects.filter(unit=apotek, product=obat).values_list("expiry_date", "quantity")
    )
    assert lots == {early: 0, late: 3}
    assert _level(apotek, obat).quantity == 3


def test_more_than_on_hand_is_refused_naming_the_product_and_nothing_changes(shop):
    _coop, unit, beras = shop
    with at(D):
        stock_restore(unit=unit, lines=[(beras, 2, 130_000)], on=D, kind="receipt", reference="r:1")
        with pytest.raises(InsufficientStock) as caught:
            stock_issue(unit=unit, lines=[(beras, 3)], on=D, kind="sale", reference="s:1")
    assert caught.value.code == "commerce.insufficient_stock"
    assert "Beras 5 kg" in caught.value.render()
    assert caught.value.params["available"] == 2
    level = _level(unit, beras)
    assert (level.quantity, level.value) == (2, 130_000)
    assert not StockMovement.objects.filter(reference="s:1").exists()


def test_a_product_never_received_is_refused(shop):
    coop, unit, _beras = shop
    gula = make_product(
        coop, sku="GL-1", name="Gula 1 kg", unit="pcs", member_price=17_000, non_member_price=18_000
    )
    with at(D), pytest.raises(InsufficientStock):
        stock_issue(unit=unit, lines=[(gula, 1)], on=D, kind="sale", reference="s:1")


def test_reserved_goods_are_not_issued_to_someone_else(shop):
    _coop, unit, beras = shop
    with at(D):
        stock_restore(
            unit=unit, lines=[(beras, 10, 650_000)], on=D, kind="receipt", reference="r:1"
        )
        stock_reserve(unit=unit, lines=[(beras, 8)])
        with pytest.raises(InsufficientStock):
            stock_issue(unit=unit, lines=[(beras, 3)], on=D, kind="sale", reference="s:1")
        with pytest.raises(InsufficientStock):
            stock_reserve(unit=unit, lines=[(beras, 3)])
        stock_issue(unit=unit, lines=[(beras, 2)], on=D, kind="sale", reference="s:2")
        # The reservation's own collection may take the reserved goods, and consumes it.
        stock_issue(
            unit=unit, lines=[(beras, 5)], on=D, kind="sale", reference="s:3", allow_reserved=True
        )
        assert (_level(unit, beras).quantity, _level(unit, beras).reserved) == (3, 3)
        stock_release(unit=unit, lines=[(beras, 3)])
    assert _level(unit, beras).reserved == 0


@pytest.mark.parametrize(
    ("days", "error", "code"),
    [(-1, Backdated, "commerce.backdated"), (1, FutureDate, "commerce.future_date")],
)
def test_movements_are_dated_the_business_date(shop, days, error, code):
    _coop, unit, beras = shop
    with at(D):
        with pytest.raises(error) as caught:
            stock_restore(
                unit=unit,
                lines=[(beras, 1, 65_000)],
                on=D + timedelta(days=days),
                kind="receipt",
                reference="r:1",
            )
        assert caught.value.code == code
        with pytest.raises(error):
            stock_issue(
                unit=unit,
                lines=[(beras, 1)],
                on=D + timedelta(days=days),
                kind="sale",
                reference="s:1",
            )
    assert not StockMovement.objects.filter(unit=unit).exists()
    assert not StockLevel.objects.filter(unit=unit).exists()


def test_units_without_stock_and_bad_lines_are_refused(shop, place_b):
    coop, unit, beras = shop
    other = make_product(place_b.cooperative)
    with at(D):
        with pytest.raises(NotStockUnit) as caught:
            stock_restore(
                unit=unit_of(coop, "kantor"),
                lines=[(beras, 1, 1)],
                on=D,
                kind="receipt",
                reference="r:1",
            )
        assert caught.value.code == "commerce.not_stock_unit"
        for lines in ([], [(beras, 0, 1)], [(beras, 1.5, 1)], [(beras, 1, -1)], [(other, 1, 1)]):
            with pytest.raises(InvalidLines):
                stock_restore(unit=unit, lines=lines, on=D, kind="receipt", reference="r:1")


def test_the_bulk_form_matches_one_by_one_and_refuses_per_document(shop):
    coop, unit, beras = shop
    gula = make_product(
        coop, sku="GL-1", name="Gula 1 kg", unit="pcs", member_price=17_000, non_member_price=18_000
    )
    with at(D):
        stock_restore(
            unit=unit,
            lines=[(beras, 7, 455_003), (gula, 3, 45_000)],
            on=D,
            kind="receipt",
            reference="r:1",
        )
        results = stock_issue_bulk(
            unit=unit,
            documents=[
                ("s:1", [(beras, 2), (gula, 1)]),
                ("s:2", [(gula, 1), (beras, 9)]),  # too much beras: the whole sale is refused
                ("s:3", [(beras, 5), (gula, 2)]),
            ],
            on=D,
            kind="sale",
        )
    assert results[0] == [455_003 * 2 // 7, 15_000]
    assert isinstance(results[1], InsufficientStock)
    assert results[2] == [455_003 - 455_003 * 2 // 7, 30_000]
    assert (_level(unit, beras).quantity, _level(unit, beras).value) == (0, 0)
    assert (_level(unit, gula).quantity, _level(unit, gula).value) == (0, 0)
    assert not StockMovement.objects.filter(reference="s:2").exists()
    assert StockMovement.objects.filter(reference="s:3").count() == 2
    assert _movement_value(unit) == 0


def test_a_return_of_a_tracked_product_goes_into_its_latest_lot(shop):
    coop, _unit, _beras = shop
    apotek = unit_of(coop, "apotek")
    obat = make_product(
        coop,
        sku="PCT-500",
        name="Parasetamol 500 mg",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    with at(D):
        with pytest.raises(ExpiryRequired) as caught:
            stock_restore(
                unit=apotek, lines=[(obat, 1, 3_000)], on=D, kind="return", reference="rt:1"
            )
        assert caught.value.code == "commerce.expiry_required"
        for n, expires in enumerate((date(2026, 9, 30), date(2027, 6, 30))):
            stock_restore(
                unit=apotek,
                lines=[(obat, 2, 6_000)],
                on=D,
                kind="receipt",
                reference=f"r:{n}",
                expiry={obat.pk: expires},
            )
        stock_restore(unit=apotek, lines=[(obat, 1, 3_000)], on=D, kind="return", reference="rt:2")
    lots = dict(
        StockLot.objects.filter(unit=apotek, product=obat).values_list("expiry_date", "quantity")
    )
    assert lots == {date(2026, 9, 30): 2, date(2027, 6, 30): 3}


def test_the_bulk_form_consumes_lots_and_links_entries(shop):
    coop, _unit, _beras = shop
    apotek = unit_of(coop, "apotek")
    obat = make_product(
        coop,
        sku="PCT-500",
        name="Parasetamol 500 mg",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    early, late = date(2026, 9, 30), date(2027, 6, 30)
    with at(D):
        stock_restore(
            unit=apotek,
            lines=[(obat, 3, 9_000)],
            on=D,
            kind="receipt",
            reference="r:1",
            lots={obat.pk: [(early, 2), (late, 1)]},
        )
        results = stock_issue_bulk(
            unit=apotek,
            documents=[("s:1", [(obat, 1)]), ("s:2", [(obat, 5)]), ("s:3", [(obat, 2)])],
            on=D,
            kind="sale",
        )
    assert results[0] == [3_000]
    assert isinstance(results[1], InsufficientStock)
    assert results[2] == [6_000]
    lots = dict(
        StockLot.objects.filter(unit=apotek, product=obat).values_list("expiry_date", "quantity")
    )
    assert lots == {early: 0, late: 0}
    entry = ledger.post_event(
        cooperative=coop,
        event="capital.csr_received",
        amounts={"amount": 1_000},
        date=D,
        memo="Entry to link",
    )
    stock_link_entries(cooperative_id=coop.pk, entries={"s:1": entry.pk, "s:3": entry.pk})
    assert set(
        StockMovement.objects.filter(reference__in=["s:1", "s:3"]).values_list(
            "entry_id", flat=True
        )
    ) == {entry.pk}
