"""Demo savings: a year of simpanan for every member of a cooperative, booked by the product's own
savings services, month by month, as the kasir and the bendahara would.

The demo only decides who pays what and when (the scenario); every row is written by a service:

- the founding meeting of 1 August 2025 (and each later joiner on the day of joining): simpanan
  pokok, taken together as one collective deposit (`savings_collective_deposit`, the setoran
  kolektif); the few who do not pay keep an open pokok bill;
- each month from November 2025 through October 2026: the month-end run's bills first
  (`savings_bills_create`), then the collector's two rounds (the first and third Monday, ROUNDS
  of SERVICE_WEEKDAYS): each round's simpanan wajib and sukarela in cash as one collective
  deposit (bills settled oldest first by the service), a few sukarela transfers from the bank one
  by one (`savings_deposit`), and the month's sukarela withdrawals at the counter
  (`savings_withdraw`); then the month's interest (`savings_interest_post`, daily-balance
  method);
- the member who moves away leaves on his day (`member_resign`: refund, accounts closed, open
  bills cancelled, status resigned).

Simpanan wajib is paid by three kinds of payer (on time, in a rapel every third month, or hardly
at all, PAYERS), so that more than a quarter of the bills stay unpaid (the national sample has
61% unpaid; a demo of a cooperative that works shows fewer). About a third of the members keep
simpanan sukarela (SAVERS, SAVING_MONTHS, WITHDRAWING). The twelve months are all closed by the
books (`ledger_seed`); the current month has no savings yet, so its bills and month-end are the
newcomer's to run.

`full=False` books only the founders' simpanan pokok (one collective deposit): the demo gives the
whole year to its first FULL_YEAR cooperatives only, because through the services a year costs
about 2.5 s of CPU per cooperative (docs/benchmarks.md).

    year = SavingsYear.run(cooperative, actor=...)   # None when there is nothing to seed
    year.result          # counts for the summary

The demo runs it from `ledger_seed` (`extra=`), after the cooperative's chart exists and before
its own year of books, which then moves the savings cash to the bank with the month-end surplus
(its simulation reads the savings entries back). `seed_savings(cooperative)` runs it alone.

Deterministic: each cooperative draws from its own `random.Random` seeded by its village code.
Idempotent: a cooperative that already has savings transactions is left alone.
"""

import random
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Sum

from kopdes.cooperatives.models import Cooperative, Policy
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import months
from kopdes.demo.ledger_seed import LAST_CLOSED
from kopdes.demo.members_seed import LEAVING, leaver, leaving_date
from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member
from kopdes.savings import services
from kopdes.savings.models import Bill, Kind, SavingsProduct, SavingsTransaction

Txn = SavingsTransaction
FIRST_DAY = date(2025, 8, 1)  # the founding meeting: the first day the demo books savings
FIRST_MONTH = (2025, 11)  # the first month billed and the first with sukarela
LAST_MONTH = LAST_CLOSED  # twelve months, all closed: billed and credited their interest
FIRST_WITHDRAWAL = date(2026, 1, 1)  # both rounds of CSR capital are in: the office has cash
SERVICE_WEEKDAYS = (0,)  # Monday
ROUNDS = (0, 2)  # the collector's rounds: the first and third service day of each month
# The cooperatives (the first by village code, in Kecamatan Balaraja: the five the CSR partner
# funds, the ketua's among them) that get the whole year; the others get their founders' simpanan pokok, taken at the founding
# meeting. Through the services a year costs about two seconds of CPU per cooperative: the
# regency's 274 would take ten minutes.
FULL_YEAR = 5
STEPS = list(range(10_000, 500_001, 5_000))
# Payers of simpanan wajib (weights): on time (nine months in ten), in a rapel every third month,
# or hardly at all (a month in four); more than a quarter of the bills stay unpaid.
PAYERS = (45, 30, 25)
PAYS_POKOK = 0.95  # on joining; the others keep an open pokok bill
SAVERS = 0.35  # members who keep simpanan sukarela
SAVING_MONTHS = 0.5  # a saver pays in during half the months
BY_BANK = 0.05  # of those deposits, by bank transfer (booked one by one)
WITHDRAWING = 0.1  # a saver takes some out in one month in ten (from January 2026)


@dataclass
class SavingsSeedResult:
    cooperatives: int = 0
    accounts: int = 0
    movements: int = 0  # deposits, withdrawals and refunds (each with a receipt)
    interest_credits: int = 0
    interest: int = 0  # rupiah
    bills: int = 0
    bills_open: int = 0
    entries: int = 0

    def add(self, other: "SavingsSeedResult") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def demo_months() -> list[tuple[int, int]]:
    """The months billed: November 2025 through October 2026."""
    return months.months_between(FIRST_MONTH, LAST_MONTH)


def service_days(year: int, month: int) -> list[date]:
    """The days the collector's round is booked in the month (ROUNDS of the service days)."""
    first, last = months.month_bounds(year, month)
    days = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() in SERVICE_WEEKDAYS
    ]
    return [days[i] for i in ROUNDS if i < len(days)]


@dataclass
class _Day:
    """One service day's business: the collective sheet, bank transfers, withdrawals."""

    collective: dict[tuple[int, str], int] = field(default_factory=dict)  # (member, kind) -> Rp
    bank: list[tuple[Member, int]] = field(default_factory=list)
    withdrawals: list[tuple[Member, int]] = field(default_factory=list)


def _policy(cooperative: Cooperative, on: date) -> Policy:
    """The policy in force on `on`; every seeded cooperative has one from its founding."""
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:
        raise ValueError(f"cooperative {cooperative.pk} has no policy in force on {on}")
    return policy


class SavingsYear:
    """One cooperative's year of savings, booked through the savings services."""

    def __init__(
        self,
        cooperative: Cooperative,
        *,
        actor=None,
        rng_seed: int | str,
        full: bool = True,
        timeline=None,
    ) -> None:
        self.cooperative = cooperative
        # ledger_seed.Timeline: each booking posted at its week's end (None: at the caller's clock)
        self.timeline = timeline
        self.full = full
        self.actor = actor
        self.rng = random.Random(f"kopdes-savings-{rng_seed}")
        self.members = list(
            Member.objects.filter(
                cooperative=cooperative, status=Member.Status.ACTIVE, number__isnull=False
            ).order_by("number")
        )
        self.by_pk = {m.pk: m for m in self.members}
        self.joined: dict[int, date] = {}  # active members have a joining date
        for m in self.members:
            if m.joined_on is None:
                raise ValueError(f"active member {m.pk} has no joining date")
            self.joined[m.pk] = m.joined_on
        self.leaver = leaver(cooperative)
        self.leaves_on = leaving_date(self.leaver) if self.leaver is not None else None
        self.result = SavingsSeedResult(cooperatives=1)

    @classmethod
    def run(
        cls,
        cooperative: Cooperative,
        *,
        actor=None,
        rng_seed: int | str | None = None,
        full: bool = True,
        timeline=None,
    ) -> "SavingsYear | None":
        """Book the year of `cooperative`'s members (`full=False`: only the founders' simpanan
        pokok at their meeting); None if it has no active members or already has savings."""
        if Txn.objects.filter(cooperative=cooperative).exists():
            return None
        year = cls(
            cooperative,
            actor=actor,
            rng_seed=cooperative.village_id if rng_seed is None else rng_seed,
            full=full,
            timeline=timeline,
        )
        if not year.members:
            return None
        year._book()
        year._summarise()
        return year

    # -- the scenario ----------------------------------------------------------------------------

    def _at(self, day: date) -> AbstractContextManager:
        """Where a booking dated `day` is posted: on the timeline, or at the caller's clock."""
        return self.timeline.at(day) if self.timeline is not None else nullcontext()

    def _member_in(self, member: Member, day: date) -> bool:
        gone = (
            self.leaver is not None
            and member.pk == self.leaver.pk
            and self.leaves_on is not None
            and day >= self.leaves_on
        )
        return self.joined[member.pk] <= day and not gone

    def _book(self) -> None:
        rng, cooperative, actor = self.rng, self.cooperative, self.actor
        minimum = SavingsProduct.objects.get(
            cooperative=cooperative, kind=Kind.SUKARELA
        ).minimum_balance
        payer = {
            m.pk: rng.choices(["on_time", "rapel", "lapsed"], weights=PAYERS)[0]
            for m in self.members
        }
        saver = {m.pk: rng.random() < SAVERS for m in self.members}
        pays_pokok = {m.pk: rng.random() < PAYS_POKOK for m in self.members}
        sukarela: dict[int, int] = defaultdict(int)  # deposits less withdrawals (interest aside)
        start = min(self.joined.values())
        if not self.full:  # the founders' simpanan pokok, taken at their meeting
            policy = _policy(cooperative, start)
            founders = _Day()
            for m in self.members:
                if self.joined[m.pk] == start and pays_pokok[m.pk] and policy.simpanan_pokok_amount:
                    founders.collective[(m.pk, Kind.POKOK)] = policy.simpanan_pokok_amount
            self._day(start, founders)
            return
        for year, month in months.months_between(
            min((start.year, start.month), FIRST_MONTH), LAST_MONTH
        ):
            first, last = months.month_bounds(year, month)
            period = months.month_text(year, month)
            billed = (year, month) >= FIRST_MONTH
            policy = _policy(cooperative, first)
            if billed:
                with self._at(first):
                    services.savings_bills_create(
                        actor=actor, cooperative=cooperative, month=period
                    )
            days: dict[date, _Day] = defaultdict(_Day)
            month_days = service_days(year, month)
            owing = self._owing(period) if billed else {}
            for m in self.members:
                joined = self.joined[m.pk]
                if joined > last or (
                    self.leaver is not None
                    and self.leaves_on is not None
                    and m.pk == self.leaver.pk
                    and self.leaves_on < first
                ):
                    continue
                mine = [d for d in month_days if self._member_in(m, d)]
                if first <= joined <= last and pays_pokok[m.pk] and policy.simpanan_pokok_amount:
                    # pokok on the day of joining (the founders at their meeting)
                    days[joined].collective[(m.pk, Kind.POKOK)] = policy.simpanan_pokok_amount
                if not billed or not mine:
                    continue
                kind = payer[m.pk]
                if kind == "on_time":
                    pays = rng.random() < 0.9
                elif kind == "rapel":
                    pays = month % 3 == 0 and rng.random() < 0.85
                else:
                    pays = rng.random() < 0.25
                owed = owing.get(m.pk, 0)  # what the member's passbook shows as due
                if pays and owed > 0:
                    amount = owed if kind == "rapel" else min(policy.simpanan_wajib_amount, owed)
                    days[rng.choice(mine)].collective[(m.pk, Kind.WAJIB)] = amount
                if saver[m.pk]:
                    if rng.random() < SAVING_MONTHS:
                        amount = rng.choice(STEPS)
                        day = rng.choice(mine)
                        if rng.random() < BY_BANK:
                            days[day].bank.append((m, amount))
                        else:
                            days[day].collective[(m.pk, Kind.SUKARELA)] = amount
                        sukarela[m.pk] += amount
                    if (
                        mine[-1] >= FIRST_WITHDRAWAL
                        and sukarela[m.pk] - minimum > 20_000
                        and rng.random() < WITHDRAWING
                    ):
                        room = (sukarela[m.pk] - minimum) // 2
                        amount = rng.randrange(10_000, room + 10_001, 5_000)
                        # on the month's last service day: after the month's deposits
                        days[mine[-1]].withdrawals.append((m, amount))
                        sukarela[m.pk] -= amount
            leaves = self.leaves_on if self.leaves_on and first <= self.leaves_on <= last else None
            for day in sorted(set(days) | ({leaves} if leaves else set())):
                with self._at(day):
                    self._day(day, days.get(day) or _Day())
                    if day == leaves and self.leaver is not None:
                        services.member_resign(
                            actor=actor,
                            cooperative=cooperative,
                            member=self.leaver,
                            on=day,
                            reason=LEAVING,
                        )
            if billed:  # run once the month has ended, dated its last day
                with self._at(last + timedelta(days=1)):
                    services.savings_interest_post(
                        actor=actor, cooperative=cooperative, month=period
                    )

    def _owing(self, period: str) -> dict[int, int]:
        """Each member's simpanan wajib due by `period` and not yet paid (the bills' balance)."""
        return {
            member: due
            for member, due in Bill.objects.filter(
                cooperative=self.cooperative,
                kind=Kind.WAJIB,
                status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL],
                period__lte=period,
            )
            .values("member_id")
            .annotate(due=Sum(F("amount") - F("paid_amount")))
            .values_list("member_id", "due")
        }

    def _day(self, day: date, business: _Day) -> None:
        cooperative, actor = self.cooperative, self.actor
        if business.collective:
            services.savings_collective_deposit(
                actor=actor,
                cooperative=cooperative,
                on=day,
                channel="cash",
                lines=[
                    (self.by_pk[pk], kind, amount)
                    for (pk, kind), amount in sorted(
                        business.collective.items(),
                        key=lambda item: (self.by_pk[item[0][0]].number, item[0][1]),
                    )
                ],
                idempotency_key=f"demo-kolektif-{day.isoformat()}",
            )
        for member, amount in business.bank:
            services.savings_deposit(
                actor=actor,
                cooperative=cooperative,
                member=member,
                kind=Kind.SUKARELA,
                amount=amount,
                channel="bank",
                on=day,
            )
        for member, amount in business.withdrawals:
            services.savings_withdraw(
                actor=actor, cooperative=cooperative, member=member, amount=amount, on=day
            )

    # -- what was booked -----------------------------------------------------------------------

    def _summarise(self) -> None:
        coop = self.cooperative
        txns = Txn.objects.filter(cooperative=coop)
        result = self.result
        result.accounts = len({t for t in txns.values_list("account_id", flat=True)})
        result.movements = txns.exclude(receipt_number=None).count()
        interest = txns.filter(kind=Txn.Type.INTEREST)
        result.interest_credits = interest.count()
        result.interest = sum(interest.values_list("amount", flat=True))
        bills = Bill.objects.filter(cooperative=coop)
        result.bills = bills.count()
        result.bills_open = bills.filter(
            status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL]
        ).count()
        result.entries = JournalEntry.objects.filter(
            cooperative=coop, source_kind__startswith="savings."
        ).count()


@transaction.atomic
def seed_savings(
    cooperative: Cooperative, *, rng_seed: int | str | None = None, actor=None, full: bool = True
) -> SavingsSeedResult:
    """Book a year of savings for `cooperative`'s members on their own (the demo books them
    with the rest of the books: `ledger_seed`). Idempotent."""
    year = SavingsYear.run(cooperative, actor=actor, rng_seed=rng_seed, full=full)
    return year.result if year is not None else SavingsSeedResult()
