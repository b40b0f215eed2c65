"""The loan schedule engine: one pure function makes every schedule the platform shows or books.

`schedule()` is called by the simulation (CLI, API, pages) and by disbursement (the
`Installment` rows), so what a member is shown is exactly what is booked. No ORM here.

Conventions (docs/adr/0013-loan-schedule-engine.md):

- `months` is the whole tenor, grace included: the first `grace_months` rows are interest only,
  the other `months - grace_months` rows repay the principal.
- Installment k (1-based) is due k months after `start` (the disbursement day), on the same day
  of the month, clamped to the month's end (31 January -> 28/29 February -> 31 March).
- Whole rupiah, rounded half up (`core.money.round_rupiah`). The principal parts add up to the
  principal exactly: the last installment absorbs the rounding.
- flat: every month the interest is rate/12 of the ORIGINAL principal; equal principal parts.
- efektif (menurun): equal principal parts; interest rate/12 of the outstanding principal.
- anuitas: a constant installment A = P*i / (1 - (1+i)^-n), i = rate/12, rounded to the rupiah;
  the interest of each month is i times the annuity's exact outstanding balance, rounded, and the
  principal part is A minus that interest. Tracking the exact balance (not the rounded one) keeps
  every installment before the last within a rupiah of numpy-financial's pmt/ipmt/ppmt, however
  long the loan (a test); the outstanding shown is the booked one (principal minus the parts).
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from kopdes.core.errors import ValidationFailed
from kopdes.core.money import AMOUNT_MAX, Rupiah, format_rupiah, round_rupiah
from kopdes.core.months import shift_month
from kopdes.loans.errors import (
    InvalidGrace,
    InvalidMethod,
    InvalidMonths,
    InvalidPrincipal,
    InvalidRate,
)

FLAT = "flat"
EFEKTIF = "efektif"
ANUITAS = "anuitas"
METHODS = (FLAT, EFEKTIF, ANUITAS)

MAX_RATE = Decimal("24")  # never above 24% a year (issue 11, domain.md section 4)
MAX_MONTHS = 360  # a ceiling for the engine; a product's own tenor range is narrower
_PRECISION = 40  # decimal digits for the exact annuity and the IRR


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: date
    principal: int
    interest: int
    installment: int  # principal + interest
    outstanding: int  # principal still owed after this installment


def due_date(start: date, number: int) -> date:
    """The day installment `number` falls due: `number` months after `start`, clamped."""
    year, month = shift_month(start.year, start.month, number)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _refused(error: ValidationFailed, field: str) -> ValidationFailed:
    """The error with its message on the term's field (the API's `fields`, a form's field)."""
    error.fields = {field: [error.render()]}
    return error


def _rate(annual_rate: Decimal | int | str) -> Decimal:
    refused = _refused(InvalidRate(rate=str(annual_rate)), "annual_rate")
    if isinstance(annual_rate, (bool, float)):
        raise refused
    try:
        rate = Decimal(annual_rate)
    except (InvalidOperation, ValueError, TypeError):
        raise refused from None
    if not rate.is_finite() or rate < 0 or rate > MAX_RATE:
        raise refused
    return rate


def validate(
    *, principal: int, annual_rate: Decimal | int | str, months: int, method: str, grace_months: int
) -> Decimal:
    """Check the terms (each failure its own `loans.*` code); returns the rate as a Decimal."""
    if (
        isinstance(principal, bool)
        or not isinstance(principal, int)
        or not 0 < principal <= AMOUNT_MAX
    ):
        raise _refused(InvalidPrincipal(maximum=format_rupiah(AMOUNT_MAX)), "principal")
    rate = _rate(annual_rate)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise _refused(InvalidMonths(maximum=MAX_MONTHS), "months")
    if method not in METHODS:
        raise _refused(InvalidMethod(method=str(method)), "method")
    if (
        isinstance(grace_months, bool)
        or not isinstance(grace_months, int)
        or not 0 <= grace_months < months
    ):
        raise _refused(InvalidGrace(months=months), "grace_months")
    return rate


def schedule(
    *,
    principal: int,
    annual_rate: Decimal | int | str,
    months: int,
    method: str,
    start: date,
    grace_months: int = 0,
) -> list[ScheduleRow]:
    """The installments of a loan of `principal` rupiah at `annual_rate` % a year over `months`
    months (the first `grace_months` interest only), disbursed on `start`."""
    rate = validate(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=method,
        grace_months=grace_months,
    )
    with localcontext() as context:
        context.prec = _PRECISION
        monthly = rate / Decimal(1200)
        amortizing = months - grace_months
        if method == ANUITAS:
            interests, parts = _annuity(principal, monthly, amortizing)
        else:
            parts = _equal_parts(principal, amortizing)
            interests = []
            outstanding = principal
            flat_interest = round_rupiah(principal * monthly)
            for part in parts:
                interests.append(
                    flat_interest if method == FLAT else round_rupiah(outstanding * monthly)
                )
                outstanding -= part
        grace_interest = round_rupiah(principal * monthly)
    rows: list[ScheduleRow] = []
    outstanding = principal
    pairs = [(0, grace_interest)] * grace_months + list(zip(parts, interests, strict=True))
    for number, (part, interest) in enumerate(pairs, start=1):
        outstanding -= part
        rows.append(
            ScheduleRow(
                number=number,
                due_date=due_date(start, number),
                principal=part,
                interest=interest,
                installment=part + interest,
                outstanding=outstanding,
            )
        )
    return rows


def _equal_parts(principal: int, count: int) -> list[int]:
    """`count` principal parts of principal/count rounded, the last taking what is left; a part
    never exceeds what is still owed (so a tiny principal gives zeros, never a negative)."""
    regular = round_rupiah(Decimal(principal) / Decimal(count))
    return _absorb_last(principal, [regular] * (count - 1))


def _absorb_last(principal: int, parts: Sequence[int]) -> list[int]:
    out: list[int] = []
    left = principal
    for part in parts:
        part = min(part, left)
        out.append(part)
        left -= part
    out.append(left)
    return out


def _annuity(principal: int, monthly: Decimal, count: int) -> tuple[list[int], list[int]]:
    """Interest and principal parts of an annuity over `count` months (context precision set)."""
    if monthly == 0:
        return [0] * count, _equal_parts(principal, count)
    growth = (1 + monthly) ** count
    payment = principal * monthly * growth / (growth - 1)
    rounded = round_rupiah(payment)
    interests: list[Rupiah] = []
    parts: list[int] = []
    exact_balance = Decimal(principal)
    for _ in range(count):
        exact_interest = exact_balance * monthly
        interest = round_rupiah(exact_interest)
        interests.append(interest)
        parts.append(rounded - interest)
        exact_balance -= payment - exact_interest
    parts = _absorb_last(principal, parts[:-1])
    return list(interests), parts


def total_interest(rows: Sequence[ScheduleRow]) -> int:
    return sum(row.interest for row in rows)


def total_installments(rows: Sequence[ScheduleRow]) -> int:
    return sum(row.installment for row in rows)


def effective_annual_rate(rows: Sequence[ScheduleRow], principal: int) -> Decimal:
    """The internal rate of return of the borrower's cash flows (receive `principal`, pay each
    installment a month apart), as a yearly rate: the monthly IRR times 12, in % to 2 decimals.

    For a flat loan it is the rate an efektif loan would need to cost the same, far above the
    flat rate written on the product (flat 12% over 12 months is 21.46% effective)."""
    if principal <= 0 or not rows:
        raise InvalidPrincipal(maximum=format_rupiah(AMOUNT_MAX))
    payments = [Decimal(row.installment) for row in rows]
    with localcontext() as context:
        context.prec = _PRECISION
        target = Decimal(principal)

        def present_value(rate: Decimal) -> Decimal:
            factor = 1 / (1 + rate)
            value, discount = Decimal(0), Decimal(1)
            for payment in payments:
                discount *= factor
                value += payment * discount
            return value

        if present_value(Decimal(0)) <= target:
            return Decimal("0.00")  # paying back no more than borrowed: no interest at all
        low, high = Decimal(0), Decimal(1)
        while present_value(high) > target:
            high *= 2
        for _ in range(120):  # bisection: 2**-120 is far below the 0.01% shown
            middle = (low + high) / 2
            if present_value(middle) > target:
                low = middle
            else:
                high = middle
        annual = (low + high) / 2 * 1200
    return annual.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Simulation:
    """A schedule with its totals: what the simulation (CLI, API, pages) shows."""

    rows: list[ScheduleRow]
    total_interest: int
    total_installments: int
    effective_annual_rate: Decimal


def simulate(
    *,
    principal: int,
    annual_rate: Decimal | int | str,
    months: int,
    method: str,
    start: date,
    grace_months: int = 0,
) -> Simulation:
    """`schedule()` with its totals and effective annual rate (the same rows disbursement books)."""
    rows = schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        method=method,
        start=start,
        grace_months=grace_months,
    )
    return Simulation(
        rows=rows,
        total_interest=total_interest(rows),
        total_installments=total_installments(rows),
        effective_annual_rate=effective_annual_rate(rows, principal),
    )
