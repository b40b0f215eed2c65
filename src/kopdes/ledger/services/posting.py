"""The posting hot path: `journal_entry_post` (and its bulk form for month-end runs), `post_event`
through the posting rules, and `journal_entry_reverse` for corrections.

Every entry: balanced, positive whole-rupiah lines on exactly one side, accounts of the same
cooperative that are open and not headers, dated in an open period, numbered without gaps under
a row lock on the cooperative's journal sequence, hash-chained to the entry before it, and added
to the monthly snapshots in the same transaction. The journal row itself records who, when and
from what (actor, posted_at, source), so postings write no separate audit row.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import actors, bulk, clock, idempotency
from kopdes.core.actors import Actor
from kopdes.core.idempotency import request_fingerprint
from kopdes.core.money import AMOUNT_MAX, group_thousands
from kopdes.ledger import chain, rules
from kopdes.ledger.errors import (
    AccountNotPostable,
    AlreadyReversed,
    AmountTooLarge,
    InvalidLine,
    InvalidMemo,
    NoPostingRule,
    PeriodClosed,
    ReversalBeforeEntry,
    SubledgerEntry,
    SubledgerMismatch,
    UnbalancedEntry,
    UnknownAccount,
    UnknownUnit,
)
from kopdes.ledger.models import (
    Account,
    AccountMonth,
    JournalEntry,
    JournalLine,
    PostingRule,
    Sequence,
)

JOURNAL_SEQUENCE = "journal"
FORMAT_VERSION = chain.FORMAT_VERSION  # every entry is posted in the current canonical form
new_secret = chain.new_secret


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
    if debit > AMOUNT_MAX:  # every line is at most its side's total
        raise AmountTooLarge(limit=group_thousands(AMOUNT_MAX))
    if not draft.memo.strip() or len(draft.memo) > 300:
        raise InvalidMemo(fields={"memo": [_("Describe the entry in at most 300 characters.")]})
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
        raise UnknownUnit(
            codes=", ".join(sorted(codes - set(units))),
            fields={
                "unit": [
                    _("Unknown business unit %(codes)s.")
                    % {"codes": ", ".join(sorted(codes - set(units)))}
                ]
            },
        )
    return units


def _posted_at_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _add_to_snapshots(
    cooperative_id: int, movements: dict[tuple[int, int, int], list[int]]
) -> None:
    """Add (account, year, month) -> [debit, credit] to the monthly snapshots: one upsert."""
    if not movements:
        return
    table = AccountMonth._meta.db_table
    new_uuid = bulk.adapters().uuid
    bulk.insert(
        AccountMonth,
        [
            (new_uuid(), cooperative_id, account_id, year, month, debit, credit)
            for (account_id, year, month), (debit, credit) in sorted(movements.items())
        ],
        names=_SNAPSHOT_COLUMNS,
        on_conflict="ON CONFLICT (cooperative_id, account_id, year, month) DO UPDATE SET "
        f"debit = {table}.debit + excluded.debit, credit = {table}.credit + excluded.credit",
    )


# The columns of the rows posting builds, in the order it builds them; core.bulk.insert checks
# each list against its model (test_posting also ties them to the models' fields).
_SNAPSHOT_COLUMNS = (
    "public_id",
    "cooperative_id",
    "account_id",
    "year",
    "month",
    "debit",
    "credit",
)
_LINE_COLUMNS = (
    "public_id",
    "cooperative_id",
    "entry_id",
    "line_no",
    "account_id",
    "debit",
    "credit",
    "subledger_kind",
    "subledger_id",
    "business_unit_id",
    "date",
)


def _insert_rows(
    cooperative_id: int, entries: list[JournalEntry], line_rows: list[tuple[int, list[tuple]]]
) -> None:
    """Insert the entries and their lines through core.bulk: Django's bulk_create spends most of
    a posting run compiling SQL and building model instances. Sets each entry's pk."""
    if not entries:
        return
    adapt = bulk.adapters()
    as_row = bulk.row_maker(JournalEntry)
    rows = [as_row(e) for e in entries]
    bulk.insert(JournalEntry, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number, id FROM {JournalEntry._meta.db_table} "  # noqa: S608
            "WHERE cooperative_id = %s AND number BETWEEN %s AND %s",
            [cooperative_id, entries[0].number, entries[-1].number],
        )
        ids = dict(cursor.fetchall())
    params = []
    for index, lines in line_rows:
        entry = entries[index]
        entry.pk = ids[entry.number]
        entry._state.adding = False
        entry._state.db = connection.alias
        day = adapt.date(entry.date)
        for line_no, account_id, debit, credit, kind, sub_id, unit_id in lines:
            params.append(
                (
                    adapt.uuid(),
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
    bulk.insert(JournalLine, params, names=_LINE_COLUMNS)


@functools.cache
def _entry_attnames() -> tuple[str, ...]:
    return tuple(field.attname for field in JournalEntry._meta.concrete_fields)


def _post(
    *,
    cooperative: Cooperative,
    drafts: Seq[EntryDraft],
    actor: Actor,
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
    now = clock.posting_now()  # the real time; see core.clock for the demo's exceptions
    posted_text = _posted_at_text(now)
    actor_label = actors.actor_label(actor)
    actor_id = actors.actor_id(actor)
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
        secret = new_secret()
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
            version=FORMAT_VERSION,
            secret=secret,
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
            "format_version": FORMAT_VERSION,
            "secret": secret,
        }
        # Positional construction: a month-end run builds thousands of these, and the keyword
        # path of Model.__init__ was a quarter of the bulk posting time.
        entry = JournalEntry(*[values[name] for name in _entry_attnames()])  # type: ignore[misc]  # positional, as Model.__init__ allows
        cache_cooperative(entry, cooperative)
        entries.append(entry)
        line_rows.append((len(entries) - 1, lines))
        prev = digest
    _insert_rows(cooperative.pk, entries, line_rows)
    # Raw, like the locked read above: the ORM's query compilation cost more than the update on
    # the per-entry path (bench/bench_ledger.py; docs/adr/0003-posting-hot-path.md).
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
    actor: Actor = None,
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
    *, cooperative: Cooperative, drafts: Seq[EntryDraft], actor: Actor = None
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
    actor: Actor,
    memo: str = "",
    idempotency_key: str | None = None,
    subledger: str = "",
) -> JournalEntry:
    """Correct a posted entry with its mirror image, dated in an open period, on or after the
    entry's own date.

    An entry whose lines carry a sub-ledger reference (`JournalLine.subledger_kind`, e.g. a
    savings deposit) is the GL half of a member's movement: reversing it alone would leave the
    member's account out of step with the GL. So the GL-only correction (the journal page, no
    `subledger`) refuses it with SubledgerEntry; the owning sub-ledger's own correction service,
    which also corrects the member's account in the same transaction, passes its kind:

        journal_entry_reverse(entry=..., date=..., actor=..., memo=..., idempotency_key=...,
                              subledger="savings")

    `subledger` must be the kind on every sub-ledger line of the entry (SubledgerMismatch
    otherwise, also for an entry with no sub-ledger lines). Raises AlreadyReversed,
    ReversalBeforeEntry, PeriodClosed and the checks of `journal_entry_post`.
    """
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.reversals.exists():
        raise AlreadyReversed(number=str(entry))
    if entry.reverses_id is not None:
        raise AlreadyReversed(number=str(entry))
    if date < entry.date:
        raise ReversalBeforeEntry(date=entry.date.isoformat())
    kinds = set(
        entry.lines.exclude(subledger_kind="").values_list("subledger_kind", flat=True).distinct()
    )
    if kinds and not subledger:
        raise SubledgerEntry(number=str(entry), kind=", ".join(sorted(kinds)))
    if subledger and kinds != {subledger}:
        raise SubledgerMismatch(number=str(entry), kind=subledger)
    lines = [
        Line(
            account=ln.account.code,
            debit=ln.credit,
            credit=ln.debit,
            subledger_kind=ln.subledger_kind,
            subledger_id=ln.subledger_id,
            unit=ln.business_unit.code if ln.business_unit is not None else "",
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
    actor: Actor = None,
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
