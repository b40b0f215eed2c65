"""The state-bank loan's schedule and terms (pure: no database)."""

from datetime import date
from decimal import Decimal

import pytest

from kopdes.core.errors import ValidationFailed
from kopdes.core.holidays import NATIONAL_DAYS_OFF, is_working_day, next_working_day
from kopdes.funding.rules import bank_loan_schedule, bank_loan_terms_check

BILLION = 1_000_000_000


def _worked_example() -> list:
    return bank_loan_schedule(
        principal=BILLION, rate=6, months=60, grace_months=6, first_due_on=date(2026, 1, 12)
    )


def test_rp1_miliar_over_60_months_with_6_months_grace():
    rows = _worked_example()
    assert len(rows) == 60
    # Grace: interest only, 1.000.000.000 x 6% / 12 = 5.000.000 a month, nothing repaid.
    for row in rows[:6]:
        assert (row.principal, row.interest, row.installment) == (0, 5_000_000, 5_000_000)
        assert row.outstanding == BILLION
    # Then the annuity over 54 months at 0,5% a month:
    # A = 1e9 x 0,005 / (1 - 1,005^-54) = 21.176.860,58 -> Rp21.176.861.
    assert rows[6].installment == 21_176_861
    assert rows[6].interest == 5_000_000
    assert rows[6].principal == 16_176_861
    # Month 8: the interest on what is still owed, 983.823.139 x 0,005 = 4.919.115,695 -> 4.919.116.
    assert rows[7].interest == 4_919_116
    assert rows[7].principal == 21_176_861 - 4_919_116
    assert all(row.installment == 21_176_861 for row in rows[6:-1])
    # The last installment repays what is left: the parts add up to the principal exactly.
    assert rows[-1].principal == 21_071_480
    assert rows[-1].outstanding == 0
    assert sum(row.principal for row in rows) == BILLION
    assert sum(row.interest for row in rows) == 173_550_470
    assert all(row.installment == row.principal + row.interest for row in rows)


def test_due_on_the_12th_or_the_next_working_day():
    rows = _worked_example()
    by_nominal = {row.nominal_on: row.due_on for row in rows}
    # A Thursday stays.
    assert by_nominal[date(2026, 2, 12)] == date(2026, 2, 12)
    # 12 April 2026 is a Sunday: Monday the 13th.
    assert date(2026, 4, 12).weekday() == 6
    assert by_nominal[date(2026, 4, 12)] == date(2026, 4, 13)
    # 12 September 2026 is a Saturday: Monday the 14th.
    assert by_nominal[date(2026, 9, 12)] == date(2026, 9, 14)
    assert all(row.nominal_on.day == 12 for row in rows)
    assert all(is_working_day(row.due_on) for row in rows)


def test_a_12th_on_a_holiday_moves_past_the_cuti_bersama():
    # 12 May 2025 (Monday) is Waisak and the 13th a cuti bersama: due Wednesday the 14th.
    rows = bank_loan_schedule(
        principal=12_000_000, rate=6, months=8, grace_months=6, first_due_on=date(2025, 5, 12)
    )
    assert rows[0].due_on == date(2025, 5, 14)
    # The holidays are a parameter: without them the Monday stays.
    plain = bank_loan_schedule(
        principal=12_000_000,
        rate=6,
        months=8,
        grace_months=6,
        first_due_on=date(2025, 5, 12),
        holidays=frozenset(),
    )
    assert plain[0].due_on == date(2025, 5, 12)
    assert next_working_day(date(2026, 3, 19)) == date(2026, 3, 25)  # Nyepi, Idul Fitri, cuti
    assert date(2026, 3, 19) in NATIONAL_DAYS_OFF


def test_small_and_odd_principals_sum_exactly():
    for principal in (1, 7, 999_999, 123_456_789, 3 * BILLION):
        for grace in (6, 7, 8):
            rows = bank_loan_schedule(
                principal=principal,
                rate=Decimal("6"),
                months=72,
                grace_months=grace,
                first_due_on=date(2026, 1, 12),
            )
            assert sum(row.principal for row in rows) == principal
            assert all(row.principal >= 0 and row.interest >= 0 for row in rows)
            assert rows[-1].outstanding == 0


TERMS = {
    "ceiling": 3 * BILLION,
    "operating_part": 500_000_000,
    "rate": 6,
    "months": 72,
    "grace_months": 6,
    "first_due_on": date(2026, 1, 12),
}


def test_the_legal_terms_pass():
    assert bank_loan_terms_check(**TERMS) == Decimal(6)
    assert bank_loan_terms_check(**{**TERMS, "grace_months": 8, "operating_part": 0}) == 6


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"ceiling": 3 * BILLION + 1}, "funding.bank_loan_ceiling", "ceiling"),
        ({"ceiling": 0}, "funding.bank_loan_ceiling", "ceiling"),
        ({"operating_part": 500_000_001}, "funding.bank_loan_operating_part", "operating_part"),
        (
            {"ceiling": 100_000_000, "operating_part": 200_000_000},
            "funding.bank_loan_operating_part",
            "operating_part",
        ),
        ({"months": 73}, "funding.bank_loan_months", "months"),
        ({"grace_months": 5}, "funding.bank_loan_grace", "grace_months"),
        ({"grace_months": 9}, "funding.bank_loan_grace", "grace_months"),
        ({"rate": "0"}, "funding.bank_loan_rate", "rate"),
        ({"rate": 25}, "funding.bank_loan_rate", "rate"),
        ({"first_due_on": date(2026, 1, 13)}, "funding.bank_loan_first_due", "first_due_on"),
    ],
)
def test_terms_outside_pmk_49_are_refused(change, code, field):
    with pytest.raises(ValidationFailed) as refused:
        bank_loan_terms_check(**{**TERMS, **change})
    assert refused.value.code == code
    assert field in refused.value.fields
