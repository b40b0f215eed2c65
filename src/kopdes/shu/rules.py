"""The SHU computation, pure (no ORM): docs/adr/0024-shu-computation.md.

1. The member part: the year's SHU apportioned by income, SHU x member income / total income
   (costs shared in proportion to income), split with `allocate` so both parts sum to the SHU.
2. The allocation lines of the policy (exactly 100%) split the SHU with `allocate`; the members'
   line ("anggota") is paid only from the member part: its share of the non-member part goes to
   the reserve (cadangan).
3. The members' line splits into the jasa modal pool (policy percent) and the jasa usaha pool.
4. JMA: the jasa modal pool split by the members' savings; JUA: the jasa usaha pool split by their
   transactions; each with `allocate` (largest remainder, ties to the lower member number), so the
   members' shares sum exactly to the pools.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kopdes.cooperatives.rules import shu_allocation_errors
from kopdes.core.money import allocate
from kopdes.ledger.rules import SHU_LINE_ACCOUNTS
from kopdes.shu.errors import AllocationNot100, NoBasis, UnknownAllocationLine

# The account each allocation line is credited to (debit 3-106 SHU belum dibagi): the ledger's
# posting rule "shu.allocated" is made from the same map.
LINE_ACCOUNTS = SHU_LINE_ACCOUNTS
MEMBERS_LINE = "anggota"
RESERVE_LINE = "cadangan"


@dataclass(frozen=True)
class AllocationLine:
    key: str
    label: str
    percent: Decimal
    amount: int


@dataclass(frozen=True)
class Basis:
    """One member's bases: `number` orders ties (the member number)."""

    number: int
    savings: int
    transactions: int


@dataclass(frozen=True)
class Share:
    number: int
    jasa_modal: int
    jasa_usaha: int

    @property
    def total(self) -> int:
        return self.jasa_modal + self.jasa_usaha


def check_allocation(lines: list[dict]) -> None:
    """Raise AllocationNot100 (not exactly 100%, or malformed) or UnknownAllocationLine."""
    problems = shu_allocation_errors(lines)
    if problems:
        raise AllocationNot100(
            problems=" ".join(str(p) for p in problems),
            fields={"shu_allocation": [str(p) for p in problems]},
        )
    for line in lines:
        if line["key"] not in LINE_ACCOUNTS:
            raise UnknownAllocationLine(key=line["key"])


def member_part(*, shu_total: int, member_income: int, non_member_income: int) -> tuple[int, int]:
    """(member part, non-member part) of the SHU, in proportion to the income earned from members
    and from others; all of it is the non-member part when there was no member income."""
    if member_income <= 0:
        return 0, shu_total
    if non_member_income <= 0:
        return shu_total, 0
    member, other = allocate(shu_total, [member_income, non_member_income])
    return member, other


def allocation(*, shu_total: int, member_share: int, lines: list[dict]) -> list[AllocationLine]:
    """The policy's lines applied to the SHU, summing exactly to it. The members' line takes its
    percent of the member part only; its percent of the non-member part goes to the reserve."""
    check_allocation(lines)
    percents = [Decimal(str(line["percent"])) for line in lines]
    amounts: list[int] = list(allocate(shu_total, percents))
    keys = [line["key"] for line in lines]
    if MEMBERS_LINE in keys and shu_total > 0:
        i = keys.index(MEMBERS_LINE)
        non_member_share = shu_total - member_share
        kept, to_reserve = (
            allocate(amounts[i], [member_share, non_member_share])
            if amounts[i] and non_member_share and member_share
            else ((amounts[i], 0) if non_member_share == 0 else (0, amounts[i]))
        )
        amounts[i] = kept
        amounts[keys.index(RESERVE_LINE)] += to_reserve
    return [
        AllocationLine(key=line["key"], label=line["label"], percent=p, amount=a)
        for line, p, a in zip(lines, percents, amounts, strict=True)
    ]


def pools(*, members_line: int, jasa_modal_percent: Decimal) -> tuple[int, int]:
    """(jasa modal pool, jasa usaha pool) of the members' line."""
    if members_line == 0:
        return 0, 0
    percent = Decimal(jasa_modal_percent)
    if percent <= 0:
        return 0, members_line
    if percent >= 100:
        return members_line, 0
    modal, usaha = allocate(members_line, [percent, Decimal(100) - percent])
    return modal, usaha


def member_shares(
    *, jasa_modal_pool: int, jasa_usaha_pool: int, bases: Sequence[Basis]
) -> tuple[int, int, list[Share]]:
    """Each member's JMA and JUA, in the order of `bases` sorted by member number.

    Returns (jasa modal pool, jasa usaha pool, shares) as finally divided: when nobody has a
    basis for one pool (no transactions at all, say), that pool joins the other one; with no
    basis at all, NoBasis."""
    ordered = sorted(bases, key=lambda b: b.number)
    savings = [b.savings for b in ordered]
    transactions = [b.transactions for b in ordered]
    has_savings, has_transactions = sum(savings) > 0, sum(transactions) > 0
    if (jasa_modal_pool or jasa_usaha_pool) and not (has_savings or has_transactions):
        raise NoBasis()
    if not has_transactions:
        jasa_modal_pool, jasa_usaha_pool = jasa_modal_pool + jasa_usaha_pool, 0
    elif not has_savings:
        jasa_modal_pool, jasa_usaha_pool = 0, jasa_modal_pool + jasa_usaha_pool
    zeros = [0] * len(ordered)
    modal: list[int] = list(allocate(jasa_modal_pool, savings)) if jasa_modal_pool else zeros
    usaha: list[int] = list(allocate(jasa_usaha_pool, transactions)) if jasa_usaha_pool else zeros
    shares = [
        Share(number=b.number, jasa_modal=m, jasa_usaha=u)
        for b, m, u in zip(ordered, modal, usaha, strict=True)
    ]
    return jasa_modal_pool, jasa_usaha_pool, shares


def exact_share(*, basis: int, basis_total: int, pool: int) -> Decimal:
    """basis / basis total x pool, unrounded: what a member recomputes by hand (the share paid
    is this rounded by the largest-remainder rule, so it differs by less than one rupiah)."""
    if basis_total == 0:
        return Decimal(0)
    return Decimal(basis) * Decimal(pool) / Decimal(basis_total)


def average_balance(month_ends: Sequence[int]) -> int:
    """The average of the twelve month-end balances, in whole rupiah (rounded half up)."""
    if not month_ends:
        return 0
    total = sum(month_ends)
    quotient, remainder = divmod(total, len(month_ends))
    return quotient + (1 if 2 * remainder >= len(month_ends) else 0)
