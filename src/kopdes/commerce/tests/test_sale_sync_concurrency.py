"""The same batch of offline sales synced twice at the same moment (two requests of a flaky
connection): the device's row lock makes the syncs run one after the other, so the server holds
each sale once, the second sync answers duplicates, and the books are posted once."""

import threading
import uuid

import pytest
from django.db import connections

from kopdes.commerce import services
from kopdes.commerce.models import Sale, StockMovement
from kopdes.commerce.tests.sale_factories import D, assert_stock_reconciles, at, level, stocked
from kopdes.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_batch_synced_twice_at_once_is_held_once(place_a):
    unit, beras, _telur = stocked(place_a, quantity=50)
    with at(D):
        device = services.device_register(
            actor=place_a.kasir, unit=unit, public_id=str(uuid.uuid4()), label="HP"
        )
    batch = [
        {
            "client_id": str(uuid.uuid4()),
            "sequence": n,
            "sold_at": "2026-03-02T09:00:00+07:00",
            "payment": "cash",
            "lines": [{"product": beras.sku, "quantity": 1, "unit_price": 72_000}],
            "total": 72_000,
        }
        for n in range(1, 11)
    ]
    answers: list[list[str]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            with at(D):
                results = services.sales_sync(actor=place_a.kasir, device=device, sales=batch)
            answers.append([r.status for r in results])
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(answers) == [["accepted"] * 10, ["duplicate"] * 10]
    assert Sale.objects.filter(device=device).count() == 10
    assert JournalEntry.objects.filter(source_kind="sale.completed").count() == 10
    assert StockMovement.objects.filter(kind="sale").count() == 10
    assert level(unit, beras).quantity == 40
    assert_stock_reconciles(unit)
