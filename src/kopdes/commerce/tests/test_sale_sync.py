"""The offline sync: accepted, duplicate, rejected (kept once), sequences and gaps, prices as
paid, bulk posting to the right accounts, the stock reconciled."""

import uuid

import pytest

from kopdes.commerce import services
from kopdes.commerce.errors import NotAllowed, SyncBatchTooLarge
from kopdes.commerce.models import PosDevice, Sale, SyncRejection
from kopdes.commerce.tests.sale_factories import (
    D,
    assert_stock_reconciles,
    at,
    balance,
    code,
    level,
    lines_of,
    make_member,
    stocked,
)
from kopdes.core.models import AuditEvent


def device_of(place, unit) -> PosDevice:
    with at(D):
        return services.device_register(
            actor=place.kasir, unit=unit, public_id=str(uuid.uuid4()), label="HP kasir 1"
        )


def offline(product, sequence, *, quantity=1, price=None, client=None, **extra):
    price = product.non_member_price if price is None else price
    sale = {
        "client_id": str(client or uuid.uuid4()),
        "sequence": sequence,
        "sold_at": "2026-03-02T10:15:00+07:00",
        "payment": "cash",
        "lines": [{"product": product.sku, "quantity": quantity, "unit_price": price}],
        "total": quantity * price,
    }
    sale.update(extra)
    return sale


def sync(place, device, sales, actor=None):
    with at(D):
        return services.sales_sync(actor=actor or place.kasir, device=device, sales=sales)


def test_sales_are_accepted_once_and_a_resend_is_a_duplicate(place_a):
    unit, beras, telur = stocked(place_a)
    device = device_of(place_a, unit)
    batch = [offline(beras, 1, quantity=2), offline(telur, 2, quantity=3)]
    first = sync(place_a, device, batch)
    assert [r.status for r in first] == ["accepted", "accepted"]
    short = device.public_id.hex[:4].upper()
    assert [r.number for r in first] == [f"SEMBAKO-{short}-000001", f"SEMBAKO-{short}-000002"]
    sales = {s.public_id: s for s in Sale.objects.filter(device=device)}
    assert set(sales) == {uuid.UUID(s["client_id"]) for s in batch}
    one = sales[uuid.UUID(batch[0]["client_id"])]
    assert (one.source, one.on, one.total, one.cost, one.number) == (
        "offline",
        D,
        144_000,
        130_000,
        first[0].number,
    )
    assert one.receipt_hash == first[0].receipt_hash
    assert lines_of(one.entry) == [
        (code(unit, "1-101"), 144_000, 0),
        (code(unit, "4-201"), 0, 144_000),
        (code(unit, "5-101"), 130_000, 0),
        (code(unit, "1-107"), 0, 130_000),
    ]
    again = sync(place_a, device, batch)
    assert [(r.status, r.number) for r in again] == [("duplicate", r.number) for r in first]
    assert Sale.objects.filter(device=device).count() == 2
    assert level(unit, beras).quantity == 8 and level(unit, telur).quantity == 17
    assert_stock_reconciles(unit)
    device.refresh_from_db()
    assert device.last_sequence == 2
    assert services.device_gaps(device) == []


def test_a_sale_the_server_cannot_accept_is_kept_once(place_a):
    unit, beras, _telur = stocked(place_a, quantity=3)
    device = device_of(place_a, unit)
    batch = [offline(beras, 1, quantity=2), offline(beras, 2, quantity=2)]
    results = sync(place_a, device, batch)
    assert [r.status for r in results] == ["accepted", "rejected"]
    assert results[1].code == "commerce.insufficient_stock"
    again = sync(place_a, device, batch)
    assert [r.status for r in again] == ["duplicate", "rejected"]
    assert again[1].code == "commerce.insufficient_stock"
    [kept] = SyncRejection.objects.filter(device=device)
    assert (str(kept.client_id), kept.code, kept.status) == (
        batch[1]["client_id"],
        "commerce.insufficient_stock",
        "open",
    )
    assert kept.payload == batch[1]
    assert Sale.objects.filter(device=device).count() == 1
    assert_stock_reconciles(unit)


@pytest.mark.parametrize(
    ("change", "code_"),
    [
        ({"payment": "member_credit"}, "commerce.offline_payment"),
        ({"payment": "qris"}, "commerce.offline_payment"),
        (
            {"lines": [{"product": "NOPE", "quantity": 1, "unit_price": 1}], "total": 1},
            "commerce.unknown_product",
        ),
        ({"total": 1}, "commerce.total_mismatch"),
        ({"sold_at": "2026-03-03T10:00:00+07:00"}, "commerce.sale_in_future"),
        ({"sold_at": "yesterday"}, "commerce.invalid_sync_sale"),
        ({"sequence": 0}, "commerce.invalid_sequence"),
        ({"member": "9999"}, "commerce.member_not_found"),
        ({"tendered": 1_000}, "commerce.tendered_short"),
    ],
)
def test_each_refusal_has_its_code_and_books_nothing(place_a, change, code_):
    unit, beras, _telur = stocked(place_a)
    device = device_of(place_a, unit)
    sale = offline(beras, 1)
    sale.update(change)
    [result] = sync(place_a, device, [sale])
    assert (result.status, result.code) == ("rejected", code_)
    assert result.message
    assert not Sale.objects.exists()
    assert SyncRejection.objects.filter(device=device, code=code_).count() == 1
    assert level(unit, beras).quantity == 10


def test_a_sequence_reused_by_another_sale_is_rejected_and_gaps_are_reported(place_a):
    unit, beras, _telur = stocked(place_a)
    device = device_of(place_a, unit)
    sync(place_a, device, [offline(beras, 1), offline(beras, 2), offline(beras, 5)])
    device.refresh_from_db()
    assert services.device_gaps(device) == [3, 4]
    [reused] = sync(place_a, device, [offline(beras, 2)])
    assert (reused.status, reused.code) == ("rejected", "commerce.sequence_reused")
    # A kept rejection fills its number: the receipt is accounted for.
    sync(place_a, device, [offline(beras, 3, payment="qris")])
    device.refresh_from_db()
    assert services.device_gaps(device) == [4]


def test_an_older_sale_keeps_its_moment_and_is_booked_today(place_a):
    unit, beras, _telur = stocked(place_a)
    device = device_of(place_a, unit)
    [result] = sync(place_a, device, [offline(beras, 1, sold_at="2026-02-27T16:45:30+07:00")])
    sale = Sale.objects.get(public_id=result.sale_id)
    assert sale.on == D and sale.entry.date == D
    assert sale.sold_at.isoformat().startswith("2026-02-27T09:45:30")  # stored in UTC


def test_a_changed_price_is_accepted_as_paid_and_audited(place_a):
    unit, beras, _telur = stocked(place_a)
    member = make_member(place_a.cooperative)
    device = device_of(place_a, unit)
    [result] = sync(place_a, device, [offline(beras, 1, price=71_000, member=member.niak)])
    assert result.status == "accepted"
    sale = Sale.objects.get(public_id=result.sale_id)
    assert (sale.member_id, sale.total) == (member.pk, 71_000)
    assert lines_of(sale.entry)[1] == (code(unit, "4-101"), 0, 71_000)
    audit = AuditEvent.objects.get(action="commerce.sales_sync")
    assert audit.after["price_differences"] == {
        result.client_id: [{"sku": "BRS-5", "device": 71_000, "catalogue": 70_000}]
    }


def test_many_sales_post_balanced_entries_and_reconcile(place_a):
    unit, beras, telur = stocked(place_a, quantity=200)
    device = device_of(place_a, unit)
    batch = [
        {
            **offline(beras, n, quantity=1),
            "lines": [
                {"product": beras.sku, "quantity": 1, "unit_price": 72_000},
                {"product": str(telur.public_id), "quantity": 1, "unit_price": 28_000},
            ],
            "total": 100_000,
        }
        for n in range(1, 16)
    ]
    results = sync(place_a, device, batch)
    assert {r.status for r in results} == {"accepted"}
    assert balance(place_a.cooperative, code(unit, "4-201")) == -15 * 100_000
    assert (
        balance(place_a.cooperative, code(unit, "1-101"))
        == -(200 * 65_000 + 20 * 25_000) + 15 * 100_000
    )
    assert_stock_reconciles(unit)


def test_who_may_sync(place_a, place_b):
    unit, beras, _telur = stocked(place_a)
    device = device_of(place_a, unit)
    with pytest.raises(NotAllowed):
        sync(place_a, device, [offline(beras, 1)], actor=place_a.anggota)
    with pytest.raises(NotAllowed):
        sync(place_a, device, [offline(beras, 1)], actor=place_b.kasir)
    with pytest.raises(SyncBatchTooLarge):
        sync(place_a, device, [offline(beras, n) for n in range(1, 502)])
    assert not Sale.objects.exists()


def test_a_malformed_item_is_answered_without_being_kept(place_a):
    unit, beras, _telur = stocked(place_a)
    device = device_of(place_a, unit)
    results = sync(place_a, device, [{"client_id": "x"}, "junk", offline(beras, 1)])
    assert [r.status for r in results] == ["rejected", "rejected", "accepted"]
    assert results[0].code == "commerce.invalid_sync_sale"
    assert not SyncRejection.objects.exists()


def test_the_device_belongs_to_its_outlet(place_a):
    unit, _beras, _telur = stocked(place_a)
    from kopdes.commerce.errors import DeviceNotFound, DeviceShortIdTaken, InvalidDevice
    from kopdes.commerce.tests.sale_factories import unit_of

    device = device_of(place_a, unit)
    with at(D):
        again = services.device_register(
            actor=place_a.kasir, unit=unit, public_id=str(device.public_id), label="x"
        )
        assert again.pk == device.pk
        apotek = unit_of(place_a.cooperative, "apotek")
        with pytest.raises(DeviceNotFound):
            services.device_register(
                actor=place_a.kasir, unit=apotek, public_id=str(device.public_id), label="x"
            )
        twin = uuid.UUID(device.public_id.hex[:4] + "0" * 28)
        with pytest.raises(DeviceShortIdTaken):
            services.device_register(actor=place_a.kasir, unit=unit, public_id=str(twin), label="y")
        with pytest.raises(InvalidDevice):
            services.device_register(actor=place_a.kasir, unit=unit, public_id="abc", label="y")
