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
the end of that day, and it is a C2SP signed note in the tlog-checkpoint form:

    kopdes.id/koperasi/<village code>
    <tree size>
    <base64 root hash>
    prev <base64 SHA-256 of the previous checkpoint's signed note; 32 zero bytes for the first>
    totals <YYYY-MM-DD> <entries posted that day> <their debit total in rupiah>

    — kopdes.id/ledger <base64(key id || Ed25519 signature)>

Checkpoints are made only for days that have ended (a checkpoint of a running day would
miss the rest of its entries), one per cooperative and day, in date order; asking for a day
after missed ones catches up the missed days in the same pass. Days without entries still get a
checkpoint (tree unchanged, totals 0), so the published chain has no holes.

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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger import chain, merkle, signing
from kopdes.ledger.checkpoints import tree
from kopdes.ledger.errors import (
    CheckpointInconsistent,
    CheckpointOutOfOrder,
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
) -> dict[str, Any]:
    """The canonical document of an entry, from its stored fields; each line is
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
    posted_day: date  # local (Asia/Jakarta) date of the hashed posted_at text
    posted_at_text: str
    prev_hash: str
    entry_hash: str
    total: int
    debit: int
    credit: int
    line_count: int
    canonical: bytes

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
            text, actor, prev_hash, entry_hash, total = rest
            numbers[pk] = number
            if reverses_id is not None and reverses_id not in numbers:
                numbers[reverses_id] = JournalEntry.objects.values_list("number", flat=True).get(
                    pk=reverses_id
                )
            own = lines.get(pk, [])
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
                lines=[
                    (n, accounts.get(acc, f"?{acc}"), d, c, sk, si, units.get(u, "") if u else "")
                    for n, acc, d, c, sk, si, u in own
                ],
            )
            yield Row(
                number=number,
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
            )


# -- notes -------------------------------------------------------------------------------------


def checkpoint_text(
    *,
    origin_line: str,
    tree_size: int,
    root: bytes,
    prev_note_hash: bytes,
    day: date,
    day_count: int,
    day_debit_total: int,
) -> str:
    return (
        f"{origin_line}\n{tree_size}\n{signing.b64(root)}\n"
        f"prev {signing.b64(prev_note_hash)}\n"
        f"totals {day.isoformat()} {day_count} {day_debit_total}\n"
    )


@dataclass(frozen=True)
class ParsedCheckpoint:
    origin: str
    tree_size: int
    root: bytes
    prev_note_hash: bytes
    day: date
    day_count: int
    day_debit_total: int


def parse_checkpoint_text(text: str) -> ParsedCheckpoint:
    """Read the body of one of our checkpoints; ValueError when it is not in that form."""
    lines = text.split("\n")
    if len(lines) != 6 or lines[5] != "":
        raise ValueError("a checkpoint has five lines")
    origin_line, size, root, prev, totals = lines[:5]
    prev_word, _sep, prev_value = prev.partition(" ")
    words = totals.split(" ")
    if prev_word != "prev" or len(words) != 4 or words[0] != "totals":
        raise ValueError("the extension lines are prev and totals")
    return ParsedCheckpoint(
        origin=origin_line,
        tree_size=int(size),
        root=base64.b64decode(root, validate=True),
        prev_note_hash=base64.b64decode(prev_value, validate=True),
        day=date.fromisoformat(words[1]),
        day_count=int(words[2]),
        day_debit_total=int(words[3]),
    )


def note_hash(note: str) -> str:
    return hashlib.sha256(note.encode("utf-8")).hexdigest()


# -- creating checkpoints ----------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


class Journal:
    """What one pass over a cooperative's rows tells the checkpoints: the leaf hashes, the last
    number posted by the end of each day, and the running debit totals. `base` is the number of
    entries before `rows` (checkpoint_create reads only the entries after the last checkpoint);
    `leaves` holds those of `rows` only."""

    def __init__(self, rows: Iterable[Row], *, base: int = 0) -> None:
        self.base = base
        self.leaves: list[bytes] = []
        self._totals = [0]  # prefix sums of entry totals, by number - base
        last_of_day: dict[date, int] = {}
        for row in rows:
            self.add(row, last_of_day)
        days = sorted(last_of_day)
        running = 0
        self._days: list[date] = days
        self._sizes: list[int] = []
        for d in days:
            running = max(running, last_of_day[d])
            self._sizes.append(running)

    def add(self, row: Row, last_of_day: dict[date, int]) -> None:
        self.leaves.append(row.leaf)
        self._totals.append(self._totals[-1] + row.total)
        day = row.posted_day
        last_of_day[day] = max(last_of_day.get(day, 0), row.number)

    @property
    def first_day(self) -> date | None:
        return self._days[0] if self._days else None

    def size_at_end_of(self, day: date) -> int:
        """The highest entry number posted by the end of `day` (entries are numbered as posted)."""
        index = bisect_right(self._days, day)
        return self._sizes[index - 1] if index else 0

    def added(self, old_size: int, new_size: int) -> tuple[int, int]:
        """Count and debit total of the entries a checkpoint adds to the previous one's tree."""
        new_size = min(new_size, self.base + len(self.leaves))
        old_size = max(min(old_size, new_size), self.base)
        return (
            new_size - old_size,
            self._totals[new_size - self.base] - self._totals[old_size - self.base],
        )

    def roots(self, sizes: Iterable[int]) -> dict[int, bytes]:
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
    day: date
    tree_size: int
    day_count: int
    day_debit_total: int


def _plan(journal: Journal, days: Iterable[date], prev_size: int) -> list[_Planned]:
    """Tree size and totals of the checkpoint of each of `days`, following one of `prev_size`."""
    planned = []
    for day in days:
        size = max(journal.size_at_end_of(day), prev_size)
        count, debit = journal.added(prev_size, size)
        planned.append(_Planned(day, size, count, debit))
        prev_size = size
    return planned


REFUSED = "ledger.checkpoint_refused"  # the audit action of a refused checkpoint


def checkpoint_create(*, cooperative: Cooperative, day: date) -> Checkpoint | None:
    """Sign the checkpoint closing `day` for `cooperative` (idempotent per cooperative and date).

    Missed days since the last checkpoint (or since the day of the first entry) are checkpointed
    first, in the same pass over the journal. Returns None when nothing was posted by the end of
    `day`. The totals are those of the entries the checkpoint adds to the previous one: the
    entries posted that day. Raises DayNotOver for today or later, CheckpointOutOfOrder for a day
    before the last checkpoint that has none, CheckpointInconsistent (after leaving its audit row)
    when the journal no longer extends the last signed checkpoint.
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


@transaction.atomic
def _checkpoint_create(*, cooperative: Cooperative, day: date) -> Checkpoint | None:
    if day >= timezone.localdate():
        raise DayNotOver(day=day.isoformat())
    # Lock the journal sequence as posting does: entries numbered before midnight have committed
    # once we hold it, so the tree holds every entry posted by the end of the day.
    Sequence.objects.select_for_update().filter(
        cooperative=cooperative, name=JOURNAL_SEQUENCE
    ).first()
    existing = Checkpoint.objects.filter(cooperative=cooperative, date=day).first()
    if existing is not None:
        return existing
    last = Checkpoint.objects.filter(cooperative=cooperative).order_by("-date").first()
    if last is not None and last.date > day:
        raise CheckpointOutOfOrder(last=last.date.isoformat(), day=day.isoformat())
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
    if last is not None:
        start = last.date + timedelta(days=1)
    elif journal.first_day is not None:
        start = journal.first_day
    else:
        return None
    days = [start + timedelta(days=i) for i in range((day - start).days + 1)]
    planned = _plan(journal, days, last.tree_size if last else 0)
    roots = tree.checkpoint_roots(
        cooperative=cooperative,
        last=last,
        leaves=journal.leaves,
        sizes=[p.tree_size for p in planned],
    )
    key = signing.platform_key()
    previous = last
    for p in planned:
        text = checkpoint_text(
            origin_line=origin(cooperative),
            tree_size=p.tree_size,
            root=roots[p.tree_size],
            prev_note_hash=bytes.fromhex(previous.note_hash) if previous else GENESIS_NOTE_HASH,
            day=p.day,
            day_count=p.day_count,
            day_debit_total=p.day_debit_total,
        )
        note = signing.sign_note(text, key)
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
        )
    return previous


def checkpoints_close_day(*, day: date) -> list[Checkpoint]:
    """Checkpoint `day` for every cooperative that has posted anything by its end (catching up
    missed days). Each cooperative commits on its own, so one failure does not hold up the rest:
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
        if checkpoint is not None:
            made.append(checkpoint)
    if refused:
        raise CheckpointsRefused(cooperatives=", ".join(refused), made=len(made))
    return made
