"""The gerai's stock pages (issue 12, item 1): transfers between units, the stock opname through
the pages with two people (the count sheet, the second count of the differences by another
officer, the reasons, the approval by a third who did not count, the adjustment posted) and
write-offs (requested by one officer, decided by another)."""

import pytest
from django.urls import reverse

from kopdes.commerce.models import StockCount, StockLevel, StockTransfer, StockWriteOff
from kopdes.commerce.tests.factories import make_product, stock_in, unit_of
from kopdes.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def stocked(place_a):
    """Beras (10 sak at Rp65.000) and minyak (24 botol at Rp30.000) in the sembako unit."""
    coop = place_a.cooperative
    beras = make_product(coop)
    minyak = make_product(
        coop,
        sku="MNY-2",
        name="Minyak goreng 2 liter",
        unit="botol",
        member_price=34_000,
        non_member_price=36_000,
    )
    stock_in(place_a, beras, 10, unit_cost=65_000)
    stock_in(place_a, minyak, 24, unit_cost=30_000)
    return beras, minyak


# --- transfers ------------------------------------------------------------------------------------


def test_goods_move_to_the_warehouse_at_their_average_cost(client, place_a, stocked):
    coop = place_a.cooperative
    beras, _minyak = stocked
    client.force_login(place_a.manajer)
    data = {
        "from_unit": str(unit_of(coop).public_id),
        "to_unit": str(unit_of(coop, "pergudangan").public_id),
        "note": "",
        "line-0-product": str(beras.public_id),
        "line-0-quantity": "4",
    }
    response = client.post(url("commerce_transfer_new", coop), data)
    assert response.status_code == 302
    transfer = StockTransfer.objects.get(cooperative=coop)
    assert transfer.lines.get().value == 260_000
    page = client.get(url("commerce_transfer", coop, transfer.public_id)).content.decode()
    assert transfer.number in page and "Rp260.000" in page
    warehouse = StockLevel.objects.get(unit=unit_of(coop, "pergudangan"), product=beras)
    assert (warehouse.quantity, warehouse.value) == (4, 260_000)


def test_a_transfer_of_more_than_is_held_is_refused_and_nothing_moves(client, place_a, stocked):
    coop = place_a.cooperative
    beras, _minyak = stocked
    client.force_login(place_a.manajer)
    data = {
        "from_unit": str(unit_of(coop).public_id),
        "to_unit": str(unit_of(coop, "pergudangan").public_id),
        "line-0-product": str(beras.public_id),
        "line-0-quantity": "11",
    }
    response = client.post(url("commerce_transfer_new", coop), data)
    assert response.status_code == 400
    assert "Beras 5 kg" in response.content.decode()
    assert not StockTransfer.objects.filter(cooperative=coop).exists()
    data["to_unit"] = data["from_unit"]
    response = client.post(url("commerce_transfer_new", coop), data)
    assert response.status_code == 400
    assert 'id="id_to_unit_error"' in response.content.decode()


# --- opname ---------------------------------------------------------------------------------------


def test_the_opname_through_the_pages_with_two_people(client, place_a, stocked):
    coop = place_a.cooperative
    beras, minyak = stocked
    sembako = unit_of(coop)

    # The manajer starts the count and types what is on the shelves: one beras is missing.
    client.force_login(place_a.manajer)
    response = client.post(url("commerce_counts", coop), {"unit": str(sembako.public_id)})
    assert response.status_code == 302
    count = StockCount.objects.get(cooperative=coop)
    sheet = url("commerce_count_sheet", coop, count.public_id)
    assert response["Location"] == sheet
    html = client.get(sheet).content.decode()
    assert "Beras 5 kg" in html and ">10<" not in html  # blind: the books are not shown
    response = client.post(sheet, {f"count_{beras.pk}": "9", f"count_{minyak.pk}": "24"})
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.status == "recount"

    # The manajer may not count the difference again himself.
    recount = url("commerce_count_recount", coop, count.public_id)
    response = client.post(recount, {f"count_{beras.pk}": "9"})
    assert response.status_code == 400
    assert count.lines.get(product=beras).second_count is None

    # The bendahara counts it again: still 9.
    client.force_login(place_a.bendahara)
    html = client.get(recount).content.decode()
    assert "Beras 5 kg" in html and "Minyak" not in html
    assert client.post(recount, {f"count_{beras.pk}": "9"}).status_code == 302

    # Handing in needs the reason of the difference.
    submit = url("commerce_count_submit", coop, count.public_id)
    response = client.post(submit, {f"reason_{beras.pk}": ""})
    assert response.status_code == 400
    count.refresh_from_db()
    assert count.status == "counting"
    assert client.post(submit, {f"reason_{beras.pk}": "Karung sobek"}).status_code == 302
    count.refresh_from_db()
    assert count.status == "submitted"

    # The manajer counted: he may not approve. The ketua approves; the loss is posted.
    approve = url("commerce_count_approve", coop, count.public_id)
    client.force_login(place_a.manajer)
    assert client.post(approve).status_code == 400
    count.refresh_from_db()
    assert count.status == "submitted" and count.entry_id is None
    client.force_login(place_a.ketua)
    assert client.post(approve).status_code == 302
    count.refresh_from_db()
    assert count.status == "posted"
    entry = JournalEntry.objects.get(pk=count.entry_id)
    assert sum(line.debit for line in entry.lines.all()) == 65_000
    level = StockLevel.objects.get(unit=sembako, product=beras)
    assert (level.quantity, level.value) == (9, 585_000)
    page = client.get(url("commerce_count", coop, count.public_id)).content.decode()
    assert "Karung sobek" in page and "Rp65.000" in page
    assert url("journal_entry", coop, entry.public_id) in page


def test_the_count_sheet_needs_a_count(client, place_a, stocked):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    client.post(url("commerce_counts", coop), {"unit": str(unit_of(coop).public_id)})
    count = StockCount.objects.get(cooperative=coop)
    response = client.post(url("commerce_count_sheet", coop, count.public_id), {})
    assert response.status_code == 400
    assert not count.lines.filter(first_count__isnull=False).exists()


def test_a_kasir_cannot_count(client, place_a, stocked):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    response = client.post(url("commerce_counts", coop), {"unit": str(unit_of(coop).public_id)})
    assert response.status_code == 404
    assert not StockCount.objects.filter(cooperative=coop).exists()


# --- write-offs -----------------------------------------------------------------------------------


def test_a_write_off_is_requested_by_one_and_approved_by_another(client, place_a, stocked):
    coop = place_a.cooperative
    _beras, minyak = stocked
    sembako = unit_of(coop)
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_write_off_new", coop),
        {
            "unit": str(sembako.public_id),
            "product": str(minyak.public_id),
            "quantity": "2",
            "reason": "damaged",
            "note": "Botol pecah",
        },
    )
    assert response.status_code == 302
    write_off = StockWriteOff.objects.get(cooperative=coop)
    decide = url("commerce_write_off_decide", coop, write_off.public_id)
    assert client.post(decide, {"decision": "approve"}).status_code == 400  # the requester
    client.force_login(place_a.kasir)
    assert client.get(decide).status_code == 404
    client.force_login(place_a.ketua)
    assert "Botol pecah" in client.get(url("commerce_write_offs", coop)).content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    write_off.refresh_from_db()
    assert (write_off.status, write_off.value) == ("approved", 60_000)
    level = StockLevel.objects.get(unit=sembako, product=minyak)
    assert (level.quantity, level.value) == (22, 660_000)


def test_a_write_off_of_more_than_is_held_is_refused(client, place_a, stocked):
    coop = place_a.cooperative
    _beras, minyak = stocked
    client.force_login(place_a.manajer)
    response = client.post(
        url("commerce_write_off_new", coop),
        {
            "unit": str(unit_of(coop).public_id),
            "product": str(minyak.public_id),
            "quantity": "25",
            "reason": "expired",
            "note": "Kedaluwarsa",
        },
    )
    assert response.status_code == 400
    assert not StockWriteOff.objects.filter(cooperative=coop).exists()
