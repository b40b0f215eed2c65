"""Gerai data for tests, made through the commerce services (the other commerce tests reuse these).

    unit = unit_of(place.cooperative, "sembako")          # a standard unit by its code
    beras = make_product(place.cooperative)               # "Beras 5 kg", per sak, Rp70.000/Rp72.000
    supplier = make_supplier(place.cooperative)
    receipt = stock_in(place, beras, 10, unit_cost=65_000)  # goods_receive in cash, on D

Each step runs at noon of `on` (core.clock.as_of), so its dates are the business date `on`
whatever day the tests run. The manajer receives goods; the ketua approves.
"""

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from kopdes.commerce import services
from kopdes.commerce.models import GoodsReceipt, Product, Supplier
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.testing import Place

D = date(2026, 3, 2)
JAKARTA = ZoneInfo("Asia/Jakarta")
# A valid EAN-13 (check digit 1): 899 is Indonesia's GS1 prefix.
BARCODE = "8991234567891"


def at(day: date):
    """core.clock fixed at noon (Jakarta) of `day`: the business date is `day`."""
    return clock.as_of(datetime.combine(day, time(12), tzinfo=JAKARTA))


def unit_of(cooperative: Cooperative, code: str = "sembako") -> BusinessUnit:
    return BusinessUnit.objects.get(cooperative=cooperative, code=code)


def make_product(cooperative: Cooperative, **fields: Any) -> Product:
    values: dict[str, Any] = {
        "sku": "BRS-5",
        "name": "Beras 5 kg",
        "unit": "sak",
        "member_price": 70_000,
        "non_member_price": 72_000,
    }
    values.update(fields)
    existing = Product.objects.filter(cooperative=cooperative, sku=values["sku"]).first()
    if existing is not None:
        return existing
    return services.product_create(actor=None, cooperative=cooperative, **values)


def make_supplier(cooperative: Cooperative, **fields: Any) -> Supplier:
    values: dict[str, Any] = {"name": "CV Sumber Pangan", "phone": "081234567890"}
    values.update(fields)
    existing = Supplier.objects.filter(cooperative=cooperative, name=values["name"]).first()
    if existing is not None:
        return existing
    return services.supplier_create(actor=None, cooperative=cooperative, **values)


def stock_in(
    place: Place,
    product: Product,
    quantity: int,
    *,
    unit_cost: int = 65_000,
    unit: BusinessUnit | None = None,
    payment: str = "cash",
    expiry_date: date | None = None,
    on: date = D,
    **kwargs: Any,
) -> GoodsReceipt:
    """`quantity` of `product` received into `unit` (the sembako by default) by goods_receive."""
    unit = unit or unit_of(place.cooperative)
    with at(on):
        return services.goods_receive(
            actor=kwargs.pop("actor", place.manajer),
            unit=unit,
            supplier=kwargs.pop("supplier", None) or make_supplier(place.cooperative),
            lines=[(product, quantity, unit_cost, expiry_date)],
            payment=payment,
            on=on,
            **kwargs,
        )
