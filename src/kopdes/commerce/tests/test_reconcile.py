"""`kopdes commerce reconcile`: stock value, movements and persediaan per unit; exit 1 when off."""

import pytest
from django.core.management import CommandError, call_command

from kopdes.commerce.models import StockLevel
from kopdes.commerce.selectors import commerce_reconcile, expiring_lots, stock_position
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of


def test_reconcile_prints_each_stock_unit_and_fails_on_a_difference(place_a, capsys):
    coop = place_a.cooperative
    beras = make_product(coop)
    stock_in(place_a, beras, 10, unit_cost=65_000)
    call_command("commerce", "reconcile", "--cooperative", coop.village_id)
    out = capsys.readouterr().out
    [line] = [text for text in out.splitlines() if f"{coop.village_id} 1-107-02" in text]
    assert line.count("Rp650.000") == 3
    assert line.endswith(" Rp0")
    # A stock value changed behind the services' back shows up.
    StockLevel.objects.filter(unit=unit_of(coop), product=beras).update(value=640_000)
    row = next(r for r in commerce_reconcile(coop) if r.unit.code == "sembako")
    assert (row.stock, row.movements, row.ledger, row.difference) == (
        640_000,
        650_000,
        650_000,
        -10_000,
    )
    with pytest.raises(CommandError, match=coop.village_id):
        call_command("commerce", "reconcile", "--cooperative", coop.village_id)


def test_unknown_cooperative(db):
    with pytest.raises(CommandError):
        call_command("commerce", "reconcile", "--cooperative", "99.99.99.9999")


def test_stock_position_and_expiring_lots(place_a):
    from datetime import date

    coop = place_a.cooperative
    beras = make_product(coop, min_stock=12)
    obat = make_product(
        coop,
        sku="PCT",
        name="Parasetamol",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    stock_in(place_a, beras, 10, unit_cost=65_000)
    stock_in(
        place_a,
        obat,
        10,
        unit_cost=3_000,
        unit=unit_of(coop, "apotek"),
        expiry_date=date(2026, 3, 20),
    )
    stock_in(
        place_a,
        obat,
        5,
        unit_cost=3_000,
        unit=unit_of(coop, "apotek"),
        expiry_date=date(2026, 9, 20),
    )
    rows = {(r.unit.code, r.product.sku): r for r in stock_position(coop)}
    assert rows[("sembako", "BRS-5")].average_cost == 65_000
    assert rows[("sembako", "BRS-5")].below_reorder_point
    assert not rows[("apotek", "PCT")].below_reorder_point
    assert [r.product.sku for r in stock_position(coop, unit_of(coop, "apotek"))] == ["PCT"]
    with at(D):
        soon = list(expiring_lots(coop, 30))
    assert [(lot.expiry_date, lot.quantity) for lot in soon] == [(date(2026, 3, 20), 10)]
