"""The gerai's purchase pages (issue 12, item 1): purchase orders (lines, send, cancel), goods
receipts from an order or direct (payment, expiry dates for the apotek, the posted entry linked),
the stock position, a product's stock card and the reconciliation with persediaan."""

import pytest
from django.urls import reverse

from kopdes.commerce.models import GoodsReceipt, PurchaseOrder, StockLevel
from kopdes.commerce.tests.factories import make_product, make_supplier, stock_in, unit_of
from kopdes.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def lines(*rows, start: int = 0) -> dict:
    """Line rows of a lines form: (product, quantity, unit cost[, expiry])."""
    data = {}
    for n, row in enumerate(rows, start=start):
        data[f"line-{n}-product"] = str(row[0].public_id) if row[0] else ""
        data[f"line-{n}-quantity"] = str(row[1])
        data[f"line-{n}-unit_cost"] = str(row[2]) if len(row) > 2 else ""
        if len(row) > 3:
            data[f"line-{n}-expiry_date"] = row[3]
    return data


@pytest.fixture
def goods(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    minyak = make_product(
        coop,
        sku="MNY-2",
        name="Minyak goreng 2 liter",
        unit="botol",
        member_price=34_000,
        non_member_price=36_000,
        min_stock=5,
    )
    return beras, minyak, make_supplier(coop)


def test_a_purchase_order_is_drafted_sent_and_received_in_part(client, place_a, goods):
    coop = place_a.cooperative
    beras, minyak, supplier = goods
    sembako = unit_of(coop)
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_purchase_order_new", coop),
        {
            "supplier": str(supplier.public_id),
            "unit": str(sembako.public_id),
            "expected_on": "",
            "note": "Stok bulan depan",
            **lines((beras, 10, "65.000"), (minyak, 24, "30000")),
        },
    )
    assert response.status_code == 302
    order = PurchaseOrder.objects.get(cooperative=coop)
    assert order.status == "draft" and order.lines.count() == 2
    page = client.get(url("commerce_purchase_order", coop, order.public_id)).content.decode()
    assert order.number in page and "Rp650.000" in page

    submit = client.post(url("commerce_purchase_order_submit", coop, order.public_id))
    assert submit.status_code == 302
    order.refresh_from_db()
    assert order.status == "ordered"

    # The order's open lines are offered; only the beras arrived (the cost is the order's).
    receive = url("commerce_purchase_order_receive", coop, order.public_id)
    form = client.get(receive).content.decode()
    assert "Minyak goreng 2 liter" in form
    response = client.post(
        receive,
        {
            "payment": "credit",
            "idempotency_key": "po-receive-1",
            "line-0-product": str(beras.public_id),
            "line-0-quantity": "10",
            "line-1-product": str(minyak.public_id),
            "line-1-quantity": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = GoodsReceipt.objects.get(cooperative=coop)
    assert (receipt.total, receipt.payment, receipt.order_id) == (650_000, "credit", order.pk)
    order.refresh_from_db()
    assert order.status == "partly_received"
    page = client.get(url("commerce_receipt", coop, receipt.public_id)).content.decode()
    assert receipt.number in page
    assert url("journal_entry", coop, receipt.entry.public_id) in page
    level = StockLevel.objects.get(unit=sembako, product=beras)
    assert (level.quantity, level.value) == (10, 650_000)


def test_a_draft_order_is_cancelled(client, place_a, goods):
    coop = place_a.cooperative
    beras, _minyak, supplier = goods
    from kopdes.commerce import services

    order = services.purchase_order_create(
        actor=place_a.manajer, unit=unit_of(coop), supplier=supplier, lines=[(beras, 5, 65_000)]
    )
    client.force_login(place_a.bendahara)
    response = client.post(url("commerce_purchase_order_cancel", coop, order.public_id))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    # A cancelled order cannot be sent: the refusal is shown on the order's page.
    response = client.post(url("commerce_purchase_order_submit", coop, order.public_id))
    assert response.status_code == 400
    assert order.number in response.content.decode()
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_an_order_needs_a_line(client, place_a, goods):
    coop = place_a.cooperative
    _beras, _minyak, supplier = goods
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_purchase_order_new", coop),
        {"supplier": str(supplier.public_id), "unit": str(unit_of(coop).public_id)},
    )
    assert response.status_code == 400
    assert not PurchaseOrder.objects.filter(cooperative=coop).exists()


def test_a_direct_receipt_in_cash_posts_the_entry(client, place_a, goods):
    coop = place_a.cooperative
    beras, minyak, supplier = goods
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_receipt_new", coop),
        {
            "supplier": str(supplier.public_id),
            "unit": str(unit_of(coop).public_id),
            "payment": "cash",
            "idempotency_key": "direct-1",
            **lines((beras, 2, "65.000"), (None, "", ""), (minyak, 3, "30.000"), start=0),
        },
    )
    assert response.status_code == 302
    receipt = GoodsReceipt.objects.get(cooperative=coop)
    assert receipt.total == 220_000
    entry = JournalEntry.objects.get(pk=receipt.entry_id)
    assert sum(line.debit for line in entry.lines.all()) == 220_000


def test_a_medicine_needs_its_expiry_date_and_nothing_is_saved(client, place_a, goods):
    coop = place_a.cooperative
    _beras, _minyak, supplier = goods
    paracetamol = make_product(
        coop,
        sku="PCT-500",
        name="Paracetamol 500 mg",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
        tracks_expiry=True,
    )
    client.force_login(place_a.manajer)
    data = {
        "supplier": str(supplier.public_id),
        "unit": str(unit_of(coop, "apotek").public_id),
        "payment": "bank",
        "idempotency_key": "apotek-1",
        **lines((paracetamol, 20, "3.000")),
    }
    response = client.post(url("commerce_receipt_new", coop), data)
    assert response.status_code == 400
    assert 'id="id_line-0-expiry_date_error"' in response.content.decode()
    assert not GoodsReceipt.objects.filter(cooperative=coop).exists()
    data["line-0-expiry_date"] = "2028-01-31"
    assert client.post(url("commerce_receipt_new", coop), data).status_code == 302
    assert GoodsReceipt.objects.get(cooperative=coop).lines.get().expiry_date.year == 2028


def test_a_receipt_without_lines_or_with_a_half_line_is_refused(client, place_a, goods):
    coop = place_a.cooperative
    beras, _minyak, supplier = goods
    client.force_login(place_a.manajer)
    base = {
        "supplier": str(supplier.public_id),
        "unit": str(unit_of(coop).public_id),
        "payment": "cash",
        "idempotency_key": "half-1",
    }
    assert client.post(url("commerce_receipt_new", coop), base).status_code == 400
    response = client.post(
        url("commerce_receipt_new", coop), {**base, **lines((beras, "", "65.000"))}
    )
    assert response.status_code == 400
    assert 'id="id_line-0-quantity_error"' in response.content.decode()
    assert not GoodsReceipt.objects.filter(cooperative=coop).exists()


def test_the_stock_position_shows_average_cost_and_flags_low_stock(client, place_a, goods):
    coop = place_a.cooperative
    beras, minyak, _supplier = goods
    stock_in(place_a, beras, 10, unit_cost=65_000)
    stock_in(place_a, beras, 5, unit_cost=68_000)
    stock_in(place_a, minyak, 3, unit_cost=30_000)  # at or below its reorder point (5)
    client.force_login(place_a.kasir)
    sembako = unit_of(coop)
    html = client.get(
        url("commerce_stock", coop), {"unit": str(sembako.public_id)}
    ).content.decode()
    assert "Rp66.000" in html  # (650,000 + 340,000) / 15
    assert "Rp990.000" in html
    assert html.count('class="low-stock"') == 1
    card = client.get(url("commerce_stock_card", coop, beras.public_id)).content.decode()
    assert card.count("<tr>") >= 3 and "Rp990.000" in card


def test_the_reconciliation_shows_no_difference(client, place_a, goods):
    coop = place_a.cooperative
    beras, _minyak, _supplier = goods
    stock_in(place_a, beras, 10, unit_cost=65_000)
    client.force_login(place_a.pengawas)
    html = client.get(url("commerce_reconciliation", coop)).content.decode()
    assert "1-107-" in html and "Rp650.000" in html
    assert "message-success" in html
