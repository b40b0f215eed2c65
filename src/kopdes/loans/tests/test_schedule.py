"""The schedule engine (pure: no database)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kopdes.loans import errors
from kopdes.loans.schedule import (
    ANUITAS,
    EFEKTIF,
    FLAT,
    MAX_MONTHS,
    METHODS,
    ScheduleRow,
    due_date,
    effective_annual_rate,
    schedule,
    total_installments,
    total_interest,
)

START = date(2026, 3, 15)


@st.composite
def terms(draw, *, min_principal=1, max_principal=10**13, max_months=MAX_MONTHS, min_rate=0):
    months = draw(st.integers(min_value=1, max_value=max_months))
    return {
        "principal": draw(st.integers(min_value=min_principal, max_value=max_principal)),
        "annual_rate": draw(st.decimals(min_value=min_rate, max_value=24, places=2)),
        "months": months,
        "method": draw(st.sampled_from(METHODS)),
        "grace_months": draw(st.integers(min_value=0, max_value=months - 1)),
        "start": draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))),
    }


@settings(max_examples=400)
@given(terms())
def test_principal_parts_sum_exactly_and_every_row_adds_up(t):
    rows = schedule(**t)
    assert [r.number for r in rows] == list(range(1, t["months"] + 1))
    assert sum(r.principal for r in rows) == t["principal"]
    outstanding = t["principal"]
    for row in rows:
        assert isinstance(row.principal, int) and isinstance(row.interest, int)
        assert row.principal >= 0 and row.interest >= 0
        assert row.installment == row.principal + row.interest
        outstanding -= row.principal
        assert row.outstanding == outstanding
    assert rows[-1].outstanding == 0
    assert all(r.principal == 0 for r in rows[: t["grace_months"]])
    assert total_installments(rows) == t["principal"] + total_interest(rows)


@settings(max_examples=300)
@given(terms(min_principal=100_000, max_principal=10**10, min_rate=Decimal("1")))
def test_anuitas_agrees_with_numpy_financial_to_the_rupiah_before_the_last(t):
    """pmt, ipmt and ppmt (numpy-financial) for every installment but the last, which absorbs the
    rounding; after the grace months the annuity runs over the remaining months.

    numpy-financial computes in binary floating point: with a rate near zero, 1 - (1+i)^-n loses
    most of its digits (at 0.01 % a year and Rp175 miliar, pmt is 0.2 rupiah off the exact
    annuity). So the comparison keeps to loans a cooperative makes (up to Rp10 miliar, at least
    1 % a year), and the test below checks every rate and size against the exact formula."""
    import numpy_financial as npf

    t["method"] = ANUITAS
    rows = schedule(**t)
    grace, n = t["grace_months"], t["months"] - t["grace_months"]
    i = float(t["annual_rate"]) / 1200
    principal = t["principal"]
    for row in rows[:grace]:
        assert abs(row.interest - principal * i) <= 0.5 + 1e-6
    payment = -float(npf.pmt(i, n, principal))
    for k, row in enumerate(rows[grace:-1], start=1):
        assert abs(row.installment - payment) <= 0.5 + 1e-6
        assert abs(row.interest - -float(npf.ipmt(i, k, n, principal))) <= 0.5 + 1e-6
        assert abs(row.principal - -float(npf.ppmt(i, k, n, principal))) <= 1 + 1e-6
    assert sum(r.principal for r in rows) == principal


@settings(max_examples=300)
@given(terms(min_principal=100_000, min_rate=Decimal("0.01")))
def test_anuitas_installment_is_the_exact_annuity_rounded(t):
    """A = P*i / (1 - (1+i)^-n) in exact decimal arithmetic, rounded half up, at every rate and
    size from Rp100.000 up, where floating point cannot follow (below that, a part is cut to what
    is still owed, which test_principal_parts_sum_exactly_and_every_row_adds_up covers)."""
    from decimal import ROUND_HALF_UP, localcontext

    t["method"] = ANUITAS
    rows = schedule(**t)
    grace, n = t["grace_months"], t["months"] - t["grace_months"]
    with localcontext() as ctx:
        ctx.prec = 60
        i = Decimal(t["annual_rate"]) / 1200
        exact = Decimal(t["principal"]) * i / (1 - (1 + i) ** -n)
        expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert all(row.installment == expected for row in rows[grace:-1])


def test_anuitas_known_schedule():
    rows = schedule(
        principal=10_000_000, annual_rate=Decimal(12), months=12, method=ANUITAS, start=START
    )
    assert rows[0] == ScheduleRow(1, date(2026, 4, 15), 788_488, 100_000, 888_488, 9_211_512)
    assert {r.installment for r in rows[:-1]} == {888_488}
    assert rows[-1] == ScheduleRow(12, date(2027, 3, 15), 879_688, 8_797, 888_485, 0)


def test_flat_interest_is_on_the_original_principal():
    rows = schedule(
        principal=10_000_000, annual_rate=Decimal(12), months=12, method=FLAT, start=START
    )
    assert {r.interest for r in rows} == {100_000}
    assert [r.principal for r in rows] == [833_333] * 11 + [833_337]
    assert total_interest(rows) == 1_200_000


@settings(max_examples=200)
@given(terms(min_principal=10_000, max_months=120))
def test_efektif_interest_is_on_the_outstanding(t):
    t["method"] = EFEKTIF
    rows = schedule(**t)
    i = t["annual_rate"] / 1200
    before = t["principal"]
    for row in rows:
        expected = (Decimal(before) * i).quantize(Decimal(1), rounding="ROUND_HALF_UP")
        assert row.interest == expected
        before = row.outstanding
    amortizing = rows[t["grace_months"] :]
    assert len({r.principal for r in amortizing[:-1]}) <= 1  # equal parts, the last absorbs


@pytest.mark.parametrize(
    ("rate", "months", "effective"),
    [
        (Decimal(12), 12, Decimal("21.46")),  # flat 1% a month is about 1.79% a month effective
        (Decimal(18), 24, Decimal("31.46")),
        (Decimal(24), 6, Decimal("40.05")),
        (Decimal(6), 60, Decimal("10.85")),
        (Decimal(0), 12, Decimal("0.00")),
    ],
)
def test_flat_effective_rate_known_values(rate, months, effective):
    rows = schedule(principal=10_000_000, annual_rate=rate, months=months, method=FLAT, start=START)
    assert effective_annual_rate(rows, 10_000_000) == effective


@settings(max_examples=60)
@given(terms(min_principal=1_000_000, max_principal=10**10, max_months=60))
def test_effective_rate_is_the_irr_of_the_cash_flows(t):
    import numpy_financial as npf

    rows = schedule(**t)
    irr = npf.irr([-t["principal"], *(r.installment for r in rows)]) * 1200
    assert abs(effective_annual_rate(rows, t["principal"]) - Decimal(str(irr))) <= Decimal("0.01")


def test_efektif_and_anuitas_effective_rate_is_their_rate():
    for method in (EFEKTIF, ANUITAS):
        rows = schedule(
            principal=50_000_000, annual_rate=Decimal("15"), months=36, method=method, start=START
        )
        assert effective_annual_rate(rows, 50_000_000) == Decimal("15.00")


def test_grace_months_are_interest_only():
    rows = schedule(
        principal=12_000_000,
        annual_rate=Decimal(12),
        months=12,
        method=EFEKTIF,
        start=START,
        grace_months=3,
    )
    assert [(r.principal, r.interest, r.outstanding) for r in rows[:3]] == [
        (0, 120_000, 12_000_000)
    ] * 3
    assert {r.principal for r in rows[3:]} == {1_333_333} | {rows[-1].principal}
    assert rows[-1].principal == 12_000_000 - 8 * 1_333_333
    assert rows[3].interest == 120_000 and rows[4].interest == 106_667


def test_due_dates_are_monthly_clamped_to_the_month_end():
    rows = schedule(
        principal=1_200_000, annual_rate=Decimal(0), months=5, method=FLAT, start=date(2027, 10, 31)
    )
    assert [r.due_date for r in rows] == [
        date(2027, 11, 30),
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),  # leap year
        date(2028, 3, 31),
    ]
    assert due_date(date(2026, 1, 30), 1) == date(2026, 2, 28)
    assert due_date(date(2026, 1, 30), 2) == date(2026, 3, 30)


def test_tiny_principals_never_give_negative_parts():
    rows = schedule(principal=3, annual_rate=Decimal(24), months=5, method=FLAT, start=START)
    assert [r.principal for r in rows] == [1, 1, 1, 0, 0]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"principal": 0}, errors.InvalidPrincipal),
        ({"principal": -5}, errors.InvalidPrincipal),
        ({"principal": 10**13 + 1}, errors.InvalidPrincipal),
        ({"principal": 1.5}, errors.InvalidPrincipal),
        ({"principal": True}, errors.InvalidPrincipal),
        ({"annual_rate": Decimal("-0.01")}, errors.InvalidRate),
        ({"annual_rate": Decimal("24.01")}, errors.InvalidRate),
        ({"annual_rate": Decimal("NaN")}, errors.InvalidRate),
        ({"annual_rate": "abc"}, errors.InvalidRate),
        ({"annual_rate": 12.0}, errors.InvalidRate),
        ({"months": 0}, errors.InvalidMonths),
        ({"months": MAX_MONTHS + 1}, errors.InvalidMonths),
        ({"method": "balloon"}, errors.InvalidMethod),
        ({"grace_months": 12}, errors.InvalidGrace),
        ({"grace_months": -1}, errors.InvalidGrace),
    ],
)
def test_bad_terms_are_refused_with_their_code(change, error):
    t = {
        "principal": 1_000_000,
        "annual_rate": Decimal(12),
        "months": 12,
        "method": FLAT,
        "start": START,
    } | change
    with pytest.raises(error) as raised:
        schedule(**t)
    assert raised.value.code.startswith("loans.")
    assert raised.value.status == 422


def test_the_limits_themselves_are_accepted():
    rows = schedule(
        principal=10**13, annual_rate=Decimal(24), months=MAX_MONTHS, method=ANUITAS, start=START
    )
    assert sum(r.principal for r in rows) == 10**13
    assert len(schedule(principal=1, annual_rate=0, months=1, method=EFEKTIF, start=START)) == 1
