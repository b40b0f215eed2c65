"""Pure savings rules: daily-balance interest, settling bills oldest first, the receipt
text. No ORM here, so they are tested without a database."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kopdes.core.money import allocate, format_rupiah, round_rupiah, terbilang

DAYS_IN_YEAR = 365  # the daily-balance convention: rate / 365 per day, leap years included
MAX_RATE = Decimal("9")  # Permenkop 8/2023: savings interest at most 9% a year

# The GL control accounts of each kind: equity by default, liabilities when the policy says
# pokok and wajib are not equity (SAK EP leaves it open, domain.md section 2).
CONTROL_ACCOUNTS = {
    "pokok": ("3-101", "2-111"),
    "wajib": ("3-102", "2-112"),
    "sukarela": ("2-101",),
}
LIABILITY_ACCOUNTS = {"pokok": "2-111", "wajib": "2-112"}
OFFICE_CASH = "1-101-01"
BANK = "1-102"
QRIS_CLEARING = "1-109"  # Dana QRIS dalam penyelesaian: paid by QRIS, not yet settled to the bank
INTEREST_EXPENSE = "5-501"


def control_credit_account(kind: str, *, as_equity: bool) -> str:
    """The account a deposit of `kind` is credited to under the policy."""
    if kind == "sukarela":
        return "2-101"
    return CONTROL_ACCOUNTS[kind][0] if as_equity else LIABILITY_ACCOUNTS[kind]


def balance_days(
    *, opening: int, movements: Iterable[tuple[date, int]], first: date, last: date
) -> int:
    """Sum over the days first..last of the end-of-day balance (rupiah-days).

    `opening` is the balance at the start of `first`; `movements` are (date, signed amount) of
    the days in the range, in any order.
    """
    days = (last - first).days + 1
    total = opening * days
    for day, amount in movements:
        if not first <= day <= last:
            raise ValueError("A movement outside the month.")
        # A movement on `day` counts in the end-of-day balance of that day and every later day.
        total += amount * ((last - day).days + 1)
    return total


def exact_interest(*, rupiah_days: int, rate: Decimal) -> Decimal:
    """Interest on a sum of end-of-day balances at `rate` % a year: exact, not yet rounded."""
    return Decimal(rupiah_days) * Decimal(rate) / Decimal(100) / Decimal(DAYS_IN_YEAR)


def interest_shares(rupiah_days: Sequence[int], *, rate: Decimal) -> tuple[int, list[int]]:
    """The month's interest: the cooperative's exact total rounded once (half up), then allocated
    across the accounts by their exact shares, so the parts add up to the amount posted."""
    if not rupiah_days or rate <= 0 or sum(rupiah_days) <= 0:
        return 0, [0] * len(rupiah_days)
    total = round_rupiah(exact_interest(rupiah_days=sum(rupiah_days), rate=rate))
    if total == 0:
        return 0, [0] * len(rupiah_days)
    return total, list(allocate(total, list(rupiah_days)))


@dataclass(frozen=True)
class Settlement:
    bill_id: int
    paid: int  # paid on this bill by this payment
    paid_total: int  # the bill's paid amount afterwards
    settled: bool


def settle_oldest_first(
    amount: int, bills: Sequence[tuple[int, int, int]]
) -> tuple[list[Settlement], int]:
    """Apply a payment to bills (id, amount, paid), given oldest first.

    Returns what each bill received and the rupiah left over (kept on the account as an advance).
    """
    result: list[Settlement] = []
    left = amount
    for bill_id, bill_amount, paid in bills:
        if left <= 0:
            break
        due = bill_amount - paid
        if due <= 0:
            continue
        pay = min(due, left)
        left -= pay
        result.append(Settlement(bill_id, pay, paid + pay, paid + pay == bill_amount))
    return result, left


def collection_rate(*, billed: int, paid: int) -> Decimal | None:
    """Paid over billed, in percent with one decimal; None when nothing was billed."""
    if billed <= 0:
        return None
    return (Decimal(paid) * 100 / Decimal(billed)).quantize(Decimal("0.1"))


def receipt_text(
    *,
    cooperative: str,
    receipt: str,
    when: date,
    member: str,
    niak: str,
    kind_label: str,
    type_label: str,
    amount: int,
    balance_after: int,
    journal: str,
    short_hash: str,
) -> str:
    """The receipt as a WhatsApp message (plain text; *bold* is WhatsApp's own markup)."""
    return "\n".join(
        [
            f"*{cooperative}*",
            f"Kuitansi {receipt} · {when:%d-%m-%Y}",
            f"Anggota: {member} ({niak})",
            f"{type_label} {kind_label}: *{format_rupiah(amount)}*",
            f"Terbilang: {terbilang(amount)}",
            f"Saldo: {format_rupiah(balance_after)}",
            f"Jurnal {journal} · hash {short_hash}",
        ]
    )


def default_kind(*, owed: str | None, preferred: str | None = None) -> str:
    """The kind the counter proposes for a member: what the member owes (the kind of the oldest
    open bill), else the kind the cashier used last (`Catat lagi`), else simpanan sukarela (a
    deposit of any amount, nothing to settle)."""
    kinds = ("pokok", "wajib", "sukarela")
    if owed in kinds:
        return str(owed)
    if preferred in kinds:
        return str(preferred)
    return "sukarela"
