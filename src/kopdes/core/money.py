"""Money is whole rupiah in a 64-bit integer; rounding happens here, once, half-up.

`Rupiah` is the type of every amount in the code; `RupiahField` stores it. Display follows
Indonesian usage (`Rp1.500.000`, `.` for thousands, `,` for decimals), and receipts also write
the amount in words (`terbilang`).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

from django.db import models
from django.db.models.functions import Cast

Rupiah = NewType("Rupiah", int)

RUPIAH_MAX = 9_223_372_036_854_775_807  # the BIGINT limit
# The platform's ceiling for one stored amount (Rp10 triliun): far above anything a village
# cooperative books, and low enough that SQLite's 64-bit sums over millions of rows never
# overflow into floating point. Per-operation ceilings (from the policy) are lower.
AMOUNT_MAX = 10**13


class RupiahField(models.BigIntegerField):
    """A whole-rupiah amount (BIGINT). Never a float, never a Decimal with cents."""

    description = "Amount in whole rupiah"


def money_check(*fields: str, name: str, signed: bool = False) -> models.CheckConstraint:
    """A CHECK constraint that keeps each money column a whole number within +-AMOUNT_MAX (0 to
    AMOUNT_MAX unless `signed`), on both databases: SQLite stores whatever it is given, so the
    CAST comparison refuses a fraction (1.5) and the range refuses an overflowed sum."""
    condition = models.Q()
    for field in fields:
        condition &= models.Q(
            **{f"{field}__gte": -AMOUNT_MAX if signed else 0, f"{field}__lte": AMOUNT_MAX}
        ) & models.Q(**{field: Cast(models.F(field), output_field=models.BigIntegerField())})
    return models.CheckConstraint(condition=condition, name=name)


def round_rupiah(value: Decimal | int) -> Rupiah:
    """Round a computed amount to whole rupiah, half away from zero (the only rounding rule)."""
    if isinstance(value, int):
        return Rupiah(value)
    if isinstance(value, float):
        raise TypeError("Money must not be a float; use Decimal.")
    return Rupiah(int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def format_rupiah(amount: int, *, sign: bool = True) -> str:
    """`Rp1.500.000`, `-Rp25.000`; with sign=False the absolute value."""
    if isinstance(amount, float):
        raise TypeError("Money must not be a float.")
    text = "Rp" + group_thousands(abs(int(amount)))
    return "-" + text if amount < 0 and sign else text


def parse_rupiah(text: str) -> Rupiah:
    """Read an amount as people type it: `1500000`, `1.500.000`, `Rp1.500.000`, `Rp 1.500.000,00`.

    Raises ValueError for anything else (a fractional rupiah, letters, an empty string, digits
    of other scripts (Arabic-Indic, full-width), which Python's int() would accept).
    """
    cleaned = text.strip().replace(" ", "")
    negative = cleaned.startswith("-")
    cleaned = cleaned.removeprefix("-")
    if cleaned[:2].lower() == "rp":
        cleaned = cleaned[2:]
    if "," in cleaned:
        whole, _, cents = cleaned.partition(",")
        if cents.strip("0"):
            raise ValueError("Rupiah amounts are whole numbers.")
        cleaned = whole
    parts = cleaned.split(".")
    if len(parts) > 1 and not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
        raise ValueError("Use '.' only to group thousands.")
    digits = "".join(parts)
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError("Not an amount.")
    value = int(digits)
    if value > RUPIAH_MAX:
        raise ValueError("Amount too large.")
    return Rupiah(-value if negative else value)


def allocate(total: int, weights: Sequence[int | Decimal]) -> list[Rupiah]:
    """Split `total` in proportion to `weights` so that the parts add up to `total` exactly.

    Largest-remainder method: each part gets the floor of its exact share, and the rupiah left
    over go one each to the parts with the largest remainders (ties to the earlier part), so the
    result is deterministic. Used for schedules, SHU, interest.
    """
    if not weights:
        raise ValueError("allocate() needs at least one weight.")
    exact_weights = [Decimal(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("Weights must not be negative.")
    weight_sum = sum(exact_weights)
    if weight_sum == 0:
        raise ValueError("Weights must not all be zero.")
    sign = -1 if total < 0 else 1
    magnitude = abs(int(total))
    try:
        shares = [magnitude * w / weight_sum for w in exact_weights]
    except InvalidOperation as exc:  # pragma: no cover - Decimal context overflow
        raise ValueError(str(exc)) from exc
    parts = [int(s) for s in shares]  # floor: shares are non-negative
    leftover = magnitude - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return [Rupiah(sign * p) for p in parts]


_UNITS = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    if rest < 12:
        if rest:
            words.append(_UNITS[rest])
    elif rest < 20:
        words += [_UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if ones:
            words.append(_UNITS[ones])
    return words


def _words(n: int) -> list[str]:
    words: list[str] = []
    for scale, name in _SCALES:
        if n >= scale:
            count, n = divmod(n, scale)
            words += [*_words(count), name]
    if n >= 1000:
        count, n = divmod(n, 1000)
        words += ["seribu"] if count == 1 else [*_below_thousand(count), "ribu"]
    words += _below_thousand(n)
    return words


def terbilang(amount: int, *, currency: bool = True) -> str:
    """The amount in Indonesian words, as receipts write it: 1.500.000 -> 'satu juta lima ratus ribu rupiah'."""
    if isinstance(amount, float):
        raise TypeError("Money must not be a float.")
    amount = int(amount)
    words = ["nol"] if amount == 0 else _words(abs(amount))
    if amount < 0:
        words.insert(0, "minus")
    if currency:
        words.append("rupiah")
    return " ".join(words)
