"""The member app's shop: /api/v1/me/shop/outlets, /catalogue, /orders (place, list, cancel)
and /me/purchases. Only the caller's own cooperatives and orders; availability excludes what
orders hold."""

import pytest

from kopdes import testing
from kopdes.commerce.models import Order, StockLevel
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def shop(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    telur = make_product(
        coop,
        sku="TLR",
        name="Telur ayam",
        unit="kg",
        member_price=28_000,
        non_member_price=30_000,
    )
    stock_in(place_a, beras, 10, unit_cost=65_000)
    member = make_member(coop, user=place_a.anggota)
    return place_a, unit_of(coop), beras, telur, member


def post_order(client, headers, body, key="k-1"):
    with at(D):
        return client.post(
            "/api/v1/me/shop/orders",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **headers,
        )


def test_outlets_are_the_selling_units_of_ones_cooperatives(client, shop, place_b):
    place_a, unit, *_ = shop
    body = client.get("/api/v1/me/shop/outlets", **bearer(client, place_a.anggota)).json()
    codes = {row["code"] for row in body}
    assert unit.code in codes and "kantor" not in codes and "simpan_pinjam" not in codes
    assert {row["cooperative"]["id"] for row in body} == {str(place_a.cooperative.public_id)}
    # an officer who is no member sees no outlet
    assert client.get("/api/v1/me/shop/outlets", **bearer(client, place_b.kasir)).json() == []


def test_the_catalogue_shows_member_prices_and_availability_less_reserved(client, shop):
    place_a, unit, beras, _telur, _member = shop
    headers = bearer(client, place_a.anggota)
    assert (
        post_order(
            client,
            headers,
            {"unit": unit.code, "lines": [{"product_id": str(beras.public_id), "quantity": 4}]},
        ).status_code
        == 201
    )
    body = client.get(f"/api/v1/me/shop/catalogue?unit={unit.code}", **headers).json()
    assert body["outlet"]["code"] == unit.code and body["count"] == 2
    items = {item["sku"]: item for item in body["items"]}
    assert items["BRS-5"]["available"] == 6  # 10 on hand, 4 held
    assert items["BRS-5"]["member_price"] == 70_000
    assert items["BRS-5"]["non_member_price"] == 72_000
    assert items["TLR"]["available"] == 0  # never stocked here
    found = client.get(f"/api/v1/me/shop/catalogue?unit={unit.code}&q=telur", **headers).json()
    assert [i["sku"] for i in found["items"]] == ["TLR"]
    paged = client.get(f"/api/v1/me/shop/catalogue?unit={unit.code}&limit=1", **headers).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1


def test_another_cooperatives_outlet_is_404(client, shop, place_b):
    place_a, *_ = shop
    response = client.get(
        f"/api/v1/me/shop/catalogue?unit=sembako&cooperative_id={place_b.cooperative.public_id}",
        **bearer(client, place_a.anggota),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request.not_found"


def test_an_order_is_placed_once_per_key_and_listed(client, shop):
    place_a, unit, beras, _telur, _member = shop
    headers = bearer(client, place_a.anggota)
    body = {"unit": unit.code, "lines": [{"product_id": str(beras.public_id), "quantity": 2}]}
    first = post_order(client, headers, body)
    assert first.status_code == 201, first.content
    again = post_order(client, headers, body)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    order = first.json()
    assert order["status"] == "placed" and order["total"] == 140_000
    assert order["lines"][0]["amount"] == 140_000 and order["receipt"] is None
    assert StockLevel.objects.get(unit=unit, product=beras).reserved == 2
    other = post_order(
        client, headers, body | {"lines": [{"product_id": str(beras.public_id), "quantity": 3}]}
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency.key_reused"
    listed = client.get("/api/v1/me/shop/orders", **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == order["number"]


def test_a_refused_order_names_each_product(client, shop):
    place_a, unit, beras, telur, _member = shop
    response = post_order(
        client,
        bearer(client, place_a.anggota),
        {
            "unit": unit.code,
            "lines": [
                {"product_id": str(beras.public_id), "quantity": 11},
                {"product_id": str(telur.public_id), "quantity": 1},
            ],
        },
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "commerce.order_unavailable"
    assert [(r["product"], r["code"], r["available"]) for r in error["details"]["refusals"]] == [
        ("BRS-5", "commerce.insufficient_stock", 10),
        ("TLR", "commerce.insufficient_stock", 0),
    ]
    assert Order.objects.count() == 0


def test_another_members_order_is_404_and_ones_own_cancels(client, shop):
    place_a, unit, beras, _telur, _member = shop
    body = {"unit": unit.code, "lines": [{"product_id": str(beras.public_id), "quantity": 2}]}
    order = post_order(client, bearer(client, place_a.anggota), body).json()
    neighbour = testing.make_person(full_name="Tetangga")
    make_member(place_a.cooperative, user=neighbour)
    theirs = bearer(client, neighbour)
    url = f"/api/v1/me/shop/orders/{order['id']}/cancel"
    with at(D):
        response = client.post(url, {"reason": "Iseng"}, content_type="application/json", **theirs)
    assert response.status_code == 404
    assert client.get("/api/v1/me/shop/orders", **theirs).json()["count"] == 0
    with at(D):
        response = client.post(
            url,
            {"reason": "Tidak jadi"},
            content_type="application/json",
            **bearer(client, place_a.anggota),
        )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert StockLevel.objects.get(unit=unit, product=beras).reserved == 0


def test_purchases_without_any_are_empty(client, shop):
    place_a, *_ = shop
    body = client.get("/api/v1/me/purchases", **bearer(client, place_a.anggota)).json()
    assert body["count"] == 0 and body["items"] == [] and body["per_unit"] == []


def test_purchases_list_ones_own_sales_and_this_years_totals(client, shop):
    from kopdes.commerce import services

    place_a, unit, beras, _telur, member = shop
    other = make_member(place_a.cooperative)
    with at(D):
        mine = services.sale_record(
            actor=place_a.kasir, unit=unit, lines=[(beras, 2)], payment="cash", member=member
        )
        services.sale_record(
            actor=place_a.kasir, unit=unit, lines=[(beras, 1)], payment="cash", member=other
        )
    with at(D):
        body = client.get("/api/v1/me/purchases", **bearer(client, place_a.anggota)).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["receipt"] == mine.number and item["receipt_hash"] == mine.receipt_hash
    assert item["total"] == 140_000
    assert [(line["sku"], line["quantity"], line["amount"]) for line in item["lines"]] == [
        ("BRS-5", 2, 140_000)
    ]
    assert body["year"] == D.year
    assert [(row["unit"], row["amount"]) for row in body["per_unit"]] == [(unit.code, 140_000)]
