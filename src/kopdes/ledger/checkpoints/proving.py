"""Proving: an entry's inclusion proof in its cooperative's latest signed checkpoint, and the
latest checkpoints the transparency page publishes."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, OuterRef, QuerySet, Subquery

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger import chain, merkle, signing
from kopdes.ledger.checkpoints.building import entry_document_from_rows, journal_rows, origin
from kopdes.ledger.checkpoints.tree import tree_of
from kopdes.ledger.errors import NotCheckpointed
from kopdes.ledger.models import (
    Checkpoint,
    JournalEntry,
)


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

    Raises NotCheckpointed when no checkpoint covers it yet. The proof comes from the stored
    tree (a few tile reads, checkpoints/tree.py); the canonical text is rebuilt from the entry's
    rows, so an entry altered behind the application's back gets a leaf hash that the proof does
    not take to the signed root.
    """
    checkpoint = (
        Checkpoint.objects.filter(cooperative_id=entry.cooperative_id, tree_size__gte=entry.number)
        .select_related("cooperative")
        .order_by("-date")
        .first()
    )
    if checkpoint is None:
        raise NotCheckpointed(number=str(entry))
    canonical = b""
    for row in journal_rows(entry.cooperative, after=entry.number - 1, upto=entry.number):
        canonical = row.canonical
    index = entry.number - 1
    return EntryProof(
        entry=entry,
        canonical=canonical.decode("utf-8"),
        leaf_index=index,
        leaf_hash=merkle.leaf_hash(canonical),
        checkpoint=checkpoint,
        proof=tree_of(checkpoint).inclusion(index, checkpoint.tree_size),
        verifier_key=verifier_key_of(checkpoint),
    )


def verifier_key_of(checkpoint: Checkpoint) -> str:
    """The verifier key that checks `checkpoint`'s notes: its log's (the platform key named after
    the origin); a version 1 checkpoint's was the platform key's former single name."""
    if checkpoint.version == Checkpoint.Version.SUMMARY_NOTE:
        return signing.log_verifier_key(origin(checkpoint.cooperative))
    return signing.platform_key().verifier_key


def latest_checkpoints(cooperatives: QuerySet[Cooperative]) -> dict[int, Checkpoint]:
    """The latest checkpoint of each of `cooperatives`, by cooperative pk, in one query (an index
    lookup per cooperative on the (cooperative, date) unique index)."""
    last = (
        Checkpoint.objects.filter(cooperative_id=OuterRef("pk")).order_by("-date").values("pk")[:1]
    )
    ids = cooperatives.order_by().annotate(checkpoint=Subquery(last)).values("checkpoint")
    return {c.cooperative_id: c for c in Checkpoint.objects.filter(pk__in=ids)}


def checkpoint_covering(*, cooperative: Cooperative, moment: datetime) -> Checkpoint | None:
    """The first signed checkpoint whose tree holds every entry posted by `moment`; None while
    there is none. A month's figures are tied to the root of the checkpoint covering the moment
    the month was closed: no entry can be dated in a closed month afterwards, so that tree holds
    all of the month's entries (it may be signed before the closing, when nothing was posted in
    between). Two queries."""
    size = JournalEntry.objects.filter(cooperative=cooperative, posted_at__lte=moment).aggregate(
        n=Max("number")
    )["n"]
    if size is None:
        return None
    return (
        Checkpoint.objects.filter(cooperative=cooperative, tree_size__gte=size)
        .order_by("date")
        .first()
    )


def entry_leaf_hash(*, entry: JournalEntry) -> bytes:
    """The entry's Merkle leaf hash, SHA-256(0x00 || canonical bytes), rebuilt from its stored
    rows as the tree does (what a receipt prints for the member to check); a few queries."""
    lines = entry.lines.select_related("account", "business_unit").order_by("line_no")
    return merkle.leaf_hash(chain.canonical_bytes(entry_document_from_rows(entry, lines)))


def entry_checkpointed(*, entry: JournalEntry) -> bool:
    """Whether a signed checkpoint covers the entry yet (its proof can be checked)."""
    return Checkpoint.objects.filter(
        cooperative_id=entry.cooperative_id, tree_size__gte=entry.number
    ).exists()
