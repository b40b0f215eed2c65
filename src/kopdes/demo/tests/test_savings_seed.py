from datetime import date
from decimal import Decimal

import pytest

from kopdes.demo.savings_seed import demo_months, seed_savings
from kopdes.savings import selectors
from kopdes.savings.models import Bill, SavingsTransaction
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def snapshot(coop):
    return sorted(
        SavingsTransaction.objects.filter(cooperative=coop).values_list(
            "account__member__number", "account__kind", "kind", "amount", "date"
        )
    )


def test_demo_months():
    months = demo_months((2026, 10), 12)
    assert months[0] == (2025, 11) and months[-1] == (2026, 10) and len(months) == 12


def test_seed_savings(coop_a, coop_b):
    members_a = [make_member(coop_a, joined_on=date(2025, 8, 1)) for _ in range(40)]
    members_b = [make_member(coop_b, joined_on=date(2025, 8, 1)) for _ in range(40)]
    result = seed_savings(coop_a, members_a, rng_seed=7)
    assert result.movements > 300 and result.bills == 40 * 12 + 40 * 1
    stats = selectors.collection(cooperative=coop_a)
    unpaid = Bill.objects.filter(cooperative=coop_a, kind="wajib").exclude(status="paid").count()
    share = unpaid / Bill.objects.filter(cooperative=coop_a, kind="wajib").count()
    assert 0.2 <= share <= 0.4, share
    assert stats.rate < Decimal(100)
    assert result.interest > 0
    for row in selectors.reconciliation(cooperative=coop_a):
        assert row.difference == 0
    # deterministic: the same seed gives the same year in another cooperative
    seed_savings(coop_b, members_b, rng_seed=7)
    strip = [row[:1] + row[1:] for row in snapshot(coop_a)]
    assert [r[1:] for r in strip] == [r[1:] for r in snapshot(coop_b)]
    # idempotent
    assert seed_savings(coop_a, members_a, rng_seed=7).skipped
