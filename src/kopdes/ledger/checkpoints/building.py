"""Building the verifiable ledger (docs/invariants.md, principle 3): the canonical documents rebuilt from
the stored rows, the checkpoint notes, and the daily signed checkpoints. `verifying` checks them,
`proving` answers inclusion proofs.

Each cooperative's entries, in number order, are the leaves of an RFC 9162 Merkle tree; leaf i
(0-based) is entry number i + 1 and its leaf hash is SHA-256(0x00 || canonical bytes), the
canonical bytes being `chain.canonical_bytes` of the document rebuilt from the rows
(`entry_document_from_rows`). The tree's hashes are stored as tiles (checkpoints/tree.py),
extended with the new entries only when a checkpoint is signed; `ledger_verify` recomputes them
from the rows.

A checkpoint closes one cooperative's day (Asia/Jakarta): its tree covers every entry posted up to
the end of that day. It is a plain C2SP tlog-checkpoint (no extension lines), signed by the
platform's key under the name that is its origin (ADR 0005):

    kopdes.id/koperasi/<village code>
    <tree size>
    <base64 root hash>

    — kopdes.id/koperasi/<village code> <base64(key id || Ed25519 signature)>

and it has a second signed note, its summary (`summary_text`): the link to the previous summary,
the hash of the trial balance at that tree size (`balances_document`), and the entries it adds
per accounting date. Checkpoints are made only for days that have ended (a checkpoint of a
running day would miss the rest of its entries) and that added entries, one per cooperative and
day, in date order; asking for a day after missed ones catches up the missed days in the same
pass. A quiet day gets none: the checkpoint before it covers it.

A checkpoint is a system record (who: the platform; when: `created_at`) and writes no audit row,
like a journal entry. Before signing, the new tree is proved consistent with the last signed
checkpoint (RFC 9162 consistency proof, checked): a log must not sign a checkpoint inconsistent
with one it signed before (C2SP tlog-checkpoint). When the journal was altered behind the
application's back, nothing is signed, an audit row `ledger.checkpoint_refused` is left and the
cooperative shows as failing verification to its supervisors (`selectors.failing_verification`).
"""

import base64
import hashlib
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger import chain, merkle, signing
from kopdes.ledger.checkpoints import tree
from kopdes.ledger.errors import (
    CheckpointInconsistent,
    CheckpointsRefused,
    DayNotOver,
)
from kopdes.ledger.models import (
    Account,
    Checkpoint,
    JournalEntry,
    JournalLine,
    Sequence,
)

ORIGIN_PREFIX = "kopdes.id/koperasi/"
GENESIS_NOTE_HASH = bytes(32)
JOURNAL_SEQUENCE = "journal"  # services.JOURNAL_SEQUENCE; the row whose lock serialises posting
BATCH = 2000
# The encoder chain.canonical_bytes builds on each call, built once (the same options, so the
# same bytes; test_checkpoints checks the hashes).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def origin(cooperative: Cooperative) -> str:
    return ORIGIN_PREFIX + cooperative.village_id


# -- rebuilding the canonical documents from the rows ------------------------------------------


def _document(
    *,
    cooperative: str,
    number: int,
    day: date,
    memo: str,
    source_kind: str,
    source_id: str,
    reverses: int,
    posted_at_text: str,
    actor_label: str,
    prev_hash: str,
    lines: Iterable[tuple[int, str, int, int, str, str, str]],
    version: int = 1,
    secret: str = "",
) -> dict[str, Any]:
    """The canonical document of an entry, from its stored fields, in the entry's own canonical
    version (`JournalEntry.format_version`; version 2 commits to memo, actor and sub-ledger
    references under the entry's `secret`, chain.py); each line is
    (line_no, account code, debit, credit, subledger kind, subledger id, unit code)."""
    return chain.entry_document(
        cooperative=cooperative,
        number=number,
        date=day.isoformat(),
        memo=memo,
        source=f"{source_kind}:{source_id}",
        reverses=reverses,
        posted_at=posted_at_text,
        actor=actor_label,
        lines=[
            {
                "n": n,
                "account": account,
                "debit": debit,
                "credit": credit,
                "subledger": f"{kind}:{ident}" if kind else "",
                "unit": unit,
            }
            for n, account, debit, credit, kind, ident, unit in sorted(lines)
        ],
        prev=prev_hash,
        version=version,
        secret=secret,
    )


def entry_document_from_rows(entry: JournalEntry, lines: Iterable[JournalLine]) -> dict[str, Any]:
    """The document `services._post` hashed for `entry`, rebuilt from the stored rows.

    `chain.entry_hash(entry_document_from_rows(entry, entry.lines.all())) == entry.entry_hash`
    holds for every untouched entry; `ledger_verify` relies on it (and uses a faster, batched
    path over the same `_document`).
    """
    return _document(
        cooperative=entry.cooperative.village_id,
        number=entry.number,
        day=entry.date,
        memo=entry.memo,
        source_kind=entry.source_kind,
        source_id=entry.source_id,
        reverses=entry.reverses.number if entry.reverses is not None else 0,
        posted_at_text=entry.posted_at_text,
        actor_label=entry.actor_label,
        prev_hash=entry.prev_hash,
        version=entry.format_version,
        secret=entry.secret,
        lines=[
            (
                ln.line_no,
                ln.account.code,
                ln.debit,
                ln.credit,
                ln.subledger_kind,
                ln.subledger_id,
                ln.business_unit.code if ln.business_unit is not None else "",
            )
            for ln in lines
        ],
    )


@dataclass(frozen=True)
class Row:
    """One stored entry with its rebuilt canonical bytes."""

    number: int
    accounting_date: date
    posted_day: date  # local (Asia/Jakarta) date of the hashed posted_at text
    posted_at_text: str
    prev_hash: str
    entry_hash: str
    total: int
    debit: int
    credit: int
    line_count: int
    canonical: bytes
    lines: tuple[tuple[str, int, int], ...] = ()  # (account code, debit, credit)

    @property
    def leaf(self) -> bytes:
        return merkle.leaf_hash(self.canonical)


def journal_rows(
    cooperative: Cooperative, *, upto: int | None = None, after: int = 0
) -> Iterator[Row]:
    """The cooperative's entries in number order (after number `after`, up to number `upto`)
    with their canonical bytes, read in batches: two queries per BATCH entries, whatever the
    journal's size.

    The posting day comes from the hashed `posted_at_text`, not the `posted_at` column, so a
    changed column cannot move an entry to another day's checkpoint unseen."""
    local = timezone.get_current_timezone()
    encode = _ENCODER.encode
    accounts = dict(Account.objects.filter(cooperative=cooperative).values_list("pk", "code"))
    units = dict(BusinessUnit.objects.filter(cooperative=cooperative).values_list("pk", "code"))
    numbers: dict[int, int] = {}  # entry pk -> number, for "reverses" (always an earlier entry)
    entries = JournalEntry.objects.filter(cooperative=cooperative)
    if upto is not None:
        entries = entries.filter(number__lte=upto)
    fields = (
        "pk",
        "number",
        "date",
        "memo",
        "source_kind",
        "source_id",
        "reverses_id",
        "posted_at_text",
        "actor_label",
        "prev_hash",
        "entry_hash",
        "total",
        "format_version",
        "secret",
    )
    code = cooperative.village_id
    while True:
        batch = list(
            entries.filter(number__gt=after).order_by("number").values_list(*fields)[:BATCH]
        )
        if not batch:
            return
        after = batch[-1][1]
        lines: dict[int, list[list[Any]]] = defaultdict(list)
        for entry_id, *line in JournalLine.objects.filter(
            cooperative=cooperative, entry_id__in=[b[0] for b in batch]
        ).values_list(
            "entry_id",
            "line_no",
            "account_id",
            "debit",
            "credit",
            "subledger_kind",
            "subledger_id",
            "business_unit_id",
        ):
            lines[entry_id].append(line)
        for pk, number, day, memo, kind, source_id, reverses_id, *rest in batch:
            text, actor, prev_hash, entry_hash, total, version, secret = rest
            numbers[pk] = number
            if reverses_id is not None and reverses_id not in numbers:
                numbers[reverses_id] = JournalEntry.objects.values_list("number", flat=True).get(
                    pk=reverses_id
                )
            own = lines.get(pk, [])
            coded = [
                (n, accounts.get(acc, f"?{acc}"), d, c, sk, si, units.get(u, "") if u else "")
                for n, acc, d, c, sk, si, u in own
            ]
            document = _document(
                cooperative=code,
                number=number,
                day=day,
                memo=memo,
                source_kind=kind,
                source_id=source_id,
                reverses=numbers[reverses_id] if reverses_id is not None else 0,
                posted_at_text=text,
                actor_label=actor,
                prev_hash=prev_hash,
                version=version,
                secret=secret,
                lines=coded,
            )
            yield Row(
                number=number,
                accounting_date=day,
                posted_day=datetime.fromisoformat(text.removesuffix("Z"))
                .replace(tzinfo=UTC)
                .astimezone(local)
                .date(),
                posted_at_text=text,
                prev_hash=prev_hash,
                entry_hash=entry_hash,
                total=total,
                debit=sum(ln[2] for ln in own),
                credit=sum(ln[3] for ln in own),
                line_count=len(own),
                canonical=encode(document).encode("utf-8"),
                lines=tuple((ln[1], ln[2], ln[3]) for ln in coded),
            )


# -- notes -------------------------------------------------------------------------------------

SUMMARY_SUFFIX = "/ringkasan"  # the summary note's first line is the origin and this


def checkpoint_text(*, origin_line: str, tree_size: int, root: bytes) -> str:
    """The body of a checkpoint: exactly C2SP tlog-checkpoint's three lines, no extension."""
    return f"{origin_line}\n{tree_size}\n{signing.b64(root)}\n"


@dataclass(frozen=True)
class DayTotal:
    """The entries a checkpoint adds that carry one accounting date: how many, their debit."""

    day: date
    count: int
    debit: int


def summary_text(
    *,
    origin_line: str,
    tree_size: int,
    root: bytes,
    prev: bytes,
    balances: bytes,
    days: Iterable[DayTotal],
) -> str:
    """The body of a checkpoint's summary note (docs/invariants.md, principle 3):

        <origin>/ringkasan
        <tree size>
        <base64 root>
        prev <base64 SHA-256 of the previous checkpoint's summary note; 32 zero bytes first>
        balances <base64 SHA-256 of the trial balance document at this tree size>
        day <YYYY-MM-DD> <entries added with that accounting date> <their debit total>
        ...

    Its first line is not an origin any checkpoint reader accepts, so it cannot pass for one."""
    lines = [
        origin_line + SUMMARY_SUFFIX,
        str(tree_size),
        signing.b64(root),
        f"prev {signing.b64(prev)}",
        f"balances {signing.b64(balances)}",
        *(f"day {d.day.isoformat()} {d.count} {d.debit}" for d in days),
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ParsedCheckpoint:
    origin: str
    tree_size: int
    root: bytes


@dataclass(frozen=True)
class ParsedSummary:
    origin: str
    tree_size: int
    root: bytes
    prev: bytes
    balances: bytes  # b"" in a version 1 checkpoint: it committed to no trial balance
    days: tuple[DayTotal, ...]


def _head(lines: list[str]) -> tuple[str, int, bytes]:
    origin_line, size, root = lines[:3]
    if not size.isdigit():
        raise ValueError("the second line is the tree size")
    return origin_line, int(size), base64.b64decode(root, validate=True)


def parse_checkpoint_text(text: str) -> ParsedCheckpoint:
    """Read the body of a checkpoint (three lines); ValueError when it is not one."""
    lines = text.split("\n")
    if len(lines) != 4 or lines[3] != "":
        raise ValueError("a checkpoint has three lines")
    return ParsedCheckpoint(*_head(lines))


def parse_summary_text(text: str) -> ParsedSummary:
    """Read the body of a summary note; ValueError when it is not one."""
    lines = text.split("\n")
    if len(lines) < 6 or lines[-1] != "" or not lines[0].endswith(SUMMARY_SUFFIX):
        raise ValueError("a summary has an origin, a size, a root, prev, balances and days")
    origin_line, size, root = _head(lines)
    prev_word, _sep, prev = lines[3].partition(" ")
    balances_word, _sep, balances = lines[4].partition(" ")
    if prev_word != "prev" or balances_word != "balances":
        raise ValueError("the fourth and fifth lines are prev and balances")
    days = []
    for line in lines[5:-1]:
        words = line.split(" ")
        if len(words) != 4 or words[0] != "day":
            raise ValueError("the lines after balances are day lines")
        days.append(DayTotal(date.fromisoformat(words[1]), int(words[2]), int(words[3])))
    return ParsedSummary(
        origin=origin_line.removesuffix(SUMMARY_SUFFIX),
        tree_size=size,
        root=root,
        prev=base64.b64decode(prev, validate=True),
        balances=base64.b64decode(balances, validate=True),
        days=tuple(days),
    )


def parse_version_1_text(text: str) -> tuple[ParsedCheckpoint, ParsedSummary]:
    """Read a version 1 checkpoint (before 2026-12-01), whose extension lines `prev` and
    `totals <day> <count> <debit>` carried what the summary note carries now."""
    lines = text.split("\n")
    if len(lines) != 6 or lines[5] != "":
        raise ValueError("a version 1 checkpoint has five lines")
    origin_line, size, root = _head(lines)
    prev_word, _sep, prev = lines[3].partition(" ")
    words = lines[4].split(" ")
    if prev_word != "prev" or len(words) != 4 or words[0] != "totals":
        raise ValueError("the extension lines are prev and totals")
    total = DayTotal(date.fromisoformat(words[1]), int(words[2]), int(words[3]))
    return ParsedCheckpoint(origin_line, size, root), ParsedSummary(
        origin=origin_line,
        tree_size=size,
        root=root,
        prev=base64.b64decode(prev, validate=True),
        balances=b"",
        days=(total,),
    )


def note_hash(note: str) -> str:
    return hashlib.sha256(note.encode("utf-8")).hexdigest()


def chain_hash(checkpoint: Checkpoint | None) -> bytes:
    """What the next checkpoint's summary links to: this one's summary note (its note for a
    version 1 checkpoint), or 32 zero bytes before the first."""
    if checkpoint is None:
        return GENESIS_NOTE_HASH
    return bytes.fromhex(checkpoint.summary_hash or checkpoint.note_hash)


# -- the trial balance a checkpoint commits to ---------------------------------------------------

Balances = dict[str, dict[str, list[int]]]  # "YYYY-MM" -> account code -> [debit, credit]


def balances_add(into: Balances, rows: Iterable[Row]) -> Balances:
    """Add the lines of `rows` to `into` (by the entries' accounting month), and return it."""
    for row in rows:
        month = into.setdefault(row.accounting_date.strftime("%Y-%m"), {})
        for code, debit, credit in row.lines:
            totals = month.setdefault(code, [0, 0])
            totals[0] += debit
            totals[1] += credit
    return into


def balances_merge(into: Balances, added: Balances) -> Balances:
    for month, accounts in added.items():
        target = into.setdefault(month, {})
        for code, (debit, credit) in accounts.items():
            totals = target.setdefault(code, [0, 0])
            totals[0] += debit
            totals[1] += credit
    return into


def balances_document(*, origin_line: str, tree_size: int, balances: Balances) -> bytes:
    """The trial balance at a tree size, in canonical JSON (chain.canonical_bytes' options):

        {"v": 1, "origin": "<origin>", "size": <tree size>,
         "months": {"YYYY-MM": {"<account code>": [<debit>, <credit>], ...}, ...}}

    the debit and credit totals of every line of the first `size` entries, by the entries'
    accounting month and the account. Its SHA-256 is the summary's `balances` line, so figures
    published from a closed month can be recomputed from it and tied to a signed root."""
    return _ENCODER.encode(
        {"v": 1, "origin": origin_line, "size": tree_size, "months": balances}
    ).encode("utf-8")


def balances_at(checkpoint: Checkpoint) -> Balances:
    """The trial balance at `checkpoint`'s tree size: the totals every checkpoint up to it
    added (each stores its own)."""
    total: Balances = {}
    for added in (
        Checkpoint.objects.filter(
            cooperative_id=checkpoint.cooperative_id, date__lte=checkpoint.date
        )
        .exclude(balances="")
        .order_by("date")
        .values_list("balances", flat=True)
    ):
        balances_merge(total, json.loads(added))
    return total


# -- creating checkpoints ----------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


class Journal:
    """What one pass over a cooperative's rows tells the checkpoints: the leaf hashes, the last
    number posted by the end of each day, and what each entry carries in money. `base` is the
    number of entries before `rows` (checkpoint_create reads only the entries after the last
    checkpoint); `leaves` and `rows` hold those of `rows` only."""

    def __init__(self, rows: Iterable[Row], *, base: int = 0) -> None:
        self.base = base
        self.leaves: list[bytes] = []
        self.rows: list[Row] = []  # without their canonical bytes (the leaves hold those)
        last_of_day: dict[date, int] = {}
        for row in rows:
            self.leaves.append(row.leaf)
            self.rows.append(replace(row, canonical=b""))
            day = row.posted_day
            last_of_day[day] = max(last_of_day.get(day, 0), row.number)
        self._days = sorted(last_of_day)
        self._sizes: list[int] = []
        running = 0
        for d in self._days:
            running = max(running, last_of_day[d])
            self._sizes.append(running)

    @property
    def first_day(self) -> date | None:
        return self._days[0] if self._days else None

    def posting_days(self, *, after: date | None, upto: date) -> list[date]:
        return [d for d in self._days if (after is None or d > after) and d <= upto]

    def size_at_end_of(self, day: date) -> int:
        """The highest entry number posted by the end of `day` (entries are numbered as posted)."""
        index = bisect_right(self._days, day)
        return self._sizes[index - 1] if index else 0

    def between(self, old_size: int, new_size: int) -> list[Row]:
        """The entries a tree of `new_size` adds to one of `old_size` (those read)."""
        start = max(old_size - self.base, 0)
        return self.rows[start : max(new_size - self.base, start)]

    def roots(self, sizes: Iterable[int]) -> dict[int, bytes]:
        """Roots of trees of `sizes` over all the entries (a journal read from the first)."""
        wanted = {s for s in sizes if 0 <= s <= len(self.leaves)}
        found = {0: merkle.EMPTY_ROOT} if 0 in wanted else {}
        frontier = merkle.Frontier()
        for leaf in self.leaves:
            frontier.append(leaf)
            if frontier.size in wanted:
                found[frontier.size] = frontier.root()
        return found


@dataclass(frozen=True)
class _Planned:
    """What a checkpoint of `day` following one of `prev_size` holds."""

    day: date
    tree_size: int
    day_count: int
    day_debit_total: int
    days: tuple[DayTotal, ...]  # the added entries by accounting date
    added: Balances  # their lines, by month and account


def _planned(journal: Journal, day: date, prev_size: int) -> _Planned:
    size = max(journal.size_at_end_of(day), prev_size)
    rows = journal.between(prev_size, size)
    by_date: dict[date, list[int]] = {}
    for row in rows:
        totals = by_date.setdefault(row.accounting_date, [0, 0])
        totals[0] += 1
        totals[1] += row.total
    return _Planned(
        day=day,
        tree_size=size,
        day_count=len(rows),
        day_debit_total=sum(row.total for row in rows),
        days=tuple(DayTotal(d, c, t) for d, (c, t) in sorted(by_date.items())),
        added=balances_add({}, rows),
    )


def _plan(journal: Journal, *, after: date | None, upto: date, prev_size: int) -> list[_Planned]:
    """A checkpoint for each day after `after` up to `upto` by whose end entries were added."""
    planned = []
    for day in journal.posting_days(after=after, upto=upto):
        if journal.size_at_end_of(day) > prev_size:
            planned.append(_planned(journal, day, prev_size))
            prev_size = planned[-1].tree_size
    return planned


REFUSED = "ledger.checkpoint_refused"  # the audit action of a refused checkpoint


def checkpoint_create(*, cooperative: Cooperative, day: date) -> Checkpoint | None:
    """Sign the checkpoint closing `day` for `cooperative` (idempotent per cooperative and date).

    Every day since the last checkpoint by whose end entries were posted gets its checkpoint,
    reading only the entries they add (the signed ones are in the stored tree); a day that added
    nothing gets none (the checkpoint before it covers it). Returns the checkpoint covering `day`:
    the one of that day, or the last one before it; None when nothing was posted by its end. A
    checkpoint's summary totals are those of the entries it adds, by accounting date. Raises
    DayNotOver for today or later, CheckpointInconsistent (after leaving its audit row) when the
    stored tree no longer extends the last signed checkpoint.
    """
    try:
        return _checkpoint_create(cooperative=cooperative, day=day)
    except CheckpointInconsistent as refused:
        audit_record(
            actor=None,
            action=REFUSED,
            object_type="ledger.checkpoint",
            cooperative_id=cooperative.pk,
            after={"day": day.isoformat(), **refused.params},
            reason=str(refused.render()),
        )
        raise


def _covering(cooperative: Cooperative, day: date) -> Checkpoint | None:
    return (
        Checkpoint.objects.filter(cooperative=cooperative, date__lte=day).order_by("-date").first()
    )


def _balances_through(cooperative: Cooperative, size: int) -> Balances:
    """The trial balance of the first `size` entries, summed by the database: for a cooperative
    whose last checkpoint (version 1) stored none."""
    balances: Balances = {}
    for year, month, code, debit, credit in (
        JournalLine.objects.filter(cooperative=cooperative, entry__number__lte=size)
        .annotate(y=ExtractYear("entry__date"), m=ExtractMonth("entry__date"))
        .values_list("y", "m", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    ):
        balances.setdefault(f"{year:04d}-{month:02d}", {})[code] = [debit or 0, credit or 0]
    return balances


@transaction.atomic
def _checkpoint_create(*, cooperative: Cooperative, day: date) -> Checkpoint | None:
    if day >= timezone.localdate():
        raise DayNotOver(day=day.isoformat())
    # Lock the journal sequence as posting does: entries numbered before midnight have committed
    # once we hold it, so the tree holds every entry posted by the end of the day.
    Sequence.objects.select_for_update().filter(
        cooperative=cooperative, name=JOURNAL_SEQUENCE
    ).first()
    last = Checkpoint.objects.filter(cooperative=cooperative).order_by("-date").first()
    if last is not None and last.date >= day:
        return _covering(cooperative, day)
    upto = JournalEntry.objects.filter(
        cooperative=cooperative, posted_at__lt=_end_of(day)
    ).aggregate(n=Max("number"))["n"]
    # Only the entries the new checkpoints add are read: the signed ones are in the stored tree.
    base = last.tree_size if last is not None else 0
    journal = Journal(
        journal_rows(cooperative, after=base, upto=upto) if upto and upto > base else [],
        base=base,
    )
    if last is not None and (upto or 0) < last.tree_size:  # entries were removed
        raise CheckpointInconsistent(last=last.date.isoformat(), size=last.tree_size)
    planned = _plan(journal, after=last.date if last else None, upto=day, prev_size=base)
    if not planned:
        return last
    roots = tree.checkpoint_roots(
        cooperative=cooperative,
        last=last,
        leaves=journal.leaves,
        sizes=[p.tree_size for p in planned],
    )
    origin_line = origin(cooperative)
    key = signing.log_key(origin_line)
    if last is None:
        balances: Balances = {}
    elif last.version == Checkpoint.Version.SUMMARY_NOTE:
        balances = balances_at(last)
    else:
        balances = _balances_through(cooperative, last.tree_size)
    previous = last
    for p in planned:
        balances_merge(balances, p.added)
        document = balances_document(
            origin_line=origin_line, tree_size=p.tree_size, balances=balances
        )
        note = signing.sign_note(
            checkpoint_text(
                origin_line=origin_line, tree_size=p.tree_size, root=roots[p.tree_size]
            ),
            key,
        )
        summary = signing.sign_note(
            summary_text(
                origin_line=origin_line,
                tree_size=p.tree_size,
                root=roots[p.tree_size],
                prev=chain_hash(previous),
                balances=hashlib.sha256(document).digest(),
                days=p.days,
            ),
            key,
        )
        previous = Checkpoint.objects.create(
            cooperative=cooperative,
            date=p.day,
            tree_size=p.tree_size,
            root_hash=roots[p.tree_size].hex(),
            previous=previous,
            day_count=p.day_count,
            day_debit_total=p.day_debit_total,
            note=note,
            note_hash=note_hash(note),
            key_id=key.key_id.hex(),
            version=Checkpoint.Version.SUMMARY_NOTE,
            summary=summary,
            summary_hash=note_hash(summary),
            balances=_ENCODER.encode(p.added),
            balances_hash=hashlib.sha256(document).hexdigest(),
        )
    return previous


def checkpoints_close_day(*, day: date) -> list[Checkpoint]:
    """Checkpoint `day` for every cooperative that has posted anything by its end (catching up
    missed days); the list holds the checkpoints of `day` (cooperatives that posted nothing that
    day are covered by their last one). Each cooperative commits on its own, so one failure does not hold up the rest:
    a cooperative whose journal no longer matches its last checkpoint is refused (and audited) and
    the others are signed; then CheckpointsRefused names the refused ones."""
    posted = JournalEntry.objects.filter(posted_at__lt=_end_of(day)).values("cooperative_id")
    made, refused = [], []
    for cooperative in Cooperative.objects.filter(pk__in=posted).select_related("village"):
        try:
            checkpoint = checkpoint_create(cooperative=cooperative, day=day)
        except CheckpointInconsistent:
            refused.append(f"{cooperative.name} ({cooperative.village_id})")
            continue
        if checkpoint is not None and checkpoint.date == day:
            made.append(checkpoint)
    if refused:
        raise CheckpointsRefused(cooperatives=", ".join(refused), made=len(made))
    return made
