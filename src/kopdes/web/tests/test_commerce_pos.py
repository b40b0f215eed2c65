"""The kasir pages (issue 12, items 2, 4 and 6): the kasir page as a plain form (one sale per
submit), its JSON endpoints (catalogue, device, member lookup, the sync of the offline queue,
the service worker), the receipt with its WhatsApp text, shifts, devices with their receipt
gaps and sync rejections, the sales of a day, and `POST /api/v1/pos/sync`."""

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from kopdes.accounts.tokens import token_issue
from kopdes.commerce import services
from kopdes.commerce.models import CashShift, PosDevice, Sale, StockLevel, SyncRejection
from kopdes.commerce.tests.factories import BARCODE, make_product, stock_in, unit_of
from kopdes.commerce.tests.sale_factories import member_with_savings
from kopdes.members.models import Member
from kopdes.payments.models import PaymentIntent
from kopdes.payments.services import payment_simulate_paid
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings.tests.factories import make_member
from kopdes.web.views.commerce_pos import parse_items

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def shop(place_a):
    """The sembako of A with rice (10 sak, barcode) and sugar (5 kg) in stock."""
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
    stock_in(place_a, beras, 10)
    stock_in(place_a, gula, 5, unit_cost=15_000)
    return {"unit": unit_of(coop), "beras": beras, "gula": gula}


@pytest.fixture
def shift(place_a, shop):
    return services.shift_open(actor=place_a.kasir, unit=shop["unit"], opening_float=100_000)


@pytest.fixture
def member(coop_a):
    m = make_member(coop_a, name="Siti Belanja")
    Member.objects.filter(pk=m.pk).update(phone="+6281234567890")
    m.refresh_from_db()
    return m


def kasir_url(place, name="commerce_pos", suffix=""):
    return url(name, place.cooperative, "sembako") + suffix


# -- the plain form ---------------------------------------------------------------------------------


def test_items_are_read_one_per_line_with_an_optional_quantity():
    assert parse_items("8991234567893\nBRS-5 x 2\n\n8991234567893\ngula *3") == [
        ("8991234567893", 2),
        ("BRS-5", 2),
        ("gula", 3),
    ]
    with pytest.raises(ValueError):
        parse_items("BRS-5 x 0")


def test_the_kasir_page_asks_for_an_open_shift_first(client, place_a, shop):
    client.force_login(place_a.kasir)
    page = client.get(kasir_url(place_a))
    body = page.content.decode()
    assert page.status_code == 200
    assert url("commerce_shifts", place_a.cooperative) + "?unit=sembako" in body
    assert 'id="pos-app"' not in body
    refused = client.post(kasir_url(place_a), {"items": "BRS-5", "payment": "cash"})
    assert refused.status_code == 400
    assert not Sale.objects.exists()


def test_a_shift_is_opened_with_its_float_and_leads_to_the_kasir(client, place_a, shop):
    client.force_login(place_a.kasir)
    answer = client.post(
        url("commerce_shifts", place_a.cooperative),
        {"unit": "sembako", "opening_float": "150.000"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == kasir_url(place_a)
    shift = CashShift.objects.get(kasir_id=place_a.kasir.pk)
    assert shift.opening_float == 150_000 and shift.status == "open"
    page = client.get(kasir_url(place_a)).content.decode()
    assert 'id="pos-app"' in page and 'id="pos-plain-form"' in page
    assert "web/pos.js" in page and "<script>" not in page  # no inline script (CSP)


def test_a_sale_through_the_plain_form_and_its_receipt(client, place_a, shop, shift, member):
    client.force_login(place_a.kasir)
    answer = client.post(
        kasir_url(place_a),
        {
            "items": f"{BARCODE}\n{BARCODE}\nGLA-1 x 3",
            "member": member.niak,
            "payment": "cash",
            "tendered": "200.000",
            "idempotency_key": "sale-1",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    sale = Sale.objects.get()
    # Member prices: 2 x 70.000 + 3 x 17.000.
    assert sale.total == 191_000 and sale.change == 9_000 and sale.member == member
    assert sale.shift == shift and sale.status == "completed" and sale.entry is not None
    assert answer["Location"] == url("commerce_sale_receipt", place_a.cooperative, sale.public_id)
    assert StockLevel.objects.get(product=shop["beras"]).quantity == 8

    again = client.post(
        kasir_url(place_a),
        {
            "items": f"{BARCODE}\n{BARCODE}\nGLA-1 x 3",
            "member": member.niak,
            "payment": "cash",
            "tendered": "200.000",
            "idempotency_key": "sale-1",
        },
    )
    assert again.status_code == 302 and Sale.objects.count() == 1  # a double submit saves once

    receipt = client.get(answer["Location"])
    body = receipt.content.decode()
    assert receipt.status_code == 200
    assert sale.number in body and sale.receipt_hash in body
    assert "seratus sembilan puluh satu ribu rupiah" in body.lower()  # terbilang
    assert 'class="receipt slip"' in body  # 58 mm when printed (print.css)
    assert "Kembali: Rp9.000" in body and "Kode struk: " + sale.receipt_hash in body
    assert "https://wa.me/6281234567890?text=" in body  # WhatsApp-ready text to the member
    assert "Periksa di buku besar: " in body and 'class="ledger-qr"' in body  # the signed books
    assert member.nik not in body


def test_a_qris_sale_shows_its_code_and_completes_when_paid(client, place_a, shop, shift):
    make_merchant(place_a.cooperative, unit=shop["unit"])
    client.force_login(place_a.kasir)
    answer = client.post(
        kasir_url(place_a), {"items": "GLA-1 x 2", "payment": "qris", "idempotency_key": "q"}
    )
    assert answer.status_code == 302
    sale = Sale.objects.get()
    assert sale.status == "pending_payment" and sale.entry is None
    receipt = client.get(answer["Location"]).content.decode()
    assert "<svg" in receipt and "web/pos-receipt.js" in receipt  # the QR code, then polling
    status = url("commerce_sale_status", place_a.cooperative, sale.public_id)
    assert client.get(status).json()["status"] == "pending_payment"
    intent = PaymentIntent.objects.get(reference=str(sale.public_id))
    payment_simulate_paid(intent)
    assert client.get(status).json()["status"] == "completed"
    paid = client.get(answer["Location"]).content.decode()
    assert "web/pos-receipt.js" not in paid and Sale.objects.get().entry is not None


def test_member_credit_through_the_plain_form(client, place_a, shop, shift):
    member = member_with_savings(place_a, amount=200_000)
    client.force_login(place_a.kasir)
    without = client.post(
        kasir_url(place_a), {"items": "GLA-1", "payment": "member_credit", "idempotency_key": "m0"}
    )
    assert without.status_code == 400 and not Sale.objects.exists()  # needs the member
    answer = client.post(
        kasir_url(place_a),
        {
            "items": "GLA-1 x 2",
            "member": member.niak,
            "payment": "member_credit",
            "idempotency_key": "m1",
        },
    )
    assert answer.status_code == 302
    sale = Sale.objects.get()
    assert sale.payment == "member_credit" and sale.total == 34_000 and sale.tendered is None
    assert "Potong simpanan sukarela" in client.get(answer["Location"]).content.decode()


def test_a_refused_sale_saves_nothing_and_says_why(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    for items, words in [("TIDAK-ADA", "TIDAK-ADA"), ("BRS-5 x 11", "Beras 5 kg")]:
        page = client.post(
            kasir_url(place_a),
            {"items": items, "payment": "cash", "idempotency_key": str(uuid.uuid4())},
        )
        assert page.status_code == 400
        assert words in page.content.decode()
    short = client.post(
        kasir_url(place_a),
        {"items": "BRS-5", "payment": "cash", "tendered": "50.000", "idempotency_key": "k"},
    )
    assert short.status_code == 400
    assert not Sale.objects.exists()
    assert StockLevel.objects.get(product=shop["beras"]).quantity == 10


def test_only_people_who_handle_cash_open_the_kasir(client, place_a, place_b, shop, shift):
    for person in (place_a.pengawas, place_a.anggota, place_a.sekretaris):
        client.force_login(person)
        assert client.get(kasir_url(place_a)).status_code == 404
    client.force_login(place_b.kasir)
    assert client.get(kasir_url(place_a)).status_code == 404  # another cooperative
    client.force_login(place_a.kasir)
    assert client.get(url("commerce_pos", place_a.cooperative, "kantor")).status_code == 404


# -- the JSON endpoints -----------------------------------------------------------------------------


def test_the_catalogue_for_the_device(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    data = client.get(kasir_url(place_a, suffix="katalog.json")).json()
    by_sku = {p["sku"]: p for p in data["products"]}
    assert by_sku["BRS-5"] == {
        "id": str(shop["beras"].public_id),
        "sku": "BRS-5",
        "name": "Beras 5 kg",
        "unit": "sak",
        "barcode": BARCODE,
        "member_price": 70_000,
        "non_member_price": 72_000,
        "available": 10,
    }
    assert data["unit"]["code"] == "sembako"


def test_member_lookup_shows_the_name_never_the_nik(client, place_a, shop, shift, member):
    client.force_login(place_a.kasir)
    found = client.get(kasir_url(place_a, suffix="anggota"), {"q": "081234567890"})
    body = found.content.decode()
    assert found.json()["member"]["name"] == "Siti Belanja"
    assert found.json()["member"]["id"] == str(member.public_id)
    assert member.nik not in body and "+6281234567890" not in body
    assert client.get(kasir_url(place_a, suffix="anggota"), {"q": "9999"}).json()["member"] is None


def post_json(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def register(client, place, device_id):
    return post_json(
        client, kasir_url(place, suffix="perangkat"), {"device": device_id, "label": "HP"}
    )


def offline_sale(product, sequence, quantity=1, price=72_000, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "sequence": sequence,
        "sold_at": timezone.now().isoformat(),
        "member": None,
        "payment": "cash",
        "lines": [{"product": str(product.public_id), "quantity": quantity, "unit_price": price}],
        "total": quantity * price,
        "tendered": quantity * price,
        **extra,
    }


def test_device_registration_answers_the_receipt_prefix(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    device_id = "1a2b3c4d-0000-4000-8000-000000000001"
    answer = register(client, place_a, device_id).json()
    assert answer == {"device": device_id, "number_prefix": "SEMBAKO-1A2B", "last_sequence": 0}
    assert register(client, place_a, device_id).json() == answer  # the same device again
    assert PosDevice.objects.filter(public_id=device_id).count() == 1
    bad = register(client, place_a, "not-a-uuid")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "commerce.invalid_device"


def test_the_offline_queue_syncs_each_sale_once(client, place_a, place_b, shop, shift):
    client.force_login(place_a.kasir)
    device_id = str(uuid.uuid4())
    prefix = register(client, place_a, device_id).json()["number_prefix"]
    sales = [offline_sale(shop["beras"], n) for n in (1, 2)]
    sales.append(offline_sale(shop["beras"], 3, quantity=50))  # more than on hand
    sync = kasir_url(place_a, suffix="sync")
    first = post_json(client, sync, {"device": device_id, "sales": sales})
    assert first.status_code == 200
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    assert results[0]["number"] == f"{prefix}-000001"
    assert results[0]["receipt_url"] == url(
        "commerce_sale_receipt", place_a.cooperative, sales[0]["client_id"]
    )
    assert results[2]["code"] == "commerce.insufficient_stock" and results[2]["message"]
    again = post_json(client, sync, {"device": device_id, "sales": sales}).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate", "rejected"]
    assert Sale.objects.filter(device__public_id=device_id).count() == 2
    assert SyncRejection.objects.count() == 1  # kept once
    assert StockLevel.objects.get(product=shop["beras"]).quantity == 8

    # A device of another unit or cooperative is not found; a body that is not JSON is refused.
    assert post_json(client, sync, {"device": str(uuid.uuid4()), "sales": []}).status_code == 404
    assert client.post(sync, data="nope", content_type="application/json").status_code == 400
    client.force_login(place_b.kasir)
    assert post_json(client, sync, {"device": device_id, "sales": sales}).status_code == 404


def test_the_service_worker_is_served_from_the_kasir_path(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    answer = client.get(kasir_url(place_a, suffix="sw.js"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("fetch"' in answer.content


# -- shifts, devices, sales ---------------------------------------------------------------------------


def test_closing_a_shift_shows_and_books_the_difference(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    post = client.post(
        kasir_url(place_a),
        {"items": "BRS-5", "payment": "cash", "tendered": "72.000", "idempotency_key": "s"},
    )
    assert post.status_code == 302
    page = url("commerce_shift", place_a.cooperative, shift.public_id)
    closed = client.post(page, {"counted_cash": "170.000", "note": "Kurang seribu"})
    assert closed.status_code == 302
    shift.refresh_from_db()
    assert shift.expected_cash == 172_000 and shift.difference == -2_000
    assert shift.entry is not None
    body = client.get(page).content.decode()
    assert "-Rp2.000" in body and str(shift.entry) in body
    # The manajer reads the report; a pengawas (VIEW_COMMERCE) too, without the form.
    client.force_login(place_a.pengawas)
    assert client.get(page).status_code == 200
    assert client.post(page, {"counted_cash": "1"}).status_code == 404


def test_devices_show_their_gaps_and_rejections_are_resolved(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    device_id = str(uuid.uuid4())
    register(client, place_a, device_id)
    sales = [offline_sale(shop["beras"], 1), offline_sale(shop["beras"], 4, quantity=99)]
    post_json(client, kasir_url(place_a, suffix="sync"), {"device": device_id, "sales": sales})
    assert client.get(url("commerce_devices", place_a.cooperative)).status_code == 404  # kasir

    client.force_login(place_a.manajer)
    page = client.get(url("commerce_devices", place_a.cooperative)).content.decode()
    assert "2, 3" in page  # the receipt numbers the server never received
    rejection = SyncRejection.objects.get()
    detail = url("commerce_sync_rejection", place_a.cooperative, rejection.public_id)
    shown = client.get(detail).content.decode()
    assert "Beras 5 kg" in shown
    assert client.post(detail, {"note": ""}).status_code == 400
    assert client.post(detail, {"note": "Stok dihitung ulang"}).status_code == 302
    rejection.refresh_from_db()
    assert rejection.status == "resolved" and rejection.note == "Stok dihitung ulang"
    assert rejection.resolved_by_label


def test_the_sales_of_a_day_link_to_their_receipts(client, place_a, shop, shift):
    client.force_login(place_a.kasir)
    client.post(
        kasir_url(place_a),
        {"items": "GLA-1 x 2", "payment": "cash", "idempotency_key": "d"},
    )
    sale = Sale.objects.get()
    client.force_login(place_a.pengawas)
    page = client.get(url("commerce_sales", place_a.cooperative), {"unit": "sembako"})
    body = page.content.decode()
    assert page.status_code == 200
    assert url("commerce_sale_receipt", place_a.cooperative, sale.public_id) in body
    assert "Rp36.000" in body
    assert client.get(url("commerce_sales", place_a.cooperative), {"on": "x"}).status_code == 400


# -- the API -----------------------------------------------------------------------------------------


def test_api_sync_with_a_token_of_a_kasir(client, place_a, place_b, shop, shift):
    client.force_login(place_a.kasir)
    device_id = str(uuid.uuid4())
    register(client, place_a, device_id)
    client.logout()
    sales = [offline_sale(shop["gula"], 1, price=18_000)]

    def call(person, body):
        token, _row = token_issue(user=person)
        return client.post(
            "/api/v1/pos/sync",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    answer = call(place_a.kasir, {"device": device_id, "sales": sales})
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "accepted"
    assert (
        call(place_a.kasir, {"device": device_id, "sales": sales}).json()["results"][0]["status"]
        == "duplicate"
    )
    for outsider in (place_b.kasir, place_a.pengawas):
        refused = call(outsider, {"device": device_id, "sales": sales})
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "commerce.device_not_found"
    assert Sale.objects.count() == 1
