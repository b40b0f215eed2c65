"""The gerai's back-office pages, catalogue side (issue 12, item 1): the Gerai landing page, the
products (search, category filter, new and edit with the EAN-13 check), categories, suppliers
(phones masked) and the Gerai menu, for the roles that may open them."""

import pytest
from django.urls import reverse

from kopdes.commerce.models import Category, Product, Supplier
from kopdes.commerce.tests.factories import BARCODE, make_product, make_supplier, stock_in

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def product_post(**overrides):
    data = {
        "sku": "GLP-1",
        "name": "Gula pasir 1 kg",
        "unit": "pcs",
        "barcode": "",
        "category": "",
        "member_price": "17.000",
        "non_member_price": "18.000",
        "min_stock": "5",
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ketua", "bendahara", "manajer", "kasir", "pengawas"])
def test_officers_open_the_gerai_pages(client, place_a, persona):
    coop = place_a.cooperative
    client.force_login(place_a.people[persona])
    for name in ("commerce_home", "commerce_products", "commerce_categories", "commerce_suppliers"):
        response = client.get(url(name, coop))
        assert response.status_code == 200, (persona, name)
        assert response.content.decode().count("<h1") == 1


def test_a_member_without_office_gets_404(client, place_a):
    client.force_login(place_a.anggota)
    assert client.get(url("commerce_home", place_a.cooperative)).status_code == 404


def test_the_kasir_reads_the_catalogue_but_cannot_change_it(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    html = client.get(url("commerce_products", coop)).content.decode()
    assert url("commerce_product_new", coop) not in html
    assert client.get(url("commerce_product_new", coop)).status_code == 404
    response = client.post(url("commerce_categories", coop), {"name": "Minuman"})
    assert response.status_code == 404
    assert not Category.objects.filter(cooperative=coop).exists()


def test_the_gerai_menu_shows_only_what_the_person_may_open(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    html = client.get(url("commerce_home", coop)).content.decode()
    assert url("commerce_stock", coop) in html  # read: every officer
    assert url("commerce_products", coop) in html
    client.force_login(place_a.manajer)
    html = client.get(url("commerce_home", coop)).content.decode()
    assert 'aria-current="page"' in html
    assert url("commerce_reconciliation", coop) in html
    client.force_login(place_a.anggota)
    html = client.get(url("cooperative_home", coop)).content.decode()
    assert url("commerce_home", coop) not in html


def test_the_landing_page_lists_the_stock_units_with_their_value(client, place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    stock_in(place_a, beras, 10, unit_cost=65_000)
    client.force_login(place_a.ketua)
    html = client.get(url("commerce_home", coop)).content.decode()
    assert "Rp650.000" in html
    # sembako, apotek and the warehouse hold stock; the office and savings-and-loans do not
    assert "Gudang" in html or "pergudangan" in html.lower()
    assert "Simpan pinjam" not in html and "Simpan Pinjam" not in html


# --- products -------------------------------------------------------------------------------------


def test_a_product_is_added_with_a_valid_barcode(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    response = client.post(url("commerce_product_new", coop), product_post(barcode=BARCODE))
    assert response.status_code == 302
    product = Product.objects.get(cooperative=coop, sku="GLP-1")
    assert (product.member_price, product.non_member_price, product.barcode) == (
        17_000,
        18_000,
        BARCODE,
    )
    assert product.min_stock == 5


def test_a_wrong_check_digit_is_refused_on_the_barcode_field(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    bad = BARCODE[:-1] + str((int(BARCODE[-1]) + 1) % 10)
    response = client.post(url("commerce_product_new", coop), product_post(barcode=bad))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_barcode_error"' in html
    assert not Product.objects.filter(cooperative=coop).exists()


def test_a_member_price_above_the_other_is_refused(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    response = client.post(url("commerce_product_new", coop), product_post(member_price="19.000"))
    assert response.status_code == 400
    assert 'id="id_member_price_error"' in response.content.decode()
    assert not Product.objects.filter(cooperative=coop).exists()


def test_a_product_is_edited(client, place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    client.force_login(place_a.manajer)
    page = client.get(url("commerce_product_edit", coop, beras.public_id)).content.decode()
    assert 'value="BRS-5"' in page
    response = client.post(
        url("commerce_product_edit", coop, beras.public_id),
        product_post(
            sku="BRS-5",
            name="Beras 5 kg",
            unit="sak",
            member_price="69.000",
            non_member_price="72.000",
        ),
    )
    assert response.status_code == 302
    beras.refresh_from_db()
    assert beras.member_price == 69_000 and beras.unit == "sak"


def test_the_product_list_searches_by_barcode_sku_or_name_and_category(client, place_a):
    coop = place_a.cooperative
    from kopdes.commerce import services

    pangan = services.category_create(actor=place_a.manajer, cooperative=coop, name="Pangan")
    make_product(coop, barcode=BARCODE, category=pangan)
    make_product(
        coop,
        sku="MNY-2",
        name="Minyak goreng 2 liter",
        unit="botol",
        member_price=34_000,
        non_member_price=36_000,
    )
    client.force_login(place_a.kasir)
    products = url("commerce_products", coop)
    assert "Beras 5 kg" in client.get(products, {"q": BARCODE}).content.decode()
    html = client.get(products, {"q": "mny"}).content.decode()
    assert "Minyak goreng" in html and "Beras 5 kg" not in html
    html = client.get(products, {"q": "minyak"}).content.decode()
    assert "Minyak goreng" in html and "Beras 5 kg" not in html
    html = client.get(products, {"category": str(pangan.public_id)}).content.decode()
    assert "Beras 5 kg" in html and "Minyak goreng" not in html
    assert client.get(products, {"category": "nonsense"}).status_code == 400


def test_the_product_list_is_paginated(client, place_a):
    coop = place_a.cooperative
    for n in range(27):
        make_product(coop, sku=f"P-{n:02d}", name=f"Produk {n:02d}")
    client.force_login(place_a.kasir)
    first = client.get(url("commerce_products", coop)).content.decode()
    assert "Produk 00" in first and "Produk 26" not in first
    second = client.get(url("commerce_products", coop), {"page": 2}).content.decode()
    assert "Produk 26" in second


# --- categories and suppliers ---------------------------------------------------------------------


def test_a_category_is_added_and_a_duplicate_refused(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    assert client.post(url("commerce_categories", coop), {"name": "Sembako"}).status_code == 302
    response = client.post(url("commerce_categories", coop), {"name": "sembako"})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert Category.objects.filter(cooperative=coop).count() == 1


def test_suppliers_are_listed_with_the_phone_masked(client, place_a):
    coop = place_a.cooperative
    make_supplier(coop, phone="081234567890")
    client.force_login(place_a.kasir)
    html = client.get(url("commerce_suppliers", coop)).content.decode()
    assert "CV Sumber Pangan" in html
    assert "+62812****7890" in html
    assert "81234567890" not in html


def test_a_supplier_is_added_and_edited(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_supplier_new", coop),
        {"name": "UD Tani Makmur", "phone": "0812 9876 5432", "address": "Pasar Balaraja"},
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get(cooperative=coop, name="UD Tani Makmur")
    assert supplier.phone == "+6281298765432"
    response = client.post(
        url("commerce_supplier_edit", coop, supplier.public_id),
        {"name": "UD Tani Makmur", "phone": "0812", "address": "", "is_active": "on"},
    )
    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.address == "Pasar Balaraja"
    response = client.post(
        url("commerce_supplier_edit", coop, supplier.public_id),
        {"name": "UD Tani Makmur", "phone": "+6281298765432", "address": ""},
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.is_active is False and supplier.address == ""


def test_another_cooperatives_product_is_404(client, place_a, place_b):
    theirs = make_product(place_b.cooperative)
    client.force_login(place_a.manajer)
    response = client.get(url("commerce_product_edit", place_a.cooperative, theirs.public_id))
    assert response.status_code == 404
