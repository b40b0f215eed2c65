"""Pure rules of the daily close: days past due, the collectibility class, denda (late penalty)
accrual and the provision (PPAP/CKPN) a loan needs. No ORM here: tested without a database.

The scheme (domain.md section 4) has five classes, fixed in number and meaning; a cooperative
may move the day thresholds and the provision rates (`Scheme.from_json`, stored per cooperative
by `loans_collectibility_configure`). The default is the banking scheme:

| class | name                        | days past due | provision |
|-------|-----------------------------|---------------|-----------|
| 1     | Lancar                      | 0             | 0.5 %     |
| 2     | Dalam Perhatian Khusus (DPK)| 1-90          | 3 %       |
| 3     | Kurang Lancar               | 91-120        | 10 %      |
| 4     | Diragukan                   | 121-180       | 50 %      |
| 5     | Macet                       | > 180         | 100 %     |

Classes 3 to 5 are non-performing (NPL). The provision of a loan is its rate times the
outstanding principal less the recognised value of its collateral (never below zero), rounded to
whole rupiah per loan.

Days past due on day D count from the oldest installment due before D that is not fully paid:
an installment due on D itself is not late yet on D. Denda accrues for each day a loan is late:
"per_day" charges `penalty_rate` % of the unpaid amount of the installments due before that day
(rounded to whole rupiah each day, so catching up k missed days gives exactly what k daily
closes would have); "per_installment" charges `penalty_amount` once per installment, on its
first late day.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopdes.core.money import Rupiah, round_rupiah

CLASSES = (1, 2, 3, 4, 5)
NPL_CLASSES = frozenset({3, 4, 5})
MAX_DAYS = 36_500  # a threshold beyond a hundred years is a typo
PER_DAY = "per_day"
PER_INSTALLMENT = "per_installment"

CLASS_LABELS: dict[int, Promise] = {
    1: _("Current"),
    2: _("Special mention"),
    3: _("Substandard"),
    4: _("Doubtful"),
    5: _("Loss"),
}


def class_label(number: int) -> str:
    """The class's name in the active language (Lancar, DPK, ... in Indonesian)."""
    return str(CLASS_LABELS[number])


@dataclass(frozen=True)
class LoanClass:
    number: int  # 1..5
    from_days: int  # the first day past due in this class
    provision_percent: Decimal  # % of (outstanding - recognised collateral)

    @property
    def npl(self) -> bool:
        return self.number in NPL_CLASSES


class InvalidScheme(ValueError):
    """A scheme that is not five classes with rising thresholds and rates in 0..100 %."""


@dataclass(frozen=True)
class Scheme:
    classes: tuple[LoanClass, ...]

    def classify(self, days_past_due: int) -> int:
        """The class of a loan `days_past_due` days late."""
        number = 1
        for loan_class in self.classes:
            if days_past_due >= loan_class.from_days:
                number = loan_class.number
        return number

    def provision_percent(self, number: int) -> Decimal:
        return self.classes[number - 1].provision_percent

    def thresholds(self) -> list[tuple[int, int]]:
        """(class, from_days) for SQL and reports."""
        return [(c.number, c.from_days) for c in self.classes]

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "class": c.number,
                "from_days": c.from_days,
                "provision_percent": str(c.provision_percent),
            }
            for c in self.classes
        ]

    @classmethod
    def from_json(cls, data: Any) -> "Scheme":
        """A scheme from its JSON (a list of five objects, class 1 to 5); InvalidScheme with a
        plain reason when it is not one."""
        if not isinstance(data, list) or len(data) != len(CLASSES):
            raise InvalidScheme("five classes are needed")
        classes = []
        for number, item in zip(CLASSES, data, strict=True):
            if not isinstance(item, dict) or item.get("class") != number:
                raise InvalidScheme(f"class {number} is missing or out of order")
            days = item.get("from_days")
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
                raise InvalidScheme(f"class {number}: from_days must be a whole number of days")
            try:
                percent = Decimal(str(item.get("provision_percent")))
            except InvalidOperation:
                raise InvalidScheme(f"class {number}: provision_percent is not a number") from None
            if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
                raise InvalidScheme(f"class {number}: provision_percent must be 0 to 100")
            if percent.as_tuple().exponent < -2:  # type: ignore[operator]
                raise InvalidScheme(f"class {number}: at most two decimals")
            classes.append(LoanClass(number, days, percent))
        if classes[0].from_days != 0:
            raise InvalidScheme("class 1 starts at 0 days")
        for lower, upper in itertools.pairwise(classes):
            if upper.from_days <= lower.from_days:
                raise InvalidScheme(f"class {upper.number} must start after class {lower.number}")
            if upper.provision_percent < lower.provision_percent:
                raise InvalidScheme(
                    f"class {upper.number}: the provision may not be below class {lower.number}"
                )
        return cls(tuple(classes))


DEFAULT_SCHEME = Scheme.from_json(
    [
        {"class": 1, "from_days": 0, "provision_percent": "0.5"},
        {"class": 2, "from_days": 1, "provision_percent": "3"},
        {"class": 3, "from_days": 91, "provision_percent": "10"},
        {"class": 4, "from_days": 121, "provision_percent": "50"},
        {"class": 5, "from_days": 181, "provision_percent": "100"},
    ]
)


@dataclass(frozen=True)
class Due:
    """One installment as the close sees it: its due date and what is still unpaid of it."""

    due_date: date
    unpaid: int  # principal + interest - paid parts; 0 when fully paid


def days_past_due(installments: Iterable[Due], *, on: date) -> int:
    """Days from the oldest installment due before `on` that is not fully paid; 0 if none."""
    late = [i.due_date for i in installments if i.unpaid > 0 and i.due_date < on]
    return (on - min(late)).days if late else 0


def overdue_amount(installments: Iterable[Due], *, on: date) -> int:
    """The unpaid amount of the installments due before `on`."""
    return sum(i.unpaid for i in installments if i.unpaid > 0 and i.due_date < on)


def penalty_for_day(
    installments: Sequence[Due], *, on: date, method: str, rate: Decimal, amount: int
) -> Rupiah:
    """The denda one day's close adds: `rate` % of the overdue amount (per_day), or `amount`
    for each installment whose first late day is `on` (per_installment)."""
    if method == PER_DAY:
        if rate <= 0:
            return round_rupiah(0)
        base = overdue_amount(installments, on=on)
        return round_rupiah(Decimal(base) * Decimal(rate) / Decimal(100))
    if method == PER_INSTALLMENT:
        newly_late = sum(
            1 for i in installments if i.unpaid > 0 and i.due_date + timedelta(days=1) == on
        )
        return round_rupiah(newly_late * max(amount, 0))
    raise ValueError(f"unknown penalty method {method!r}")


def penalty_for_days(
    installments: Sequence[Due],
    *,
    first: date,
    last: date,
    method: str,
    rate: Decimal,
    amount: int,
) -> Rupiah:
    """The denda of the days `first`..`last` (a catch-up): the sum of each day's accrual."""
    total = 0
    day = first
    while day <= last:
        total += penalty_for_day(installments, on=day, method=method, rate=rate, amount=amount)
        day += timedelta(days=1)
    return round_rupiah(total)


def provision_required(*, outstanding: int, collateral: int, percent: Decimal) -> Rupiah:
    """The provision a loan needs: `percent` of outstanding less recognised collateral (>= 0)."""
    base = max(outstanding - max(collateral, 0), 0)
    return round_rupiah(Decimal(base) * Decimal(percent) / Decimal(100))


@dataclass(frozen=True)
class ClassTotal:
    number: int
    loans: int
    outstanding: int
    collateral: int  # recognised collateral counted (at most the outstanding)
    percent: Decimal
    required: int

    @property
    def npl(self) -> bool:
        return self.number in NPL_CLASSES


def provision_by_class(
    loans: Iterable[tuple[int, int, int]], *, scheme: Scheme = DEFAULT_SCHEME
) -> list[ClassTotal]:
    """The required provision per class from (class, outstanding, recognised collateral) per
    loan: one row per class 1..5 (zeros included), each loan rounded on its own."""
    totals = {n: [0, 0, 0, 0] for n in CLASSES}  # loans, outstanding, collateral, required
    for number, outstanding, collateral in loans:
        row = totals[number]
        row[0] += 1
        row[1] += outstanding
        row[2] += min(max(collateral, 0), outstanding)
        row[3] += provision_required(
            outstanding=outstanding,
            collateral=collateral,
            percent=scheme.provision_percent(number),
        )
    return [
        ClassTotal(
            number=n,
            loans=totals[n][0],
            outstanding=totals[n][1],
            collateral=totals[n][2],
            percent=scheme.provision_percent(n),
            required=totals[n][3],
        )
        for n in CLASSES
    ]


def npl_ratio(totals: Sequence[ClassTotal]) -> Decimal | None:
    """Outstanding of classes 3-5 over all outstanding, % with two decimals; None when empty."""
    whole = sum(t.outstanding for t in totals)
    if whole <= 0:
        return None
    bad = sum(t.outstanding for t in totals if t.npl)
    return (Decimal(bad) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
