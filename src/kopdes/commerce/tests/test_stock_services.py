"""Transfers, opname and write-offs: posted at moving-average value to the right accounts, the
four-eyes rules, the stock reconciling to persediaan after every kind of movement."""

from datetime import date

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import (
    CountIncomplete,
    CountOpen,
    InsufficientStock,
    InvalidLines,
    NotAllowed,
    ReasonRequired,
    SamePerson,
    SameUnit,
    WriteOffState,
)
from kopdes.commerce.models import StockLevel, StockLot, StockMovement
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.commerce.tests.helpers import assert_reconciles, entry_lines


@pytest.fixture
def stocked(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    gula = make_product(
        coop, sku="GL-1", name="Gula 1 kg", member_price=17_000, non_member_price=18_000
    )
    stock_in(place_a, beras, 3, unit_cost=65_001)  # 195.003: the average is not whole
    stock_in(place_a, gula, 20, unit_cost=15_000)
    return place_a, beras, gula


def _level(unit, product):
    return StockLevel.objects.filter(unit=unit, product=product).first()


def test_a_transfer_moves_stock_at_moving_average(stocked):
    place, beras, _gula = stocked
    coop = place.cooperative
    sembako, gudang = unit_of(coop), unit_of(coop, "pergudangan")
    with at(D):
        transfer = services.stock_transfer(
            actor=place.manajer, from_unit=sembako, to_unit=gudang, lines=[(beras, 2)]
        )
    assert transfer.number == "TR-2026-0001"
    [line] = transfer.lines.all()
    assert line.value == 195_003 * 2 // 3
    # pergudangan is the founding's sixth unit.
    assert entry_lines(transfer.entry) == sorted(
        [("1-107-06", line.value, 0), ("1-107-02", 0, line.value)]
    )
    assert (_level(gudang, beras).quantity, _level(gudang, beras).value) == (2, line.value)
    assert _level(sembako, beras).value == 195_003 - line.value
    assert_reconciles(coop)


def test_transfer_refusals(stocked):
    place, beras, _gula = stocked
    coop = place.cooperative
    with at(D):
        with pytest.raises(SameUnit):
            services.stock_transfer(
                actor=place.manajer,
                from_unit=unit_of(coop),
                to_unit=unit_of(coop),
                lines=[(beras, 1)],
            )
        with pytest.raises(InsufficientStock):
            services.stock_transfer(
                actor=place.manajer,
                from_unit=unit_of(coop),
                to_unit=unit_of(coop, "pergudangan"),
                lines=[(beras, 4)],
            )
        with pytest.raises(NotAllowed):
            services.stock_transfer(
                actor=place.kasir,
                from_unit=unit_of(coop),
                to_unit=unit_of(coop, "pergudangan"),
                lines=[(beras, 1)],
            )
    assert not StockMovement.objects.filter(cooperative=coop, kind__startswith="transfer").exists()


def test_expiry_lots_travel_with_a_transfer(place_a):
    coop = place_a.cooperative
    gudang, apotek = unit_of(coop, "pergudangan"), unit_of(coop, "apotek")
    obat = make_product(
        coop,
        sku="PCT",
        name="Parasetamol",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    stock_in(place_a, obat, 10, unit_cost=3_000, unit=gudang, expiry_date=date(2027, 1, 31))
    stock_in(place_a, obat, 10, unit_cost=3_000, unit=gudang, expiry_date=date(2026, 8, 31))
    with at(D):
        services.stock_transfer(
            actor=place_a.manajer, from_unit=gudang, to_unit=apotek, lines=[(obat, 12)]
        )
    lots = dict(StockLot.objects.filter(unit=apotek).values_list("expiry_date", "quantity"))
    assert lots == {date(2026, 8, 31): 10, date(2027, 1, 31): 2}
    assert_reconciles(coop)


def test_opname_second_count_reasons_and_approval(stocked):
    place, beras, gula = stocked
    coop = place.cooperative
    unit = unit_of(coop)
    with at(D):
        count = services.stock_count_start(actor=place.manajer, unit=unit)
        assert count.number == "SO-2026-0001"
        with pytest.raises(CountOpen):
            services.stock_count_start(actor=place.manajer, unit=unit)
        assert dict(count.lines.values_list("product_id", "expected_quantity")) == {
            beras.pk: 3,
            gula.pk: 20,
        }
        services.stock_count_record(actor=place.manajer, count=count, counts={beras: 3})
        with pytest.raises(CountIncomplete):
            services.stock_count_submit(actor=place.manajer, count=count)
        count = services.stock_count_record(actor=place.manajer, count=count, counts={gula: 17})
        assert count.status == "recount"
        # The second count is another person's; the lines that agree are not recounted.
        with pytest.raises(SamePerson):
            services.stock_count_recount(actor=place.manajer, count=count, counts={gula: 18})
        with pytest.raises(InvalidLines):
            services.stock_count_recount(actor=place.bendahara, count=count, counts={beras: 2})
        with pytest.raises(CountIncomplete):
            services.stock_count_submit(actor=place.manajer, count=count)
        count = services.stock_count_recount(actor=place.bendahara, count=count, counts={gula: 18})
        assert count.status == "counting"
        with pytest.raises(ReasonRequired):
            services.stock_count_submit(actor=place.manajer, count=count)
        count = services.stock_count_submit(
            actor=place.manajer, count=count, reasons={gula: "Karung bocor"}
        )
        for counter in (place.manajer, place.bendahara):
            with pytest.raises(SamePerson) as caught:
                services.stock_count_approve(actor=counter, count=count)
            assert caught.value.code == "commerce.same_person"
        with pytest.raises(NotAllowed):
            services.stock_count_approve(actor=place.kasir, count=count)
        count = services.stock_count_approve(actor=place.ketua, count=count)
    assert (count.status, count.posted_on) == ("posted", D)
    line = count.lines.get(product=gula)
    assert (line.second_count, line.reason, line.value_difference) == (18, "Karung bocor", -30_000)
    assert entry_lines(count.entry) == sorted([("5-206", 30_000, 0), ("1-107-02", 0, 30_000)])
    assert "Karung bocor" in count.entry.memo
    assert _level(unit, gula).quantity == 18
    assert_reconciles(coop)


def test_opname_gain_at_moving_average(stocked):
    place, beras, _gula = stocked
    coop = place.cooperative
    unit = unit_of(coop)
    with at(D):
        count = services.stock_count_start(actor=place.manajer, unit=unit)
        services.stock_count_record(actor=place.manajer, count=count, counts={beras: 5, _gula: 20})
        services.stock_count_recount(actor=place.bendahara, count=count, counts={beras: 4})
        services.stock_count_submit(
            actor=place.manajer, count=count, reasons={beras.pk: "Salah catat"}
        )
        count = services.stock_count_approve(actor=place.ketua, count=count)
    gain = 195_003 * 1 // 3
    assert entry_lines(count.entry) == sorted([("1-107-02", gain, 0), ("4-901", 0, gain)])
    assert (_level(unit, beras).quantity, _level(unit, beras).value) == (4, 195_003 + gain)
    assert_reconciles(coop)


def test_a_count_without_differences_posts_nothing(stocked):
    place, beras, gula = stocked
    with at(D):
        count = services.stock_count_start(actor=place.manajer, unit=unit_of(place.cooperative))
        services.stock_count_record(actor=place.manajer, count=count, counts={beras: 3, gula: 20})
        services.stock_count_submit(actor=place.manajer, count=count)
        count = services.stock_count_approve(actor=place.ketua, count=count)
    assert count.status == "posted"
    assert count.entry is None


def test_write_off_requested_and_decided_by_another_person(stocked):
    place, beras, _gula = stocked
    coop = place.cooperative
    unit = unit_of(coop)
    with at(D):
        with pytest.raises(InsufficientStock):
            services.stock_write_off_request(
                actor=place.manajer, unit=unit, product=beras, quantity=4, reason="damaged"
            )
        with pytest.raises(ReasonRequired):
            services.stock_write_off_request(
                actor=place.manajer, unit=unit, product=beras, quantity=1, reason="other"
            )
        write_off = services.stock_write_off_request(
            actor=place.manajer,
            unit=unit,
            product=beras,
            quantity=1,
            reason="damaged",
            note="Sak sobek, basah",
        )
        assert (write_off.number, write_off.status) == ("WO-2026-0001", "requested")
        assert _level(unit, beras).quantity == 3  # nothing moves yet
        with pytest.raises(SamePerson):
            services.stock_write_off_decide(actor=place.manajer, write_off=write_off, approve=True)
        with pytest.raises(NotAllowed):
            services.stock_write_off_decide(actor=place.kasir, write_off=write_off, approve=True)
        write_off = services.stock_write_off_decide(
            actor=place.bendahara, write_off=write_off, approve=True
        )
        with pytest.raises(WriteOffState):
            services.stock_write_off_decide(actor=place.ketua, write_off=write_off, approve=False)
    assert (write_off.status, write_off.value) == ("approved", 195_003 // 3)
    assert entry_lines(write_off.entry) == sorted([("5-206", 65_001, 0), ("1-107-02", 0, 65_001)])
    assert _level(unit, beras).quantity == 2
    assert_reconciles(coop)


def test_a_rejected_write_off_moves_nothing(stocked):
    place, beras, _gula = stocked
    unit = unit_of(place.cooperative)
    with at(D):
        write_off = services.stock_write_off_request(
            actor=place.manajer, unit=unit, product=beras, quantity=1, reason="lost"
        )
        write_off = services.stock_write_off_decide(
            actor=place.ketua, write_off=write_off, approve=False
        )
    assert (write_off.status, write_off.entry) == ("rejected", None)
    assert _level(unit, beras).quantity == 3
