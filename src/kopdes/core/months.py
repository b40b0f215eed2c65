"""Calendar months, the one place for them: "YYYY-MM" text, first and last day, the month
before or after. Pure functions, no ORM; callers raise their own app's error (for instance
`ledger.invalid_month`, `savings.invalid_month`) when `parse_month` refuses a text."""

import calendar
import re
from datetime import date

MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")

Month = tuple[int, int]  # (year, month 1-12)


def parse_month(text: str) -> Month:
    """`"2026-03"` -> `(2026, 3)`. Raises ValueError for anything else (digits 0-9 only)."""
    match = MONTH_RE.match((text or "").strip())
    if match is None:
        raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
    return int(match.group(1)), int(match.group(2))


def month_text(year: int, month: int) -> str:
    """`(2026, 3)` -> `"2026-03"`, the form bills and month runs store."""
    return f"{year:04d}-{month:02d}"


def month_end(year: int, month: int) -> date:
    """The month's last day."""
    return date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The month's first and last day."""
    return date(year, month, 1), month_end(year, month)


def shift_month(year: int, month: int, delta: int) -> Month:
    """The month `delta` months after (before, when negative) `year`-`month`."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def next_month(year: int, month: int) -> Month:
    return shift_month(year, month, 1)


def previous_month(year: int, month: int) -> Month:
    return shift_month(year, month, -1)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from `first` through `last`, both included; empty when `last` is earlier."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = next_month(*current)
    return out
