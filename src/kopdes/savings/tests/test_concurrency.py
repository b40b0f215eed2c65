"""Parallel withdrawals from one account on PostgreSQL: the row lock makes them run one after
the other, so the account never goes below zero and the ledger stays balanced."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.db.models import Sum

from kopdes.ledger.models import JournalLine
from kopdes.savings import selectors, services
from kopdes.savings.errors import InsufficientBalance
from kopdes.savings.models import SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are a PostgreSQL matter; SQLite serialises writers",
    ),
]


def test_parallel_withdrawals_never_overdraw(place_a):
    coop = place_a.cooperative
    member = make_member(coop)
    day = date(2026, 4, 2)
    services.savings_deposit(
        actor=None, cooperative=coop, member=member, kind="sukarela", amount=100_000, on=day
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def withdraw(n: int) -> None:
        try:
            barrier.wait()
            services.savings_withdraw(
                actor=None,
                cooperative=coop,
                member=member,
                amount=30_000,
                on=day,
                idempotency_key=f"parallel-{n}",
            )
            outcomes.append("ok")
        except InsufficientBalance:
            outcomes.append("refused")
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=withdraw, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    account = SavingsAccount.objects.get(member=member, kind="sukarela")
    assert account.balance == 10_000
    assert SavingsTransaction.objects.filter(kind="withdrawal").count() == 3
    totals = JournalLine.objects.filter(cooperative=coop).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    for row in selectors.reconciliation(cooperative=coop):
        assert row.difference == 0
