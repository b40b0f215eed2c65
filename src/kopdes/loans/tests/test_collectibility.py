"""The daily close's pure rules (kopdes.loans.collectibility): no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kopdes.loans.collectibility import (
    DEFAULT_SCHEME,
    PER_DAY,
    PER_INSTALLMENT,
    Due,
    InvalidScheme,
    Scheme,
    class_label,
    days_past_due,
    npl_ratio,
    overdue_amount,
    penalty_for_day,
    penalty_for_days,
    provision_by_class,
    provision_required,
)

D = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("days", "number"),
    [(0, 1), (1, 2), (90, 2), (91, 3), (120, 3), (121, 4), (180, 4), (181, 5), (5000, 5)],
)
def test_the_default_scheme_is_the_banking_scheme_of_the_domain(days, number):
    assert DEFAULT_SCHEME.classify(days) == number


def test_default_provision_rates_and_npl_classes():
    assert [DEFAULT_SCHEME.provision_percent(n) for n in range(1, 6)] == [
        Decimal("0.5"),
        Decimal(3),
        Decimal(10),
        Decimal(50),
        Decimal(100),
    ]
    assert [c.npl for c in DEFAULT_SCHEME.classes] == [False, False, True, True, True]
    with translation.override("en"):  # "Current" is "Lancar" in Indonesian (h-core's msgid)
        assert class_label(1) == "Current" and class_label(5) == "Loss"


def test_a_configured_scheme_moves_thresholds_and_rates():
    data = DEFAULT_SCHEME.to_json()
    data[1]["from_days"] = 31
    data[2]["provision_percent"] = "15"
    scheme = Scheme.from_json(data)
    assert scheme.classify(30) == 1 and scheme.classify(31) == 2
    assert scheme.provision_percent(3) == Decimal(15)
    assert Scheme.from_json(scheme.to_json()) == scheme


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop(),
        lambda d: d[0].update({"from_days": 1}),
        lambda d: d[2].update({"from_days": 90, "class": 3}) or d[1].update({"from_days": 90}),
        lambda d: d[3].update({"provision_percent": "5"}),
        lambda d: d[4].update({"provision_percent": "100.5"}),
        lambda d: d[4].update({"provision_percent": "abc"}),
        lambda d: d[4].update({"provision_percent": "NaN"}),
        lambda d: d[1].update({"provision_percent": "3.125"}),
        lambda d: d[1].update({"from_days": "1"}),
        lambda d: d[1].update({"from_days": True}),
        lambda d: d[1].update({"from_days": -1}),
        lambda d: d[1].update({"class": 3}),
    ],
)
def test_a_scheme_that_is_not_five_rising_classes_is_refused(change):
    data = DEFAULT_SCHEME.to_json()
    change(data)
    with pytest.raises(InvalidScheme):
        Scheme.from_json(data)


def test_a_scheme_must_be_a_list():
    with pytest.raises(InvalidScheme):
        Scheme.from_json({"classes": []})


def test_days_past_due_count_from_the_oldest_unpaid_installment_due_before_the_day():
    installments = [
        Due(date(2026, 4, 10), 0),  # paid
        Due(date(2026, 5, 10), 300),  # partly unpaid: the oldest late one
        Due(date(2026, 6, 10), 1000),
        Due(D, 1000),  # due today: not late yet
    ]
    assert days_past_due(installments, on=D) == (D - date(2026, 5, 10)).days == 36
    assert overdue_amount(installments, on=D) == 1300
    assert days_past_due([Due(D, 1000)], on=D) == 0
    assert days_past_due([Due(D, 1000)], on=D + timedelta(days=1)) == 1
    assert days_past_due([], on=D) == 0


def test_denda_per_day_is_the_rate_of_the_overdue_amount_rounded_each_day():
    installments = [Due(date(2026, 6, 10), 1_000_000), Due(date(2026, 7, 10), 1_000_000)]
    # 0.1 % a day of 1,000,000
    assert (
        penalty_for_day(installments, on=D, method=PER_DAY, rate=Decimal("0.1"), amount=0) == 1000
    )
    # 0.05 % of 1,001 = 0.5005 -> 1 (half up) each day
    small = [Due(date(2026, 6, 1), 1001)]
    assert penalty_for_day(small, on=D, method=PER_DAY, rate=Decimal("0.05"), amount=0) == 1
    assert penalty_for_days(small, first=D, last=D + timedelta(days=9), method=PER_DAY,
                            rate=Decimal("0.05"), amount=0) == 10  # fmt: skip
    assert penalty_for_day(installments, on=date(2026, 6, 10), method=PER_DAY,
                           rate=Decimal("0.1"), amount=0) == 0  # fmt: skip


def test_denda_per_installment_is_charged_once_on_the_first_late_day():
    installments = [Due(date(2026, 6, 10), 500), Due(date(2026, 7, 10), 500)]
    kwargs = {"method": PER_INSTALLMENT, "rate": Decimal(0), "amount": 25_000}
    assert penalty_for_day(installments, on=date(2026, 6, 11), **kwargs) == 25_000
    assert penalty_for_day(installments, on=date(2026, 6, 12), **kwargs) == 0
    assert penalty_for_days(installments, first=date(2026, 6, 1), last=date(2026, 7, 31),
                            **kwargs) == 50_000  # fmt: skip
    paid = [Due(date(2026, 6, 10), 0)]
    assert penalty_for_day(paid, on=date(2026, 6, 11), **kwargs) == 0


dues = st.lists(
    st.tuples(st.integers(min_value=0, max_value=120), st.integers(0, 5_000_000)),
    max_size=8,
).map(lambda rows: [Due(date(2026, 1, 1) + timedelta(days=d), u) for d, u in rows])


@given(
    installments=dues,
    start=st.integers(0, 150),
    length=st.integers(1, 40),
    method=st.sampled_from([PER_DAY, PER_INSTALLMENT]),
    rate=st.decimals(min_value=0, max_value=2, places=3),
    amount=st.integers(0, 100_000),
)
def test_catching_up_missed_days_gives_what_daily_closes_give(
    installments, start, length, method, rate, amount
):
    first = date(2026, 1, 1) + timedelta(days=start)
    last = first + timedelta(days=length - 1)
    daily = 0
    for k in range(length):
        day = first + timedelta(days=k)
        daily += penalty_for_day(installments, on=day, method=method, rate=rate, amount=amount)
    caught_up = penalty_for_days(
        installments, first=first, last=last, method=method, rate=rate, amount=amount
    )
    assert caught_up == daily >= 0


def test_provision_is_the_class_rate_of_outstanding_after_collateral():
    assert (
        provision_required(outstanding=10_000_000, collateral=0, percent=Decimal("0.5")) == 50_000
    )
    assert (
        provision_required(outstanding=10_000_000, collateral=4_000_000, percent=Decimal(50))
        == 3_000_000
    )
    assert (
        provision_required(outstanding=1_000_000, collateral=5_000_000, percent=Decimal(100)) == 0
    )
    assert provision_required(outstanding=333, collateral=0, percent=Decimal("0.5")) == 2  # 1.665


def test_provision_by_class_and_npl_ratio():
    totals = provision_by_class(
        [(1, 10_000_000, 0), (1, 333, 0), (3, 2_000_000, 500_000), (5, 1_000_000, 3_000_000)]
    )
    assert [(t.number, t.loans, t.outstanding, t.collateral, t.required) for t in totals] == [
        (1, 2, 10_000_333, 0, 50_000 + 2),
        (2, 0, 0, 0, 0),
        (3, 1, 2_000_000, 500_000, 150_000),
        (4, 0, 0, 0, 0),
        (5, 1, 1_000_000, 1_000_000, 0),
    ]
    assert npl_ratio(totals) == Decimal("23.08")  # 3,000,000 / 13,000,333
    assert npl_ratio(provision_by_class([])) is None
