"""The only way money enters the books: `journal_entry_post` (and its bulk form for month-end
runs), `post_event` through the posting rules, and `journal_entry_reverse` for corrections.

Every entry: balanced, positive whole-rupiah lines on exactly one side, accounts of the same
cooperative that are open and not headers, dated in an open period, numbered without gaps under
a row lock on the cooperative's journal sequence, hash-chained to the entry before it, and added
to the monthly snapshots in the same transaction. The journal row itself records who, when and
from what (actor, posted_at, source), so postings write no separate audit row.
"""

import calendar
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock, idempotency
from kopdes.core.audit import audit_record, snapshot
from kopdes.core.errors import PermissionDenied
from kopdes.core.idempotency import request_fingerprint
from kopdes.ledger import chain, rules
from kopdes.ledger.errors import (
    AccountInUse,
    AccountNotPostable,
    AlreadyReversed,
    ApprovalRefused,
    InvalidLine,
    NoPostingRule,
    PeriodClosed,
    PeriodNotClosable,
    UnbalancedEntry,
    UnknownAccount,
)
from kopdes.ledger.models import (
    Account,
    AccountMonth,
    JournalEntry,
    JournalLine,
    ManualJournal,
    Period,
    PostingRule,
    Sequence,
)

JOURNAL_SEQUENCE = "journal"


@dataclass(frozen=True)
class Line:
    """One line of an entry to post: an account code and an amount on one side."""

    account: str
    debit: int = 0
    credit: int = 0
    subledger_kind: str = ""
    subledger_id: str = ""
    unit: str = ""  # business unit code; defaults to the account's own unit


@dataclass(frozen=True)
class EntryDraft:
    date: date
    memo: str
    lines: Seq[Line]
    source_kind: str
    source_id: str = ""
    idempotency_key: str | None = None


# -- chart of accounts -------------------------------------------------------------------------


@transaction.atomic
def chart_create(*, cooperative: Cooperative, actor: Any = None) -> int:
    """Create the template chart and default posting rules for `cooperative` (idempotent).

    Returns the number of accounts created. Run again after adding a business unit to give it
    its per-gerai accounts and rules.
    """
    existing = dict(Account.objects.filter(cooperative=cooperative).values_list("code", "pk"))
    units = list(BusinessUnit.objects.filter(cooperative=cooperative).order_by("pk"))
    specs = list(rules.FIXED_ACCOUNTS)
    numbered = [(u.code, u.kind, i + 1, u) for i, u in enumerate(units)]
    for code, kind, number, unit in numbered:
        specs += rules.unit_accounts(
            unit_code=code, unit_kind=kind, unit_name=unit.name, number=number
        )
    unit_ids = {u.code: u.pk for u in units}
    created = 0
    # One insert per level of the tree (class, group, per-gerai account): parents get their ids
    # before their children are built. Seeding 274 cooperatives made this worth it.
    for depth in range(3):
        level = [
            Account(
                cooperative=cooperative,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                contra=spec.contra,
                parent_id=existing.get(spec.parent),
                business_unit_id=unit_ids.get(spec.unit),
                is_header=spec.is_header,
                is_cash=spec.is_cash,
                cash_flow=spec.cash_flow,
                participation=spec.participation,
            )
            for spec in specs
            if spec.code.count("-") == depth and spec.code not in existing
        ]
        for account in Account.objects.bulk_create(level):
            existing[account.code] = account.pk
        created += len(level)
    if not Sequence.objects.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE).exists():
        Sequence.objects.create(
            cooperative=cooperative, name=JOURNAL_SEQUENCE, last_hash=chain.GENESIS
        )
    have = set(PostingRule.objects.filter(cooperative=cooperative).values_list("event", "key"))
    PostingRule.objects.bulk_create(
        [
            PostingRule(
                cooperative=cooperative,
                event=event,
                key=key,
                version=1,
                effective_from=date(2000, 1, 1),
                lines=lines,
                description=description,
            )
            for event, key, lines, description in rules.default_posting_rules(
                [(c, k, n) for c, k, n, _u in numbered]
            )
            if (event, key) not in have
        ]
    )
    if created:
        audit_record(
            actor=actor,
            action="ledger.chart_create",
            object_type="ledger.account",
            cooperative_id=cooperative.pk,
            after={"accounts_created": created},
        )
    return created


@transaction.atomic
def account_add(
    *,
    actor: Any,
    cooperative: Cooperative,
    code: str,
    name: str,
    parent_code: str,
    cash_flow: str = "operating",
    participation: str = "",
) -> Account:
    """Officers may add accounts under an existing header; the kind follows the parent."""
    parent = Account.objects.filter(cooperative=cooperative, code=parent_code).first()
    errors: dict[str, list[str]] = {}
    if parent is None:
        errors["parent_code"] = [_("No such parent account.")]
    if (
        not code
        or len(code) > 20
        or Account.objects.filter(cooperative=cooperative, code=code).exists()
    ):
        errors["code"] = [_("Give a new, unused account code.")]
    if parent is not None and not code.startswith(parent.code.split("-")[0]):
        errors["code"] = [_("The code must start with the parent's class digit.")]
    if not name.strip():
        errors["name"] = [_("Give the account a name.")]
    if errors:
        raise InvalidLine(fields=errors)
    account = Account.objects.create(
        cooperative=cooperative,
        code=code,
        name=name.strip(),
        kind=parent.kind,
        parent=parent,
        cash_flow=cash_flow,
        participation=participation if parent.kind == Account.Kind.INCOME else "",
    )
    audit_record(actor=actor, action="ledger.account_add", obj=account, after=snapshot(account))
    return account


@transaction.atomic
def account_close(*, actor: Any, account: Account) -> Account:
    """Closed accounts keep their history and take no new postings."""
    account.is_closed = True
    account.save(update_fields=["is_closed"])
    audit_record(actor=actor, action="ledger.account_close", obj=account)
    return account


@transaction.atomic
def account_remove(*, actor: Any, account: Account) -> None:
    """Only an account that was never used may be removed; a used one can only be closed."""
    if JournalLine.objects.filter(account=account).exists() or account.children.exists():
        raise AccountInUse(code=account.code)
    audit_record(actor=actor, action="ledger.account_remove", obj=account, before=snapshot(account))
    account.delete()


# -- posting ----------------------------------------------------------------------------------


def _request(draft: EntryDraft) -> dict:
    """What makes a keyed entry the same request (core.idempotency)."""
    return {
        "date": draft.date.isoformat(),
        "memo": draft.memo,
        "source": f"{draft.source_kind}:{draft.source_id}",
        "lines": [
            [ln.account, ln.debit, ln.credit, ln.subledger_kind, ln.subledger_id, ln.unit]
            for ln in draft.lines
        ],
    }


def _check_lines(draft: EntryDraft) -> int:
    problem = rules.line_errors([(ln.debit, ln.credit) for ln in draft.lines])
    if problem:
        raise InvalidLine(problem=problem)
    debit = sum(ln.debit for ln in draft.lines)
    credit = sum(ln.credit for ln in draft.lines)
    if debit != credit:
        raise UnbalancedEntry(debit=debit, credit=credit)
    if not draft.memo.strip() or len(draft.memo) > 300:
        raise InvalidLine(fields={"memo": [_("Describe the entry in at most 300 characters.")]})
    return debit


@dataclass(frozen=True, slots=True)
class _Postable:
    pk: int
    code: str
    unit_id: int | None
    unit_code: str


def _accounts_for(cooperative: Cooperative, drafts: Seq[EntryDraft]) -> dict[str, _Postable]:
    """The accounts the drafts name, all of this cooperative, open and not headers.

    One plain query: on the posting hot path the ORM's query compilation cost more than the
    query itself (bench/bench_ledger.py).
    """
    codes = sorted({ln.account for d in drafts for ln in d.lines})
    marks = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.code, a.is_closed, a.is_header, a.business_unit_id, u.code "  # noqa: S608
            f"FROM {Account._meta.db_table} a LEFT JOIN {BusinessUnit._meta.db_table} u "
            f"ON u.id = a.business_unit_id WHERE a.cooperative_id = %s AND a.code IN ({marks})",
            [cooperative.pk, *codes],
        )
        rows = cursor.fetchall()
    accounts: dict[str, _Postable] = {}
    for pk, code, is_closed, is_header, unit_id, unit_code in rows:
        if is_closed or is_header:
            raise AccountNotPostable(code=code)
        accounts[code] = _Postable(pk, code, unit_id, unit_code or "")
    missing = set(codes) - set(accounts)
    if missing:
        raise UnknownAccount(codes=", ".join(sorted(missing)))
    return accounts


@dataclass(slots=True)
class _JournalHead:
    """The journal sequence row as posting reads it under its lock."""

    pk: int
    last_value: int
    last_hash: str
    closed_through: date | None


def _journal_head_locked(cooperative: Cooperative) -> _JournalHead:
    """Lock the cooperative's journal sequence row (FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers) and read it, creating it on first use."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        "SELECT id, last_value, last_hash, closed_through "  # noqa: S608
        f"FROM {Sequence._meta.db_table} WHERE cooperative_id = %s AND name = %s{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cooperative.pk, JOURNAL_SEQUENCE])
        row = cursor.fetchone()
    if row is None:
        sequence = _journal_sequence(cooperative, lock=True)
        row = (sequence.pk, sequence.last_value, sequence.last_hash, sequence.closed_through)
    pk, last_value, last_hash, through = row
    if isinstance(through, str):
        through = date.fromisoformat(through)
    return _JournalHead(pk, last_value, last_hash or chain.GENESIS, through)


def _journal_sequence(cooperative: Cooperative, *, lock: bool) -> Sequence:
    rows = Sequence.objects.select_for_update() if lock else Sequence.objects
    sequence = rows.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE).first()
    if sequence is None:
        sequence, _created = Sequence.objects.select_for_update().get_or_create(
            cooperative=cooperative, name=JOURNAL_SEQUENCE, defaults={"last_hash": chain.GENESIS}
        )
    return sequence


def _refuse_closed(sequence: Sequence | _JournalHead, days: Iterable[date]) -> None:
    if sequence.closed_through is None:
        return
    earliest = min(days)
    if earliest <= sequence.closed_through:
        raise PeriodClosed(period=f"{earliest.year}-{earliest.month:02d}")


def _units_for(cooperative: Cooperative, drafts: Seq[EntryDraft]) -> dict[str, BusinessUnit]:
    codes = {ln.unit for d in drafts for ln in d.lines if ln.unit}
    if not codes:
        return {}
    units = {
        u.code: u for u in BusinessUnit.objects.filter(cooperative=cooperative, code__in=codes)
    }
    if codes - set(units):
        raise InvalidLine(
            fields={
                "unit": [
                    _("Unknown business unit %(codes)s.")
                    % {"codes": ", ".join(sorted(codes - set(units)))}
                ]
            }
        )
    return units


def _posted_at_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _add_to_snapshots(
    cooperative_id: int, movements: dict[tuple[int, int, int], list[int]]
) -> None:
    """Add (account, year, month) -> [debit, credit] to the monthly snapshots in one statement."""
    if not movements:
        return
    table = AccountMonth._meta.db_table
    sql = (
        f"INSERT INTO {table} (public_id, cooperative_id, account_id, year, month, debit, credit) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (cooperative_id, account_id, year, month) DO UPDATE SET "
        f"debit = {table}.debit + excluded.debit, credit = {table}.credit + excluded.credit"
    )
    params = [
        (
            uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(),
            cooperative_id,
            account_id,
            year,
            month,
            debit,
            credit,
        )
        for (account_id, year, month), (debit, credit) in sorted(movements.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


_ENTRY_COLUMNS = (
    "public_id, cooperative_id, number, date, memo, source_kind, source_id, idempotency_key, "
    "request_hash, reverses_id, actor_id, actor_label, posted_at, posted_at_text, prev_hash, "
    "entry_hash, total"
)
_LINE_COLUMNS = (
    "public_id, cooperative_id, entry_id, line_no, account_id, debit, credit, "
    "subledger_kind, subledger_id, business_unit_id, date"
)


def _insert_rows(
    cooperative_id: int, entries: list[JournalEntry], line_rows: list[tuple[int, list[tuple]]]
) -> None:
    """Insert the entries and their lines with plain executemany: Django's bulk_create spends
    most of a posting run compiling SQL and building model instances. Sets each entry's pk."""
    if not entries:
        return
    ops = connection.ops
    sqlite = connection.vendor == "sqlite"
    table = JournalEntry._meta.db_table
    posted_at = ops.adapt_datetimefield_value(entries[0].posted_at)  # one instant per run
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({_ENTRY_COLUMNS}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * 17)})",
            [
                (
                    e.public_id.hex if sqlite else e.public_id,
                    cooperative_id,
                    e.number,
                    ops.adapt_datefield_value(e.date),
                    e.memo,
                    e.source_kind,
                    e.source_id,
                    e.idempotency_key,
                    e.request_hash,
                    e.reverses_id,
                    e.actor_id,
                    e.actor_label,
                    posted_at,
                    e.posted_at_text,
                    e.prev_hash,
                    e.entry_hash,
                    e.total,
                )
                for e in entries
            ],
        )
        cursor.execute(
            f"SELECT number, id FROM {table} WHERE cooperative_id = %s AND number BETWEEN %s AND %s",  # noqa: S608
            [cooperative_id, entries[0].number, entries[-1].number],
        )
        ids = dict(cursor.fetchall())
        params = []
        for index, lines in line_rows:
            entry = entries[index]
            entry.pk = ids[entry.number]
            entry._state.adding = False
            entry._state.db = connection.alias
            day = ops.adapt_datefield_value(entry.date)
            for line_no, account_id, debit, credit, kind, sub_id, unit_id in lines:
                params.append(
                    (
                        uuid.uuid4().hex if sqlite else uuid.uuid4(),
                        cooperative_id,
                        entry.pk,
                        line_no,
                        account_id,
                        debit,
                        credit,
                        kind,
                        sub_id,
                        unit_id,
                        day,
                    )
                )
        cursor.executemany(
            f"INSERT INTO {JournalLine._meta.db_table} ({_LINE_COLUMNS}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * 11)})",
            params,
        )


@functools.cache
def _entry_attnames() -> tuple[str, ...]:
    return tuple(field.attname for field in JournalEntry._meta.concrete_fields)


def _post(
    *,
    cooperative: Cooperative,
    drafts: Seq[EntryDraft],
    actor: Any,
    reverses: JournalEntry | None = None,
) -> list[JournalEntry]:
    """Post `drafts` in order; the caller holds the transaction."""
    totals = [_check_lines(d) for d in drafts]
    accounts = _accounts_for(cooperative, drafts)
    units = _units_for(cooperative, drafts)
    # The sequence row lock serialises posting per cooperative: gapless numbers, one hash chain,
    # and a period check that a concurrent close cannot slip past.
    head = _journal_head_locked(cooperative)
    _refuse_closed(head, (d.date for d in drafts))
    number, prev = head.last_value, head.last_hash
    now = clock.now()  # the real time; see core.clock for the one exception
    posted_text = _posted_at_text(now)
    actor_label = str(actor) if actor is not None else "system"
    actor_id = getattr(actor, "pk", None)
    cache_cooperative = JournalEntry._meta.get_field("cooperative").set_cached_value
    entries: list[JournalEntry] = []
    line_rows: list[tuple[int, list[tuple]]] = []
    movements: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for draft, total in zip(drafts, totals, strict=True):
        number += 1
        lines: list[tuple] = []
        doc_lines = []
        for i, ln in enumerate(draft.lines, start=1):
            account = accounts[ln.account]
            unit = units.get(ln.unit) if ln.unit else None
            unit_id = unit.pk if unit else account.unit_id
            lines.append(
                (i, account.pk, ln.debit, ln.credit, ln.subledger_kind, ln.subledger_id, unit_id)
            )
            doc_lines.append(
                {
                    "n": i,
                    "account": account.code,
                    "debit": ln.debit,
                    "credit": ln.credit,
                    "subledger": f"{ln.subledger_kind}:{ln.subledger_id}"
                    if ln.subledger_kind
                    else "",
                    # The unit the line is booked to (given, or the account's own), as stored,
                    # so the document can be rebuilt from the rows (checkpoints.py).
                    "unit": unit.code if unit else account.unit_code,
                }
            )
            cell = movements[(account.pk, draft.date.year, draft.date.month)]
            cell[0] += ln.debit
            cell[1] += ln.credit
        document = chain.entry_document(
            cooperative=cooperative.village_id,
            number=number,
            date=draft.date.isoformat(),
            memo=draft.memo,
            source=f"{draft.source_kind}:{draft.source_id}",
            reverses=reverses.number if reverses else 0,
            posted_at=posted_text,
            actor=actor_label,
            lines=doc_lines,
            prev=prev,
        )
        digest = chain.entry_hash(document)
        values = {
            "id": None,
            "public_id": uuid.uuid4(),
            "cooperative_id": cooperative.pk,
            "number": number,
            "date": draft.date,
            "memo": draft.memo,
            "source_kind": draft.source_kind,
            "source_id": draft.source_id,
            "idempotency_key": draft.idempotency_key,
            # Only a keyed request can be replayed, so only its content needs a fingerprint.
            "request_hash": request_fingerprint(_request(draft)) if draft.idempotency_key else "",
            "reverses_id": reverses.pk if reverses else None,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "posted_at": now,
            "posted_at_text": posted_text,
            "prev_hash": prev,
            "entry_hash": digest,
            "total": total,
        }
        # Positional construction: a month-end run builds thousands of these, and the keyword
        # path of Model.__init__ was a quarter of the bulk posting time.
        entry = JournalEntry(*[values[name] for name in _entry_attnames()])
        cache_cooperative(entry, cooperative)
        entries.append(entry)
        line_rows.append((len(entries) - 1, lines))
        prev = digest
    _insert_rows(cooperative.pk, entries, line_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Sequence._meta.db_table} SET last_value = %s, last_hash = %s WHERE id = %s",  # noqa: S608
            [number, prev, head.pk],
        )
    _add_to_snapshots(cooperative.pk, movements)
    return entries


def journal_entry_post(
    *,
    cooperative: Cooperative,
    date: date,
    memo: str,
    lines: Seq[Line],
    source_kind: str,
    source_id: str = "",
    idempotency_key: str | None = None,
    actor: Any = None,
) -> JournalEntry:
    """Post one balanced entry. Raises InvalidLine, UnbalancedEntry, UnknownAccount (including
    another cooperative's accounts), AccountNotPostable, PeriodClosed, IdempotencyConflict.

    The same idempotency key with the same content returns the first entry.
    """
    draft = EntryDraft(
        date=date,
        memo=memo,
        lines=list(lines),
        source_kind=source_kind,
        source_id=source_id,
        idempotency_key=idempotency_key,
    )
    return idempotency.once(
        JournalEntry.objects.filter(cooperative=cooperative),
        key=idempotency_key,
        request=_request(draft),
        run=lambda _fingerprint: _post(cooperative=cooperative, drafts=[draft], actor=actor)[0],
    )


@transaction.atomic
def journal_entries_post_bulk(
    *, cooperative: Cooperative, drafts: Seq[EntryDraft], actor: Any = None
) -> list[JournalEntry]:
    """Post many entries at once (a month-end run): all or none, with the same checks as one by one.

    Drafts with an idempotency key already posted with the same content are skipped.
    """
    todo = [
        draft
        for draft, _fingerprint in idempotency.pending(
            JournalEntry.objects.filter(cooperative=cooperative),
            drafts,
            key=lambda d: d.idempotency_key,
            request=_request,
        )
    ]
    return _post(cooperative=cooperative, drafts=todo, actor=actor) if todo else []


@transaction.atomic
def journal_entry_reverse(
    *,
    entry: JournalEntry,
    date: date,
    actor: Any,
    memo: str = "",
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Correct a posted entry with its mirror image, dated in an open period. Raises AlreadyReversed."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.reversals.exists():
        raise AlreadyReversed(number=str(entry))
    if entry.reverses_id is not None:
        raise AlreadyReversed(number=str(entry))
    lines = [
        Line(
            account=ln.account.code,
            debit=ln.credit,
            credit=ln.debit,
            subledger_kind=ln.subledger_kind,
            subledger_id=ln.subledger_id,
            unit=ln.business_unit.code if ln.business_unit_id else "",
        )
        for ln in entry.lines.select_related("account", "business_unit").order_by("line_no")
    ]
    draft = EntryDraft(
        date=date,
        memo=memo or f"Pembalikan {entry}",
        lines=lines,
        source_kind="reversal",
        source_id=str(entry.public_id),
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            return _post(
                cooperative=entry.cooperative, drafts=[draft], actor=actor, reverses=entry
            )[0]
    except IntegrityError:
        raise AlreadyReversed(number=str(entry)) from None


def posting_rule_in_force(
    *, cooperative: Cooperative, event: str, key: str, on: date
) -> PostingRule:
    rule = (
        PostingRule.objects.filter(
            cooperative=cooperative, event=event, key=key, effective_from__lte=on
        )
        .order_by("-version")
        .first()
    )
    if rule is None:
        raise NoPostingRule(event=event, key=key or "*", date=on.isoformat())
    return rule


def event_lines(
    *,
    rule: PostingRule,
    amounts: dict[str, int],
    subledger_kind: str = "",
    subledger_id: str = "",
    unit: str = "",
) -> list[Line]:
    """Turn a rule and the event's named amounts into lines (zero amounts add no line)."""
    lines: list[Line] = []
    for spec in rule.lines:
        amount = amounts.get(spec["amount"], 0)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InvalidLine(
                fields={spec["amount"]: [_("Amounts are whole rupiah of zero or more.")]}
            )
        if amount == 0:
            continue
        lines.append(
            Line(
                account=spec["debit"],
                debit=amount,
                subledger_kind=subledger_kind,
                subledger_id=subledger_id,
                unit=unit,
            )
        )
        lines.append(
            Line(
                account=spec["credit"],
                credit=amount,
                subledger_kind=subledger_kind,
                subledger_id=subledger_id,
                unit=unit,
            )
        )
    return lines


def post_event(
    *,
    cooperative: Cooperative,
    event: str,
    key: str = "",
    amounts: dict[str, int],
    date: date,
    memo: str,
    source_id: str = "",
    idempotency_key: str | None = None,
    actor: Any = None,
    subledger_kind: str = "",
    subledger_id: str = "",
) -> JournalEntry:
    """Post a business event through the posting rule in force on its date: how every later
    capability (savings, loans, sales) books money."""
    rule = posting_rule_in_force(cooperative=cooperative, event=event, key=key, on=date)
    lines = event_lines(
        rule=rule, amounts=amounts, subledger_kind=subledger_kind, subledger_id=subledger_id
    )
    return journal_entry_post(
        cooperative=cooperative,
        date=date,
        memo=memo,
        lines=lines,
        source_kind=event,
        source_id=source_id,
        idempotency_key=idempotency_key,
        actor=actor,
    )


@transaction.atomic
def posting_rule_change(
    *,
    actor: Any,
    cooperative: Cooperative,
    event: str,
    key: str,
    lines: list[dict],
    effective_from: date,
    description: str = "",
) -> PostingRule:
    """A new version of a rule, effective from a date; earlier postings keep the rule they used."""
    codes = {spec.get(side) for spec in lines for side in ("debit", "credit")}
    known = set(
        Account.objects.filter(
            cooperative=cooperative, code__in=codes, is_header=False
        ).values_list("code", flat=True)
    )
    if not lines or codes - known or any(not spec.get("amount") for spec in lines):
        raise InvalidLine(
            fields={"lines": [_("Each line names an amount and two postable accounts.")]}
        )
    latest = (
        PostingRule.objects.filter(cooperative=cooperative, event=event, key=key)
        .order_by("-version")
        .first()
    )
    rule = PostingRule.objects.create(
        cooperative=cooperative,
        event=event,
        key=key,
        lines=lines,
        version=(latest.version + 1) if latest else 1,
        effective_from=effective_from,
        description=description,
    )
    audit_record(actor=actor, action="ledger.posting_rule_change", obj=rule, after=snapshot(rule))
    return rule


# -- periods ----------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def period_close(*, actor: Any, cooperative: Cooperative, year: int, month: int) -> Period:
    """Close a month: afterwards no entry may be dated in it or before it.

    Months close in order: the next one after the last closed month, or, when none is closed
    yet, the month of the first entry or any month before it. Raises PeriodNotClosable.
    """
    if not 1 <= month <= 12:
        raise PeriodNotClosable(reason=_("Months run from 1 to 12."))
    today = timezone.localdate()
    if (year, month) >= (today.year, today.month):
        raise PeriodNotClosable(reason=_("Only a month that has ended can be closed."))
    sequence = _journal_sequence(cooperative, lock=True)
    last_day = _month_end(year, month)
    through = sequence.closed_through
    if through is not None and last_day <= through:
        return Period.objects.get_or_create(
            cooperative=cooperative,
            year=year,
            month=month,
            defaults={"status": Period.Status.CLOSED},
        )[0]
    if through is not None:
        following = through + timedelta(days=1)
        if (following.year, following.month) != (year, month):
            raise PeriodNotClosable(reason=_("Close the earlier months first."))
    else:
        first_entry = (
            JournalEntry.objects.filter(cooperative=cooperative)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        if first_entry is not None and first_entry < date(year, month, 1):
            raise PeriodNotClosable(reason=_("Close the earlier months first."))
    period, _created = Period.objects.update_or_create(
        cooperative=cooperative,
        year=year,
        month=month,
        defaults={
            "status": Period.Status.CLOSED,
            "closed_at": timezone.now(),
            "closed_by_label": str(actor) if actor is not None else "system",
        },
    )
    Sequence.objects.filter(pk=sequence.pk).update(closed_through=last_day)
    audit_record(
        actor=actor, action="ledger.period_close", obj=period, after={"period": str(period)}
    )
    return period


@transaction.atomic
def period_close_through(*, actor: Any, cooperative: Cooperative, year: int, month: int) -> int:
    """Close every open month up to and including `year`-`month` at once (a catch-up after
    months without a close, and the demo), with the rules of `period_close`: only ended months,
    from the first open one on. Returns how many months it closed."""
    today = timezone.localdate()
    if not 1 <= month <= 12 or (year, month) >= (today.year, today.month):
        raise PeriodNotClosable(reason=_("Only a month that has ended can be closed."))
    sequence = _journal_sequence(cooperative, lock=True)
    if sequence.closed_through is not None:
        start = sequence.closed_through + timedelta(days=1)
    else:
        first = (
            JournalEntry.objects.filter(cooperative=cooperative)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        start = first or date(year, month, 1)
    months = []
    current = (start.year, start.month)
    while current <= (year, month):
        months.append(current)
        current = (current[0] + 1, 1) if current[1] == 12 else (current[0], current[1] + 1)
    if not months:
        return 0
    now, label = timezone.now(), str(actor) if actor is not None else "system"
    existing = set(
        Period.objects.filter(cooperative=cooperative, year__gte=months[0][0]).values_list(
            "year", "month"
        )
    )
    Period.objects.filter(
        cooperative=cooperative, status=Period.Status.OPEN, year__gte=months[0][0], year__lte=year
    ).exclude(year=months[0][0], month__lt=months[0][1]).exclude(year=year, month__gt=month).update(
        status=Period.Status.CLOSED, closed_at=now, closed_by_label=label
    )
    Period.objects.bulk_create(
        [
            Period(
                cooperative=cooperative,
                year=y,
                month=m,
                status=Period.Status.CLOSED,
                closed_at=now,
                closed_by_label=label,
            )
            for y, m in months
            if (y, m) not in existing
        ]
    )
    Sequence.objects.filter(pk=sequence.pk).update(closed_through=_month_end(year, month))
    audit_record(
        actor=actor,
        action="ledger.period_close",
        object_type="ledger.period",
        cooperative_id=cooperative.pk,
        after={"periods": [f"{y}-{m:02d}" for y, m in months]},
    )
    return len(months)


@transaction.atomic
def period_reopen(
    *,
    actor: Any,
    cooperative: Cooperative,
    year: int,
    month: int,
    reason: str,
    actor_is_ketua: bool,
) -> Period:
    """Reopen a closed month: only the ketua, only with a reason; audited and shown to supervisors.
    Later closed months reopen with it, since balances carry forward."""
    if not actor_is_ketua:
        raise PermissionDenied(_("Only the ketua may reopen a period."))
    if not reason.strip():
        raise PeriodNotClosable(reason=_("Give the reason for reopening."))
    sequence = _journal_sequence(cooperative, lock=True)
    first_day = date(year, month, 1)
    periods = list(
        Period.objects.select_for_update()
        .filter(cooperative=cooperative, status=Period.Status.CLOSED)
        .filter(year__gte=year)
        .exclude(year=year, month__lt=month)
    )
    target = next((p for p in periods if (p.year, p.month) == (year, month)), None)
    if target is None or sequence.closed_through is None or first_day > sequence.closed_through:
        raise PeriodNotClosable(reason=_("That period is not closed."))
    for period in periods:
        period.status = Period.Status.OPEN
        period.reopen_count += 1
        period.save(update_fields=["status", "reopen_count"])
    still_closed = Period.objects.filter(
        cooperative=cooperative, status=Period.Status.CLOSED
    ).exists()
    Sequence.objects.filter(pk=sequence.pk).update(
        closed_through=first_day - timedelta(days=1) if still_closed else None
    )
    audit_record(
        actor=actor,
        action="ledger.period_reopen",
        obj=target,
        reason=reason,
        after={"reopened": [str(p) for p in periods]},
    )
    return target


@transaction.atomic
def year_end_close(*, actor: Any, cooperative: Cooperative, year: int) -> JournalEntry | None:
    """Carry the year's result (income less expenses) to SHU tahun berjalan, dated 31 December,
    then close December. Income and expense accounts start the next year at zero."""
    from django.db.models import Sum

    balances = (
        AccountMonth.objects.filter(
            cooperative=cooperative,
            year=year,
            account__kind__in=[Account.Kind.INCOME, Account.Kind.EXPENSE],
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    lines: list[Line] = []
    result = 0
    for row in balances:
        net = (row["c"] or 0) - (row["d"] or 0)  # credit balance positive
        if net > 0:
            lines.append(Line(account=row["account__code"], debit=net))
        elif net < 0:
            lines.append(Line(account=row["account__code"], credit=-net))
        result += net
    entry = None
    if result > 0:
        lines.append(Line(account="3-106", credit=result))
    elif result < 0:
        lines.append(Line(account="3-106", debit=-result))
    if len(lines) >= 2:
        entry = journal_entry_post(
            cooperative=cooperative,
            date=date(year, 12, 31),
            memo=f"Penutupan tahun buku {year}: hasil ke SHU tahun berjalan",
            lines=lines,
            source_kind="year_end",
            source_id=str(year),
            idempotency_key=f"year-end-{year}",
            actor=actor,
        )
    for month in range(1, 13):
        if not Period.objects.filter(
            cooperative=cooperative, year=year, month=month, status=Period.Status.CLOSED
        ).exists():
            period_close(actor=actor, cooperative=cooperative, year=year, month=month)
    return entry


# -- manual journals (maker-checker) ---------------------------------------------------------


@transaction.atomic
def manual_journal_draft(
    *, actor: Any, cooperative: Cooperative, date: date, memo: str, lines: list[dict]
) -> ManualJournal:
    """The bendahara drafts a journal; nothing posts until a second officer approves it.
    The draft is checked now (balance, accounts, open period) so errors show at once."""
    draft_lines = [
        Line(account=ln["account"], debit=ln.get("debit", 0), credit=ln.get("credit", 0))
        for ln in lines
    ]
    draft = EntryDraft(date=date, memo=memo, lines=draft_lines, source_kind="manual")
    _check_lines(draft)
    _accounts_for(cooperative, [draft])
    _refuse_closed(_journal_sequence(cooperative, lock=False), [date])
    journal = ManualJournal.objects.create(
        cooperative=cooperative,
        date=date,
        memo=memo.strip(),
        lines=[
            {"account": ln.account, "debit": ln.debit, "credit": ln.credit} for ln in draft_lines
        ],
        maker_id=actor.pk,
        maker_label=str(actor),
    )
    audit_record(
        actor=actor,
        action="ledger.manual_journal_draft",
        obj=journal,
        after={"memo": memo, "lines": journal.lines},
    )
    return journal


@transaction.atomic
def manual_journal_decide(
    *, actor: Any, journal: ManualJournal, approve: bool, reason: str = ""
) -> ManualJournal:
    """A second officer approves (the entry posts) or rejects. The maker cannot approve their own."""
    journal = ManualJournal.objects.select_for_update().get(pk=journal.pk)
    if journal.status != ManualJournal.Status.PENDING:
        raise PeriodNotClosable(reason=_("This journal was already decided."))
    if journal.maker_id == actor.pk:
        raise ApprovalRefused()
    if approve:
        journal.entry = journal_entry_post(
            cooperative=journal.cooperative,
            date=journal.date,
            memo=journal.memo,
            lines=[
                Line(account=ln["account"], debit=ln["debit"], credit=ln["credit"])
                for ln in journal.lines
            ],
            source_kind="manual",
            source_id=str(journal.public_id),
            idempotency_key=f"manual-{journal.public_id}",
            actor=actor,
        )
    journal.status = ManualJournal.Status.POSTED if approve else ManualJournal.Status.REJECTED
    journal.checker_id, journal.checker_label = actor.pk, str(actor)
    journal.decided_at, journal.reason = timezone.now(), reason
    journal.save()
    audit_record(
        actor=actor,
        action="ledger.manual_journal_" + ("approve" if approve else "reject"),
        obj=journal,
        reason=reason,
    )
    return journal
