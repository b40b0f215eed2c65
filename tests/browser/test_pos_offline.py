"""The kasir page offline, on a phone (360 x 740) as place A's kasir (issue 12, item 4): the page
loads the catalogue and registers the device while online; the connection drops; three sales
are rung up (scanned by barcode, typed by SKU, picked by name) and each receipt shows at once
with its device number; the page reloads without a connection (the service worker); the
connection comes back, the queue empties, and the database holds each sale exactly once. A
second sync of the same sales changes nothing. A sale the server cannot accept stays in the
page's "not accepted" list. The receipt prints at 58 mm."""

import json
import os
import re
from pathlib import Path

from browser.lazy_expect import expect
from django.conf import settings
from django.test import Client

from kopdes.commerce import services
from kopdes.commerce.models import PosDevice, Sale, StockLevel, SyncRejection
from kopdes.commerce.tests.factories import BARCODE, make_product, stock_in, unit_of

PHONE = {"width": 360, "height": 740}


def _log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _shots() -> Path:
    folder = Path(os.environ.get("KOPDES_ARTEFACTS", "var/artefacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _scan(page, text: str) -> None:
    box = page.locator("#pos-scan")
    box.fill(text)
    box.press("Enter")  # what a keyboard-wedge scanner ends a barcode with


def _pay(page) -> str:
    page.locator("#pos-pay").click()
    receipt = page.locator("#pos-receipt")
    expect(receipt).to_be_visible()
    return page.locator("#pos-receipt-number").inner_text()


def _waiting(page) -> int:
    return int(page.locator("#pos-status").get_attribute("data-waiting") or "-1")


def test_sales_rung_up_offline_are_held_once(page, context, live_server, place_a):
    coop = place_a.cooperative
    beras = make_product(coop, barcode=BARCODE)
    gula = make_product(
        coop,
        sku="GLA-1",
        name="Gula pasir",
        unit="kg",
        member_price=17_000,
        non_member_price=18_000,
    )
    minyak = make_product(
        coop,
        sku="MYK-2",
        name="Minyak goreng 2 liter",
        unit="botol",
        member_price=34_000,
        non_member_price=36_000,
    )
    for product in (beras, gula, minyak):
        stock_in(place_a, product, 5, unit_cost=10_000)
    unit = unit_of(coop)
    services.shift_open(actor=place_a.kasir, unit=unit, opening_float=100_000)
    _log_in(context, live_server, place_a.kasir)
    page.set_viewport_size(PHONE)
    kasir = f"/app/{coop.public_id}/gerai/sembako/kasir/"

    page.goto(kasir)
    expect(page.locator("#pos-app")).to_be_visible()
    expect(page.locator("#pos-plain")).to_be_hidden()
    expect(page.locator("#pos-app")).to_have_attribute("data-ready", "1")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    device = PosDevice.objects.get(cooperative=coop)
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.post_data or "")
            if request.method == "POST" and request.url.endswith("/sync")
            else None
        ),
    )

    context.set_offline(True)
    expect(page.locator("#pos-status")).to_have_attribute("data-online", "0")
    numbers = []
    _scan(page, BARCODE)  # a barcode, exactly
    _scan(page, BARCODE)  # twice: two sak
    expect(page.locator("#pos-cart-body tr")).to_have_count(1)
    expect(page.locator("#pos-total")).to_have_text("Rp144.000")
    page.locator("#pos-tendered").fill("150000")
    expect(page.locator("#pos-change")).to_have_text("Rp6.000")
    numbers.append(_pay(page))
    page.screenshot(path=str(_shots() / "pos-offline-receipt-phone.png"), full_page=True)
    page.locator("#pos-new-sale").click()

    _scan(page, "gla-1")  # a SKU, any case
    page.get_by_role("button", name=re.compile("One more Gula|Tambah satu Gula")).click()
    numbers.append(_pay(page))
    page.locator("#pos-new-sale").click()

    _scan(page, "minyak")  # part of a name: the only match
    numbers.append(_pay(page))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3]
    assert all(n.startswith("SEMBAKO-") for n in numbers)
    expect(page.locator("#pos-status")).to_have_attribute("data-waiting", "3")
    assert Sale.objects.count() == 0  # nothing reached the server while offline

    # The page reloads without a connection: the service worker serves it and its assets, and
    # the queue is still there (IndexedDB).
    page.reload()
    expect(page.locator("#pos-app")).to_have_attribute("data-ready", "1")
    expect(page.locator("#pos-status")).to_have_attribute("data-waiting", "3")

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("#pos-status")).to_have_attribute("data-waiting", "0", timeout=20_000)
    held = Sale.objects.filter(device=device).order_by("device_sequence")
    assert [s.number for s in held] == numbers
    assert [s.total for s in held] == [144_000, 36_000, 36_000]
    assert held[0].change == 6_000
    assert StockLevel.objects.get(product=beras).quantity == 3

    # The same queue sent again (a retry after a lost answer): nothing changes.
    assert sent, "the page sent no sync request"
    payload = json.loads(sent[0])
    assert len(payload["sales"]) == 3
    answer = page.evaluate(
        """async (body) => {
          const app = document.getElementById('pos-app').dataset;
          const response = await fetch(app.syncUrl, {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': app.csrf},
            body: JSON.stringify(body)});
          return await response.json();
        }""",
        payload,
    )
    assert [r["status"] for r in answer["results"]] == ["duplicate"] * 3
    assert Sale.objects.filter(device=device).count() == 3
    assert StockLevel.objects.get(product=beras).quantity == 3
    # No script error. A request the page tried while the connection was down is logged by
    # Chromium as a failed resource (it may believe itself online just after a reload offline);
    # the page handles it: the sale waits in the queue.
    offline = "net::ERR_INTERNET_DISCONNECTED"
    assert [e for e in page.console_errors if offline not in e] == []


def test_a_sale_the_server_refuses_stays_on_the_page(page, context, live_server, place_a):
    coop = place_a.cooperative
    make_product(coop, barcode=BARCODE)
    beras = make_product(coop)
    stock_in(place_a, beras, 1, unit_cost=10_000)
    services.shift_open(actor=place_a.kasir, unit=unit_of(coop), opening_float=0)
    _log_in(context, live_server, place_a.kasir)
    page.set_viewport_size(PHONE)
    page.goto(f"/app/{coop.public_id}/gerai/sembako/kasir/")
    expect(page.locator("#pos-app")).to_have_attribute("data-ready", "1")

    context.set_offline(True)
    _scan(page, BARCODE)
    page.get_by_role("button", name=re.compile("One more|Tambah satu")).click()  # 2 of 1 on hand
    _pay(page)
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    rejected = page.locator("#pos-rejected")
    expect(rejected).to_be_visible(timeout=20_000)
    expect(page.locator("#pos-rejected-list li")).to_have_count(1)
    expect(rejected).to_contain_text("Beras 5 kg")
    assert Sale.objects.count() == 0
    assert SyncRejection.objects.count() == 1
    # Kept, never sent again as new: a reload still shows it and nothing more is sent.
    page.reload()
    expect(page.locator("#pos-rejected-list li")).to_have_count(1)
    assert SyncRejection.objects.count() == 1


def test_the_receipt_prints_at_58_mm(page, context, live_server, place_a):
    coop = place_a.cooperative
    beras = make_product(coop, barcode=BARCODE)
    stock_in(place_a, beras, 3, unit_cost=10_000)
    unit = unit_of(coop)
    services.shift_open(actor=place_a.kasir, unit=unit, opening_float=0)
    sale = services.sale_record(actor=place_a.kasir, unit=unit, lines=[(beras, 1)], payment="cash")
    _log_in(context, live_server, place_a.kasir)
    page.goto(f"/app/{coop.public_id}/gerai/kuitansi/{sale.public_id}/")
    page.emulate_media(media="print")
    width = page.locator(".slip").evaluate("e => e.getBoundingClientRect().width")
    # 54 mm of content on a 58 mm roll (2 mm margins): 54 mm at 96 dpi is about 204 px.
    assert 200 <= width <= 208, width
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(width="58mm", height="200mm", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
