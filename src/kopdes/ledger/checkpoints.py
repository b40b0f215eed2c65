"""The verifiable ledger (design.md invariant 3): daily signed checkpoints, inclusion proofs, and
`ledger_verify`, which recomputes everything from the stored rows.

Each cooperative's entries, in number order, are the leaves of an RFC 9162 Merkle tree; leaf i
(0-based) is entry number i + 1 and its leaf hash is SHA-256(0x00 || canonical bytes), the
canonical bytes being `chain.canonical_bytes` of the document rebuilt from the rows
(`entry_document_from_rows`). Nothing derived is cached in the database: roots and proofs are
recomputed from the journal rows every time, so a cache can never disagree with the journal.

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
like a journal entry.
"""

import base64
import hashlib
import json
import time
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopdes.accounts.access import Capability, capabilities
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.errors import Conflict, NotFound
from kopdes.ledger import chain, merkle, signing
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


class DayNotOver(Conflict):
    code = "ledger.day_not_over"
    message = _("The day %(day)s has not ended yet; checkpoints close days that are over.")


class CheckpointOutOfOrder(Conflict):
    code = "ledger.checkpoint_out_of_order"
    message = _(
        "Checkpoints are made in date order: the last one is for %(last)s, so %(day)s cannot be added."
    )


class NotCheckpointed(Conflict):
    code = "ledger.not_checkpointed"
    message = _(
        "Entry %(number)s is not in a signed checkpoint yet; checkpoints are made after each day ends."
    )


def origin(cooperative: Cooperative) -> str:
    return ORIGIN_PREFIX + cooperative.village_id


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


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
        reverses=entry.reverses.number if entry.reverses_id else 0,
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
                ln.business_unit.code if ln.business_unit_id else "",
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


def journal_rows(cooperative: Cooperative, *, upto: int | None = None) -> Iterator[Row]:
    """The cooperative's entries in number order (up to number `upto`) with their canonical
    bytes, read in batches: two queries per BATCH entries, whatever the journal's size.

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
    after = 0
    code = cooperative.village_id
    while True:
        batch = list(
            entries.filter(number__gt=after).order_by("number").values_list(*fields)[:BATCH]
        )
        if not batch:
            return
        after = batch[-1][1]
        lines: dict[int, list[tuple]] = defaultdict(list)
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
        f"{origin_line}\n{tree_size}\n{_b64(root)}\n"
        f"prev {_b64(prev_note_hash)}\n"
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
    number posted by the end of each day, and the running debit totals."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.leaves: list[bytes] = []
        self._totals = [0]  # prefix sums of entry totals, by number
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
        new_size = min(new_size, len(self.leaves))
        old_size = min(old_size, new_size)
        return new_size - old_size, self._totals[new_size] - self._totals[old_size]

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


@transaction.atomic
def checkpoint_create(*, cooperative: Cooperative, day: date) -> Checkpoint | None:
    """Sign the checkpoint closing `day` for `cooperative` (idempotent per cooperative and date).

    Missed days since the last checkpoint (or since the day of the first entry) are checkpointed
    first, in the same pass over the journal. Returns None when nothing was posted by the end of
    `day`. The totals are those of the entries the checkpoint adds to the previous one: the
    entries posted that day. Raises DayNotOver for today or later, CheckpointOutOfOrder for a day
    before the last checkpoint that has none.
    """
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
    journal = Journal(journal_rows(cooperative, upto=upto) if upto else [])
    if journal.first_day is None:
        return None
    start = last.date + timedelta(days=1) if last else journal.first_day
    days = [start + timedelta(days=i) for i in range((day - start).days + 1)]
    planned = _plan(journal, days, last.tree_size if last else 0)
    roots = journal.roots(p.tree_size for p in planned)
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
    missed days). Each cooperative commits on its own, so one failure does not hold up the rest."""
    posted = JournalEntry.objects.filter(posted_at__lt=_end_of(day)).values("cooperative_id")
    made = []
    for cooperative in Cooperative.objects.filter(pk__in=posted).select_related("village"):
        checkpoint = checkpoint_create(cooperative=cooperative, day=day)
        if checkpoint is not None:
            made.append(checkpoint)
    return made


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    cooperative: str
    what: str
    number: int | None = None
    checkpoint: date | None = None

    def __str__(self) -> str:
        where = self.cooperative
        if self.number is not None:
            where += " " + gettext("JU-%(padded)s (entry %(number)s)") % {
                "padded": f"{self.number:06d}",
                "number": self.number,
            }
        if self.checkpoint is not None:
            where += " " + gettext("checkpoint %(day)s") % {"day": self.checkpoint.isoformat()}
        return f"{where}: {self.what}"


@dataclass
class Report:
    cooperative: str
    entries: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_PROBLEMS = 20  # per cooperative: the first one matters, the rest show how far it goes


def ledger_verify(*, cooperative: Cooperative, verifier: signing.Verifier | None = None) -> Report:
    """Recompute the cooperative's ledger from its rows and check everything that was promised:
    gapless numbers, each entry's hash over its rebuilt document, the chain of prev hashes, lines
    that balance to the total, the journal sequence, and each checkpoint (signature by the
    platform key, note fields, root recomputed from the entries, link to the previous
    checkpoint, totals). Problems come in the order found, entries before checkpoints."""
    started = time.perf_counter()
    code = cooperative.village_id
    report = Report(cooperative=code)
    problems = report.problems

    def problem(what: str, **where: Any) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(cooperative=code, what=what, **where))

    expected_number, prev = 1, chain.GENESIS
    rows = []
    for row in journal_rows(cooperative):
        rows.append(row)
        n = row.number
        if n != expected_number:
            problem(
                gettext("numbers jump from %(last)s to %(number)s: entries are missing")
                % {"last": expected_number - 1, "number": n},
                number=n,
            )
        if row.prev_hash != prev:
            problem(
                gettext("prev_hash %(stored)s… does not link to the entry before it (%(wanted)s…)")
                % {"stored": row.prev_hash[:16], "wanted": prev[:16]},
                number=n,
            )
        recomputed = hashlib.sha256(row.canonical).hexdigest()
        if recomputed != row.entry_hash:
            problem(
                gettext(
                    "the stored row no longer matches its hash (stored %(stored)s…, "
                    "recomputed %(recomputed)s…): date, memo, source, actor, accounts, amounts "
                    "or units were changed after posting"
                )
                % {"stored": row.entry_hash[:16], "recomputed": recomputed[:16]},
                number=n,
            )
        if row.line_count < 2 or row.debit != row.credit or row.total != row.debit:
            problem(
                gettext(
                    "lines do not balance to the total: %(lines)s lines, debit %(debit)s, "
                    "credit %(credit)s, total %(total)s"
                )
                % {
                    "lines": row.line_count,
                    "debit": row.debit,
                    "credit": row.credit,
                    "total": row.total,
                },
                number=n,
            )
        expected_number, prev = n + 1, row.entry_hash
    report.entries = len(rows)
    sequence = Sequence.objects.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE).first()
    if rows and (sequence is None or sequence.last_value != rows[-1].number):
        problem(
            gettext(
                "the journal sequence stands at %(sequence)s but the last entry is %(last)s: "
                "entries were deleted or added outside posting"
            )
            % {"sequence": sequence.last_value if sequence else 0, "last": rows[-1].number}
        )
    elif rows and sequence.last_hash != rows[-1].entry_hash:
        problem(gettext("the journal sequence's last hash is not the last entry's hash"))
    journal = Journal(rows)
    del rows
    _verify_checkpoints(cooperative, journal, verifier or signing.platform_key().verifier, report)
    report.seconds = time.perf_counter() - started
    return report


def _verify_checkpoints(
    cooperative: Cooperative, journal: Journal, verifier: signing.Verifier, report: Report
) -> None:
    checkpoints = list(Checkpoint.objects.filter(cooperative=cooperative).order_by("date"))
    report.checkpoints = len(checkpoints)
    roots = journal.roots(c.tree_size for c in checkpoints)
    previous: Checkpoint | None = None
    prev_size = 0
    for checkpoint in checkpoints:
        found: list[str] = []
        # Planned from the stored chain of sizes, as checkpoint_create did.
        plan = _plan(journal, [checkpoint.date], prev_size)[0]
        try:
            text = signing.open_note(checkpoint.note, verifier)
            body = parse_checkpoint_text(text)
        except signing.NoteError as exc:
            found.append(
                gettext("the signature does not verify with the platform key (%(why)s)")
                % {"why": exc}
            )
            body = None
        except ValueError as exc:
            found.append(gettext("the note is not a checkpoint (%(why)s)") % {"why": exc})
            body = None
        root = roots.get(checkpoint.tree_size)
        if checkpoint.tree_size != plan.tree_size:
            found.append(
                gettext(
                    "tree size %(stored)s, but %(posted)s entries were posted by the end of the day"
                )
                % {"stored": checkpoint.tree_size, "posted": plan.tree_size}
            )
        if root is None:
            found.append(
                gettext("the journal has fewer than %(size)s entries")
                % {"size": checkpoint.tree_size}
            )
        elif checkpoint.root_hash != root.hex():
            found.append(
                gettext(
                    "root %(stored)s… is not the root recomputed from the entries (%(recomputed)s…)"
                )
                % {"stored": checkpoint.root_hash[:16], "recomputed": root.hex()[:16]}
            )
        prev_hash = bytes.fromhex(previous.note_hash) if previous else GENESIS_NOTE_HASH
        if checkpoint.previous_id != (previous.pk if previous else None):
            found.append(gettext("it does not point to the checkpoint of the day before it"))
        if note_hash(checkpoint.note) != checkpoint.note_hash:
            found.append(gettext("note_hash is not the hash of the note"))
        if (checkpoint.day_count, checkpoint.day_debit_total) != (
            plan.day_count,
            plan.day_debit_total,
        ):
            found.append(
                gettext("totals %(count)s / %(debit)s, recomputed %(real_count)s / %(real_debit)s")
                % {
                    "count": checkpoint.day_count,
                    "debit": checkpoint.day_debit_total,
                    "real_count": plan.day_count,
                    "real_debit": plan.day_debit_total,
                }
            )
        if body is not None:
            expected = ParsedCheckpoint(
                origin=origin(cooperative),
                tree_size=checkpoint.tree_size,
                root=bytes.fromhex(checkpoint.root_hash),
                prev_note_hash=prev_hash,
                day=checkpoint.date,
                day_count=checkpoint.day_count,
                day_debit_total=checkpoint.day_debit_total,
            )
            differs = [
                name
                for name in ParsedCheckpoint.__dataclass_fields__
                if getattr(body, name) != getattr(expected, name)
            ]
            if differs:
                found.append(
                    gettext("the signed note disagrees on %(fields)s")
                    % {"fields": ", ".join(differs)}
                )
        if found:
            report.problems.append(
                Problem(
                    cooperative=report.cooperative,
                    what="; ".join(found),
                    checkpoint=checkpoint.date,
                )
            )
        previous, prev_size = checkpoint, checkpoint.tree_size


# -- reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryProof:
    """Everything a member needs to check an entry against a signed checkpoint."""

    entry: JournalEntry
    canonical: str  # the exact UTF-8 text whose SHA-256 is the entry hash
    leaf_index: int
    leaf_hash: bytes
    checkpoint: Checkpoint
    proof: list[bytes]
    verifier_key: str


def entry_proof(*, entry: JournalEntry) -> EntryProof:
    """The inclusion proof of `entry` in the latest checkpoint of its cooperative.

    Raises NotCheckpointed when no checkpoint covers it yet. Costs one pass over the entries up
    to the checkpoint's size (nothing derived is stored).
    """
    checkpoint = (
        Checkpoint.objects.filter(cooperative_id=entry.cooperative_id, tree_size__gte=entry.number)
        .order_by("-date")
        .first()
    )
    if checkpoint is None:
        raise NotCheckpointed(number=str(entry))
    leaves: list[bytes] = []
    canonical = b""
    for row in journal_rows(entry.cooperative, upto=checkpoint.tree_size):
        leaves.append(row.leaf)
        if row.number == entry.number:
            canonical = row.canonical
    index = entry.number - 1
    return EntryProof(
        entry=entry,
        canonical=canonical.decode("utf-8"),
        leaf_index=index,
        leaf_hash=leaves[index],
        checkpoint=checkpoint,
        proof=merkle.inclusion_proof(index, leaves),
        verifier_key=signing.platform_key().verifier_key,
    )


def latest_checkpoints(cooperatives: QuerySet[Cooperative]) -> dict[int, Checkpoint]:
    """The latest checkpoint of each of `cooperatives`, by cooperative pk, in one query (an index
    lookup per cooperative on the (cooperative, date) unique index)."""
    last = (
        Checkpoint.objects.filter(cooperative_id=OuterRef("pk")).order_by("-date").values("pk")[:1]
    )
    ids = cooperatives.order_by().annotate(checkpoint=Subquery(last)).values("checkpoint")
    return {c.cooperative_id: c for c in Checkpoint.objects.filter(pk__in=ids)}


def entry_for_proof(user: Any, entry_id: Any) -> JournalEntry:
    """The entry `entry_id` (public id) if `user` may see its proof; NotFound otherwise, the same
    for absent and forbidden.

    Today that is whoever may read the cooperative's books (VIEW_BOOKS). Hook: when members can
    check their own transactions, also allow a member whose sub-ledger the entry touches
    (JournalLine.subledger_kind/subledger_id) here, and only here.
    """
    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        raise NotFound() from None
    entry = (
        JournalEntry.objects.select_related("cooperative__village").filter(public_id=key).first()
    )
    if entry is None or Capability.VIEW_BOOKS not in capabilities(user, entry.cooperative):
        raise NotFound()
    return entry
