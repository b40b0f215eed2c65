"""The demo cooperatives' books: a year of postings, from the CSR capital to last week's takings.

For each cooperative, from the day its Rp100 juta of CSR capital reached the bank (the first 60
villages by code in October 2025, the other 214 on 6 December 2025, docs/domain.md §1; received
and partly spent through the funding services, `funding_seed`, among the other years) to
LAST_DAY: cash drawn for the office, cash handed to a gerai whose box is short for a purchase,
the gerai's takings handed to the office at each month's end (each keeps a float, UNIT_FLOAT),
the QRIS funds settled into the bank the day after, monthly honor (from HONOR_FROM), listrik and transport, surplus
cash deposited in the bank, the 2025 year-end closing, and a few duplicated entries corrected by
reversal. Every month through LAST_CLOSED is closed; the current month stays open.

The gerai's own business (purchases, stock, sales, returns, shifts) is not planned here: it is
booked by the commerce services (`commerce_seed`) and comes in as `extra` with the members'
simpanan (`savings_seed`) (`ledger_seed(..., extra=...)`, booked once the chart exists); the
generator reads their entries back and simulates their cash among the cooperative's own days, so
the savings cash and the gerai's takings go to the bank with the month-end surplus and no cash
box runs short (a cooperative with members starts with the simpanan pokok of its founding
meeting, 1 August 2025). The synthetic weekly recaps of earlier demos (`sale.cash`,
`purchase.cash`) are gone: every sale and purchase in the books is a real document.

Everything posts through `kopdes.ledger.services` and the cooperative's posting rules: one
`journal_entries_post_bulk` call per cooperative (a year of entries in one run), then the
reversals and the period closes (from the month of the first entry through LAST_CLOSED). The
generator simulates the balances as it goes and never spends money a cash box or the bank does
not hold, so no cash account is ever negative at any day's end (and the commerce services never
let a stock room go below zero).

Deterministic: each cooperative draws from its own `random.Random` seeded by its village code, so
its books do not depend on the order or on what was seeded before (the posting time, `posted_at`,
is the real time, so the hashes differ between runs; the data do not). Idempotent: a cooperative
that already has journal entries is left alone.
"""

import heapq
import random
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.ledger import services as ledger
from kopdes.ledger.checkpoints import checkpoint_create
from kopdes.ledger.models import JournalEntry, JournalLine, PostingRule
from kopdes.ledger.services import EntryDraft, Line
from kopdes.regions.models import Village
from kopdes.savings.services import savings_setup

REGENCY = "36.03"
CSR_AMOUNT = 100_000_000
FIRST_ROUND = 60  # villages (by code) whose cooperatives received the CSR capital in October 2025
SECOND_ROUND_DAY = date(2025, 12, 6)
LAST_DAY = date(2026, 11, 28)  # the planned year's last day (written when today was 2026-11-29)
LAST_CLOSED = (2026, 10)
LPG_UNIT = ("lpg", "LPG 3 kg")
UNIT_FLOAT = 2_000_000  # cash a gerai keeps at a month's end; its other takings go to the office
# The pengurus and the gerai's staff are paid from the month after the first RAT (March 2026),
# whose budget (RAPB) sets the honor; until then they serve unpaid (docs/domain.md section 2).
HONOR_FROM = date(2026, 4, 1)


@dataclass
class LedgerSeedResult:
    cooperatives: int = 0
    entries: int = 0
    reversals: int = 0
    periods_closed: int = 0
    checkpoints: int = 0  # signed week by week by the years posted as they happened
    extras: list[Any] = field(default_factory=list)  # each Extra's result


@dataclass
class Plan:
    """The drafts of one cooperative's year, in posting order, and which of them to reverse."""

    drafts: list[EntryDraft] = field(default_factory=list)
    reversals: list[tuple[int, date, str]] = field(default_factory=list)  # (draft index, day, memo)
    # The drafts before this index are the 2025 ones: the year-end close of 2025 comes after them
    # (`ledger.year_end_close`, the service a bendahara uses), then the rest.
    year_end_at: int | None = None


def _round_down(amount: int, step: int = 1_000) -> int:
    return amount // step * step


class Books:
    """Plans one cooperative's year against its posting rules, simulating every balance."""

    def __init__(
        self,
        *,
        rules: dict[tuple[str, str], PostingRule],
        rng: random.Random,
        extra: Iterable[EntryDraft] = (),
        unit_names: dict[str, str] | None = None,
    ) -> None:
        self.rules = rules
        self.rng = rng
        self.plan = Plan()
        # other capabilities' posted entries (savings, the gerai's purchases and sales), by date
        self.pending = deque(extra)
        self.balance: dict[str, int] = defaultdict(int)  # debit-positive balance per account code
        self.office = self._account("cash.bank_withdrawal", "", "debit")
        self.bank = self._account("capital.csr_received", "", "debit")
        # each gerai's cash box (1-101-xx) -> the gerai's code, and the gerai's names for memos
        self.unit_of_cash = {
            rule.lines[0]["debit"]: key
            for (event, key), rule in rules.items()
            if event == "cash.transfer_to_unit"
        }
        self.unit_names = unit_names or {}
        # the QRIS funds the provider owes (1-109), settled into the bank the next day
        qris = rules.get(("qris.settled", ""))
        self.qris = qris.lines[0]["credit"] if qris is not None else None

    def _account(self, event: str, key: str, side: str, line: int = 0) -> str:
        return self.rules[(event, key)].lines[line][side]

    def cash(self, unit: str) -> str:
        return self._account("cash.transfer_to_unit", unit, "debit")

    def lines(self, event: str, key: str = "", **amounts: int) -> list[Line]:
        return ledger.event_lines(rule=self.rules[(event, key)], amounts=amounts)

    def add(
        self, day: date, memo: str, lines: list[Line], *, source_kind: str, apply: bool = True
    ) -> int:
        self.plan.drafts.append(
            EntryDraft(
                date=day,
                memo=memo,
                lines=lines,
                source_kind=source_kind,
                source_id=f"demo-{len(self.plan.drafts) + 1}",
            )
        )
        if apply:
            for ln in lines:
                self.balance[ln.account] += ln.debit - ln.credit
                if ln.account[0] == "1":  # the generator never lets an asset go below zero
                    assert self.balance[ln.account] >= 0, (day, memo, ln)
        return len(self.plan.drafts) - 1

    def take_extra(self, through: date) -> None:
        """Count the other capabilities' entries dated up to `through` (already posted by their
        services) in the simulated balances, first drawing office cash from the bank when one
        pays cash out of the office (a savings withdrawal or refund), and handing office cash to
        a gerai whose box would run short (a goods receipt paid in cash, a refund, a shift
        short)."""
        while self.pending and self.pending[0].date <= through:
            draft = self.pending.popleft()
            paid_out: dict[str, int] = defaultdict(int)
            for ln in draft.lines:
                if ln.account == self.office or ln.account in self.unit_of_cash:
                    paid_out[ln.account] += ln.credit - ln.debit
            for account, amount in paid_out.items():
                if amount <= 0:
                    continue
                if account == self.office:
                    self.ensure_office(draft.date, amount)
                else:
                    unit = self.unit_of_cash[account]
                    short = amount - self.balance[account]
                    if short > 0:  # a float to go on with: rounded up to Rp500 ribu
                        self.ensure_unit(
                            draft.date,
                            unit,
                            self.unit_names.get(unit, unit),
                            self.balance[account] + _round_down(short + 499_999, 500_000),
                        )
            for ln in draft.lines:
                self.balance[ln.account] += ln.debit - ln.credit
                if ln.account[0] == "1":
                    assert self.balance[ln.account] >= 0, (draft.date, draft.memo, ln)

    def event(self, day: date, memo: str, event: str, key: str = "", **amounts: int) -> int:
        return self.add(day, memo, self.lines(event, key, **amounts), source_kind=event)

    # -- moving cash where it is needed, never below zero --------------------------------------

    def ensure_office(self, day: date, amount: int) -> bool:
        """Draw cash from the bank if the office box holds less than `amount`; False if it cannot."""
        short = amount - self.balance[self.office]
        if short <= 0:
            return True
        draw = _round_down(short + 2_000_000, 500_000) + 500_000
        draw = min(draw, _round_down(self.balance[self.bank], 1_000))
        if draw > 0:
            self.event(
                day,
                "Penarikan tunai dari bank untuk kas kantor",
                "cash.bank_withdrawal",
                amount=draw,
            )
        return self.balance[self.office] >= amount

    def ensure_unit(self, day: date, unit: str, name: str, amount: int) -> int:
        """Top up the gerai's cash box from the office; returns what the gerai can spend."""
        short = amount - self.balance[self.cash(unit)]
        if short > 0 and self.ensure_office(day, short):
            self.event(
                day,
                f"Kas kantor diserahkan ke gerai {name}",
                "cash.transfer_to_unit",
                unit,
                amount=short,
            )
        return min(amount, self.balance[self.cash(unit)])

    def settle_qris(self, day: date) -> None:
        """The payment provider settles the QRIS funds (1-109) into the bank: what was owed at the
        end of the day before, on `day`."""
        if self.qris is not None and self.balance[self.qris] > 0:
            self.event(
                day,
                "Penyelesaian dana QRIS dari penyedia ke rekening bank",
                "qris.settled",
                amount=self.balance[self.qris],
            )

    def hand_over(self, day: date, unit: str, name: str, keep: int) -> None:
        surplus = _round_down(self.balance[self.cash(unit)] - keep, 100_000)
        if surplus > 0:
            self.event(
                day,
                f"Setoran hasil penjualan gerai {name} ke kas kantor",
                "cash.transfer_from_unit",
                unit,
                amount=surplus,
            )


def capital_day(*, seed: str, first_round: bool) -> date:
    """The day the cooperative's CSR capital reaches the bank (the first draw of its plan): the
    gerai open a week later (`commerce_seed`)."""
    rng = random.Random(f"kopdes-ledger-{seed}")
    return date(2025, 10, rng.randint(6, 24)) if first_round else SECOND_ROUND_DAY


def plan_year(
    *,
    rules: dict[tuple[str, str], PostingRule],
    seed: str,
    first_round: bool,
    extra: Iterable[EntryDraft] = (),
    unit_names: dict[str, str] | None = None,
) -> Plan:
    """The whole year of one cooperative (pure: no database). See the module docstring.

    `extra` are other capabilities' entries, already posted (the members' savings, the gerai's
    purchases and sales), in date order: the simulated cash and bank include them on their days
    (the gerai's takings go to the office at the month's end and the surplus to the bank with the
    rest; a gerai short of cash for a purchase gets it from the office; the QRIS funds are settled
    into the bank the next day), so no cash box runs short; the plan does not repeat them.
    `unit_names`: gerai code -> name, for the memos."""
    rng = random.Random(f"kopdes-ledger-{seed}")
    books = Books(rules=rules, rng=rng, extra=extra, unit_names=unit_names)
    start = date(2025, 10, rng.randint(6, 24)) if first_round else SECOND_ROUND_DAY
    assert start == capital_day(seed=seed, first_round=first_round)
    honor = rng.choice([2_000_000, 2_500_000, 3_000_000, 3_500_000])

    # the members' simpanan pokok, then the CSR capital (the funding services' receipt)
    opening = start + timedelta(days=3)
    books.take_extra(opening)
    books.ensure_office(opening, rng.choice([25_000_000, 30_000_000, 35_000_000]))

    # Duplicated transport payments, corrected by reversal the same day (2026, closed months).
    mistakes = {
        date(2026, month, rng.randint(10, 14))
        for month in rng.sample(range(1, 11), rng.choice([1, 1, 2]))
    }
    year_end_done = False
    day = opening + timedelta(days=1)
    while day <= LAST_DAY:
        if day.year == 2026 and not year_end_done:
            books.plan.year_end_at = len(books.plan.drafts)
            year_end_done = True
        books.settle_qris(day)
        books.take_extra(day)
        if day.day == 15:
            amount = _round_down(rng.randint(150_000, 450_000), 5_000)
            if books.ensure_office(day, amount):
                books.event(
                    day,
                    "Biaya transportasi belanja dan distribusi",
                    "expense.cash",
                    "5-204",
                    amount=amount,
                )
        if day in mistakes:
            amount = _round_down(rng.randint(100_000, 300_000), 5_000)
            if books.ensure_office(day, amount):
                memo = "Biaya transportasi pengiriman LPG"
                books.event(day, memo, "expense.cash", "5-204", amount=amount)
                index = books.add(
                    day,
                    memo,
                    books.lines("expense.cash", "5-204", amount=amount),
                    source_kind="expense.cash",
                    apply=False,
                )
                books.plan.reversals.append((index, day, "Pembalikan: bukti tercatat dua kali"))
        if day.day == 20:
            amount = _round_down(rng.randint(250_000, 650_000), 1_000)
            if books.ensure_office(day, amount):
                books.event(
                    day,
                    "Tagihan listrik kantor dan gerai (PLN)",
                    "expense.cash",
                    "5-203",
                    amount=amount,
                )
        if day.day == 25 and day >= HONOR_FROM and books.ensure_office(day, honor):
            books.event(
                day, "Honor pengurus dan pengelola gerai", "expense.cash", "5-201", amount=honor
            )
        if (day + timedelta(days=1)).day == 1:  # month end: takings and surplus to the bank
            for account, unit in books.unit_of_cash.items():  # each gerai keeps a float
                if books.balance[account] > UNIT_FLOAT:
                    name = books.unit_names.get(unit, unit)
                    books.hand_over(day, unit, name, keep=UNIT_FLOAT)
            surplus = _round_down(books.balance[books.office] - 5_000_000, 500_000)
            if surplus > 0:
                books.event(
                    day, "Setoran kas kantor ke rekening bank", "cash.bank_deposit", amount=surplus
                )
        day += timedelta(days=1)
    # The loans' stories are dated back from the real day the demo runs (`loans_seed`), so their
    # repayments go on to the day before yesterday, past the planned year: counted like the rest.
    books.take_extra(date.max)
    return books.plan


def _rules(cooperative: Cooperative) -> dict[tuple[str, str], PostingRule]:
    rules: dict[tuple[str, str], PostingRule] = {}
    for rule in PostingRule.objects.filter(
        cooperative=cooperative, effective_from__lte=SECOND_ROUND_DAY
    ).order_by("event", "key", "version"):
        rules[(rule.event, rule.key)] = rule  # the latest version wins
    return rules


def first_round_villages() -> set[str]:
    return set(
        Village.objects.filter(code__startswith=REGENCY + ".")
        .order_by("code")
        .values_list("code", flat=True)[:FIRST_ROUND]
    )


class Extra(Protocol):
    """The other capabilities' year in the same books (the members' savings, the loans, the
    gerai), booked by their own services before the plan: its summary. Its entries are read back
    from the journal (`posted_drafts`)."""

    result: Any


def posted_drafts(cooperative: Cooperative) -> list[EntryDraft]:
    """Every entry posted for `cooperative` so far, as the cash simulation needs it (date and
    lines), in date order: what the other capabilities' services booked before the plan."""
    lines_of: dict[int, list[Line]] = {}
    drafts: list[EntryDraft] = []
    for entry_id, day, code, debit, credit in (
        JournalLine.objects.filter(cooperative=cooperative)
        .order_by("entry__number", "line_no")
        .values_list("entry_id", "entry__date", "account__code", "debit", "credit")
    ):
        if entry_id not in lines_of:
            lines_of[entry_id] = []
            drafts.append(
                EntryDraft(
                    date=day,
                    memo="",
                    lines=lines_of[entry_id],
                    source_kind="extra",
                    source_id=str(entry_id),
                )
            )
        lines_of[entry_id].append(Line(code, debit=debit, credit=credit))
    return sorted(drafts, key=lambda d: d.date)


# Called with the cooperative and the actor (and, for a year posted as it happened, its
# Timeline), after its chart exists; None when it has nothing.
ExtraFactory = Callable[..., Extra | None]


class Timeline:
    """One cooperative's year posted as it happened (issue 10.7), not as an opening import:
    everything dated in a week (Monday to Sunday) is posted at that week's end, Sunday 18:00 in
    Jakarta (`core.clock.as_of`; never later than yesterday), the members' savings as their
    services book them, then the plan's drafts of that week, the reversals dated in it and, for
    the week that holds 31 December 2025, the year-end close; then the week is checkpointed. So
    the signed checkpoints follow the year week by week, each covering that week's entries.

    The savings year calls `at(day)` around each booking; `finish()` posts what is left."""

    def __init__(self, *, cooperative: Cooperative, actor: Actor, plan: "Plan") -> None:
        days = [d.date for d in plan.drafts]
        if days != sorted(days):
            raise ValueError("a timeline posts the plan's drafts in date order")
        self.cooperative, self.actor, self.plan = cooperative, actor, plan
        self.next = 0  # the first draft not posted yet
        self.posted: dict[int, JournalEntry] = {}  # draft index -> its entry
        self.open: date | None = None  # the Monday of a week with bookings not yet closed
        self.reversals = 0
        self.checkpoints = 0
        self.year_end = False

    @staticmethod
    def monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    @staticmethod
    def moment(monday: date) -> datetime:
        end = min(monday + timedelta(days=6), timezone.localdate() - timedelta(days=1))
        return timezone.make_aware(datetime.combine(end, time(18, 0)))

    @contextmanager
    def at(self, day: date) -> Iterator[None]:
        """Book something dated `day`: the weeks before its week are closed first."""
        monday = self.monday(day)
        self._close_before(monday)
        self.open = monday
        with clock.as_of(self.moment(monday)):
            yield

    def finish(self) -> None:
        self._close_before(date.max - timedelta(days=7))

    def _close_before(self, monday: date) -> None:
        while True:
            weeks = [self.open] if self.open is not None else []
            if self.next < len(self.plan.drafts):
                weeks.append(self.monday(self.plan.drafts[self.next].date))
            if not weeks or min(weeks) >= monday:
                return
            self._close(min(weeks))

    def _close(self, monday: date) -> None:
        sunday = monday + timedelta(days=6)
        drafts = self.plan.drafts
        stop = self.next
        while stop < len(drafts) and drafts[stop].date <= sunday:
            stop += 1
        with clock.as_of(self.moment(monday)):
            split = self.plan.year_end_at
            if split is not None and not self.year_end and sunday >= date(2025, 12, 31):
                # 2025 is closed in the week that ends it, once all its entries are posted
                self._post(self.next, split)
                ledger.year_end_close(actor=self.actor, cooperative=self.cooperative, year=2025)
                self.year_end = True
            self._post(self.next, stop)
            for index, day, memo in self.plan.reversals:
                if monday <= day <= sunday and index in self.posted:
                    ledger.journal_entry_reverse(
                        entry=self.posted[index], date=day, actor=self.actor, memo=memo
                    )
                    self.reversals += 1
        if sunday < timezone.localdate():
            checkpoint_create(cooperative=self.cooperative, day=sunday)
            self.checkpoints += 1
        if self.open is not None and self.open <= monday:
            self.open = None

    def _post(self, start: int, stop: int) -> None:
        if start >= stop:
            return
        entries = ledger.journal_entries_post_bulk(
            cooperative=self.cooperative, drafts=self.plan.drafts[start:stop], actor=self.actor
        )
        self.posted.update(zip(range(start, stop), entries, strict=True))
        self.next = stop


class Agenda:
    """One-off bookings of a cooperative, each on its day (its fund's receipt and uses, a bank
    loan's drawing and installments): booked in date order alongside its other years
    (`Interleaved`), each in its week on a timeline, otherwise at the caller's clock. A step may
    add later ones (a loan's installments, once the loan and its schedule exist)."""

    def __init__(self, timeline: "Timeline | None" = None) -> None:
        self.timeline = timeline
        self.steps: list[tuple[date, int, Callable[[], Any]]] = []  # a heap, by day then order
        self.added = 0

    def add(self, day: date, step: Callable[[], Any]) -> None:
        heapq.heappush(self.steps, (day, self.added, step))
        self.added += 1

    def next_day(self) -> date | None:
        return self.steps[0][0] if self.steps else None

    def book_before(self, day: date) -> None:
        while self.steps and self.steps[0][0] < day:
            when, _order, step = heapq.heappop(self.steps)
            with self.timeline.at(when) if self.timeline is not None else nullcontext():
                step()

    def finish(self) -> None:
        self.book_before(date.max)


class Interleaved:
    """The timeline the savings year books on (`at(day)`), with the cooperative's other years
    (the gerai's days, the agenda's steps) booked before each of its bookings, earliest first:
    everything is booked in date order, so on a timeline each week holds what is dated in it.
    `finish()` books what is left of the others."""

    def __init__(self, timeline: "Timeline | None", *years: Any) -> None:
        self.timeline, self.years = timeline, years

    def book_before(self, day: date) -> None:
        while True:
            due = [
                (first, n)
                for n, year in enumerate(self.years)
                if (first := year.next_day()) is not None and first < day
            ]
            if not due:
                return
            first, n = min(due)
            self.years[n].book_before(first + timedelta(days=1))

    @contextmanager
    def at(self, day: date) -> Iterator[None]:
        self.book_before(day)
        with self.timeline.at(day) if self.timeline is not None else nullcontext():
            yield

    def finish(self) -> None:
        self.book_before(date.max)
        for year in self.years:
            year.finish()


def books_seed_cooperative(
    *,
    cooperative: Cooperative,
    first_round: bool,
    actor: Actor = None,
    extra: ExtraFactory | None = None,
    as_posted: bool = False,
    after_2025: Callable[[Cooperative], Any] | None = None,
) -> LedgerSeedResult:
    """Give one cooperative its LPG gerai, chart of accounts and year of books (no checks for
    existing entries: `ledger_seed` decides), with the `extra` year (booked by its services).

    `as_posted`: the year is posted as it happened, week by week, and checkpointed weekly
    (`Timeline`); the extra year is first booked in a savepoint that is rolled back, for the plan
    to see its entries, then booked again on the timeline (the same seed books the same year).
    Otherwise the extra year comes first and the plan after it, as of the caller's clock (an
    opening import)."""
    result = LedgerSeedResult(cooperatives=1)
    if not BusinessUnit.objects.filter(cooperative=cooperative, code=LPG_UNIT[0]).exists():
        cooperative_services.business_unit_add(
            actor=actor,
            cooperative=cooperative,
            kind=LPG_UNIT[0],
            name=LPG_UNIT[1],
            code=LPG_UNIT[0],
        )
    ledger.chart_create(cooperative=cooperative, actor=actor)
    savings_setup(actor=actor, cooperative=cooperative)
    if as_posted and extra is not None:
        with transaction.atomic():
            extra(cooperative, actor)
            drafts = posted_drafts(cooperative)
            transaction.set_rollback(True)
    else:
        year = extra(cooperative, actor) if extra is not None else None
        drafts = posted_drafts(cooperative)
    plan = plan_year(
        rules=_rules(cooperative),
        seed=cooperative.village_id,
        first_round=first_round,
        extra=drafts,
        unit_names=dict(
            BusinessUnit.objects.filter(cooperative=cooperative).values_list("code", "name")
        ),
    )
    if as_posted:
        timeline = Timeline(cooperative=cooperative, actor=actor, plan=plan)
        year = extra(cooperative, actor, timeline) if extra is not None else None
        timeline.finish()
        result.entries += len(timeline.posted) + (1 if timeline.year_end else 0)
        result.reversals += timeline.reversals
        result.checkpoints += timeline.checkpoints
    else:
        split = len(plan.drafts) if plan.year_end_at is None else plan.year_end_at
        entries = ledger.journal_entries_post_bulk(
            cooperative=cooperative, drafts=plan.drafts[:split], actor=actor
        )
        if plan.year_end_at is not None:
            if ledger.year_end_close(actor=actor, cooperative=cooperative, year=2025) is not None:
                result.entries += 1
            entries += ledger.journal_entries_post_bulk(
                cooperative=cooperative, drafts=plan.drafts[split:], actor=actor
            )
        result.entries += len(entries)
        for index, day, memo in plan.reversals:
            ledger.journal_entry_reverse(entry=entries[index], date=day, actor=actor, memo=memo)
            result.reversals += 1
    result.entries += len(drafts)
    if year is not None:
        result.extras.append(year.result)
    # 2025 is closed first: its RAT (the caller's `after_2025`, in March 2026) reads the closed
    # books and may post the SHU into the open months; then the months through LAST_CLOSED.
    result.periods_closed = ledger.period_close_through(
        actor=actor, cooperative=cooperative, year=2025, month=12
    )
    if after_2025 is not None:
        with clock.posted_as_of(clock.now()):
            after_2025(cooperative)
    result.periods_closed += ledger.period_close_through(
        actor=actor, cooperative=cooperative, year=LAST_CLOSED[0], month=LAST_CLOSED[1]
    )
    return result


def ledger_seed(
    cooperatives: Iterable[Cooperative],
    *,
    progress: Callable[[int, int], None] | None = None,
    extra: ExtraFactory | None = None,
    as_posted: Iterable[str] = (),
    after_2025: Callable[[Cooperative], Any] | None = None,
) -> LedgerSeedResult:
    """Seed the books of `cooperatives` that have none yet, with each one's `extra` year (the
    members' savings) among them. Safe to run again: nothing changes. The caller holds the
    transaction (`kopdes.demo.seed.seed`)."""
    cooperatives = list(cooperatives)
    weekly = set(as_posted)
    total = LedgerSeedResult()
    first = first_round_villages()
    with_books = set(
        JournalEntry.objects.filter(cooperative__in=cooperatives)
        .values_list("cooperative_id", flat=True)
        .distinct()
    )
    bendahara = dict(
        Role.objects.filter(
            cooperative__in=cooperatives, kind="bendahara", ended_on__isnull=True
        ).values_list("cooperative_id", "user")
    )
    users = User.objects.in_bulk(list(bendahara.values()))
    for done, cooperative in enumerate(cooperatives, start=1):
        if cooperative.pk not in with_books:
            one = books_seed_cooperative(
                cooperative=cooperative,
                first_round=cooperative.village_id in first,
                actor=users.get(bendahara.get(cooperative.pk)),
                extra=extra,
                as_posted=cooperative.village_id in weekly,
                after_2025=after_2025,
            )
            for name in ("cooperatives", "entries", "reversals", "periods_closed", "checkpoints"):
                setattr(total, name, getattr(total, name) + getattr(one, name))
            total.extras += one.extras
        if progress:
            progress(done, len(cooperatives))
    return total
