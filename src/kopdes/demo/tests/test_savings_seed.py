"""Demo savings: a year that reconciles with the books, bills with a share unpaid, interest every
month, a leaver refunded, gapless receipts; deterministic and idempotent."""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction

from kopdes.demo.members_seed import seed_members
from kopdes.demo.savings_seed import SERVICE_WEEKDAYS, demo_months, seed_savings
from kopdes.ledger.models import JournalEntry, JournalLine, Sequence
from kopdes.members.models import Member
from kopdes.savings import selectors
from kopdes.savings.models import Bill, MonthRun, SavingsAccount, SavingsTransaction
from kopdes.savings.services import RECEIPT_SEQUENCE, savings_interest_post

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


def test_demo_months():
    assert MONTHS[0] == "2025-11" and MONTHS[-1] == "2026-10" and len(MONTHS) == 12


def test_a_year_of_savings(coop_a, django_assert_max_num_queries):
    seed_members(coop_a)
    with django_assert_max_num_queries(60):  # a few dozen statements, whatever the volume
        result = seed_savings(coop_a)
    members = Member.objects.filter(cooperative=coop_a, number__isnull=False)
    active = members.filter(status="active")
    assert active.count() == 36 and result.cooperatives == 1

    # The books: every member's account and every kind reconcile with the control accounts.
    for row in selectors.reconciliation(cooperative=coop_a):
        assert row.difference == 0 and row.subledger > 0, row
    assert selectors.subledger_mismatches(cooperative=coop_a) == []
    assert JournalEntry.objects.filter(cooperative=coop_a).count() == result.entries
    kinds = Counter(JournalEntry.objects.filter(cooperative=coop_a).values_list("source_kind"))
    assert kinds[("savings.interest",)] == 12 and kinds[("savings.refund",)] == 1
    recap_days = JournalEntry.objects.filter(cooperative=coop_a, source_kind="savings.recap")
    founders = {m.joined_on for m in members}
    for day in recap_days.values_list("date", flat=True):
        assert day.weekday() in SERVICE_WEEKDAYS or day in founders, day

    # Simpanan wajib: twelve months for every member, about a third unpaid.
    wajib = Bill.objects.filter(cooperative=coop_a, kind="wajib")
    assert set(wajib.values_list("period", flat=True)) == set(MONTHS)
    expected = sum(1 for m in active for month in MONTHS if month >= m.joined_on.strftime("%Y-%m"))
    assert wajib.filter(member__status="active").count() == expected > 36 * 10
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
    assert set(txns.filter(channel="bank").values_list("account__kind", flat=True)) == {"sukarela"}
    receipts = sorted(txns.exclude(receipt_number=None).values_list("receipt_number", flat=True))
    assert receipts == list(range(1, len(receipts) + 1)) and len(receipts) == result.movements
    assert Sequence.objects.get(cooperative=coop_a, name=RECEIPT_SEQUENCE).last_value == len(
        receipts
    )
    interest_months = {
        d.strftime("%Y-%m") for d in txns.filter(kind="interest").dates("date", "month")
    }
    assert interest_months == set(MONTHS) and result.interest > 0
    # Every account's stored balance is its last transaction's balance.
    for account in SavingsAccount.objects.filter(cooperative=coop_a):
        last = txns.filter(account=account).order_by("date", "id").last()
        assert account.balance == last.balance_after, account

    # The member who moved away: refunded on leaving, accounts closed, open bills cancelled.
    leaver = members.get(status="resigned")
    assert set(SavingsAccount.objects.filter(member=leaver).values_list("status", "balance")) == {
        ("closed", 0)
    }
    assert not Bill.objects.filter(member=leaver, status__in=["unpaid", "partial"]).exists()
    refund = JournalEntry.objects.get(cooperative=coop_a, source_kind="savings.refund")
    assert refund.date == leaver.ended_on
    assert not txns.filter(account__member=leaver, date__gt=leaver.ended_on).exists()

    # The month-end run of a seeded month is already done: nothing is credited twice.
    run = savings_interest_post(actor=None, cooperative=coop_a, month="2026-10")
    assert run.created_now == 0


def test_deterministic_and_idempotent(coop_a):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        seed_members(coop_a)
        seed_savings(coop_a)
        first = snapshot(coop_a)
        lines = sorted(
            JournalLine.objects.filter(cooperative=coop_a).values_list(
                "entry__date", "account__code", "debit", "credit"
            )
        )
        raise Rollback
    seed_members(coop_a)
    result = seed_savings(coop_a)
    assert snapshot(coop_a) == first and len(first) > 300
    assert (
        sorted(
            JournalLine.objects.filter(cooperative=coop_a).values_list(
                "entry__date", "account__code", "debit", "credit"
            )
        )
        == lines
    )
    counts = (
        SavingsTransaction.objects.count(),
        Bill.objects.count(),
        JournalEntry.objects.count(),
    )
    again = seed_savings(coop_a)
    assert again.cooperatives == 0 and result.cooperatives == 1
    assert (
        SavingsTransaction.objects.count(),
        Bill.objects.count(),
        JournalEntry.objects.count(),
    ) == counts


def test_members_who_joined_late_start_late(coop_a):
    seed_members(coop_a, count=60, rng_seed=3)
    seed_savings(coop_a)
    for member in Member.objects.filter(cooperative=coop_a, status="active"):
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
    assert Bill.objects.filter(cooperative=coop_a, kind="pokok").count() < 10
    assert all(
        b.period <= "2026-10" for b in Bill.objects.filter(cooperative=coop_a).only("period")
    )
    assert date(2025, 8, 1) in set(
        SavingsTransaction.objects.filter(cooperative=coop_a, account__kind="pokok").values_list(
            "date", flat=True
        )
    )
