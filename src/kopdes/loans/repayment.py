"""Pure repayment rules: how a payment is split over what a loan owes, the early payoff quote and
the schedule that replaces the unpaid installments when a loan is restructured. No ORM here, so
they are tested without a database (ADR 0014).

The words: `denda` is the late penalty accrued on the loan (not per installment), `jasa` an
installment's interest, `pokok` its principal. An installment is *due* on `on` when its due date
is on or before `on`.

Allocation (`allocate_payment`):

1. What is due, in the product's `allocation_order` (default denda, then jasa, then pokok):
   all the denda; then each component over the due installments, oldest first (all arrears of
   jasa before any pokok, as banks and koperasi apply arrears).
2. What is left pays the next installments in order (an advance, `angsuran di muka`): each whole
   installment (its jasa and pokok, in the product's order) before the next, so a member who
   pays two months ahead owes nothing for those two months.
3. Whatever is left after every installment and the denda is `left`: the service refuses a
   payment with anything left (it is above what the loan owes).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from kopdes.core.money import format_rupiah, terbilang

PENALTY = "denda"
INTEREST = "jasa"
PRINCIPAL = "pokok"
DEFAULT_ORDER: tuple[str, ...] = (PENALTY, INTEREST, PRINCIPAL)

INTEREST_TO_DATE = "interest_to_date"
ALL_INTEREST = "all_interest"


def check_order(order: Iterable[str]) -> tuple[str, ...]:
    """The allocation order as a tuple; ValueError unless it names denda, jasa and pokok once each."""
    out = tuple(order)
    if sorted(out) != sorted(DEFAULT_ORDER):
        raise ValueError("The allocation order names denda, jasa and pokok once each.")
    return out


@dataclass(frozen=True)
class Due:
    """An installment as the payment sees it: scheduled and already paid parts."""

    number: int
    due_date: date
    principal: int
    interest: int
    paid_principal: int = 0
    paid_interest: int = 0

    @property
    def unpaid_principal(self) -> int:
        return self.principal - self.paid_principal

    @property
    def unpaid_interest(self) -> int:
        return self.interest - self.paid_interest

    @property
    def settled(self) -> bool:
        return self.unpaid_principal == 0 and self.unpaid_interest == 0


@dataclass(frozen=True)
class Part:
    """What one payment pays on one installment."""

    number: int
    principal: int
    interest: int


@dataclass(frozen=True)
class Allocation:
    """A payment split into denda, jasa and pokok, and per installment; `left` is what nothing
    owed could take (the service refuses a payment with something left)."""

    amount: int
    penalty: int
    interest: int
    principal: int
    parts: tuple[Part, ...]
    left: int

    @property
    def allocated(self) -> int:
        return self.penalty + self.interest + self.principal


@dataclass(frozen=True)
class Dues:
    """What a loan owes on a day: `penalty` and the due installments' unpaid jasa and pokok
    (`interest`, `principal`, `total` = what must be paid today to be up to date), the number of
    installments due and unpaid, and everything the schedule still asks (`remaining`)."""

    on: date
    penalty: int
    interest: int
    principal: int
    installments_due: int
    remaining: int

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal


def _open(installments: Sequence[Due]) -> list[Due]:
    return sorted((i for i in installments if not i.settled), key=lambda i: i.number)


def dues(*, penalty_due: int, installments: Sequence[Due], on: date) -> Dues:
    """What is due on `on` (see `Dues`)."""
    unpaid = _open(installments)
    due = [i for i in unpaid if i.due_date <= on]
    return Dues(
        on=on,
        penalty=penalty_due,
        interest=sum(i.unpaid_interest for i in due),
        principal=sum(i.unpaid_principal for i in due),
        installments_due=len(due),
        remaining=penalty_due + sum(i.unpaid_interest + i.unpaid_principal for i in unpaid),
    )


def allocate_payment(
    *,
    amount: int,
    penalty_due: int,
    installments: Sequence[Due],
    on: date,
    order: Sequence[str] = DEFAULT_ORDER,
) -> Allocation:
    """Split `amount` over what the loan owes on `on` (the module's docstring tells the rule).
    The parts never exceed what is owed and, with `left`, always add up to `amount`."""
    if amount < 0 or penalty_due < 0:
        raise ValueError("Amounts are zero or more.")
    order = check_order(order)
    rest = amount
    paid: dict[int, list[int]] = {}  # number -> [principal, interest]
    unpaid = _open(installments)
    penalty = 0

    def take(inst: Due, component: str) -> None:
        nonlocal rest
        got = paid.setdefault(inst.number, [0, 0])
        if component == INTEREST:
            owed = inst.unpaid_interest - got[1]
            n = min(rest, owed)
            got[1] += n
        else:
            owed = inst.unpaid_principal - got[0]
            n = min(rest, owed)
            got[0] += n
        rest -= n

    due = [i for i in unpaid if i.due_date <= on]
    for component in order:
        if component == PENALTY:
            penalty = min(rest, penalty_due)
            rest -= penalty
            continue
        for inst in due:
            take(inst, component)
    installment_order = [c for c in order if c != PENALTY]
    for inst in unpaid:
        if inst.due_date <= on:
            continue
        for component in installment_order:
            take(inst, component)
    parts = tuple(
        Part(number=n, principal=p, interest=i) for n, (p, i) in sorted(paid.items()) if p or i
    )
    return Allocation(
        amount=amount,
        penalty=penalty,
        interest=sum(p.interest for p in parts),
        principal=sum(p.principal for p in parts),
        parts=parts,
        left=rest,
    )


@dataclass(frozen=True)
class PayoffQuote:
    """What closes the loan on `on` under the product's rule: the denda, the remaining pokok and
    the jasa the rule asks; `waived_interest` is the scheduled jasa the member no longer owes."""

    on: date
    rule: str
    penalty: int
    interest: int
    principal: int
    waived_interest: int
    parts: tuple[Part, ...]

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal


def payoff_quote(
    *, penalty_due: int, installments: Sequence[Due], on: date, rule: str
) -> PayoffQuote:
    """The early payoff amount on `on`.

    - `interest_to_date`: all the remaining pokok, the unpaid jasa of the installments already
      due, and the jasa of the current month only (the first installment due after `on`); the
      jasa of the later installments is waived.
    - `all_interest`: all the remaining pokok and all the remaining scheduled jasa.
    """
    if rule not in (INTEREST_TO_DATE, ALL_INTEREST):
        raise ValueError(f"Unknown payoff rule {rule!r}.")
    unpaid = _open(installments)
    current_found = False
    parts: list[Part] = []
    waived = 0
    for inst in unpaid:
        charge = True
        if rule == INTEREST_TO_DATE and inst.due_date > on:
            charge = not current_found
            current_found = True
        interest = inst.unpaid_interest if charge else 0
        waived += inst.unpaid_interest - interest
        parts.append(Part(number=inst.number, principal=inst.unpaid_principal, interest=interest))
    return PayoffQuote(
        on=on,
        rule=rule,
        penalty=penalty_due,
        interest=sum(p.interest for p in parts),
        principal=sum(p.principal for p in parts),
        waived_interest=waived,
        parts=tuple(p for p in parts if p.principal or p.interest),
    )


@dataclass(frozen=True)
class Kept:
    """An installment a restructure keeps: closed at what was paid on it."""

    number: int
    principal: int
    interest: int


@dataclass(frozen=True)
class NewRow:
    number: int
    due_date: date
    principal: int
    interest: int


@dataclass(frozen=True)
class RestructurePlan:
    """The outcome of a restructure: the partly paid installments closed at what was paid, the
    settled ones untouched, the unpaid ones removed, and the new schedule numbered after the kept
    ones. `carried_interest` is the jasa already due and unpaid (less jasa paid ahead on
    installments not yet due), added to the first new installments' jasa: a reschedule changes
    the terms, it never forgives jasa the member already owes."""

    kept: tuple[Kept, ...]
    removed: tuple[int, ...]
    rows: tuple[NewRow, ...]
    outstanding_principal: int
    carried_interest: int


def restructure_plan(
    *,
    installments: Sequence[Due],
    on: date,
    new_schedule: Sequence[tuple[date, int, int]],
) -> RestructurePlan:
    """Replace the unpaid installments with `new_schedule` ((due date, pokok, jasa) per
    installment, made by the schedule engine for the outstanding pokok). Installments with
    nothing paid are removed; partly paid ones are closed at what was paid; their unpaid rest
    moves into the new schedule (the pokok through the outstanding pokok, the jasa due as
    `carried_interest`)."""
    outstanding = sum(i.unpaid_principal for i in installments)
    if sum(p for _d, p, _i in new_schedule) != outstanding:
        raise ValueError("The new schedule must repay exactly the outstanding principal.")
    kept: list[Kept] = []
    removed: list[int] = []
    carried = 0
    for inst in sorted(installments, key=lambda i: i.number):
        if inst.settled:
            continue
        if inst.due_date <= on:
            carried += inst.unpaid_interest
        else:
            carried -= inst.paid_interest  # jasa paid ahead for a month the new schedule charges
        if inst.paid_principal or inst.paid_interest:
            kept.append(
                Kept(number=inst.number, principal=inst.paid_principal, interest=inst.paid_interest)
            )
        else:
            removed.append(inst.number)
    carried = max(carried, 0)
    first_new = max([i.number for i in installments if i.settled] + [k.number for k in kept] + [0])
    rows: list[NewRow] = []
    extra = carried
    for offset, (due_date, principal, interest) in enumerate(new_schedule, start=1):
        rows.append(
            NewRow(
                number=first_new + offset,
                due_date=due_date,
                principal=principal,
                interest=interest + (extra if offset == 1 else 0),
            )
        )
    return RestructurePlan(
        kept=tuple(kept),
        removed=tuple(removed),
        rows=tuple(rows),
        outstanding_principal=outstanding,
        carried_interest=carried,
    )


def receipt_text(
    *,
    cooperative: str,
    receipt: str,
    when: date,
    member: str,
    niak: str,
    loan: str,
    title: str,
    amount: int,
    penalty: int,
    interest: int,
    principal: int,
    outstanding: int,
    journal: str,
    short_hash: str,
) -> str:
    """The receipt as plain text for WhatsApp, in Indonesian (it is handed to the member)."""
    lines = [
        cooperative,
        f"Kuitansi {receipt}",
        f"Tanggal: {when.day:02d}-{when.month:02d}-{when.year}",
        f"Anggota: {member} ({niak})",
        f"{title} {loan}",
        f"Jumlah: {format_rupiah(amount)}",
        f"Terbilang: {terbilang(amount)}",
    ]
    if penalty:
        lines.append(f"  Denda: {format_rupiah(penalty)}")
    if interest:
        lines.append(f"  Jasa: {format_rupiah(interest)}")
    if principal:
        lines.append(f"  Pokok: {format_rupiah(principal)}")
    lines.append(f"Sisa pokok pinjaman: {format_rupiah(outstanding)}")
    lines.append(f"Jurnal: {journal} ({short_hash})")
    return "\n".join(lines)
