"""Demo savings: a year of simpanan for every member of a cooperative, deterministic and fast.

For each member: simpanan pokok paid on joining (most members: the founders at the founding
meeting of 1 August 2025; the few who did not pay keep an open pokok bill), simpanan wajib billed
every month from November 2025 through October 2026 and paid by three kinds of payer (on time, in
a rapel every third month, or hardly at all, PAYERS), so that more than a quarter of the bills
stay unpaid (the national sample has 61% unpaid; a demo of a cooperative that works shows
fewer); simpanan sukarela deposits (cash or bank transfer) and withdrawals for about a third of
the members (SAVERS, SAVING_MONTHS, WITHDRAWING); the sukarela interest of each of the twelve
months (daily-balance method, at the product's rate); and, for the member who moved away, the
refund of everything on leaving with the open bills cancelled. The twelve months are all closed: the
current month (November 2026) has no savings yet, so its bills and month-end are the newcomer's
to run.

Members come to the office on its weekly service day (Monday, SERVICE_WEEKDAYS; pokok is paid
on the day of joining). The kasir books each day as one journal entry, the daily recap: the cash (and
bank) received and paid out in total, and one sub-ledger line per member movement on the control
account, so every member's account reconciles line by line
(`savings.selectors.subledger_mismatches`) and in total (`savings.selectors.reconciliation`).
Interest is posted as the month-end close does (entries of at most 200 member lines,
`savings.services.INTEREST_LINES_PER_ENTRY`), a leaver's refund as
`savings.services.member_resign` does (one entry). Every line comes from the cooperative's
savings posting rules, and every entry goes through
`kopdes.ledger.services.journal_entries_post_bulk`.

    year = SavingsYear.prepare(cooperative)  # None when there is nothing to seed
    year.drafts                              # the entries, in date order, not yet posted
    year.write(entries, actor_label=...)     # the posted entries, in the order of the drafts

The demo posts the drafts together with the cooperative's other books (`ledger_seed`: the savings
cash goes to the bank with the month-end surplus, and the periods close over both);
`seed_savings(cooperative)` posts them alone. The savings rows (accounts, bills, transactions with
their receipt numbers, the month runs) are what `savings.services` writes for the same movements
(`savings_movements_post_bulk`, `savings_bills_create`, `savings_interest_post`,
`member_resign`), computed in memory with the same rules (`savings.rules`) and inserted in bulk
once the entries exist. One cooperative's year is about 1,200 savings rows and 700 journal lines;
through the services, month by month, it took half a second, two minutes for the regency. The
volumes (a third of the members saving, one service day a week) keep the whole demo near 37 s on
two cores; half the members saving in three months out of five, on two service days a week,
measured 42-43 s.

Deterministic: each cooperative draws from its own `random.Random` seeded by its village code.
Idempotent: a cooperative that already has savings transactions is left alone.
"""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from kopdes.cooperatives.models import Cooperative, Policy
from kopdes.core.audit import audit_record
from kopdes.demo import rows as fast
from kopdes.demo.ledger_seed import LAST_CLOSED
from kopdes.ledger import services as ledger
from kopdes.ledger.models import PostingRule, Sequence
from kopdes.members.models import Member
from kopdes.savings import rules, services
from kopdes.savings.models import (
    Bill,
    Kind,
    MonthRun,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)

Txn = SavingsTransaction
FIRST_DAY = date(2025, 8, 1)  # the founding meeting: the first day the demo books savings
FIRST_MONTH = (2025, 11)  # the first month billed and the first with sukarela
LAST_MONTH = LAST_CLOSED  # twelve months, all closed: billed and credited their interest
SERVICE_WEEKDAYS = (0,)  # Monday
STEPS = list(range(10_000, 500_001, 5_000))
# Payers of simpanan wajib (weights): on time (nine months in ten), in a rapel every third month,
# or hardly at all (a month in four); more than a quarter of the bills stay unpaid.
PAYERS = (45, 30, 25)
PAYS_POKOK = 0.95  # on joining; the others keep an open pokok bill
SAVERS = 0.35  # members who keep simpanan sukarela
SAVING_MONTHS = 0.5  # a saver pays in during half the months
WITHDRAWING = 0.25  # and takes some out in a quarter of them
SUBLEDGER = services.SUBLEDGER
RECEIPT_SEQUENCE = services.RECEIPT_SEQUENCE
MONTHS_ID = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
LEAVING_REASON = "Pindah domisili"
_SERVICE_DAYS: dict[tuple[int, int], list[date]] = {}


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


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, (year, month) = [], first
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return out


def demo_months() -> list[tuple[int, int]]:
    """The months billed: November 2025 through October 2026."""
    return months_between(FIRST_MONTH, LAST_MONTH)


@dataclass(frozen=True)
class Holder:
    """A member as the savings year sees them."""

    pk: int
    number: int
    public_id: uuid.UUID
    full_name: str
    joined_on: date
    ended_on: date | None

    @property
    def niak(self) -> str:
        return f"{self.number:04d}"


@dataclass
class _Account:
    holder: Holder
    kind: str
    public_id: uuid.UUID
    opened_on: date
    sub: str = ""  # the sub-ledger id on the journal lines: str(public_id)
    balance: int = 0
    closed_on: date | None = None
    month_moves: list[tuple[date, int]] = field(default_factory=list)  # sukarela, this month


@dataclass
class _Bill:
    holder: Holder
    kind: str
    period: str
    amount: int
    paid: int = 0
    status: str = Bill.Status.UNPAID


@dataclass
class _Move:
    """One counter movement: (day, member, kind, deposit or withdrawal, amount, channel)."""

    day: date
    holder: Holder
    kind: str
    type: str
    amount: int
    channel: str = "cash"


@dataclass(frozen=True)
class _PolicyVersion:
    effective_from: date
    pokok: int
    wajib: int


class SavingsYear:
    """One cooperative's year of savings, planned in memory (see the module docstring)."""

    def __init__(
        self,
        *,
        cooperative: Cooperative,
        holders: list[Holder],
        policies: list[_PolicyVersion],
        rate: Decimal,
        posting_rules: dict[tuple[str, str], PostingRule],
        rng_seed: int | str,
    ) -> None:
        self.cooperative = cooperative
        self.holders = sorted(holders, key=lambda h: h.number)
        self.policies = sorted(policies, key=lambda p: p.effective_from)
        self.rate = rate
        self.rules = posting_rules
        self.rng = random.Random(f"kopdes-savings-{rng_seed}")
        self.accounts: dict[tuple[int, str], _Account] = {}
        self.bills: list[_Bill] = []
        self.open_bills: dict[tuple[int, str], list[_Bill]] = defaultdict(list)
        self.drafts: list[ledger.EntryDraft] = []
        # (account, type, channel, amount, balance after, day, memo, draft index, receipt?)
        self.txns: list[tuple] = []
        self.runs: list[tuple[str, str, int, int]] = []  # (kind, period, count, total)
        self.cash = 0  # the office cash the savings alone have brought in, net
        self._plan()

    # -- reading the cooperative -------------------------------------------------------------

    @classmethod
    def prepare(
        cls, cooperative: Cooperative, *, actor=None, rng_seed: int | str | None = None
    ) -> "SavingsYear | None":
        """Plan the year of `cooperative`'s members (active and resigned); None if it has no
        members or already has savings. Creates the savings products and posting rules."""
        holders = [
            Holder(pk, number, public_id, name, joined, ended)
            for pk, number, public_id, name, joined, ended in Member.objects.filter(
                cooperative=cooperative,
                status__in=[Member.Status.ACTIVE, Member.Status.RESIGNED],
                number__isnull=False,
                joined_on__isnull=False,
            )
            .order_by("number")
            .values_list("pk", "number", "public_id", "full_name", "joined_on", "ended_on")
        ]
        if not holders or Txn.objects.filter(cooperative=cooperative).exists():
            return None
        services.savings_rules_ensure(cooperative=cooperative, actor=actor)
        policies = [
            _PolicyVersion(*row)
            for row in Policy.objects.filter(cooperative=cooperative)
            .order_by("effective_from", "version")
            .values_list("effective_from", "simpanan_pokok_amount", "simpanan_wajib_amount")
        ]
        rate = SavingsProduct.objects.get(cooperative=cooperative, kind=Kind.SUKARELA).interest_rate
        posting_rules: dict[tuple[str, str], PostingRule] = {}
        for rule in PostingRule.objects.filter(
            cooperative=cooperative, event__startswith="savings.", effective_from__lte=FIRST_DAY
        ).order_by("effective_from", "version"):
            posting_rules[(rule.event, rule.key)] = rule  # the latest version wins
        return cls(
            cooperative=cooperative,
            holders=holders,
            policies=policies,
            rate=rate,
            posting_rules=posting_rules,
            rng_seed=cooperative.village_id if rng_seed is None else rng_seed,
        )

    def _policy(self, on: date) -> _PolicyVersion:
        found = self.policies[0]  # a date before the first policy: the earliest one applies
        for version in self.policies:
            if version.effective_from <= on:
                found = version
        return found

    # -- planning ------------------------------------------------------------------------------

    def _account(self, holder: Holder, kind: str, on: date) -> _Account:
        key = (holder.pk, kind)
        account = self.accounts.get(key)
        if account is None:
            public_id = uuid.uuid4()
            account = _Account(holder, kind, public_id, on, str(public_id))
            self.accounts[key] = account
        return account

    def _bill(self, holder: Holder, kind: str, period: str, amount: int) -> None:
        bill = _Bill(holder, kind, period, amount)
        self.bills.append(bill)
        self.open_bills[(holder.pk, kind)].append(bill)

    def _outstanding(self, holder: Holder, kind: str) -> int:
        return sum(b.amount - b.paid for b in self.open_bills[(holder.pk, kind)])

    def _service_days(self, year: int, month: int, holder: Holder) -> list[date]:
        """The office's service days of the month on which `holder` is a member."""
        days = _SERVICE_DAYS.get((year, month))
        if days is None:
            first, last = rules.month_bounds(year, month)
            days = [
                first + timedelta(days=i)
                for i in range((last - first).days + 1)
                if (first + timedelta(days=i)).weekday() in SERVICE_WEEKDAYS
            ]
            _SERVICE_DAYS[(year, month)] = days
        if not days or (
            holder.joined_on <= days[0] and (holder.ended_on is None or holder.ended_on > days[-1])
        ):
            return days
        end = holder.ended_on or date.max
        return [d for d in days if holder.joined_on <= d < end]

    def _plan(self) -> None:
        rng = self.rng
        payer = {
            h.pk: rng.choices(["on_time", "rapel", "lapsed"], weights=PAYERS)[0]
            for h in self.holders
        }
        saver = {h.pk: rng.random() < SAVERS for h in self.holders}
        pays_pokok = {h.pk: rng.random() < PAYS_POKOK for h in self.holders}
        earliest = min(h.joined_on for h in self.holders)
        start = min((earliest.year, earliest.month), FIRST_MONTH)
        for year, month in months_between(start, LAST_MONTH):
            first, last = rules.month_bounds(year, month)
            period = rules.month_text(year, month)
            billed = (year, month) >= FIRST_MONTH
            moves: list[_Move] = []
            reserved = 0
            bills_before = len(self.bills)
            policy = self._policy(first)
            for h in self.holders:
                if h.joined_on > last or (h.ended_on is not None and h.ended_on < first):
                    continue
                joining = (h.joined_on.year, h.joined_on.month) == (year, month)
                if joining and pays_pokok[h.pk] and policy.pokok:
                    moves.append(_Move(h.joined_on, h, Kind.POKOK, "deposit", policy.pokok))
                if not billed:
                    continue
                if (joining or (year, month) == FIRST_MONTH) and not (
                    pays_pokok[h.pk] or not policy.pokok
                ):
                    joined = rules.month_text(h.joined_on.year, h.joined_on.month)
                    self._bill(h, Kind.POKOK, joined, policy.pokok)
                if policy.wajib:
                    self._bill(h, Kind.WAJIB, period, policy.wajib)
                days = self._service_days(year, month, h)
                if not days:
                    continue
                kind = payer[h.pk]
                if kind == "on_time":
                    pays = rng.random() < 0.9
                elif kind == "rapel":
                    pays = month % 3 == 0 and rng.random() < 0.85
                else:
                    pays = rng.random() < 0.25
                owed = self._outstanding(h, Kind.WAJIB)
                if pays and owed:
                    amount = owed if kind == "rapel" else min(policy.wajib, owed)
                    moves.append(_Move(rng.choice(days), h, Kind.WAJIB, "deposit", amount))
                if saver[h.pk]:
                    balance = self._balance(h, Kind.SUKARELA)
                    if rng.random() < SAVING_MONTHS:
                        amount = rng.choice(STEPS)
                        channel = "bank" if rng.random() < 0.15 else "cash"
                        day = rng.choice(days)
                        moves.append(_Move(day, h, Kind.SUKARELA, "deposit", amount, channel))
                        balance += amount
                    if balance > 20_000 and rng.random() < WITHDRAWING:
                        amount = rng.randrange(10_000, balance // 2 + 10_001, 5_000)
                        # Paid from the cash the members brought in before this month.
                        if amount <= balance and amount <= self.cash - reserved:
                            # on the month's last service day: after the month's deposits
                            moves.append(_Move(days[-1], h, Kind.SUKARELA, "withdrawal", amount))
                            reserved += amount
            self._book_month(moves, year, month)
            if billed:  # the month's bills run, and its interest: every month here has ended
                new = self.bills[bills_before:]
                self.runs.append(
                    (MonthRun.Kind.BILLS, period, len(new), sum(b.amount for b in new))
                )
                self._interest(year, month)
            for account in self.accounts.values():
                account.month_moves.clear()

    def _balance(self, holder: Holder, kind: str) -> int:
        account = self.accounts.get((holder.pk, kind))
        return account.balance if account else 0

    def _book_month(self, moves: list[_Move], year: int, month: int) -> None:
        """Apply the month's movements day by day (deposits before withdrawals, members in NIAK
        order), one recap entry per service day, and the leavers' refunds on their last day."""
        by_day: dict[date, list[_Move]] = defaultdict(list)
        for move in moves:
            by_day[move.day].append(move)
        first, last = rules.month_bounds(year, month)
        leavers: dict[date, list[Holder]] = defaultdict(list)
        for h in self.holders:
            if h.ended_on is not None and first <= h.ended_on <= last:
                leavers[h.ended_on].append(h)
        for day in sorted(set(by_day) | set(leavers)):
            todays = sorted(
                by_day.get(day, []), key=lambda m: (m.type != "deposit", m.holder.number)
            )
            if todays:
                self._recap(day, todays)
            for holder in leavers.get(day, []):
                self._refund(day, holder)

    def _recap(self, day: date, moves: list[_Move]) -> None:
        index = len(self.drafts)
        money_in: dict[str, int] = defaultdict(int)
        money_out: dict[str, int] = defaultdict(int)
        member_lines: list[ledger.Line] = []
        for m in moves:
            account = self._account(m.holder, m.kind, day)
            event = "savings.deposit" if m.type == "deposit" else "savings.withdraw"
            rule = self.rules[(event, f"{m.kind}:{m.channel}")]
            for spec in rule.lines:
                if m.type == "deposit":
                    money_in[spec["debit"]] += m.amount
                    member_lines.append(
                        ledger.Line(
                            spec["credit"],
                            credit=m.amount,
                            subledger_kind=SUBLEDGER,
                            subledger_id=account.sub,
                        )
                    )
                else:
                    money_out[spec["credit"]] += m.amount
                    member_lines.append(
                        ledger.Line(
                            spec["debit"],
                            debit=m.amount,
                            subledger_kind=SUBLEDGER,
                            subledger_id=account.sub,
                        )
                    )
            settled = 0
            if m.type == "deposit":
                account.balance += m.amount
                if m.kind == Kind.SUKARELA:
                    account.month_moves.append((day, m.amount))
                if m.channel == "cash":
                    self.cash += m.amount
                if m.kind != Kind.SUKARELA:
                    settled = self._settle(m.holder, m.kind, m.amount, day)
                kind = Txn.Type.BILL_PAYMENT if settled else Txn.Type.DEPOSIT
            else:
                account.balance -= m.amount
                account.month_moves.append((day, -m.amount))
                self.cash -= m.amount
                kind = Txn.Type.WITHDRAWAL
            assert account.balance >= 0, (day, m)
            self.txns.append(
                (account, kind, m.channel, m.amount, account.balance, day, "", index, True)
            )
        # Money received first, paid out last: no cash box dips below zero inside the entry.
        lines = [ledger.Line(code, debit=amount) for code, amount in money_in.items()]
        lines += member_lines
        lines += [ledger.Line(code, credit=amount) for code, amount in money_out.items()]
        ins = sum(1 for m in moves if m.type == "deposit")
        outs = len(moves) - ins
        memo = f"Rekap kas simpanan anggota {day.day} {MONTHS_ID[day.month]} {day.year}: "
        memo += f"{ins} setoran" + (f", {outs} penarikan" if outs else "")
        self.drafts.append(
            ledger.EntryDraft(
                date=day,
                memo=memo,
                lines=lines,
                source_kind="savings.recap",
                source_id=day.isoformat(),
            )
        )

    def _settle(self, holder: Holder, kind: str, amount: int, day: date) -> int:
        """Pay the member's open bills of `kind` due by the payment's month, oldest first."""
        upto = rules.month_text(day.year, day.month)
        open_bills = self.open_bills[(holder.pk, kind)]
        due = [b for b in open_bills if b.period <= upto]
        settlements, _left = rules.settle_oldest_first(
            amount, [(i, b.amount, b.paid) for i, b in enumerate(due)]
        )
        for item in settlements:
            bill = due[item.bill_id]
            bill.paid = item.paid_total
            bill.status = Bill.Status.PAID if item.settled else Bill.Status.PARTIAL
        self.open_bills[(holder.pk, kind)] = [b for b in open_bills if b.status != Bill.Status.PAID]
        return len(settlements)

    def _refund(self, day: date, holder: Holder) -> None:
        """What `savings.services.member_resign` books: every balance back in cash, one entry,
        the accounts closed and the open bills cancelled."""
        index = len(self.drafts)
        paying = [
            a
            for a in (self.accounts.get((holder.pk, k)) for k in Kind.values)
            if a is not None and a.balance > 0
        ]
        lines: list[ledger.Line] = []
        for account in paying:
            rule = self.rules[("savings.refund", f"{account.kind}:cash")]
            for spec in rule.lines:
                lines.append(
                    ledger.Line(
                        spec["debit"],
                        debit=account.balance,
                        subledger_kind=SUBLEDGER,
                        subledger_id=account.sub,
                    )
                )
                lines.append(ledger.Line(spec["credit"], credit=account.balance))
            self.cash -= account.balance
            self.txns.append(
                (
                    account,
                    Txn.Type.REFUND,
                    "cash",
                    account.balance,
                    0,
                    day,
                    LEAVING_REASON,
                    index,
                    True,
                )
            )
            account.balance = 0
        for kind in Kind.values:
            account = self.accounts.get((holder.pk, kind))
            if account is not None:
                account.closed_on = day
        for kind in (Kind.POKOK, Kind.WAJIB):
            for bill in self.open_bills.pop((holder.pk, kind), []):
                bill.status = Bill.Status.CANCELLED
        if lines:
            self.drafts.append(
                ledger.EntryDraft(
                    date=day,
                    memo=f"Pengembalian simpanan {holder.niak} {holder.full_name} (keluar)"[:300],
                    lines=lines,
                    source_kind="savings.refund",
                    source_id=str(holder.public_id),
                    idempotency_key=f"savings-resign-{holder.public_id}",
                )
            )

    def _interest(self, year: int, month: int) -> None:
        """The month's sukarela interest as `savings.services.savings_interest_post` computes it:
        rupiah-days of each account, the total rounded once and allocated by shares."""
        first, last = rules.month_bounds(year, month)
        period = rules.month_text(year, month)
        earning: list[_Account] = []
        weights: list[int] = []
        for h in self.holders:
            account = self.accounts.get((h.pk, Kind.SUKARELA))
            if account is None:
                continue
            moves, account.month_moves = account.month_moves, []
            if account.closed_on is not None:
                continue  # refunded on leaving
            opening = account.balance - sum(amount for _day, amount in moves)
            days = rules.balance_days(opening=opening, movements=moves, first=first, last=last)
            if days > 0:
                earning.append(account)
                weights.append(days)
        total, parts = rules.interest_shares(weights, rate=self.rate)
        credits = [(a, p) for a, p in zip(earning, parts, strict=True) if p]
        self.runs.append((MonthRun.Kind.INTEREST, period, len(credits), total))
        if not total:
            return
        rule = self.rules[("savings.interest", Kind.SUKARELA)]
        spec = rule.lines[0]
        size = services.INTEREST_LINES_PER_ENTRY
        chunks = [credits[i : i + size] for i in range(0, len(credits), size)]
        for n, chunk in enumerate(chunks, start=1):
            index = len(self.drafts)
            lines = [ledger.Line(spec["debit"], debit=sum(p for _a, p in chunk))]
            for account, part in chunk:
                lines.append(
                    ledger.Line(
                        spec["credit"],
                        credit=part,
                        subledger_kind=SUBLEDGER,
                        subledger_id=account.sub,
                    )
                )
                account.balance += part
                self.txns.append(
                    (
                        account,
                        Txn.Type.INTEREST,
                        "",
                        part,
                        account.balance,
                        last,
                        f"Bunga {period}",
                        index,
                        False,
                    )
                )
            self.drafts.append(
                ledger.EntryDraft(
                    date=last,
                    memo=f"Bunga simpanan sukarela {period} ({n}/{len(chunks)})",
                    lines=lines,
                    source_kind="savings.interest",
                    source_id=period,
                    idempotency_key=f"savings-interest-{period}-{n}",
                )
            )
        # Interest credited at the month's end is part of next month's opening balance.

    # -- writing ---------------------------------------------------------------------------------

    def write(self, entries: list, *, actor_label: str = "system") -> SavingsSeedResult:
        """Insert the savings rows for the posted `entries` (one per draft, in order)."""
        if len(entries) != len(self.drafts):
            raise ValueError("One posted entry per draft is needed.")
        coop = self.cooperative.pk
        ad = fast.Adapt()
        now = ad.now()
        days: dict[date, object] = {}

        def day_value(day: date):
            value = days.get(day)
            if value is None:
                value = days[day] = ad.date(day)
            return value

        products = dict(SavingsProduct.objects.filter(cooperative=coop).values_list("kind", "pk"))
        accounts = sorted(self.accounts.values(), key=lambda a: (a.holder.number, a.kind))
        fast.insert(
            SavingsAccount,
            (
                "public_id",
                "cooperative_id",
                "member_id",
                "product_id",
                "kind",
                "balance",
                "status",
                "opened_on",
                "closed_on",
            ),
            [
                (
                    ad.uuid(a.public_id),
                    coop,
                    a.holder.pk,
                    products[a.kind],
                    a.kind,
                    a.balance,
                    SavingsAccount.Status.CLOSED if a.closed_on else SavingsAccount.Status.OPEN,
                    day_value(a.opened_on),
                    day_value(a.closed_on) if a.closed_on else None,
                )
                for a in accounts
            ],
        )
        ids = {
            (member, kind): pk
            for pk, member, kind in SavingsAccount.objects.filter(cooperative=coop)
            .order_by()
            .values_list("pk", "member_id", "kind")
        }
        fast.insert(
            Bill,
            (
                "public_id",
                "cooperative_id",
                "member_id",
                "kind",
                "period",
                "amount",
                "paid_amount",
                "status",
                "created_at",
            ),
            [
                (public_id, coop, b.holder.pk, b.kind, b.period, b.amount, b.paid, b.status, now)
                for b, public_id in zip(self.bills, ad.uuids(len(self.bills)), strict=True)
            ],
        )
        sequence, _created = Sequence.objects.select_for_update().get_or_create(
            cooperative_id=coop, name=RECEIPT_SEQUENCE
        )
        receipt = sequence.last_value
        rows = []
        public_ids = ad.uuids(len(self.txns))
        for n, (account, kind, channel, amount, after, day, memo, index, counter) in enumerate(
            self.txns
        ):
            if counter:
                receipt += 1
            rows.append(
                (
                    public_ids[n],
                    coop,
                    ids[(account.holder.pk, account.kind)],
                    kind,
                    channel,
                    amount,
                    after,
                    day_value(day),
                    memo,
                    entries[index].pk,
                    receipt if counter else None,
                    None,
                    actor_label,
                    now,
                )
            )
        fast.insert(Txn, services.TXN_COLUMNS, rows)
        Sequence.objects.filter(pk=sequence.pk).update(last_value=receipt)
        fast.insert(
            MonthRun,
            (
                "public_id",
                "cooperative_id",
                "kind",
                "period",
                "count",
                "total",
                "actor_label",
                "created_at",
            ),
            [
                (public_id, coop, kind, period, count, total, actor_label, now)
                for (kind, period, count, total), public_id in zip(
                    self.runs, ad.uuids(len(self.runs)), strict=True
                )
            ],
        )
        result = SavingsSeedResult(
            cooperatives=1,
            accounts=len(accounts),
            movements=receipt - sequence.last_value,
            interest_credits=sum(1 for t in self.txns if t[1] == Txn.Type.INTEREST),
            interest=sum(t[3] for t in self.txns if t[1] == Txn.Type.INTEREST),
            bills=len(self.bills),
            bills_open=sum(
                1 for b in self.bills if b.status in (Bill.Status.UNPAID, Bill.Status.PARTIAL)
            ),
            entries=len(entries),
        )
        audit_record(
            actor=None,
            action="savings.seed",
            object_type="savings.savingstransaction",
            cooperative_id=coop,
            after={
                "accounts": result.accounts,
                "movements": result.movements,
                "interest": result.interest,
                "bills": result.bills,
                "bills_open": result.bills_open,
                "entries": result.entries,
            },
        )
        return result


@transaction.atomic
def seed_savings(
    cooperative: Cooperative, *, rng_seed: int | str | None = None, actor=None
) -> SavingsSeedResult:
    """Seed a year of savings for `cooperative`'s members, posting its entries on their own
    (the demo posts them with the rest of the books: `ledger_seed`). Idempotent."""
    year = SavingsYear.prepare(cooperative, actor=actor, rng_seed=rng_seed)
    if year is None:
        return SavingsSeedResult()
    entries = ledger.journal_entries_post_bulk(
        cooperative=cooperative, drafts=year.drafts, actor=actor
    )
    return year.write(entries, actor_label=str(actor) if actor is not None else "system")
