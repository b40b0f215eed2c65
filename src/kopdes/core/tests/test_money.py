from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.core.money import allocate, format_rupiah, parse_rupiah, round_rupiah, terbilang


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Rp0"),
        (1500000, "Rp1.500.000"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (-25000, "-Rp25.000"),
        (27_400_000_000, "Rp27.400.000.000"),
    ],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


def test_format_refuses_float():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1500000", 1500000),
        ("1.500.000", 1500000),
        ("Rp1.500.000", 1500000),
        ("Rp 1.500.000,00", 1500000),
        ("-Rp25.000", -25000),
        ("0", 0),
    ],
)
def test_parse_rupiah(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        *["", "abc", "1.50", "1.500,50", "1,5", "12.34.567", "Rp", "9" * 30],
        *[
            "\u0661\u0660\u0660\u0660",
            "\uff11\uff10\uff10\uff10",
            "Rp\uff11.\uff10\uff10\uff10",
            "1.\u09e6\u09e6\u09e6",
            "\u07c1\u07c0\u07c0",
        ],  # other scripts' digits
    ],
)
def test_parse_rupiah_refuses(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_parse_reads_what_format_writes(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount


def test_round_half_up():
    assert round_rupiah(Decimal("2.5")) == 3
    assert round_rupiah(Decimal("-2.5")) == -3
    assert round_rupiah(Decimal("2.49")) == 2
    with pytest.raises(TypeError):
        round_rupiah(2.5)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (11, "sebelas rupiah"),
        (15, "lima belas rupiah"),
        (100, "seratus rupiah"),
        (1000, "seribu rupiah"),
        (1_500_000, "satu juta lima ratus ribu rupiah"),
        (111_111, "seratus sebelas ribu seratus sebelas rupiah"),
        (100_000_000, "seratus juta rupiah"),
        (27_400_000_000, "dua puluh tujuh miliar empat ratus juta rupiah"),
        (2_000_000_000_000, "dua triliun rupiah"),
        (-25_000, "minus dua puluh lima ribu rupiah"),
    ],
)
def test_terbilang(amount, words):
    assert terbilang(amount) == words


def test_allocate_example():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 1]) == [0, 10]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocate_refuses(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


@given(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40).filter(any),
)
def test_allocate_parts_sum_to_total(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(part - exact) < 1
