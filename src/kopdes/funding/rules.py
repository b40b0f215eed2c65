"""Pure rules of the funding sources (no ORM): the business lines a fund may be spent on, the
posting-rule keys of receipts and spendings, and what happens to a use of a restricted fund
outside its permitted lines (docs/adr/0025-fund-restricted-funds.md); the state-bank loan of
PMK 49/2025 (docs/adr/0026-bank-loan-schedule.md): its terms and its schedule, each installment due
on the 12th or the next working day (`kopdes.core.holidays`).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

from django.utils.translation import gettext_lazy as _

from kopdes.core.holidays import NATIONAL_DAYS_OFF, next_working_day
from kopdes.core.money import AMOUNT_MAX, round_rupiah
from kopdes.core.months import shift_month
from kopdes.funding.errors import (
    BankLoanCeilingTooHigh,
    BankLoanFirstDueNotTheTwelfth,
    BankLoanGraceOutOfRange,
    BankLoanInvalidAmount,
    BankLoanMonthsOutOfRange,
    BankLoanOperatingPartTooHigh,
    BankLoanRateInvalid,
)

# The business lines a fund's use names: the kinds of business unit
# (cooperatives.BusinessUnit.Kind, the office left out) and operating costs.
BUSINESS_LINES: dict[str, object] = {
    "sembako": _("Groceries (sembako)"),
    "simpan_pinjam": _("Savings and loans"),
    "klinik": _("Village clinic"),
    "apotek": _("Village pharmacy"),
    "pergudangan": _("Warehouse / cold storage"),
    "logistik": _("Logistics"),
    "lpg": _("LPG 3 kg"),
    "pupuk": _("Fertiliser (pupuk)"),
    "pertanian": _("Farming"),
    "peternakan": _("Livestock"),
    "ppob": _("Phone credit and bills (pulsa/PPOB)"),
    "lainnya": _("Other"),
    "operasional": _("Operating costs"),
}

SOURCE_KINDS = ("csr", "apbd_hibah", "dana_desa", "bank_loan", "other_loan")
# Grants come with strings attached: CSR and APBD hibah are restricted unless recorded otherwise.
RESTRICTED_BY_DEFAULT = frozenset({"csr", "apbd_hibah"})
# Grants the policy books as equity (hibah) or income (Policy.csr_capital_as_equity).
GRANT_KINDS = frozenset({"csr", "apbd_hibah"})
CHANNELS = ("bank", "cash")
SPEND_KINDS = ("asset", "expense", "working_capital")
OUTSIDE_LINES = ("refuse", "flag")
FLAG_DECISIONS = ("acknowledged", "resolved")


def line_label(line: str) -> str:
    return str(BUSINESS_LINES.get(line, line))


def permitted_line_errors(*, restricted: bool, lines: list[str]) -> list[str]:
    """Why a source's permitted lines cannot be recorded (empty when they can)."""
    problems: list[str] = []
    unknown = [line for line in lines if line not in BUSINESS_LINES]
    if unknown:
        problems.append(str(_("Unknown business line: %(lines)s.") % {"lines": ", ".join(unknown)}))
    if len(set(lines)) != len(lines):
        problems.append(str(_("A business line is listed twice.")))
    if restricted and not lines:
        problems.append(str(_("A restricted fund names at least one permitted business line.")))
    return problems


def receipt_key(*, kind: str, grant_as_equity: bool, channel: str) -> str:
    """The "fund.received" posting-rule key: `csr:equity`, `dana_desa`, `bank_loan:cash`, ..."""
    key = kind
    if kind in GRANT_KINDS:
        key += ":equity" if grant_as_equity else ":income"
    return key + (":cash" if channel == "cash" else "")


def spend_key(*, spend_kind: str, unit_code: str, channel: str) -> str:
    """The "fund.spent" posting-rule key: `asset:bank`, `expense:cash`,
    `working_capital:<unit code>:bank`."""
    if spend_kind == "working_capital":
        return f"working_capital:{unit_code}:{channel}"
    return f"{spend_kind}:{channel}"


def use_decision(*, restricted: bool, permitted: list[str], line: str, outside: str) -> str:
    """ "ok", "flag" or "refuse" for a use naming `line` of a fund, under the policy's
    `restricted_fund_outside_lines` (`outside`: "refuse" or "flag")."""
    if not restricted or line in permitted:
        return "ok"
    return "flag" if outside == "flag" else "refuse"


def flag_transition_allowed(current: str, new: str) -> bool:
    """The pengawas acknowledges an open flag or resolves an open or acknowledged one."""
    if new == "acknowledged":
        return current == "open"
    if new == "resolved":
        return current in ("open", "acknowledged")
    return False


# -- the state-bank loan (PMK 49/2025) --------------------------------------------------------

BANK_LOAN_CEILING_MAX = 3_000_000_000  # per cooperative, all its active bank loans together
BANK_LOAN_OPERATING_MAX = 500_000_000  # of which at most this for operating costs
BANK_LOAN_MONTHS_MAX = 72  # the whole tenor, grace included
BANK_LOAN_GRACE_MIN = 6
BANK_LOAN_GRACE_MAX = 8
BANK_LOAN_RATE = Decimal("6")  # % a year, fixed
BANK_LOAN_RATE_MAX = Decimal("24")
BANK_LOAN_DUE_DAY = 12  # installments fall due on the 12th, or the next working day
BANK_LOAN_WARNING_DAYS = 7  # default: warn this many days before a due date without the cash

_PRECISION = 40


@dataclass(frozen=True)
class BankLoanRow:
    """One installment: `due_on` is the 12th of its month moved to the next working day."""

    number: int
    nominal_on: date  # the 12th
    due_on: date
    principal: int
    interest: int
    installment: int  # principal + interest
    outstanding: int  # principal still owed after this installment


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def bank_loan_rate(rate: Decimal | int | str) -> Decimal:
    """The yearly rate in % as a Decimal: above 0, at most 24."""
    value: Decimal | None = None
    if not isinstance(rate, (bool, float)):
        try:
            value = Decimal(rate)
        except (InvalidOperation, ValueError, TypeError):
            value = None
    if value is None or not value.is_finite() or not 0 < value <= BANK_LOAN_RATE_MAX:
        error = BankLoanRateInvalid()
        error.fields = {"rate": [error.render()]}
        raise error
    return value


def bank_loan_terms_check(
    *,
    ceiling: int,
    operating_part: int,
    rate: Decimal | int | str,
    months: int,
    grace_months: int,
    first_due_on: date,
) -> Decimal:
    """Refuse terms outside PMK 49/2025, each with its own code and on its own field; returns
    the rate as a Decimal."""
    if not _whole(ceiling) or not 0 < ceiling <= BANK_LOAN_CEILING_MAX:
        error = BankLoanCeilingTooHigh(maximum=BANK_LOAN_CEILING_MAX)
        error.fields = {"ceiling": [error.render()]}
        raise error
    if (
        not _whole(operating_part)
        or not 0 <= operating_part <= BANK_LOAN_OPERATING_MAX
        or operating_part > ceiling
    ):
        error2 = BankLoanOperatingPartTooHigh(maximum=BANK_LOAN_OPERATING_MAX)
        error2.fields = {"operating_part": [error2.render()]}
        raise error2
    if not _whole(months) or not BANK_LOAN_GRACE_MIN < months <= BANK_LOAN_MONTHS_MAX:
        error3 = BankLoanMonthsOutOfRange(
            minimum=BANK_LOAN_GRACE_MIN + 1, maximum=BANK_LOAN_MONTHS_MAX
        )
        error3.fields = {"months": [error3.render()]}
        raise error3
    if not _whole(grace_months) or not BANK_LOAN_GRACE_MIN <= grace_months <= BANK_LOAN_GRACE_MAX:
        error4 = BankLoanGraceOutOfRange(minimum=BANK_LOAN_GRACE_MIN, maximum=BANK_LOAN_GRACE_MAX)
        error4.fields = {"grace_months": [error4.render()]}
        raise error4
    if grace_months >= months:
        error5 = BankLoanMonthsOutOfRange(minimum=grace_months + 1, maximum=BANK_LOAN_MONTHS_MAX)
        error5.fields = {"months": [error5.render()]}
        raise error5
    if first_due_on.day != BANK_LOAN_DUE_DAY:
        error6 = BankLoanFirstDueNotTheTwelfth()
        error6.fields = {"first_due_on": [error6.render()]}
        raise error6
    return bank_loan_rate(rate)


def bank_loan_schedule(
    *,
    principal: int,
    rate: Decimal | int | str,
    months: int,
    grace_months: int,
    first_due_on: date,
    holidays: frozenset[date] = NATIONAL_DAYS_OFF,
) -> list[BankLoanRow]:
    """The installments of a bank loan of `principal` rupiah at `rate` % a year over `months`
    months (grace included), the first falling due on `first_due_on` (a 12th).

    - Months 1..grace_months: interest only, principal x rate / 12 (whole rupiah, half up).
    - Then an annuity over the other months: the constant installment
      A = P*i / (1 - (1+i)^-n), i = rate/12, rounded to the rupiah; each month's interest is
      i times the principal still owed (as the bank books it), rounded; the principal part is
      A minus that interest, and the last installment repays whatever is left, so the parts add
      up to the principal exactly (ADR 0026-bank-loan-schedule).
    - Installment k is nominally due on the 12th, k-1 months after `first_due_on`; when that day
      is a Saturday, a Sunday or in `holidays`, on the next working day.
    """
    if not _whole(principal) or not 0 < principal <= AMOUNT_MAX:
        error = BankLoanInvalidAmount()
        error.fields = {"principal": [error.render()]}
        raise error
    yearly = bank_loan_rate(rate)
    if not _whole(months) or not 1 <= months <= BANK_LOAN_MONTHS_MAX:
        error3 = BankLoanMonthsOutOfRange(minimum=1, maximum=BANK_LOAN_MONTHS_MAX)
        error3.fields = {"months": [error3.render()]}
        raise error3
    if not _whole(grace_months) or not 0 <= grace_months < months:
        error4 = BankLoanGraceOutOfRange(minimum=0, maximum=months - 1)
        error4.fields = {"grace_months": [error4.render()]}
        raise error4
    rows: list[BankLoanRow] = []
    outstanding = principal
    with localcontext() as context:
        context.prec = _PRECISION
        monthly = yearly / Decimal(1200)
        count = months - grace_months
        growth = (1 + monthly) ** count
        annuity = round_rupiah(principal * monthly * growth / (growth - 1))
        for number in range(1, months + 1):
            interest = round_rupiah(outstanding * monthly)
            if number <= grace_months:
                part = 0
            elif number == months:
                part = outstanding
            else:
                part = min(max(annuity - interest, 0), outstanding)
            outstanding -= part
            year, month = shift_month(first_due_on.year, first_due_on.month, number - 1)
            nominal = date(year, month, min(first_due_on.day, monthrange(year, month)[1]))
            rows.append(
                BankLoanRow(
                    number=number,
                    nominal_on=nominal,
                    due_on=next_working_day(nominal, holidays),
                    principal=part,
                    interest=interest,
                    installment=part + interest,
                    outstanding=outstanding,
                )
            )
    return rows
