"""Products, categories and suppliers: each rule and refusal with its code."""

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import (
    DuplicateProduct,
    InvalidBarcode,
    InvalidCatalogue,
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


def _rows():
    return [
        {
            "sku": "BRS-05",
            "name": "Beras medium 5 kg",
            "unit": "sak",
            "category": "Sembako",
            "barcode": "8990000000013",
            "member_price": 62_000,
            "non_member_price": 66_000,
        },
        {
            "sku": "TLR-KG",
            "name": "Telur ayam ras",
            "unit": "kg",
            "category": "sembako",  # the same category, whatever the case
            "member_price": 28_500,
            "non_member_price": 30_000,
        },
        {
            "sku": "PCT-500",
            "name": "Parasetamol 500 mg",
            "unit": "strip",
            "category": "Obat bebas",
            "member_price": "3500",
            "non_member_price": "3800",
            "tracks_expiry": True,
        },
    ]


def test_a_catalogue_is_imported_at_once_with_its_categories_and_audit_rows(place_a):
    coop = place_a.cooperative
    existing = services.category_create(actor=place_a.manajer, cooperative=coop, name="Sembako")
    audits = AuditEvent.objects.count()
    done = services.catalogue_import(actor=place_a.manajer, cooperative=coop, rows=_rows())
    assert [p.sku for p in done.products] == ["BRS-05", "TLR-KG", "PCT-500"]
    assert [c.name for c in done.categories] == ["Obat bebas"]
    beras, telur, obat = (
        Product.objects.get(cooperative=coop, sku=s) for s in ("BRS-05", "TLR-KG", "PCT-500")
    )
    assert beras.category == telur.category == existing and obat.tracks_expiry
    assert (obat.member_price, obat.non_member_price, telur.barcode) == (3_500, 3_800, None)
    # the rows the single calls write: one per category made, one per product
    actions = list(AuditEvent.objects.order_by("id")[audits:].values_list("action", flat=True))
    assert actions == ["commerce.category_create"] + ["commerce.product_create"] * 3


def test_a_catalogue_with_bad_rows_is_refused_whole_naming_each_row(place_a):
    coop = place_a.cooperative
    make_product(coop, sku="TLR-KG", barcode=None)
    rows = _rows()
    rows[0]["barcode"] = "8990000000014"  # wrong check digit
    rows[2]["member_price"] = 4_000  # above the non-member price
    rows.append({**_rows()[2], "barcode": ""})  # PCT-500 twice in the rows
    before = Product.objects.filter(cooperative=coop).count()
    with pytest.raises(InvalidCatalogue) as refused:
        services.catalogue_import(actor=place_a.manajer, cooperative=coop, rows=rows)
    assert refused.value.code == "commerce.invalid_catalogue"
    assert set(refused.value.fields) == {
        "rows.1.barcode",
        "rows.2.sku",  # in the cooperative already
        "rows.3.member_price",
        "rows.4.sku",  # PCT-500 a second time
    }
    assert refused.value.params["count"] == 4
    assert Product.objects.filter(cooperative=coop).count() == before  # nothing imported
    with pytest.raises(InvalidCatalogue):
        services.catalogue_import(actor=place_a.manajer, cooperative=coop, rows=[])


def test_twice_in_the_rows_is_refused(place_a):
    rows = [*_rows()[:1], {**_rows()[0], "barcode": None}]
    with pytest.raises(InvalidCatalogue) as refused:
        services.catalogue_import(actor=place_a.manajer, cooperative=place_a.cooperative, rows=rows)
    assert set(refused.value.fields) == {"rows.2.sku"}


def test_only_who_manages_the_catalogue_imports_one(place_a, place_b):
    with pytest.raises(NotAllowed):
        services.catalogue_import(
            actor=place_a.kasir, cooperative=place_a.cooperative, rows=_rows()
        )
    with pytest.raises(NotAllowed):
        services.catalogue_import(
            actor=place_b.manajer, cooperative=place_a.cooperative, rows=_rows()
        )
