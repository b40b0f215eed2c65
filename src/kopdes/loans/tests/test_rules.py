"""The pure loan rules, without a database."""

from decimal import Decimal

import pytest

from kopdes.loans import rules


def test_fees_are_whole_rupiah_half_up():
    assert rules.fee(5_000_000, Decimal("1")) == 50_000
    assert rules.fee(1_000_001, Decimal("0.5")) == 5_000  # 5.000,005
    assert rules.fee(1_000_100, Decimal("0.5")) == 5_001  # 5.000,5 rounds up
    assert rules.fee(1_000_000, Decimal("0")) == 0


def test_the_savings_multiple_is_rounded_down():
    assert rules.savings_multiple_limit(400_000, Decimal("3")) == 1_200_000
    assert rules.savings_multiple_limit(333_333, Decimal("1.5")) == 499_999
    assert rules.savings_multiple_limit(0, Decimal("5")) == 0


@pytest.mark.parametrize(
    ("principal", "related", "expected"),
    [(10_000_000, False, False), (10_000_001, False, True), (1, True, True)],
)
def test_who_must_co_sign(principal, related, expected):
    assert (
        rules.needs_pengawas(principal=principal, threshold=10_000_000, related_party=related)
        is expected
    )


@pytest.mark.parametrize(
    ("decisions", "needs", "status"),
    [
        ({}, False, "applied"),
        ({"pengurus": "approve"}, False, "approved"),
        ({"pengurus": "approve"}, True, "applied"),
        ({"pengawas": "approve"}, True, "applied"),
        ({"pengurus": "approve", "pengawas": "approve"}, True, "approved"),
        ({"pengurus": "approve", "pengawas": "reject"}, True, "rejected"),
        ({"pengurus": "reject"}, True, "rejected"),
    ],
)
def test_the_outcome_of_the_decisions(decisions, needs, status):
    assert rules.decision_outcome(decisions, needs_pengawas=needs) == status


def test_the_related_party_limit():
    assert rules.related_party_limit(50_000_000, Decimal("10")) == 5_000_000
    assert rules.related_party_limit(12_345, Decimal("10")) == 1_234
    assert rules.related_party_limit(-1_000_000, Decimal("10")) == 0


def test_loan_numbers_and_allocation_orders():
    assert rules.loan_number(2026, 7) == "PJ-2026-0007"
    assert rules.is_allocation_order(["pokok", "denda", "jasa"])
    assert not rules.is_allocation_order(["pokok", "denda"])
    assert not rules.is_allocation_order(["pokok", "denda", "denda"])
    assert not rules.is_allocation_order("denda,jasa,pokok")
