"""Reads of one cooperative's savings: a member's accounts and statement, bills and arrears, the
position by kind, and the reconciliation of the sub-ledgers with the GL control accounts.

Every function takes the cooperative (or a member, which belongs to one) first and filters by it.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, Min, Q, QuerySet, Sum, When

from kopdes.accounts.models import Role
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id, valid_public_ids
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger.models import JournalLine
from kopdes.ledger.statements import RelatedPartyGroup
from kopdes.members.models import Member
from kopdes.savings import rules
from kopdes.savings.models import (
    Bill,
    Correction,
    Kind,
    MonthRun,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)

Txn = SavingsTransaction
SUBLEDGER = "savings"  # JournalLine.subledger_kind of the members' savings lines
OPEN_BILLS = (Bill.Status.UNPAID, Bill.Status.PARTIAL)


# What the apps above savings that lend (loans) register: member -> owes a loan. Savings may not
# import them (they stand on savings), so they tell savings here (LoansConfig.ready).
_OUTSTANDING_LOAN_CHECKS: list[Callable[[Member], bool]] = []


def register_outstanding_loan_check(check: Callable[[Member], bool]) -> None:
    if check not in _OUTSTANDING_LOAN_CHECKS:
        _OUTSTANDING_LOAN_CHECKS.append(check)


def member_has_outstanding_loan(*, member: Member) -> bool:
    """Whether the member owes the cooperative a loan, which blocks resignation: asked of every
    lending app registered with `register_outstanding_loan_check` (loans)."""
    return any(check(member) for check in _OUTSTANDING_LOAN_CHECKS)


def member(*, cooperative: Cooperative, public_id) -> Member:
    found = Member.objects.filter(
        cooperative=cooperative, public_id=parse_public_id(public_id)
    ).first()
    if found is None:
        raise NotFound()
    return found


def member_by_number(*, cooperative: Cooperative, number: int) -> Member | None:
    return Member.objects.filter(cooperative=cooperative, number=number).first()


def products(*, cooperative: Cooperative) -> dict[str, SavingsProduct]:
    return {p.kind: p for p in SavingsProduct.objects.filter(cooperative=cooperative)}


def member_accounts(*, member: Member) -> dict[str, SavingsAccount | None]:
    """The member's account of each kind (None where none was opened yet)."""
    found = {
        a.kind: a
        for a in SavingsAccount.objects.filter(cooperative_id=member.cooperative_id, member=member)
    }
    return {kind: found.get(kind) for kind in Kind.values}


def member_bills(*, member: Member, open_only: bool = False) -> QuerySet[Bill]:
    bills = Bill.objects.filter(cooperative_id=member.cooperative_id, member=member)
    if open_only:
        bills = bills.filter(status__in=OPEN_BILLS)
    return bills.order_by("-period", "kind")


def oldest_open_bill_kind(*, member: Member) -> str | None:
    """The kind (pokok or wajib) of the member's oldest open bill, None when nothing is owed."""
    return (
        Bill.objects.filter(cooperative_id=member.cooperative_id, member=member)
        .filter(status__in=OPEN_BILLS)
        .order_by("period", "kind")
        .values_list("kind", flat=True)
        .first()
    )


def member_transactions(*, member: Member) -> QuerySet[Txn]:
    return (
        Txn.objects.filter(cooperative_id=member.cooperative_id, account__member=member)
        .select_related("account", "entry")
        .order_by("-date", "-id")
    )


def transaction(*, cooperative: Cooperative, public_id) -> Txn:
    found = (
        Txn.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related(
            "account__member", "entry", "counterpart__account__member", "reverses__entry"
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def corrections(*, cooperative: Cooperative, pending: bool = True) -> QuerySet[Correction]:
    """The cooperative's corrections, newest first: the waiting ones, or the decided ones."""
    rows = Correction.objects.filter(cooperative=cooperative).select_related(
        "transaction__account__member", "transaction__entry", "requested_by", "decided_by"
    )
    if pending:
        return rows.filter(status=Correction.Status.PENDING).order_by("requested_at", "pk")
    return rows.exclude(status=Correction.Status.PENDING).order_by("-decided_at", "-pk")


def correction_pending(*, transaction: Txn) -> bool:
    """Whether a correction of the transaction (or of its transfer's other side) is waiting."""
    ids = [transaction.pk] + ([transaction.counterpart_id] if transaction.counterpart_id else [])
    return Correction.objects.filter(
        transaction_id__in=ids, status=Correction.Status.PENDING
    ).exists()


def correction(*, cooperative: Cooperative, public_id) -> Correction:
    found = (
        Correction.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("transaction__account__member", "requested_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _signed():
    return Sum(Case(When(kind__in=Txn.CREDITS, then=F("amount")), default=-F("amount")))


@dataclass
class StatementRow:
    txn: Txn
    credit: int
    debit: int
    balance: int


@dataclass
class Statement:
    kind: str
    account: SavingsAccount | None
    opening: int
    closing: int
    credits: int
    debits: int
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def member_statement(*, member: Member, date_from: date, date_to: date) -> list[Statement]:
    """The mutasi of each of the member's accounts between two dates, with running balances.

    Opening balances come from the stored balance less everything since, so they do not depend
    on the order in which back-dated rows were written."""
    out = []
    for kind, account in member_accounts(member=member).items():
        if account is None:
            out.append(Statement(kind, None, 0, 0, 0, 0))
            continue
        txns = Txn.objects.filter(cooperative_id=member.cooperative_id, account=account)
        since = txns.filter(date__gte=date_from).aggregate(s=_signed())["s"] or 0
        opening = account.balance - since
        balance, credits, debits, rows = opening, 0, 0, []
        for txn in (
            txns.filter(date__gte=date_from, date__lte=date_to)
            .select_related("entry")
            .order_by("date", "id")
        ):
            amount = txn.signed_amount
            balance += amount
            credits += max(amount, 0)
            debits += max(-amount, 0)
            rows.append(StatementRow(txn, max(amount, 0), max(-amount, 0), balance))
        out.append(Statement(kind, account, opening, balance, credits, debits, rows))
    return out


@dataclass(frozen=True)
class PositionRow:
    kind: str
    accounts: int
    open_accounts: int
    balance: int

    @property
    def kind_label(self) -> str:
        """`Simpanan pokok`: the kind's label in the reader's language."""
        return str(Kind(self.kind).label)


def position(*, cooperative: Cooperative) -> list[PositionRow]:
    """The cooperative's savings by kind: number of accounts and total balance."""
    rows = {
        r["kind"]: r
        for r in SavingsAccount.objects.filter(cooperative=cooperative)
        .values("kind")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(status=SavingsAccount.Status.OPEN)),
            total=Sum("balance"),
        )
    }
    return [
        PositionRow(
            kind,
            rows.get(kind, {}).get("n", 0),
            rows.get(kind, {}).get("open", 0),
            rows.get(kind, {}).get("total") or 0,
        )
        for kind in Kind.values
    ]


@dataclass(frozen=True)
class ReconciliationRow:
    kind: str
    accounts: tuple[str, ...]
    subledger: int  # sum of the members' account balances
    ledger: int  # the control accounts' credit balance from the monthly snapshots

    @property
    def kind_label(self) -> str:
        """`Simpanan pokok`: the kind's label in the reader's language."""
        return str(Kind(self.kind).label)

    @property
    def difference(self) -> int:
        return self.subledger - self.ledger


def reconciliation(*, cooperative: Cooperative) -> list[ReconciliationRow]:
    """Sum of the members' balances per kind against the GL balance of its control accounts
    (3-101/2-111 pokok, 3-102/2-112 wajib, 2-101 sukarela), read from the AccountMonth
    snapshots (`ledger.selectors.account_balances`). The difference must be zero."""
    balances = {p.kind: p.balance for p in position(cooperative=cooperative)}
    codes = [c for codes in rules.CONTROL_ACCOUNTS.values() for c in codes]
    gl = {
        code: -balance
        for code, balance in ledger_selectors.account_balances(
            cooperative=cooperative, codes=codes
        ).items()
    }
    return [
        ReconciliationRow(kind, codes, balances[kind], sum(gl.get(c, 0) for c in codes))
        for kind, codes in rules.CONTROL_ACCOUNTS.items()
    ]


def subledger_mismatches(*, cooperative: Cooperative) -> list[tuple[SavingsAccount, int]]:
    """Accounts whose balance differs from the sum of the journal lines carrying their id on the
    control accounts (a scan of those lines: for the report page, not for every request)."""
    codes = [c for codes in rules.CONTROL_ACCOUNTS.values() for c in codes]
    posted = {
        r["subledger_id"]: (r["c"] or 0) - (r["d"] or 0)
        for r in JournalLine.objects.filter(
            cooperative=cooperative, subledger_kind="savings", account__code__in=codes
        )
        .values("subledger_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    out = []
    for account in SavingsAccount.objects.filter(cooperative=cooperative).select_related("member"):
        booked = posted.get(str(account.public_id), 0)
        if booked != account.balance:
            out.append((account, booked))
    return out


# -- bills and arrears ------------------------------------------------------------------------


@dataclass(frozen=True)
class Collection:
    billed: int
    paid: int
    outstanding: int
    bills: int
    open_bills: int
    members_in_arrears: int

    @property
    def rate(self) -> Decimal | None:
        return rules.collection_rate(billed=self.billed, paid=self.paid)


def _live_bills(cooperative: Cooperative, period: str = "") -> QuerySet[Bill]:
    bills = Bill.objects.filter(cooperative=cooperative).exclude(status=Bill.Status.CANCELLED)
    return bills.filter(period=period) if period else bills


def collection(*, cooperative: Cooperative, period: str = "") -> Collection:
    """Billed, paid and outstanding (all periods, or one), with the collection rate."""
    bills = _live_bills(cooperative, period)
    totals = bills.aggregate(
        billed=Sum("amount"),
        paid=Sum("paid_amount"),
        n=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_BILLS)),
        members=Count("member", filter=Q(status__in=OPEN_BILLS), distinct=True),
    )
    billed, paid = totals["billed"] or 0, totals["paid"] or 0
    return Collection(billed, paid, billed - paid, totals["n"], totals["open"], totals["members"])


@dataclass(frozen=True)
class Arrears:
    member_id: int
    public_id: uuid.UUID
    number: int | None
    full_name: str
    bills: int
    outstanding: int
    oldest: str


def arrears(*, cooperative: Cooperative, limit: int | None = None) -> list[Arrears]:
    """Members with open bills, largest arrears first."""
    rows = (
        Bill.objects.filter(cooperative=cooperative, status__in=OPEN_BILLS)
        .values("member_id", "member__public_id", "member__number", "member__full_name")
        .annotate(
            n=Count("id"),
            due=Sum(F("amount") - F("paid_amount")),
            oldest=Min("period"),
        )
        .order_by("-due", "member__number")
    )
    if limit:
        rows = rows[:limit]
    return [
        Arrears(
            r["member_id"],
            r["member__public_id"],
            r["member__number"],
            r["member__full_name"],
            r["n"],
            r["due"] or 0,
            r["oldest"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Overdue:
    members: int
    amount: int


def overdue(*, cooperative: Cooperative, before_period: str) -> Overdue:
    """Members with bills still open for a month before `before_period` ("YYYY-MM"), and how much
    they owe on those bills: a month's bill is overdue once its month has ended."""
    totals = Bill.objects.filter(
        cooperative=cooperative, status__in=OPEN_BILLS, period__lt=before_period
    ).aggregate(members=Count("member", distinct=True), due=Sum(F("amount") - F("paid_amount")))
    return Overdue(totals["members"] or 0, totals["due"] or 0)


@dataclass(frozen=True)
class CounterDay:
    deposits: int
    deposit_total: int
    withdrawals: int
    withdrawal_total: int


COUNTER_IN = (Txn.Type.DEPOSIT, Txn.Type.BILL_PAYMENT)


def counter_day(*, cooperative: Cooperative, day: date) -> CounterDay:
    """The day's deposits (and bill payments) and withdrawals, corrected ones left out."""
    rows = Txn.objects.filter(cooperative=cooperative, date=day, corrected=False)
    is_in, is_out = Q(kind__in=COUNTER_IN), Q(kind=Txn.Type.WITHDRAWAL)
    totals = rows.aggregate(
        n_in=Count("id", filter=is_in),
        sum_in=Sum("amount", filter=is_in),
        n_out=Count("id", filter=is_out),
        sum_out=Sum("amount", filter=is_out),
    )
    return CounterDay(
        totals["n_in"], totals["sum_in"] or 0, totals["n_out"], totals["sum_out"] or 0
    )


def bill_periods(*, cooperative: Cooperative) -> list[dict]:
    """Per period: bills, billed, paid and the collection rate, newest first."""
    rows = (
        _live_bills(cooperative)
        .values("period")
        .annotate(n=Count("id"), billed=Sum("amount"), paid=Sum("paid_amount"))
        .order_by("-period")
    )
    return [
        {**r, "rate": rules.collection_rate(billed=r["billed"] or 0, paid=r["paid"] or 0)}
        for r in rows
    ]


def month_runs(*, cooperative: Cooperative) -> QuerySet[MonthRun]:
    return MonthRun.objects.filter(cooperative=cooperative).order_by("-period", "kind")


# -- the member app -------------------------------------------------------------------------


def memberships(*, user) -> QuerySet[Member]:
    """The caller's active memberships (matched by Member.user)."""
    return Member.objects.filter(user=user, status=Member.Status.ACTIVE).select_related(
        "cooperative"
    )


def my_accounts(*, user) -> QuerySet[SavingsAccount]:
    return (
        SavingsAccount.objects.filter(member__in=memberships(user=user))
        .select_related("member__cooperative")
        .order_by("member__cooperative_id", "kind")
    )


def own_account_ids(user, cooperative_id: int, ids: set[str]) -> list[str]:
    """Which of `ids` (savings sub-ledger ids on journal lines: SavingsAccount.public_id) are the
    accounts of `user`'s active membership in the cooperative: what ledger.access asks before
    giving a member the proof of an entry (registered in SavingsConfig.ready)."""
    keys = valid_public_ids(ids)
    found = SavingsAccount.objects.filter(
        cooperative_id=cooperative_id,
        member__in=memberships(user=user).filter(cooperative_id=cooperative_id),
        public_id__in=keys,
    ).values_list("public_id", flat=True)
    return [str(public_id) for public_id in found]


def my_transactions(*, user) -> QuerySet[Txn]:
    return (
        Txn.objects.filter(account__member__in=memberships(user=user))
        .select_related("account__member__cooperative", "entry")
        .order_by("-date", "-id")
    )


def my_bills(*, user) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(member__in=memberships(user=user))
        .select_related("member__cooperative")
        .order_by("-period", "kind")
    )


def officer_savings(*, cooperative: Cooperative, start: date, end: date) -> list[RelatedPartyGroup]:
    """The pengurus and the pengawas in office on `end` as related parties of the Catatan atas
    Laporan Keuangan, each taken together (nobody named): how many, how many are members (by
    their login or their NIK), their simpanan per kind on `end`, their setoran and penarikan in
    `start`..`end`, and their pinjaman on `end` (lines of 1-103 carrying the member's
    reference). Every amount comes from the journal lines of the members' sub-ledger."""
    in_office = Role.objects.filter(cooperative=cooperative, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )
    groups: list[RelatedPartyGroup] = []
    for key, kinds in (("pengurus", Role.PENGURUS), ("pengawas", Role.PENGAWAS_KINDS)):
        users = list(
            in_office.filter(kind__in=kinds).values_list("user_id", "user__nik").distinct()
        )
        user_ids = {u for u, _nik in users}
        niks = {nik for _u, nik in users if nik}
        members = list(
            Member.objects.filter(cooperative=cooperative, joined_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
            .filter(Q(user_id__in=user_ids) | Q(nik__in=niks))
            .values_list("pk", "public_id")
        )
        accounts = {
            str(public_id): kind
            for public_id, kind in SavingsAccount.objects.filter(
                cooperative=cooperative, member_id__in=[pk for pk, _p in members]
            ).values_list("public_id", "kind")
        }
        lines = JournalLine.objects.filter(  # the control accounts' side of each entry
            cooperative=cooperative,
            account__code__in=[c for codes in rules.CONTROL_ACCOUNTS.values() for c in codes],
            subledger_kind=SUBLEDGER,
            subledger_id__in=list(accounts),
        )
        balances: dict[str, int] = {}
        for sub, debit, credit in (
            lines.filter(date__lte=end)
            .values("subledger_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("subledger_id", "d", "c")
        ):
            kind = accounts[sub]
            balances[kind] = balances.get(kind, 0) + (credit or 0) - (debit or 0)
        deposits = withdrawals = 0
        for source, debit, credit in (
            lines.filter(date__range=(start, end))
            .values("entry__source_kind")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("entry__source_kind", "d", "c")
        ):
            if source == "reversal":  # a correction lowers what it corrects
                deposits -= debit or 0
                withdrawals -= credit or 0
            elif source != "savings.interest":
                deposits += credit or 0
                withdrawals += debit or 0
        loans = JournalLine.objects.filter(
            cooperative=cooperative,
            account__code__startswith="1-103",
            subledger_id__in=[str(p) for _pk, p in members],
            date__lte=end,
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        groups.append(
            RelatedPartyGroup(
                key=key,
                people=len(user_ids),
                members=len(members),
                balances=balances,
                deposits=deposits,
                withdrawals=withdrawals,
                loans=(loans["d"] or 0) - (loans["c"] or 0),
            )
        )
    return groups


def pokok_payment(*, member: Member) -> Txn | None:
    """The member's first simpanan pokok payment not corrected since (its journal entry is the
    member's joining in the books, printed on the back of the member card); None before it."""
    return (
        Txn.objects.filter(
            cooperative_id=member.cooperative_id,
            account__member=member,
            account__kind=Kind.POKOK,
            kind__in=(Txn.Type.DEPOSIT, Txn.Type.BILL_PAYMENT),
            corrected=False,
        )
        .select_related("entry__cooperative")
        .order_by("date", "id")
        .first()
    )
