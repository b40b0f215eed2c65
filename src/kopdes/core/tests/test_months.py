from datetime import date

import pytest

from kopdes.core import months


def test_parse_month():
    assert months.parse_month("2026-03") == (2026, 3)
    assert months.parse_month(" 2026-12 ") == (2026, 12)
    for bad in ("2026-13", "26-03", "2026-3", "2026-00", "", "٢٠٢٦-٠٣", "2026/03"):
        with pytest.raises(ValueError):
            months.parse_month(bad)


def test_month_end_and_bounds():
    assert months.month_end(2024, 2) == date(2024, 2, 29)
    assert months.month_end(2026, 2) == date(2026, 2, 28)
    assert months.month_end(2026, 12) == date(2026, 12, 31)
    assert months.month_bounds(2026, 4) == (date(2026, 4, 1), date(2026, 4, 30))


def test_text_and_shifts():
    assert months.month_text(2026, 3) == "2026-03"
    assert months.next_month(2026, 12) == (2027, 1)
    assert months.previous_month(2026, 1) == (2025, 12)
    assert months.shift_month(2026, 3, -15) == (2024, 12)
    assert months.shift_month(2026, 3, 0) == (2026, 3)


def test_months_between():
    assert months.months_between((2025, 11), (2026, 2)) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
        (2026, 2),
    ]
    assert months.months_between((2026, 3), (2026, 3)) == [(2026, 3)]
    assert months.months_between((2026, 4), (2026, 3)) == []
