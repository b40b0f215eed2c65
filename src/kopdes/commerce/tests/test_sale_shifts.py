"""Cash shifts: one open shift per kasir per outlet, expected cash = float + cash sales - cash
refunds, the difference posted over or short and reported."""

import pytest

from kopdes.commerce import selectors, services
from kopdes.commerce.errors import InvalidCash, NotAllowed, ShiftAlreadyOpen, ShiftNotOpen
from kopdes.commerce.tests.sale_factories import D, at, code, lines_of, member_with_savings, stocked


def test_a_short_shift_posts_the_difference_and_reports_it(place_a):
    unit, beras, telur = stocked(place_a)
    with at(D):
        shift = services.shift_open(actor=place_a.kasir, unit=unit, opening_float=200_000)
        with pytest.raises(ShiftAlreadyOpen):
            services.shift_open(actor=place_a.kasir, unit=unit, opening_float=0)
        cash = services.sale_record(
            actor=place_a.kasir, unit=unit, lines=[(beras, 2)], payment="cash"
        )
        member = member_with_savings(place_a)
        services.sale_record(
            actor=place_a.kasir,
            unit=unit,
            lines=[(telur, 1)],
            payment="member_credit",
            member=member,
        )
        return_ = services.sale_return_request(
            actor=place_a.kasir, sale=cash, lines=[(beras, 1)], reason="Basah", refund="cash"
        )
        services.sale_return_decide(actor=place_a.manajer, return_=return_, approve=True)
        closed = services.shift_close(actor=place_a.kasir, shift=shift, counted_cash=270_000)
    # 200.000 + 144.000 cash sales - 72.000 refunded = 272.000 expected; 2.000 short.
    assert (closed.expected_cash, closed.counted_cash, closed.difference) == (
        272_000,
        270_000,
        -2_000,
    )
    assert lines_of(closed.entry) == [("5-901", 2_000, 0), (code(unit, "1-101"), 0, 2_000)]
    report = selectors.shift_report(closed)
    assert report["cash_sales"] == 144_000 and report["cash_refunds"] == 72_000
    assert report["difference"] == -2_000
    assert report["by_payment"]["member_credit"]["total"] == 27_000
    with pytest.raises(ShiftNotOpen), at(D):
        services.shift_close(actor=place_a.kasir, shift=shift, counted_cash=0)


def test_an_exact_count_posts_nothing_and_an_over_is_income(place_a):
    unit, beras, _telur = stocked(place_a)
    with at(D):
        shift = services.shift_open(actor=place_a.kasir, unit=unit, opening_float=100_000)
        exact = services.shift_close(actor=place_a.kasir, shift=shift, counted_cash=100_000)
        assert exact.difference == 0 and exact.entry is None
        shift = services.shift_open(actor=place_a.kasir, unit=unit, opening_float=100_000)
        services.sale_record(actor=place_a.kasir, unit=unit, lines=[(beras, 1)], payment="cash")
        over = services.shift_close(actor=place_a.manajer, shift=shift, counted_cash=175_000)
    assert over.difference == 3_000
    assert lines_of(over.entry) == [(code(unit, "1-101"), 3_000, 0), ("4-901", 0, 3_000)]


def test_refusals(place_a):
    unit, _beras, _telur = stocked(place_a)
    with at(D):
        with pytest.raises(InvalidCash):
            services.shift_open(actor=place_a.kasir, unit=unit, opening_float=-1)
        with pytest.raises(NotAllowed):
            services.shift_open(actor=place_a.anggota, unit=unit, opening_float=0)
        shift = services.shift_open(actor=place_a.kasir, unit=unit, opening_float=0)
        with pytest.raises(NotAllowed):  # another kasir-like person who does not approve stock
            services.shift_close(actor=place_a.sekretaris, shift=shift, counted_cash=0)
