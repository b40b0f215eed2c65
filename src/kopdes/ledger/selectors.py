"""Reads of one cooperative's books: chart with balances, journal, periods, manual journals,
posting rules and the reopen history.

Every function takes the cooperative first and filters by it before anything else; who may see
which cooperative is decided in accounts.access. Balances come from the monthly snapshots
(AccountMonth), never from a scan of the journal (docs/invariants.md, principle 9).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.core.models import AuditEvent
from kopdes.core.months import month_end, months_between, next_month, previous_month
from kopdes.ledger import chain, merkle
from kopdes.ledger.chain import Opening
from kopdes.ledger.checkpoints.building import REFUSED as CHECKPOINT_REFUSED
from kopdes.ledger.checkpoints.building import entry_document_from_rows
from kopdes.ledger.checkpoints.verifying import VERIFY_FAILED, VERIFY_PASSED
from kopdes.ledger.models import (
    YEAR_END_SOURCE,
    Account,
    AccountMonth,
    Checkpoint,
    JournalEntry,
    JournalLine,
    ManualJournal,
    Period,
    PostingRule,
    Sequence,
)
from kopdes.ledger.services.posting import JOURNAL_SEQUENCE

REOPEN_ACTION = "ledger.period_reopen"
KAS_HEADER = "1-101"  # the cash accounts (one per business unit) sit under it


# -- chart of accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One account of the chart in tree order. `balance` is on the account's normal side
    (a debit-normal account with more debits than credits is positive); a header's figures
    include every account below it."""

    account: Account
    depth: int
    debit: int
    credit: int
    balance: int
    has_children: bool


def accounts(*, cooperative: Cooperative) -> QuerySet[Account]:
    return Account.objects.filter(cooperative=cooperative).order_by("code")


def cash_on_hand(*, cooperative: Cooperative) -> int:
    """The balance of the kas accounts (the cash accounts under the Kas header, not the bank),
    from the monthly snapshots."""
    totals = AccountMonth.objects.filter(
        cooperative=cooperative, account__is_cash=True, account__parent__code=KAS_HEADER
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def account_balances(
    *,
    cooperative: Cooperative,
    codes: Iterable[str] | None = None,
    kind: str | None = None,
    on: date | None = None,
) -> dict[str, int]:
    """Debit minus credit per postable account code (those in `codes`, or of `kind`), through
    `on` (everything posted by default): the one reader of account balances outside the
    statements. Whole months come from the monthly snapshots (AccountMonth), the days of `on`'s
    month up to `on` from the journal lines (the (cooperative, account, date) index), so the cost
    is months x accounts, never a scan of the journal. Accounts with no posting are absent."""
    chosen = Account.objects.filter(cooperative=cooperative, is_header=False)
    if codes is not None:
        chosen = chosen.filter(code__in=list(codes))
    if kind is not None:
        chosen = chosen.filter(kind=kind)
    names = dict(chosen.values_list("pk", "code"))
    snapshots = AccountMonth.objects.filter(cooperative=cooperative, account_id__in=list(names))
    lines = JournalLine.objects.none()
    if on is not None and on == month_end(on.year, on.month):
        snapshots = snapshots.filter(Q(year__lt=on.year) | Q(year=on.year, month__lte=on.month))
    elif on is not None:
        snapshots = snapshots.filter(Q(year__lt=on.year) | Q(year=on.year, month__lt=on.month))
        lines = JournalLine.objects.filter(
            cooperative=cooperative,
            account_id__in=list(names),
            date__gte=on.replace(day=1),
            date__lte=on,
        )
    totals: dict[str, int] = {}
    for rows in (snapshots, lines):
        for account_id, debit, credit in (
            rows.values("account_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("account_id", "d", "c")
        ):
            code = names[account_id]
            totals[code] = totals.get(code, 0) + (debit or 0) - (credit or 0)
    return totals


def year_end_closings(
    *, cooperative: Cooperative, codes: Iterable[str], on: date | None = None
) -> dict[str, int]:
    """Debit minus credit per account code of the year-end closing entries through `on`: what
    closing the years moved out of the income and expense accounts into the SHU. Added back to
    `account_balances`, it gives what such an account took in over every year, not only the
    open one."""
    lines = JournalLine.objects.filter(
        cooperative=cooperative,
        account__code__in=list(codes),
        entry__source_kind=YEAR_END_SOURCE,
    )
    if on is not None:
        lines = lines.filter(date__lte=on)
    return {
        code: (debit or 0) - (credit or 0)
        for code, debit, credit in lines.values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("account__code", "d", "c")
    }


def postable_accounts(*, cooperative: Cooperative) -> QuerySet[Account]:
    """Accounts that take postings: open, not headers."""
    return accounts(cooperative=cooperative).filter(is_header=False, is_closed=False)


def header_accounts(*, cooperative: Cooperative) -> QuerySet[Account]:
    return accounts(cooperative=cooperative).filter(is_header=True, is_closed=False)


def account(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> Account:
    found = Account.objects.filter(
        cooperative=cooperative, public_id=parse_public_id(public_id)
    ).first()
    if found is None:
        raise NotFound()
    return found


def account_movements(
    *, cooperative: Cooperative, through: tuple[int, int] | None = None
) -> dict[int, tuple[int, int]]:
    """account id -> (debit, credit) summed over the monthly snapshots, up to `through` (year,
    month) inclusive when given."""
    months = AccountMonth.objects.filter(cooperative=cooperative)
    if through is not None:
        year, month = through
        months = months.filter(Q(year__lt=year) | Q(year=year, month__lte=month))
    rows = months.values("account_id").annotate(d=Sum("debit"), c=Sum("credit"))
    return {r["account_id"]: (r["d"] or 0, r["c"] or 0) for r in rows}


def account_tree(
    *, cooperative: Cooperative, through: tuple[int, int] | None = None
) -> list[AccountRow]:
    """The chart as a tree (parents before children, siblings in code order) with balances."""
    every = list(accounts(cooperative=cooperative))
    movements = account_movements(cooperative=cooperative, through=through)
    children: dict[int | None, list[Account]] = {}
    ids = {a.pk for a in every}
    for item in every:
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)

    totals: dict[int, tuple[int, int]] = {}

    def total(item: Account) -> tuple[int, int]:
        debit, credit = movements.get(item.pk, (0, 0))
        for child in children.get(item.pk, []):
            d, c = total(child)
            debit, credit = debit + d, credit + c
        totals[item.pk] = (debit, credit)
        return debit, credit

    rows: list[AccountRow] = []

    def walk(item: Account, depth: int) -> None:
        debit, credit = totals[item.pk]
        rows.append(
            AccountRow(
                account=item,
                depth=depth,
                debit=debit,
                credit=credit,
                balance=debit - credit if item.debit_normal else credit - debit,
                has_children=bool(children.get(item.pk)),
            )
        )
        for child in children.get(item.pk, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        total(root)
        walk(root, 0)
    return rows


# -- journal ----------------------------------------------------------------------------------


def journal_entries(
    *,
    cooperative: Cooperative,
    date_from: date | None = None,
    date_to: date | None = None,
    source_kind: str = "",
    account_code: str = "",
    text: str = "",
) -> QuerySet[JournalEntry]:
    """Posted entries, newest first, filtered; the caller paginates.

    `account_code` matches the account and the accounts below it in the numbering (1-101 also
    finds 1-101-01).
    """
    entries = JournalEntry.objects.filter(cooperative=cooperative)
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if source_kind:
        entries = entries.filter(source_kind=source_kind)
    if account_code:
        lines = JournalLine.objects.filter(cooperative=cooperative).filter(
            Q(account__code=account_code) | Q(account__code__startswith=account_code + "-")
        )
        entries = entries.filter(pk__in=lines.values("entry_id"))
    if text:
        entries = entries.filter(memo__icontains=text)
    return entries.order_by("-number")


def journal_source_kinds(*, cooperative: Cooperative) -> list[str]:
    """The sources that have posted in this cooperative, for the journal filter."""
    return sorted(
        JournalEntry.objects.filter(cooperative=cooperative)
        .values_list("source_kind", flat=True)
        .distinct()
    )


def journal_entry(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> JournalEntry:
    """One entry of the cooperative with its lines (accounts and units loaded), or NotFound."""
    entry = (
        JournalEntry.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("reverses")
        .first()
    )
    if entry is None:
        raise NotFound()
    # Attached for the entry page (template reads entry.line_rows / entry.reversed_by).
    entry.line_rows = list(  # type: ignore[attr-defined]
        JournalLine.objects.filter(cooperative=cooperative, entry=entry)
        .select_related("account", "business_unit")
        .order_by("line_no")
    )
    entry.reversed_by = JournalEntry.objects.filter(  # type: ignore[attr-defined]
        cooperative=cooperative, reverses=entry
    ).first()
    return entry


# -- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    year: int
    month: int
    status: str
    closed_at: object = None
    closed_by_label: str = ""
    reopen_count: int = 0

    @property
    def is_closed(self) -> bool:
        return self.status == Period.Status.CLOSED

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def has_ended(self) -> bool:
        today = timezone.localdate()
        return (self.year, self.month) < (today.year, today.month)


def closed_through(*, cooperative: Cooperative) -> date | None:
    """The last day of the cooperative's last closed month; None while no month is closed."""
    return (
        Sequence.objects.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE)
        .values_list("closed_through", flat=True)
        .first()
    )


def last_closed_period(*, cooperative: Cooperative) -> tuple[Period | None, int]:
    """The cooperative's last closed month (with when it was closed) and how many are closed."""
    closed = Period.objects.filter(cooperative=cooperative, status=Period.Status.CLOSED)
    return closed.order_by("-year", "-month").first(), closed.count()


def periods(*, cooperative: Cooperative, year: int) -> list[PeriodRow]:
    """The twelve months of `year`; a month with no Period row is open."""
    known = {p.month: p for p in Period.objects.filter(cooperative=cooperative, year=year)}
    rows = []
    for month in range(1, 13):
        period = known.get(month)
        if period is None:
            rows.append(PeriodRow(year=year, month=month, status=Period.Status.OPEN))
        else:
            rows.append(
                PeriodRow(
                    year=year,
                    month=month,
                    status=period.status,
                    closed_at=period.closed_at,
                    closed_by_label=period.closed_by_label,
                    reopen_count=period.reopen_count,
                )
            )
    return rows


def months_to_close(*, cooperative: Cooperative, today: date) -> list[tuple[int, int]]:
    """Ended months not closed yet, oldest first: after the last closed month, or from the month
    of the first entry when none is closed (a cooperative without entries has none)."""
    through = (
        Sequence.objects.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE)
        .values_list("closed_through", flat=True)
        .first()
    )
    if through is not None:
        first = next_month(through.year, through.month)
    else:
        start = (
            JournalEntry.objects.filter(cooperative=cooperative)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        if start is None:
            return []
        first = (start.year, start.month)
    return months_between(first, previous_month(today.year, today.month))


def reopen_history(*, cooperative: Cooperative) -> QuerySet[AuditEvent]:
    """Every reopening of a closed month, newest first: who, when, why (shown to supervisors)."""
    return AuditEvent.objects.filter(cooperative_id=cooperative.pk, action=REOPEN_ACTION).order_by(
        "-at", "-id"
    )


# -- manual journals --------------------------------------------------------------------------


def manual_journals(*, cooperative: Cooperative, pending: bool) -> QuerySet[ManualJournal]:
    """Pending journals (oldest first, the checker's queue) or decided ones (newest first)."""
    journals = ManualJournal.objects.filter(cooperative=cooperative).select_related("entry")
    if pending:
        return journals.filter(status=ManualJournal.Status.PENDING).order_by("created_at", "pk")
    return journals.exclude(status=ManualJournal.Status.PENDING).order_by("-decided_at", "-pk")


def pending_manual_journal_count(*, cooperative: Cooperative) -> int:
    return ManualJournal.objects.filter(
        cooperative=cooperative, status=ManualJournal.Status.PENDING
    ).count()


def manual_journal(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> ManualJournal:
    found = ManualJournal.objects.filter(
        cooperative=cooperative, public_id=parse_public_id(public_id)
    ).first()
    if found is None:
        raise NotFound()
    return found


# -- posting rules ----------------------------------------------------------------------------


def posting_rules_in_force(
    *, cooperative: Cooperative, on: date | None = None
) -> list[PostingRule]:
    """For each event and key, the version in force on `on` (today by default): the highest
    version effective by then. Ordered by event, key."""
    on = on or timezone.localdate()
    rules = PostingRule.objects.filter(cooperative=cooperative, effective_from__lte=on).order_by(
        "event", "key", "-version"
    )
    in_force: dict[tuple[str, str], PostingRule] = {}
    for rule in rules:
        in_force.setdefault((rule.event, rule.key), rule)
    return list(in_force.values())


def posting_rule_history(
    *, cooperative: Cooperative, event: str = "", key: str | None = None
) -> QuerySet[PostingRule]:
    """Every version of the cooperative's rules (or of one event / key), newest version first."""
    rules = PostingRule.objects.filter(cooperative=cooperative)
    if event:
        rules = rules.filter(event=event)
    if key is not None:
        rules = rules.filter(key=key)
    return rules.order_by("event", "key", "-version")


def posting_rule_events(*, cooperative: Cooperative) -> list[str]:
    return sorted(
        PostingRule.objects.filter(cooperative=cooperative)
        .values_list("event", flat=True)
        .distinct()
    )


# -- verification status ------------------------------------------------------------------------


def failing_verification(*, cooperative_ids: Iterable[int]) -> set[int]:
    """The cooperatives among `cooperative_ids` whose ledger is known not to verify:

    - the last `kopdes ledger verify` found a problem (audit row `ledger.verify_failed`) and no
      later run passed (`ledger.verify_passed`); or
    - their last checkpoint attempt was refused because the journal no longer extends a
      checkpoint signed before (`ledger.checkpoint_refused`), and nothing was signed or verified
      since.

    Two queries."""
    ids = list(cooperative_ids)
    last: dict[tuple[int, str], datetime] = {
        (pk, action): at
        for pk, action, at in AuditEvent.objects.filter(
            action__in=[CHECKPOINT_REFUSED, VERIFY_FAILED, VERIFY_PASSED], cooperative_id__in=ids
        )
        .values_list("cooperative_id", "action")
        .annotate(last=Max("at"))
        .values_list("cooperative_id", "action", "last")
        if pk is not None
    }
    if not last:
        return set()
    failing = set()
    refused = {pk for pk, action in last if action == CHECKPOINT_REFUSED}
    signed: dict[int, datetime] = dict(
        Checkpoint.objects.filter(cooperative_id__in=refused)
        .values_list("cooperative_id")
        .annotate(last=Max("created_at"))
        .values_list("cooperative_id", "last")
    )
    never = datetime.min.replace(tzinfo=UTC)
    for pk in {pk for pk, _action in last}:
        passed = last.get((pk, VERIFY_PASSED), never)
        if last.get((pk, VERIFY_FAILED), never) > passed:
            failing.add(pk)
        refusal = last.get((pk, CHECKPOINT_REFUSED))
        if refusal is not None and refusal > max(passed, signed.get(pk, never)):
            failing.add(pk)
    return failing


# -- proofs: openings and leaf hashes ---------------------------------------------------------


def entry_openings(entry: JournalEntry, *, refs: Iterable[str] | None = None) -> list[Opening]:
    """The openings of a version 2 entry's committed fields (ledger/chain.py): all of them
    (memo, actor, source id, every sub-ledger reference) when `refs` is None, otherwise only the
    lines whose "kind:id" sub-ledger reference is in `refs` (what a member may see: their own
    lines; never the memo, the officer's name or the source). A version 1 entry has nothing committed: no openings."""
    if entry.format_version != 2:
        return []
    lines = [
        (n, f"{kind}:{ident}")
        for n, kind, ident in JournalLine.objects.filter(entry=entry)
        .exclude(subledger_kind="")
        .order_by("line_no")
        .values_list("line_no", "subledger_kind", "subledger_id")
    ]
    every = chain.openings(
        secret=entry.secret,
        memo=entry.memo,
        actor=entry.actor_label,
        source_id=entry.source_id,
        lines=lines,
    )
    if refs is None:
        return every
    mine = {chain.subledger_label(n) for n, ref in lines if ref in set(refs)}
    return [o for o in every if o.field in mine]


def leaf_hashes(entries: Iterable[JournalEntry]) -> dict[int, bytes]:
    """The RFC 9162 leaf hash of each of `entries` (by pk), rebuilt from its stored rows: what a
    member's receipt or history shows to find the entry in the published tree."""
    wanted = {e.pk: e for e in entries}
    if not wanted:
        return {}
    rows = (
        JournalEntry.objects.filter(pk__in=wanted)
        .select_related("cooperative", "reverses")
        .prefetch_related("lines__account", "lines__business_unit")
    )
    return {
        e.pk: merkle.leaf_hash(chain.canonical_bytes(entry_document_from_rows(e, e.lines.all())))
        for e in rows
    }
