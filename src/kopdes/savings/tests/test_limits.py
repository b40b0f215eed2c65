"""Ceilings: per operation from the policy, and whole in-range rupiah in the database."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from kopdes.cooperatives.errors import InvalidPolicy
from kopdes.cooperatives.services import policy_change
from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger.models import JournalEntry
from kopdes.savings import selectors, services
from kopdes.savings.errors import AmountAboveLimit
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

D = date(2026, 4, 2)


@pytest.fixture
def member(coop_a):
    return make_member(coop_a, name="Siti Aminah")


def test_ceilings_per_operation_from_the_policy(place_a, member):
    coop = place_a.cooperative
    other = make_member(coop, name="Budi")
    policy_change(
        actor=place_a.ketua,
        cooperative=coop,
        effective_from=date(2026, 1, 1),
        reason="RAT 2026",
        savings_deposit_max=5_000_000,
        savings_withdrawal_max=2_000_000,
        savings_transfer_max=1_000_000,
    )
    common = {"actor": place_a.kasir, "cooperative": coop, "member": member, "on": D}
    services.savings_deposit(**common, kind="sukarela", amount=5_000_000)
    with pytest.raises(AmountAboveLimit) as deposit:
        services.savings_deposit(**common, kind="sukarela", amount=5_000_001)
    assert deposit.value.code == "savings.amount_above_limit"
    assert "Rp5.000.000" in deposit.value.render() and "setoran" in deposit.value.render()
    assert deposit.value.as_dict()["details"]["limit"] == 5_000_000
    with pytest.raises(AmountAboveLimit) as withdrawal:
        services.savings_withdraw(**common, amount=2_000_001)
    assert "Rp2.000.000" in withdrawal.value.render()
    with pytest.raises(AmountAboveLimit):
        services.savings_transfer(**common, to_member=other, amount=1_000_001)
    services.savings_transfer(**common, to_member=other, amount=1_000_000)
    assert SavingsTransaction.objects.count() == 3  # deposit, transfer out and in
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 4_000_000


def test_the_probe_amount_is_refused_and_nothing_overflows(place_a, member):
    coop = place_a.cooperative
    entries = JournalEntry.objects.count()
    for _ in range(2):
        with pytest.raises(AmountAboveLimit):
            services.savings_deposit(
                actor=place_a.kasir,
                cooperative=coop,
                member=member,
                kind="sukarela",
                amount=9_000_000_000_000_000_000,
                on=D,
            )
    assert JournalEntry.objects.count() == entries
    assert not SavingsTransaction.objects.exists()
    assert all(r.difference == 0 for r in selectors.reconciliation(cooperative=coop))


@pytest.mark.parametrize("value", [0, -1, AMOUNT_MAX + 1, True])
def test_policy_limits_are_validated(place_a, value):
    with pytest.raises(InvalidPolicy) as refused:
        policy_change(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            effective_from=date(2026, 1, 1),
            reason="RAT",
            savings_deposit_max=value,
        )
    assert "savings_deposit_max" in refused.value.fields


def test_policy_limits_check_in_the_database(place_a):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cooperatives_policy SET savings_deposit_max = %s WHERE cooperative_id = %s",
            [AMOUNT_MAX + 1, place_a.cooperative.pk],
        )


@pytest.mark.parametrize("value", ["1.5", str(10**14)])
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("savings_savingsaccount", "balance"),
        ("savings_savingstransaction", "amount"),
        ("savings_savingstransaction", "balance_after"),
        ("savings_bill", "amount"),
        ("savings_bill", "paid_amount"),
        ("savings_savingsproduct", "minimum_balance"),
    ],
)
def test_database_refuses_fractional_and_out_of_range_money(place_a, member, table, column, value):
    coop = place_a.cooperative
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    services.savings_deposit(
        actor=None, cooperative=coop, member=member, kind="sukarela", amount=10_000, on=D
    )
    assert Bill.objects.exists()
    sql = f"UPDATE {table} SET {column} = {value} WHERE cooperative_id = %s"  # noqa: S608
    if value == "1.5" and connection.vendor == "postgresql":
        # PostgreSQL's BIGINT itself never holds a fraction (1.5 is rounded on the way in).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [coop.pk])
            cursor.execute(f"SELECT {column} FROM {table} WHERE cooperative_id = %s", [coop.pk])  # noqa: S608
            assert {type(v) for (v,) in cursor.fetchall()} == {int}
            transaction.set_rollback(True)
        return
    # Raw SQL, as SQLite would take it without the CHECK constraints (REAL into an INTEGER column).
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [coop.pk])


def test_minimum_balance_above_the_platform_maximum_is_a_clear_error(place_a):
    from decimal import Decimal

    from kopdes.savings.errors import InvalidAmount

    with pytest.raises(InvalidAmount):
        services.savings_product_update(
            actor=place_a.bendahara,
            cooperative=place_a.cooperative,
            interest_rate=Decimal(3),
            minimum_balance=AMOUNT_MAX + 1,
        )
