"""Demo savings: a year of simpanan for a cooperative's members, deterministic, through the bulk
savings services (so the books, bills and receipts are exactly what the counter would produce).

    seed_savings(cooperative, members, rng_seed=...)

For each member: simpanan pokok paid on joining (most members), simpanan wajib billed every month
and paid by three kinds of payer (on time, in a rapel every few months, or hardly at all, so that
about a third of the bills stay unpaid: the national sample has 61% unpaid, a demo of a
cooperative that works shows fewer), and simpanan sukarela deposits and withdrawals for about
half of the members; then each month's sukarela interest. Idempotent: a cooperative that already
has savings is left alone.
"""

import random
from dataclasses import dataclass
from datetime import date

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.members.models import Member
from kopdes.savings import services
from kopdes.savings.models import SavingsTransaction
from kopdes.savings.rules import month_bounds, month_text

END = (2026, 10)  # the last demo month (ended, so its interest can be credited)
MONTHS = 12
STEPS = list(range(10_000, 500_001, 5_000))


@dataclass
class SavingsSeedResult:
    movements: int = 0
    bills: int = 0
    interest: int = 0
    skipped: bool = False


def demo_months(end: tuple[int, int] = END, count: int = MONTHS) -> list[tuple[int, int]]:
    year, month = end
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _day(rng: random.Random, year: int, month: int, earliest: date | None = None) -> date:
    first, last = month_bounds(year, month)
    low = max(first, earliest) if earliest else first
    if low > last:
        return last
    return date(year, month, rng.randint(low.day, last.day))


def seed_savings(
    cooperative: Cooperative,
    members: list[Member],
    *,
    rng_seed: int,
    end: tuple[int, int] = END,
    months: int = MONTHS,
) -> SavingsSeedResult:
    """Seed a year of savings for `members` (the active ones) of `cooperative`."""
    result = SavingsSeedResult()
    if SavingsTransaction.objects.filter(cooperative=cooperative).exists():
        result.skipped = True
        return result
    rng = random.Random(rng_seed)
    calendar = demo_months(end, months)
    first_day = month_bounds(*calendar[0])[0]
    policy = policy_in_force(cooperative=cooperative, on=month_bounds(*calendar[-1])[1])
    active = sorted(
        (
            m
            for m in members
            if m.status == Member.Status.ACTIVE and m.cooperative_id == cooperative.pk
        ),
        key=lambda m: m.number or 0,
    )
    for year, month in calendar:
        run = services.savings_bills_create(
            actor=None, cooperative=cooperative, month=month_text(year, month)
        )
        result.bills += run.created_now
    moves: list[services.Movement] = []

    def move(member, kind, type_, amount, on, channel="cash"):
        moves.append(
            services.Movement(
                member_id=member.pk,
                kind=kind,
                type=type_,
                amount=amount,
                on=on,
                channel=channel,
                idempotency_key=f"demo-{cooperative.village_id}-{member.number}-{len(moves)}",
            )
        )

    wajib = policy.simpanan_wajib_amount
    for member in active:
        joined = max(member.joined_on or first_day, first_day)
        if rng.random() < 0.95 and policy.simpanan_pokok_amount:
            move(member, "pokok", "deposit", policy.simpanan_pokok_amount, joined)
        payer = rng.choices(["on_time", "rapel", "lapsed"], weights=[55, 25, 20])[0]
        owed = 0
        saver = rng.random() < 0.55
        balance = 0
        for year, month in calendar:
            if (year, month) < (joined.year, joined.month):
                continue
            owed += wajib
            pays = {
                "on_time": rng.random() < 0.9,
                "rapel": month % 3 == 0 and rng.random() < 0.85,
                "lapsed": rng.random() < 0.25,
            }[payer]
            if wajib and pays and owed:
                amount = wajib if payer != "rapel" else owed
                move(member, "wajib", "deposit", amount, _day(rng, year, month, joined))
                owed -= amount
            if saver and rng.random() < 0.6:
                amount = rng.choice(STEPS)
                channel = "bank" if rng.random() < 0.15 else "cash"
                move(member, "sukarela", "deposit", amount, _day(rng, year, month, joined), channel)
                balance += amount
            if saver and balance > 20_000 and rng.random() < 0.25:
                amount = rng.randrange(10_000, balance // 2 + 10_001, 5_000)
                if amount <= balance:
                    # dated at the month's end so that it follows the month's deposits
                    move(member, "sukarela", "withdrawal", amount, month_bounds(year, month)[1])
                    balance -= amount
    if moves:
        services.savings_movements_post_bulk(actor=None, cooperative=cooperative, movements=moves)
    result.movements = len(moves)
    for year, month in calendar:
        run = services.savings_interest_post(
            actor=None, cooperative=cooperative, month=month_text(year, month)
        )
        result.interest += run.total
    return result
