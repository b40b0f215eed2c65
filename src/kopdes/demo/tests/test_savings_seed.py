"""Demo savings, booked by the savings services: a year that reconciles with the books, bills and
interest as the month-end run makes them, a leaver refunded, gapless receipts; deterministic and
idempotent."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction

from kopdes import testing
from kopdes.demo.members_seed import seed_members
from kopdes.demo.savings_seed import (
    FIRST_DAY,
    SavingsSeedResult,
    demo_months,
    seed_savings,
    service_days,
)
from kopdes.ledger.models import JournalEntry, JournalLine, Sequence
from kopdes.members.models import Member
from kopdes.savings import selectors
from kopdes.savings.models import Bill, MonthRun, SavingsAccount, SavingsTransaction
from kopdes.savings.services import (
    RECEIPT_SEQUENCE,
    savings_bills_create,
    savings_interest_post,
)

pytestmark = pytest.mark.django_db

MONTHS = [f"{y}-{m:02d}" for y, m in demo_months()]


def snapshot(coop):
    return sorted(
        SavingsTransaction.objects.filter(cooperative=coop).values_list(
            "account__member__number",
            "account__kind",
            "kind",
            "channel",
            "amount",
            "balance_after",
            "date",
            "receipt_number",
        )
    )


def lines(coop):
    return sorted(
        JournalLine.objects.filter(cooperative=coop).values_list(
            "entry__date", "account__code", "debit", "credit"
        )
    )


@dataclass
class Year:
    result: SavingsSeedResult  # what seeding place A's year created
    first: list  # `snapshot()` of a first seeding of the same year, rolled back
    first_lines: list  # `lines()` of it


@pytest.fixture(scope="module")
def savings_year(django_db_setup, django_db_blocker) -> Iterator[Year]:
    """Place A's members and their year of simpanan, seeded once for the module in a savepoint
    (rolled back after it); before, the same year seeded and rolled back, for the determinism
    test. A year through the services costs seconds: the tests read this one (place B stays
    without members, for the tests that seed their own)."""
    with django_db_blocker.unblock():
        coop = testing.persona_place("A").cooperative
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            seed_members(coop)
            seed_savings(coop)
            first, first_lines = snapshot(coop), lines(coop)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            seed_members(coop)
            yield Year(result=seed_savings(coop), first=first, first_lines=first_lines)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_demo_months(savings_year):
    # (Takes the module's fixture so that all the module's tests run in one group, inside its
    # savepoint: docs/testing.md.)
    assert MONTHS[0] == "2025-11" and MONTHS[-1] == "2026-10" and len(MONTHS) == 12


def test_a_year_of_savings(coop_a, savings_year):
    result = savings_year.result
    members = Member.objects.filter(cooperative=coop_a, number__isnull=False)
    active = members.filter(status="active")
    assert active.count() == 38 and result.cooperatives == 1

    # The books: every member's account and every kind reconcile with the control accounts.
    for row in selectors.reconciliation(cooperative=coop_a):
        assert row.difference == 0 and row.subledger > 0, row
    assert selectors.subledger_mismatches(cooperative=coop_a) == []
    entries = JournalEntry.objects.filter(cooperative=coop_a)
    assert entries.count() == result.entries
    kinds = Counter(entries.values_list("source_kind", flat=True))
    assert kinds["savings.interest"] == 12 and kinds["savings.refund"] == 1
    assert "savings.recap" not in kinds  # no entry the product cannot make
    assert set(kinds) <= {
        "savings.collective",
        "savings.deposit",
        "savings.withdraw",
        "savings.interest",
        "savings.refund",
    }
    # The collector's rounds (and the founders' meeting, and joiners' first day) only.
    rounds = {d for y, m in demo_months() for d in service_days(y, m)}
    joined = {m.joined_on for m in members}
    for day in entries.filter(source_kind="savings.collective").values_list("date", flat=True):
        assert day in rounds or day in joined, day
    collective = entries.filter(source_kind="savings.collective").first()
    assert collective.date == FIRST_DAY
    assert SavingsTransaction.objects.filter(entry=collective).count() > 20  # one per member

    # Bills and interest are what the month-end run makes: running it again adds nothing.
    for month in ("2025-11", "2026-04", "2026-10"):
        assert savings_bills_create(actor=None, cooperative=coop_a, month=month).created_now == 0
        assert savings_interest_post(actor=None, cooperative=coop_a, month=month).created_now == 0
    wajib = Bill.objects.filter(cooperative=coop_a, kind="wajib")
    assert set(wajib.values_list("period", flat=True)) == set(MONTHS)
    expected = sum(1 for m in active for month in MONTHS if month >= m.joined_on.strftime("%Y-%m"))
    assert wajib.filter(member__status="active").count() == expected > 38 * 10
    unpaid = wajib.exclude(status__in=["paid", "cancelled"]).count() / wajib.count()
    assert 0.15 <= unpaid <= 0.5, unpaid
    assert selectors.collection(cooperative=coop_a).rate < 100
    assert set(MonthRun.objects.filter(cooperative=coop_a).values_list("kind", "period")) == {
        (kind, month) for kind in ("bills", "interest") for month in MONTHS
    }

    # Transactions of every kind; receipts gapless; sukarela interest every month.
    txns = SavingsTransaction.objects.filter(cooperative=coop_a)
    seen = set(txns.values_list("account__kind", "kind"))
    assert {
        ("pokok", "deposit"),
        ("wajib", "bill_payment"),
        ("sukarela", "deposit"),
        ("sukarela", "withdrawal"),
        ("sukarela", "interest"),
        ("pokok", "refund"),
    } <= seen
    receipts = sorted(txns.exclude(receipt_number=None).values_list("receipt_number", flat=True))
    assert receipts == list(range(1, len(receipts) + 1)) and len(receipts) == result.movements
    assert Sequence.objects.get(cooperative=coop_a, name=RECEIPT_SEQUENCE).last_value == len(
        receipts
    )
    interest_months = {
        d.strftime("%Y-%m") for d in txns.filter(kind="interest").dates("date", "month")
    }
    assert interest_months == set(MONTHS) and result.interest > 0
    for account in SavingsAccount.objects.filter(cooperative=coop_a):
        last = txns.filter(account=account).order_by("date", "id").last()
        assert account.balance == last.balance_after, account

    # The member who moved away: refunded on leaving, accounts closed, open bills cancelled.
    leaver = members.get(status="resigned")
    assert set(SavingsAccount.objects.filter(member=leaver).values_list("status", "balance")) == {
        ("closed", 0)
    }
    assert not Bill.objects.filter(member=leaver, status__in=["unpaid", "partial"]).exists()
    refund = entries.get(source_kind="savings.refund")
    assert refund.date == leaver.ended_on
    assert not txns.filter(account__member=leaver, date__gt=leaver.ended_on).exists()


def test_deterministic_and_idempotent(coop_a, savings_year):
    """Seeded twice from nothing (`savings_year`: once rolled back, once kept): the same year;
    and a third run adds nothing."""
    assert savings_year.result.cooperatives == 1
    assert snapshot(coop_a) == savings_year.first and len(savings_year.first) > 300
    assert lines(coop_a) == savings_year.first_lines
    counts = (
        SavingsTransaction.objects.count(),
        Bill.objects.count(),
        JournalEntry.objects.count(),
    )
    seed_members(coop_a)
    again = seed_savings(coop_a)
    assert again.cooperatives == 0
    assert (
        SavingsTransaction.objects.count(),
        Bill.objects.count(),
        JournalEntry.objects.count(),
    ) == counts


def test_members_who_joined_late_start_late(coop_b):
    # Place B: place A holds the module's seeded year (`savings_year`).
    seed_members(coop_b, count=60, rng_seed=3)
    seed_savings(coop_b)
    for member in Member.objects.filter(cooperative=coop_b, status="active"):
        periods = set(
            Bill.objects.filter(member=member, kind="wajib").values_list("period", flat=True)
        )
        joined = member.joined_on.strftime("%Y-%m")
        assert periods == {m for m in MONTHS if m >= joined}, member
        first_move = (
            SavingsTransaction.objects.filter(account__member=member)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        assert first_move is None or first_move >= member.joined_on
        # Whoever paid simpanan pokok has no pokok bill open.
        if SavingsAccount.objects.filter(member=member, kind="pokok", balance__gt=0).exists():
            assert not Bill.objects.filter(
                member=member, kind="pokok", status__in=["unpaid", "partial"]
            ).exists()
    assert all(
        b.period <= "2026-10" for b in Bill.objects.filter(cooperative=coop_b).only("period")
    )
    assert date(2025, 8, 1) in set(
        SavingsTransaction.objects.filter(cooperative=coop_b, account__kind="pokok").values_list(
            "date", flat=True
        )
    )


def test_the_founders_pokok_only(coop_b):
    """The cooperatives beyond the first few: the founders' simpanan pokok, one collective
    deposit at their meeting. (Place B: place A holds the module's seeded year.)"""
    seed_members(coop_b)
    result = seed_savings(coop_b, full=False)
    txns = SavingsTransaction.objects.filter(cooperative=coop_b)
    assert set(txns.values_list("account__kind", "kind", "date")) == {
        ("pokok", "deposit", FIRST_DAY)
    }
    assert JournalEntry.objects.get(cooperative=coop_b).source_kind == "savings.collective"
    assert (
        not Bill.objects.filter(cooperative=coop_b).exists()
        and result.movements == txns.count() > 20
    )
    for row in selectors.reconciliation(cooperative=coop_b):
        assert row.difference == 0, row
