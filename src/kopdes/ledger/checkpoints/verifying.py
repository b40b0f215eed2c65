"""Verifying: `ledger_verify` recomputes a cooperative's ledger from its stored rows and checks
every promise the ledger makes, one small function per promise (CHECKS):

- numbers are gapless; each entry's prev_hash links to the entry before it (the chain);
- each entry's hash is the hash of its document rebuilt from the rows; its lines balance to its
  total; the journal sequence stands at the last entry;
- the monthly snapshots (AccountMonth) equal the sums of the journal lines;
- each checkpoint and its summary are signed by the platform key (named after the origin); it
  covers the entries posted by the end of its day; its root is the root recomputed from the
  entries; its summary links to the checkpoint before it; its totals by accounting date are the
  entries it adds; the trial balance it commits to is the one recomputed from the lines; its
  signed notes say what its row says.

A check reads the `Ledger` (what verify loaded once) and yields Problems. Problems are reported
entries first in number order, then the ledger-wide ones, then checkpoints in date order, so
the first problem is the first break.
"""

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger import chain, cosigning, signing
from kopdes.ledger.checkpoints import tree
from kopdes.ledger.checkpoints.building import (
    JOURNAL_SEQUENCE,
    Balances,
    DayTotal,
    Journal,
    ParsedCheckpoint,
    ParsedSummary,
    Row,
    _Planned,
    _planned,
    balances_add,
    balances_document,
    chain_hash,
    journal_rows,
    note_hash,
    origin,
    parse_checkpoint_text,
    parse_summary_text,
    parse_version_1_text,
)
from kopdes.ledger.checkpoints.witnessing import configured_witnesses
from kopdes.ledger.models import Account, AccountMonth, Checkpoint, JournalLine, Sequence

MAX_PROBLEMS = 20  # per cooperative: the first one matters, the rest show how far it goes
VERIFY_FAILED = "ledger.verify_failed"  # audit actions: a run found a problem ...
VERIFY_PASSED = "ledger.verify_passed"  # ... and a later run found none


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

    @property
    def order(self) -> tuple[int, int, date]:
        """Entries by number, then the ledger-wide problems, then checkpoints by date."""
        if self.number is not None:
            return (0, self.number, date.min)
        if self.checkpoint is None:
            return (1, 0, date.min)
        return (2, 0, self.checkpoint)


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


class Ledger:
    """What verify reads once and every check looks at: the rows with their rebuilt documents,
    the journal sequence, the checkpoints, and what is derived from them."""

    def __init__(
        self, cooperative: Cooperative, rows: list[Row], verifier: signing.Verifier
    ) -> None:
        self.cooperative = cooperative
        self.code = cooperative.village_id
        self.rows = rows
        self.verifier = verifier
        self.sequence = Sequence.objects.filter(
            cooperative=cooperative, name=JOURNAL_SEQUENCE
        ).first()
        self.checkpoints = list(
            Checkpoint.objects.filter(cooperative=cooperative)
            .order_by("date")
            .prefetch_related("cosignatures")
        )

    def problem(self, what: str, **where) -> Problem:
        return Problem(cooperative=self.code, what=what, **where)

    @cached_property
    def journal(self) -> Journal:
        return Journal(self.rows)

    @cached_property
    def roots(self) -> dict[int, bytes]:
        return self.journal.roots(c.tree_size for c in self.checkpoints)

    @cached_property
    def plans(self) -> list[_Planned]:
        """Each checkpoint's tree size and totals as checkpoint_create planned them, following
        the stored chain of sizes."""
        plans, prev_size = [], 0
        for checkpoint in self.checkpoints:
            plans.append(_planned(self.journal, checkpoint.date, prev_size))
            prev_size = checkpoint.tree_size
        return plans

    @cached_property
    def balances(self) -> list[bytes]:
        """The trial balance document at each checkpoint's tree size, recomputed from the lines."""
        documents: list[bytes] = []
        running: Balances = {}
        size = 0
        origin_line = origin(self.cooperative)
        for checkpoint in self.checkpoints:
            balances_add(running, self.journal.between(size, checkpoint.tree_size))
            size = max(size, checkpoint.tree_size)
            documents.append(
                balances_document(origin_line=origin_line, tree_size=size, balances=running)
            )
        return documents

    @cached_property
    def notes(self) -> list[tuple[tuple[ParsedCheckpoint, ParsedSummary] | None, str]]:
        """Each checkpoint's signed notes opened with the verifier: (bodies, "") or (None, why).
        A version 2 checkpoint is signed under its origin's name, a version 1 under the
        verifier's own (the platform key's former single name)."""
        opened: list[tuple[tuple[ParsedCheckpoint, ParsedSummary] | None, str]] = []
        named = self.verifier.named(origin(self.cooperative))
        for checkpoint in self.checkpoints:
            try:
                if checkpoint.version == Checkpoint.Version.SUMMARY_NOTE:
                    bodies = (
                        parse_checkpoint_text(signing.open_note(checkpoint.note, named)),
                        parse_summary_text(signing.open_note(checkpoint.summary, named)),
                    )
                else:
                    bodies = parse_version_1_text(signing.open_note(checkpoint.note, self.verifier))
                opened.append((bodies, ""))
            except signing.NoteError as exc:
                opened.append(
                    (
                        None,
                        gettext("the signature does not verify with the platform key (%(why)s)")
                        % {"why": exc},
                    )
                )
            except ValueError as exc:
                opened.append(
                    (None, gettext("the note is not a checkpoint (%(why)s)") % {"why": exc})
                )
        return opened

    def previous_of(self, index: int) -> Checkpoint | None:
        return self.checkpoints[index - 1] if index else None


Check = Callable[[Ledger], Iterator[Problem]]


# -- the entries -------------------------------------------------------------------------------


def numbers_are_gapless(ledger: Ledger) -> Iterator[Problem]:
    expected = 1
    for row in ledger.rows:
        if row.number != expected:
            yield ledger.problem(
                gettext("numbers jump from %(last)s to %(number)s: entries are missing")
                % {"last": expected - 1, "number": row.number},
                number=row.number,
            )
        expected = row.number + 1


def chain_is_intact(ledger: Ledger) -> Iterator[Problem]:
    prev = chain.GENESIS
    for row in ledger.rows:
        if row.prev_hash != prev:
            yield ledger.problem(
                gettext("prev_hash %(stored)s… does not link to the entry before it (%(wanted)s…)")
                % {"stored": row.prev_hash[:16], "wanted": prev[:16]},
                number=row.number,
            )
        prev = row.entry_hash


def hashes_match_the_rows(ledger: Ledger) -> Iterator[Problem]:
    for row in ledger.rows:
        recomputed = hashlib.sha256(row.canonical).hexdigest()
        if recomputed != row.entry_hash:
            yield ledger.problem(
                gettext(
                    "the stored row no longer matches its hash (stored %(stored)s…, "
                    "recomputed %(recomputed)s…): date, memo, source, actor, accounts, amounts "
                    "or units were changed after posting"
                )
                % {"stored": row.entry_hash[:16], "recomputed": recomputed[:16]},
                number=row.number,
            )


def entries_balance(ledger: Ledger) -> Iterator[Problem]:
    for row in ledger.rows:
        if row.line_count < 2 or row.debit != row.credit or row.total != row.debit:
            yield ledger.problem(
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
                number=row.number,
            )


def sequence_is_at_the_last_entry(ledger: Ledger) -> Iterator[Problem]:
    if not ledger.rows:
        return
    sequence, last = ledger.sequence, ledger.rows[-1]
    if sequence is None or sequence.last_value != last.number:
        yield ledger.problem(
            gettext(
                "the journal sequence stands at %(sequence)s but the last entry is %(last)s: "
                "entries were deleted or added outside posting"
            )
            % {"sequence": sequence.last_value if sequence else 0, "last": last.number}
        )
    elif sequence.last_hash != last.entry_hash:
        yield ledger.problem(
            gettext("the journal sequence's last hash is not the last entry's hash")
        )


def snapshots_equal_the_journal(ledger: Ledger) -> Iterator[Problem]:
    """The monthly snapshots the statements read are the sums of the journal lines."""
    journal: dict[tuple[int, int, int], tuple[int, int]] = defaultdict(lambda: (0, 0))
    sums = (
        JournalLine.objects.filter(cooperative=ledger.cooperative)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values_list("account_id", "y", "m")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for account_id, year, month, debit, credit in sums:
        journal[(account_id, year, month)] = (debit or 0, credit or 0)
    stored = {
        (account_id, year, month): (debit, credit)
        for account_id, year, month, debit, credit in AccountMonth.objects.filter(
            cooperative=ledger.cooperative
        ).values_list("account_id", "year", "month", "debit", "credit")
    }
    codes = dict(Account.objects.filter(cooperative=ledger.cooperative).values_list("pk", "code"))
    for key in sorted(set(journal) | set(stored)):
        snapshot, lines = stored.get(key, (0, 0)), journal[key]
        if snapshot != lines:
            account_id, year, month = key
            yield ledger.problem(
                gettext(
                    "the snapshot of account %(account)s for %(month)s says debit %(debit)s, "
                    "credit %(credit)s, but its journal lines add up to %(real_debit)s, "
                    "%(real_credit)s"
                )
                % {
                    "account": codes.get(account_id, f"?{account_id}"),
                    "month": f"{year}-{month:02d}",
                    "debit": snapshot[0],
                    "credit": snapshot[1],
                    "real_debit": lines[0],
                    "real_credit": lines[1],
                }
            )


# -- the checkpoints ---------------------------------------------------------------------------


def checkpoints_are_signed(ledger: Ledger) -> Iterator[Problem]:
    for checkpoint, (_body, why) in zip(ledger.checkpoints, ledger.notes, strict=True):
        if why:
            yield ledger.problem(why, checkpoint=checkpoint.date)


def checkpoints_cover_their_day(ledger: Ledger) -> Iterator[Problem]:
    for checkpoint, plan in zip(ledger.checkpoints, ledger.plans, strict=True):
        if checkpoint.tree_size != plan.tree_size:
            yield ledger.problem(
                gettext(
                    "tree size %(stored)s, but %(posted)s entries were posted by the end of the day"
                )
                % {"stored": checkpoint.tree_size, "posted": plan.tree_size},
                checkpoint=checkpoint.date,
            )


def checkpoint_roots_match(ledger: Ledger) -> Iterator[Problem]:
    for checkpoint in ledger.checkpoints:
        root = ledger.roots.get(checkpoint.tree_size)
        if root is None:
            yield ledger.problem(
                gettext("the journal has fewer than %(size)s entries")
                % {"size": checkpoint.tree_size},
                checkpoint=checkpoint.date,
            )
        elif checkpoint.root_hash != root.hex():
            yield ledger.problem(
                gettext(
                    "root %(stored)s… is not the root recomputed from the entries (%(recomputed)s…)"
                )
                % {"stored": checkpoint.root_hash[:16], "recomputed": root.hex()[:16]},
                checkpoint=checkpoint.date,
            )


def checkpoints_are_chained(ledger: Ledger) -> Iterator[Problem]:
    for index, checkpoint in enumerate(ledger.checkpoints):
        previous = ledger.previous_of(index)
        if checkpoint.previous_id != (previous.pk if previous else None):
            yield ledger.problem(
                gettext("it does not point to the checkpoint of the day before it"),
                checkpoint=checkpoint.date,
            )
        if note_hash(checkpoint.note) != checkpoint.note_hash:
            yield ledger.problem(
                gettext("note_hash is not the hash of the note"), checkpoint=checkpoint.date
            )
        if checkpoint.summary and note_hash(checkpoint.summary) != checkpoint.summary_hash:
            yield ledger.problem(
                gettext("summary_hash is not the hash of the summary"), checkpoint=checkpoint.date
            )


def checkpoint_totals_match(ledger: Ledger) -> Iterator[Problem]:
    for checkpoint, plan in zip(ledger.checkpoints, ledger.plans, strict=True):
        stored = (checkpoint.day_count, checkpoint.day_debit_total)
        if stored != (plan.day_count, plan.day_debit_total):
            yield ledger.problem(
                gettext("totals %(count)s / %(debit)s, recomputed %(real_count)s / %(real_debit)s")
                % {
                    "count": checkpoint.day_count,
                    "debit": checkpoint.day_debit_total,
                    "real_count": plan.day_count,
                    "real_debit": plan.day_debit_total,
                },
                checkpoint=checkpoint.date,
            )


def checkpoint_balances_match(ledger: Ledger) -> Iterator[Problem]:
    """The trial balance a checkpoint commits to is the one recomputed from the journal lines."""
    for checkpoint, plan, document in zip(
        ledger.checkpoints, ledger.plans, ledger.balances, strict=True
    ):
        if checkpoint.version != Checkpoint.Version.SUMMARY_NOTE:
            continue  # version 1 committed to no trial balance
        if checkpoint.balances_hash != hashlib.sha256(document).hexdigest():
            yield ledger.problem(
                gettext("the trial balance it commits to is not the one recomputed from the lines"),
                checkpoint=checkpoint.date,
            )
        elif json.loads(checkpoint.balances or "{}") != plan.added:
            yield ledger.problem(
                gettext("the stored totals it adds are not those of the entries it adds"),
                checkpoint=checkpoint.date,
            )


def _expected(ledger: Ledger, index: int) -> tuple[ParsedCheckpoint, ParsedSummary]:
    checkpoint, plan = ledger.checkpoints[index], ledger.plans[index]
    origin_line, root = origin(ledger.cooperative), bytes.fromhex(checkpoint.root_hash)
    version_2 = checkpoint.version == Checkpoint.Version.SUMMARY_NOTE
    return ParsedCheckpoint(origin_line, checkpoint.tree_size, root), ParsedSummary(
        origin=origin_line,
        tree_size=checkpoint.tree_size,
        root=root,
        prev=chain_hash(ledger.previous_of(index)),
        balances=hashlib.sha256(ledger.balances[index]).digest() if version_2 else b"",
        days=plan.days
        if version_2
        else (DayTotal(checkpoint.date, checkpoint.day_count, checkpoint.day_debit_total),),
    )


def signed_notes_agree(ledger: Ledger) -> Iterator[Problem]:
    for index, (checkpoint, (bodies, _why)) in enumerate(
        zip(ledger.checkpoints, ledger.notes, strict=True)
    ):
        if bodies is None:
            continue  # checkpoints_are_signed reports it
        expected = _expected(ledger, index)
        differs = [
            name
            for body, wanted in zip(bodies, expected, strict=True)
            for name, value in vars(body).items()
            if value != getattr(wanted, name)
        ]
        if differs:
            yield ledger.problem(
                gettext("the signed note disagrees on %(fields)s") % {"fields": ", ".join(differs)},
                checkpoint=checkpoint.date,
            )


def stored_tree_matches(ledger: Ledger) -> Iterator[Problem]:
    """The stored tiles (what the proofs and the public log are made from) are the tree
    recomputed from the rows, up to the latest checkpoint; each differing tile is named."""
    if not ledger.checkpoints:
        return
    latest = ledger.checkpoints[-1]
    messages = {
        "differs": gettext(
            "stored tile %(path)s differs from the tree recomputed from the entries"
        ),
        "missing": gettext("stored tile %(path)s is missing"),
        "beyond": gettext("stored tile %(path)s lies beyond the signed tree"),
    }
    for path, what in tree.tile_problems(
        ledger.cooperative, ledger.journal.leaves, latest.tree_size
    ):
        yield ledger.problem(messages[what] % {"path": path}, checkpoint=latest.date)


def cosignatures_verify(ledger: Ledger) -> Iterator[Problem]:
    """Each stored cosignature of a configured witness verifies (C2SP cosignature/v1) over its
    checkpoint's note; a cosignature by a witness no longer configured cannot be checked here
    (the standalone verifier checks it with the key a reader gives)."""
    keys = {w.name: w.key for w in configured_witnesses()}
    for checkpoint in ledger.checkpoints:
        text = cosigning.split_note(checkpoint.note)[0]
        for stored in checkpoint.cosignatures.all():
            key = keys.get(stored.witness)
            if key is None:
                continue
            try:
                good = cosigning.cosignatures_by(text, [stored.line], key)
            except signing.NoteError:
                good = []
            if not good:
                yield ledger.problem(
                    gettext("the cosignature of witness %(witness)s does not verify")
                    % {"witness": stored.witness},
                    checkpoint=checkpoint.date,
                )


CHECKS: list[Check] = [
    numbers_are_gapless,
    chain_is_intact,
    hashes_match_the_rows,
    entries_balance,
    sequence_is_at_the_last_entry,
    snapshots_equal_the_journal,
    checkpoints_are_signed,
    checkpoints_cover_their_day,
    checkpoint_roots_match,
    checkpoints_are_chained,
    checkpoint_totals_match,
    checkpoint_balances_match,
    signed_notes_agree,
    stored_tree_matches,
    cosignatures_verify,
]


def ledger_verify(*, cooperative: Cooperative, verifier: signing.Verifier | None = None) -> Report:
    """Recompute the cooperative's ledger from its rows and run every check of CHECKS over it.
    The report holds the first MAX_PROBLEMS problems, the first break first."""
    started = time.perf_counter()
    ledger = Ledger(
        cooperative, list(journal_rows(cooperative)), verifier or signing.platform_key().verifier
    )
    found = [problem for check in CHECKS for problem in check(ledger)]
    found.sort(key=lambda p: p.order)  # stable: a row's problems keep the order of CHECKS
    return Report(
        cooperative=ledger.code,
        entries=len(ledger.rows),
        checkpoints=len(ledger.checkpoints),
        problems=found[:MAX_PROBLEMS],
        seconds=time.perf_counter() - started,
    )


def verification_record(*, cooperative: Cooperative, report: Report, failing: bool) -> None:
    """Leave what a `kopdes ledger verify` run found where supervisors see it: an audit row
    `ledger.verify_failed` (with the first problem) when the ledger does not verify, and
    `ledger.verify_passed` when it verifies again after failing (`failing`: it was shown as
    failing). A ledger that keeps verifying writes nothing."""
    if report.ok and not failing:
        return
    audit_record(
        actor=None,
        action=VERIFY_PASSED if report.ok else VERIFY_FAILED,
        object_type="ledger.journal",
        cooperative_id=cooperative.pk,
        after={
            "entries": report.entries,
            "checkpoints": report.checkpoints,
            "problems": len(report.problems),
        },
        reason="" if report.ok else str(report.problems[0]),
    )
