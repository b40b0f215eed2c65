"""kopdes.testing.commerce_personas: the gerai data the probe's pages show."""

from kopdes import testing
from kopdes.commerce import rules
from kopdes.commerce.models import StockLevel
from kopdes.commerce.tests.helpers import assert_reconciles


def test_commerce_personas_stock_the_sembako_through_the_services(place_a):
    data = testing.commerce_personas(place_a)
    assert len(data.products) == 4
    barcodes = [p.barcode for p in data.products.values() if p.barcode]
    assert barcodes and all(rules.ean13_valid(code) for code in barcodes)
    assert data.receipt.payment == "credit"
    assert StockLevel.objects.filter(unit=data.unit, quantity__gt=0).count() == 4
    assert data.supplier.phone.startswith("+62")
    assert_reconciles(place_a.cooperative)
