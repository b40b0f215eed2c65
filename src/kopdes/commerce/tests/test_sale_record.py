"""sale_record: prices by membership, cash and change, HPP through the stock mechanism, the
entry through "sale.completed", the receipt number and hash, idempotency, refusals that save
nothing."""

import uuid
from datetime import timedelta

import pytest

from kopdes.commerce import receipts, services
from kopdes.commerce.errors import (
    EmptySale,
    InsufficientStock,
    InvalidSalePayment,
    MemberNotActive,
    MemberNotFound,
    MemberRequired,
    NotAllowed,
    NotAnOutlet,
    SaleInFuture,
    TenderedShort,
    UnknownProduct,
)
from kopdes.commerce.models import Sale, SaleLine, StockMovement
from kopdes.commerce.tests.sale_factories import (
    D,
    assert_stock_reconciles,
    at,
    code,
    level,
    lines_of,
    make_member,
    stocked,
    unit_of,
)
from kopdes.core import clock
from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent
from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member


def sell(place, unit, lines, **kwargs):
    with at(kwargs.pop("on", D)):
        return services.sale_record(
            actor=kwargs.pop("actor", place.kasir),
            unit=unit,
            lines=lines,
            payment=kwargs.pop("payment", "cash"),
            **kwargs,
        )


def test_a_cash_sale_to_a_non_member_books_revenue_hpp_and_stock(place_a):
    unit, beras, telur = stocked(place_a)
    sale = sell(place_a, unit, [(beras, 2), (telur, 3)], tendered=250_000)
    assert (sale.status, sale.total, sale.tendered, sale.change) == (
        "completed",
        228_000,
        250_000,
        22_000,
    )
    assert sale.cost == 2 * 65_000 + 3 * 25_000
    assert [
        (ln.quantity, ln.unit_price, ln.amount, ln.cost) for ln in sale.lines.order_by("pk")
    ] == [
        (2, 72_000, 144_000, 130_000),
        (3, 28_000, 84_000, 75_000),
    ]
    assert lines_of(sale.entry) == [
        (code(unit, "1-101"), 228_000, 0),
        (code(unit, "4-201"), 0, 228_000),
        (code(unit, "5-101"), 205_000, 0),
        (code(unit, "1-107"), 0, 205_000),
    ]
    assert sale.entry.source_kind == "sale.completed"
    assert level(unit, beras).quantity == 8
    assert_stock_reconciles(unit)
    # The stock movements name the sale and its entry.
    movements = StockMovement.objects.filter(reference=f"sale:{sale.public_id}")
    assert {m.entry_id for m in movements} == {sale.entry_id}
    assert (
        AuditEvent.objects.filter(
            action="commerce.sale_record", object_id=str(sale.public_id)
        ).count()
        == 1
    )


def test_member_prices_apply_only_with_an_active_member(place_a, place_b):
    unit, beras, _telur = stocked(place_a)
    member = make_member(place_a.cooperative)
    sale = sell(place_a, unit, [(beras, 1)], member=member)
    assert sale.total == 70_000
    assert lines_of(sale.entry)[1] == (code(unit, "4-101"), 0, 70_000)
    member.status = Member.Status.RESIGNED
    member.save(update_fields=["status"])
    with pytest.raises(MemberNotActive):
        sell(place_a, unit, [(beras, 1)], member=member)
    with pytest.raises(MemberNotFound):
        sell(place_a, unit, [(beras, 1)], member=make_member(place_b.cooperative))


def test_the_receipt_number_and_hash(place_a):
    unit, beras, _telur = stocked(place_a)
    sale = sell(place_a, unit, [(beras, 1)])
    assert sale.number == f"PJL-{D.year}-000001"
    assert sell(place_a, unit, [(beras, 1)]).number == f"PJL-{D.year}-000002"
    expected = receipts.receipt_hash(
        number=sale.number,
        sold_at_local=clock.timezone.localtime(sale.sold_at),
        lines=[receipts.ReceiptLine("BRS-5", 1, 72_000)],
        total=72_000,
        payment="cash",
    )
    assert sale.receipt_hash == expected and len(expected) == 8


def test_the_same_key_returns_the_first_sale_and_another_request_is_a_conflict(place_a):
    unit, beras, _telur = stocked(place_a)
    first = sell(place_a, unit, [(beras, 1)], idempotency_key="k-1")
    again = sell(place_a, unit, [(beras, 1)], idempotency_key="k-1")
    assert again.pk == first.pk
    assert Sale.objects.filter(cooperative=place_a.cooperative).count() == 1
    assert level(unit, beras).quantity == 9
    with pytest.raises(IdempotencyConflict):
        sell(place_a, unit, [(beras, 2)], idempotency_key="k-1")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"lines": []}, EmptySale),
        ({"payment": "hutang"}, InvalidSalePayment),
        ({"payment": "member_credit"}, MemberRequired),
        ({"tendered": 1_000}, TenderedShort),
        ({"lines": "too_many"}, InsufficientStock),
        ({"sold_at": "future"}, SaleInFuture),
    ],
)
def test_refusals_save_nothing(place_a, kwargs, error):
    unit, beras, _telur = stocked(place_a)
    if kwargs.get("lines") == "too_many":
        kwargs["lines"] = [(beras, 11)]
    if kwargs.get("sold_at") == "future":
        with at(D):
            kwargs["sold_at"] = clock.now() + timedelta(hours=1)
    kwargs.setdefault("lines", [(beras, 1)])
    lines = kwargs.pop("lines")
    entries = JournalEntry.objects.count()
    with pytest.raises(error):
        sell(place_a, unit, lines, **kwargs)
    assert not Sale.objects.exists() and not SaleLine.objects.exists()
    assert JournalEntry.objects.count() == entries
    assert level(unit, beras).quantity == 10
    assert not StockMovement.objects.filter(kind="sale").exists()


def test_who_may_sell_and_where(place_a, place_b):
    unit, beras, _telur = stocked(place_a)
    with pytest.raises(NotAllowed):
        sell(place_a, unit, [(beras, 1)], actor=place_a.anggota)
    with pytest.raises(NotAllowed):
        sell(place_a, unit, [(beras, 1)], actor=place_b.kasir)
    with pytest.raises(NotAnOutlet):
        sell(place_a, unit_of(place_a.cooperative, "kantor"), [(beras, 1)])
    foreign = stocked(place_b)[1]
    with pytest.raises(UnknownProduct):
        sell(place_a, unit, [(foreign, 1)])


def test_a_device_sale_is_numbered_by_the_device(place_a):
    unit, beras, _telur = stocked(place_a)
    device_id = uuid.uuid4()
    with at(D):
        device = services.device_register(
            actor=place_a.kasir, unit=unit, public_id=str(device_id), label="HP kasir"
        )
    client = uuid.uuid4()
    sale = sell(place_a, unit, [(beras, 1)], device=device, device_sequence=7, client_id=client)
    assert sale.public_id == client
    assert sale.number == f"SEMBAKO-{device_id.hex[:4].upper()}-000007"
