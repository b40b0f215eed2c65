"""The outlets' report pages (filters, Excel) and the pickup orders page (ready, collect,
cancel), and the member page's purchases table."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from kopdes.commerce.models import Order, StockLevel
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.core import clock
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

REPORTS = [
    "commerce_report_sales",
    "commerce_report_margins",
    "commerce_report_stock",
    "commerce_report_movers",
    "commerce_report_expiring",
    "commerce_report_shrinkage",
]


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def sheet_rows(response):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def stocked(place_a):
    coop = place_a.cooperative
    today = clock.today()
    beras = make_product(coop, min_stock=20)
    obat = make_product(
        coop,
        sku="PCT",
        name="Paracetamol 500 mg",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    stock_in(place_a, beras, 10, unit_cost=65_000, on=today)
    stock_in(
        place_a,
        obat,
        30,
        unit_cost=3_000,
        unit=unit_of(coop, "apotek"),
        on=today,
        expiry_date=today + timedelta(days=20),
    )
    return place_a, beras, obat


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_opens_with_its_filters_and_excel(client, stocked, name):
    place_a, *_ = stocked
    coop = place_a.cooperative
    client.force_login(place_a.kasir)  # VIEW_COMMERCE: every officer
    response = client.get(url(name, coop))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and 'name="unit"' in html
    excel = client.get(url(name, coop), {"format": "xlsx"})
    assert excel.status_code == 200
    rows = sheet_rows(excel)
    assert rows[0][0] == coop.name


def test_a_bad_period_is_a_400_page(client, stocked):
    place_a, *_ = stocked
    client.force_login(place_a.ketua)
    response = client.get(
        url("commerce_report_sales", place_a.cooperative),
        {"date_from": "2026-03-10", "date_to": "2026-03-01"},
    )
    assert response.status_code == 400
    response = client.get(
        url("commerce_report_sales", place_a.cooperative),
        {"date_from": "2025-01-01", "date_to": "2026-03-01"},
    )
    assert response.status_code == 400


def test_stock_and_expiring_reports_show_the_stock(client, stocked):
    place_a, _beras, _obat = stocked
    client.force_login(place_a.ketua)
    html = client.get(url("commerce_report_stock", place_a.cooperative)).content.decode()
    assert "Beras 5 kg" in html and "Paracetamol 500 mg" in html
    rows = sheet_rows(
        client.get(url("commerce_report_stock", place_a.cooperative), {"format": "xlsx"})
    )
    values = {row[1]: row for row in rows[4:]}
    assert values["BRS-5"][4:8] == [10, 0, 65_000, 650_000]
    assert values["PCT"][4:8] == [30, 0, 3_000, 90_000]
    rows = sheet_rows(
        client.get(
            url("commerce_report_expiring", place_a.cooperative), {"days": "30", "format": "xlsx"}
        )
    )
    assert [(r[1], r[4], r[5], r[6]) for r in rows[4:]] == [("PCT", 20, 30, 90_000)]
    assert (
        sheet_rows(
            client.get(
                url("commerce_report_expiring", place_a.cooperative),
                {"days": "10", "format": "xlsx"},
            )
        )[4:]
        == []
    )


@pytest.fixture
def ordered(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    stock_in(place_a, beras, 10)
    member = make_member(coop)
    from kopdes.commerce import services

    with at(D):
        order = services.order_place(
            actor=place_a.kasir,
            member=member,
            unit=unit_of(coop),
            lines=[(beras, 3)],
            pickup_by=D + timedelta(days=3),
        )
    return place_a, order, beras


def test_the_orders_page_lists_and_acts(client, ordered):
    place_a, order, beras = ordered
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    html = client.get(url("commerce_orders", coop)).content.decode()
    assert order.number in html and "Beras 5 kg" in html
    with at(D):
        response = client.post(url("commerce_order_ready", coop, order.public_id))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    with at(D):
        refused = client.post(
            url("commerce_order_cancel", coop, order.public_id), {f"c{order.pk}-reason": ""}
        )
    assert refused.status_code == 400
    with at(D):
        response = client.post(
            url("commerce_order_cancel", coop, order.public_id),
            {f"c{order.pk}-reason": "Anggota tidak datang"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert StockLevel.objects.get(product=beras, unit=order.unit).reserved == 0
    html = client.get(url("commerce_orders", coop)).content.decode()
    assert f'id="order-{order.public_id}"' not in html


def test_the_member_page_shows_purchases(client, place_a):
    member = make_member(place_a.cooperative)
    client.force_login(place_a.ketua)
    html = client.get(url("member", place_a.cooperative, member.public_id)).content.decode()
    assert 'id="member-purchases"' in html
    assert str(clock.today().year) in html and str(clock.today().year - 1) in html
