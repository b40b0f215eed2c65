"""The gerai's back office on a cheap phone (360 x 740), as place A's manajer: receive goods from
a supplier into the sembako unit (lines, payment), see the receipt with its journal entry, then
start a stock count, type the counts on the count sheet and hand it in."""

from browser.lazy_expect import expect
from browser.test_counter import PHONE, _fits, _log_in, _shots

from kopdes.commerce.models import GoodsReceipt, StockCount, StockLevel
from kopdes.commerce.tests.factories import make_product, make_supplier, unit_of


def test_receive_goods_and_count_them_on_a_phone(page, context, live_server, place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    make_product(
        coop,
        sku="MNY-2",
        name="Minyak goreng 2 liter",
        unit="botol",
        member_price=34_000,
        non_member_price=36_000,
    )
    make_supplier(coop)
    sembako = unit_of(coop)
    _log_in(context, live_server, place_a.manajer)
    page.set_viewport_size(PHONE)
    shots = _shots()

    # Goods arrive without an order: the supplier, where, how it is paid, one line.
    page.goto(f"/app/{coop.public_id}/gerai/penerimaan/baru/")
    expect(page.locator("h1")).to_have_text("Terima barang")
    page.select_option("select[name=supplier]", label="CV Sumber Pangan")
    page.select_option("select[name=unit]", value=str(sembako.public_id))
    page.select_option("select[name=payment]", value="cash")
    page.select_option("select[name=line-0-product]", label="Beras 5 kg")
    page.fill("input[name=line-0-quantity]", "10")
    page.fill("input[name=line-0-unit_cost]", "65000")
    _fits(page)
    page.screenshot(path=str(shots / "commerce-receipt-phone.png"), full_page=True)
    page.get_by_role("button", name="Catat penerimaan").click()

    receipt = GoodsReceipt.objects.get(cooperative=coop)
    expect(page.locator("h1")).to_contain_text(receipt.number)
    expect(page.locator("main")).to_contain_text("Rp650.000")
    expect(page.locator(f"a[href$='/jurnal/{receipt.entry.public_id}/']")).to_be_visible()
    _fits(page)
    level = StockLevel.objects.get(unit=sembako, product=beras)
    assert (level.quantity, level.value) == (10, 650_000)

    # The stock count: start it for the sembako unit, count on the sheet, hand it in.
    page.goto(f"/app/{coop.public_id}/gerai/opname/")
    page.select_option("select[name=unit]", value=str(sembako.public_id))
    page.get_by_role("button", name="Mulai menghitung").click()
    expect(page.locator("h1")).to_contain_text("Lembar hitung")
    count = StockCount.objects.get(cooperative=coop)
    box = page.get_by_label("Beras 5 kg (sak)")
    expect(box).to_be_visible()
    box.fill("10")
    _fits(page)
    page.screenshot(path=str(shots / "commerce-count-sheet-phone.png"), full_page=True)
    page.get_by_role("button", name="Simpan hitungan").click()

    expect(page.locator("h1")).to_contain_text(count.number)
    page.get_by_role("button", name="Ajukan untuk disetujui").click()
    expect(page.locator(".count-status")).to_have_text("Menunggu persetujuan")
    _fits(page)
    count.refresh_from_db()
    assert count.status == "submitted"
    assert count.lines.get(product=beras).first_count == 10
    assert page.console_errors == []
