"""The CHECK constraints behind the services: even a bug or raw SQL cannot store negative stock,
a reservation above what is held, value without goods, a member price above the other price."""

import pytest
from django.db import IntegrityError, transaction

from kopdes.commerce.models import Product, StockLevel, StockLot
from kopdes.commerce.tests.factories import make_product, stock_in, unit_of


@pytest.fixture
def level(place_a):
    beras = make_product(place_a.cooperative)
    stock_in(place_a, beras, 5, unit_cost=65_000)
    return StockLevel.objects.get(unit=unit_of(place_a.cooperative), product=beras)


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": -1},
        {"reserved": 6},
        {"reserved": -1},
        {"quantity": 0, "reserved": 0},  # value left without goods
        {"value": -1},
        {"value": 10**14},
    ],
)
def test_stock_level_backstops(level, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(**change)


def test_product_backstops(place_a):
    product = make_product(place_a.cooperative)
    for change in ({"member_price": 80_000}, {"sku": ""}, {"non_member_price": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Product.objects.filter(pk=product.pk).update(**change)


def test_lots_are_never_negative(place_a):
    coop = place_a.cooperative
    lot = StockLot.objects.create(
        cooperative=coop,
        unit=unit_of(coop, "apotek"),
        product=make_product(coop),
        expiry_date="2027-01-01",
        quantity=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLot.objects.filter(pk=lot.pk).update(quantity=-1)
