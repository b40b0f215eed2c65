"""Products, categories and suppliers: each rule and refusal with its code."""

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import (
    DuplicateProduct,
    InvalidBarcode,
    InvalidCategory,
    InvalidProduct,
    InvalidSupplier,
    NotAllowed,
    PriceOrder,
    UnknownObject,
)
from kopdes.commerce.models import Product, Supplier
from kopdes.commerce.selectors import product_lookup
from kopdes.commerce.tests.factories import BARCODE, make_product, make_supplier
from kopdes.core.models import AuditEvent


def test_a_product_with_a_valid_barcode_and_prices(place_a):
    coop = place_a.cooperative
    category = services.category_create(actor=place_a.manajer, cooperative=coop, name="Sembako")
    product = services.product_create(
        actor=place_a.manajer,
        cooperative=coop,
        sku=" MG-2L ",
        name="Minyak goreng 2 liter",
        unit="botol",
        barcode=BARCODE,
        category=category,
        member_price=34_000,
        non_member_price=36_000,
        min_stock=5,
    )
    assert (product.sku, product.barcode, product.category, product.min_stock) == (
        "MG-2L",
        BARCODE,
        category,
        5,
    )
    assert product.price_for(member=True) == 34_000
    assert AuditEvent.objects.filter(action="commerce.product_create").exists()


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"barcode": "8991234567890"}, InvalidBarcode, "commerce.invalid_barcode"),
        ({"barcode": "12345"}, InvalidBarcode, "commerce.invalid_barcode"),
        ({"member_price": 80_000}, PriceOrder, "commerce.price_order"),
        ({"member_price": 0}, InvalidProduct, "commerce.invalid_product"),
        ({"member_price": 1.5}, InvalidProduct, "commerce.invalid_product"),
        ({"sku": ""}, InvalidProduct, "commerce.invalid_product"),
        ({"name": "x" * 151}, InvalidProduct, "commerce.invalid_product"),
        ({"min_stock": -1}, InvalidProduct, "commerce.invalid_product"),
        ({"colour": "red"}, InvalidProduct, "commerce.invalid_product"),
    ],
)
def test_product_refusals(place_a, fields, error, code):
    values = {"sku": "X-1", "name": "Barang", "member_price": 70_000, "non_member_price": 72_000}
    values.update(fields)
    with pytest.raises(error) as caught:
        services.product_create(actor=place_a.manajer, cooperative=place_a.cooperative, **values)
    assert caught.value.code == code
    assert not Product.objects.filter(cooperative=place_a.cooperative, name="Barang").exists()


def test_sku_and_barcode_are_unique_per_cooperative(place_a, place_b):
    first = make_product(place_a.cooperative, barcode=BARCODE)
    with pytest.raises(DuplicateProduct):
        make_product(place_a.cooperative, sku="OTHER", barcode=BARCODE)
    with pytest.raises(DuplicateProduct) as caught:
        services.product_create(
            actor=None,
            cooperative=place_a.cooperative,
            sku="brs-5",
            name="Lain",
            member_price=1,
            non_member_price=1,
        )
    assert caught.value.code == "commerce.duplicate_product"
    # Another cooperative may use the same SKU and barcode.
    other = make_product(place_b.cooperative, barcode=BARCODE)
    assert other.pk != first.pk


def test_update_keeps_the_rules(place_a):
    product = make_product(place_a.cooperative)
    services.product_update(actor=place_a.ketua, product=product, non_member_price=75_000)
    product.refresh_from_db()
    assert product.non_member_price == 75_000
    with pytest.raises(PriceOrder):
        services.product_update(actor=place_a.ketua, product=product, member_price=76_000)
    product.refresh_from_db()
    assert product.member_price == 70_000


def test_only_the_catalogue_keepers_may_change_it(place_a, place_b):
    coop = place_a.cooperative
    for person in (
        place_a.kasir,
        place_a.sekretaris,
        place_a.pengawas,
        place_a.anggota,
        place_b.ketua,
    ):
        with pytest.raises(NotAllowed) as caught:
            services.product_create(
                actor=person,
                cooperative=coop,
                sku="Z",
                name="Z",
                member_price=1,
                non_member_price=1,
            )
        assert caught.value.code == "commerce.not_allowed"
    other_category = services.category_create(actor=None, cooperative=place_b.cooperative, name="B")
    with pytest.raises(UnknownObject):
        services.product_create(
            actor=place_a.manajer,
            cooperative=coop,
            sku="Z",
            name="Z",
            member_price=1,
            non_member_price=1,
            category=other_category,
        )


def test_categories_are_named_once(place_a):
    services.category_create(actor=None, cooperative=place_a.cooperative, name="Obat")
    for name in ("obat", "", "x" * 101):
        with pytest.raises(InvalidCategory):
            services.category_create(actor=None, cooperative=place_a.cooperative, name=name)


def test_supplier_phone_is_stored_e164_and_masked_in_the_audit(place_a):
    supplier = make_supplier(place_a.cooperative, name="UD Tani Makmur", phone="0812-3456-7890")
    assert supplier.phone == "+6281234567890"
    event = AuditEvent.objects.filter(action="commerce.supplier_create").latest("id")
    assert "+6281234567890" not in str(event.after)
    with pytest.raises(InvalidSupplier) as caught:
        services.supplier_create(
            actor=None, cooperative=place_a.cooperative, name="X", phone="12345"
        )
    assert "phone" in caught.value.fields
    with pytest.raises(InvalidSupplier):
        services.supplier_create(actor=None, cooperative=place_a.cooperative, name="ud tani makmur")
    assert not Supplier.objects.filter(name="X").exists()
    services.supplier_update(actor=place_a.manajer, supplier=supplier, address="Jl. Raya Balaraja")
    supplier.refresh_from_db()
    assert supplier.address == "Jl. Raya Balaraja"


def test_product_lookup_by_barcode_sku_or_name(place_a, place_b):
    coop = place_a.cooperative
    beras = make_product(coop, barcode=BARCODE)
    gula = make_product(
        coop, sku="GL-1", name="Gula pasir 1 kg", member_price=17_000, non_member_price=18_000
    )
    make_product(place_b.cooperative, sku="GL-9", name="Gula merah")
    assert product_lookup(coop, BARCODE) == [beras]
    assert product_lookup(coop, "gl-1") == [gula]
    assert product_lookup(coop, "gula") == [gula]
    assert product_lookup(coop, "  ") == []
