"""Pure gerai rules, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.commerce import rules


@pytest.mark.parametrize("code", ["4006381333931", "8991234567891", "0000000000000"])
def test_valid_ean13(code):
    assert rules.ean13_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",
        "8991234567890",
        "899123456789",
        "89912345678911",
        "89912345678a1",
        "",
        "\uff18\uff19\uff19\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff11",  # full-width digits
        None,
    ],
)
def test_invalid_ean13(code):
    assert not rules.ean13_valid(code)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_check_digit_is_valid(first12):
    valid = [d for d in "0123456789" if rules.ean13_valid(first12 + d)]
    assert valid == [str(rules.ean13_check_digit(first12))]


def test_document_numbers():
    assert rules.document_number("PO", 2026, 1) == "PO-2026-0001"
    assert rules.document_number("PJL", 2026, 42, 6) == "PJL-2026-000042"


def test_second_count_and_the_count_that_stands():
    assert not rules.needs_second_count(10, 10)
    assert rules.needs_second_count(10, 9)
    assert not rules.needs_second_count(10, None)
    assert rules.final_count(9, None) == 9
    assert rules.final_count(9, 10) == 10
