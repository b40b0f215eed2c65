"""The stored Merkle tree of each cooperative (ledger.TreeTile, C2SP tlog-tiles), so that a
checkpoint, a root, an inclusion proof or a consistency proof costs a few tile reads whatever
the journal's size (docs/adr/0009-stored-tiles.md).

- `checkpoint_roots` is what `checkpoint_create` asks: it appends the leaves of the entries the
  new checkpoint adds (and only those) to the stored tiles, in the checkpoint's transaction,
  computes the roots from the tiles and proves, from the tiles, that the new tree extends the
  last signed checkpoint (RFC 9162 consistency proof, checked against the root that checkpoint
  signed); CheckpointInconsistent otherwise. A cooperative signed before the tiles existed gets
  its tiles built from its rows first (the lazy backfill), checked the same way.
- `tree_of(checkpoint)` serves what a signed checkpoint covers: its tiles (the public log), roots
  and proofs (the public log, `proving.entry_proof`). Nothing beyond its size.

The proofs are merkle.py's RFC 9162 recursions over a perfect-subtree reader
(`tiles.perfect_reader`); ledger_verify checks the stored tiles against the tree recomputed from
the journal rows (`tile_problems`).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable

from django.db import connection

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger import merkle, tiles
from kopdes.ledger.checkpoints import building  # (building calls checkpoint_roots)
from kopdes.ledger.errors import CheckpointInconsistent
from kopdes.ledger.models import Checkpoint, TreeTile

FULL_BYTES = tiles.WIDTH * tiles.HASH
TABLE = TreeTile._meta.db_table


class StoredTreeBroken(ValueError):
    """The stored tiles are not the tree they should be (missing, misshapen, rewritten)."""


class Tree(ABC):
    """A tree of `size` leaves read through `read(level, number) -> tile bytes`: from the stored
    tiles (`StoredTree`) or from leaves in memory (`LeafTree`)."""

    def __init__(self, size: int) -> None:
        self.size = size

    @abstractmethod
    def read(self, level: int, number: int) -> bytes:
        """The bytes of tile `number` of `level` (possibly partial)."""

    def perfect(self) -> merkle.PerfectHash:
        return tiles.perfect_reader(self.read)

    def tile(self, tile: tiles.Tile) -> bytes | None:
        """The tile's bytes, or None when this tree does not hold all of it."""
        if not tile.fits(self.size):
            return None
        data = self.read(tile.level, tile.index)[: tile.width * tiles.HASH]
        return data if len(data) == tile.width * tiles.HASH else None

    def root(self, size: int) -> bytes:
        self._within(size)
        return merkle.tree_root(self.perfect(), size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        self._within(size)
        return merkle.inclusion_proof_from(self.perfect(), index, size)

    def consistency(self, old_size: int, size: int) -> list[bytes]:
        self._within(size)
        return merkle.consistency_proof_from(self.perfect(), old_size, size)

    def inclusion_and_root(self, index: int, size: int) -> tuple[list[bytes], bytes]:
        """The audit path of leaf `index` in the tree of `size` and that tree's root, the root
        folded from the path (RFC 9162 2.1.3.2) rather than hashed again."""
        self._within(size)
        perfect = self.perfect()
        proof = merkle.inclusion_proof_from(perfect, index, size)
        leaf = perfect(index, 1)
        root = merkle.root_from_inclusion_proof(index=index, size=size, leaf=leaf, proof=proof)
        return proof, root

    def consistency_and_roots(self, old_size: int, size: int) -> tuple[list[bytes], bytes, bytes]:
        """The consistency proof between two sizes and both roots, folded from the proof."""
        self._within(size)
        perfect = self.perfect()
        proof = merkle.consistency_proof_from(perfect, old_size, size)
        if old_size == 0 or old_size == size:
            new_root = merkle.tree_root(perfect, size)
            return proof, new_root if old_size else merkle.EMPTY_ROOT, new_root
        first = perfect(0, old_size) if old_size & (old_size - 1) == 0 else b""
        old_root, new_root = merkle.roots_from_consistency_proof(
            old_size=old_size, new_size=size, proof=proof, old_root=first
        )
        return proof, old_root, new_root

    def _within(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise merkle.ProofError(f"size {size} is beyond the tree ({self.size})")


class StoredTree(Tree):
    """The cooperative's tiles in the database. A proof first fetches, in one query, the tiles
    it will most likely need (at each level, the tiles over the leaf it proves and over the
    tree's right edge); any other tile is read on its own. Tiles read are kept for the tree's
    lifetime (one request)."""

    def __init__(self, cooperative: Cooperative, size: int | None = None) -> None:
        self.cooperative = cooperative
        self._tiles: dict[tuple[int, int], bytes] = {}
        super().__init__(stored_size(cooperative) if size is None else size)

    def read(self, level: int, number: int) -> bytes:
        key = (level, number)
        if key not in self._tiles:
            self._fetch([key])
            self._tiles.setdefault(key, b"")
        return self._tiles[key]

    def _fetch(self, keys: list[tuple[int, int]]) -> None:
        # Plain SQL on the hot path: the ORM's query compilation costs more than the read. Each
        # term names the whole unique key, so the database does one index lookup per tile (with
        # the cooperative outside the OR, SQLite scans every tile of the cooperative).
        where = " OR ".join(["(cooperative_id = %s AND level = %s AND number = %s)"] * len(keys))
        params: list[int] = []
        for level, number in keys:
            params += [self.cooperative.pk, level, number]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT level, number, hashes FROM {TABLE} WHERE {where}",  # noqa: S608
                params,
            )
            for level, number, hashes in cursor.fetchall():
                self._tiles[(level, number)] = bytes(hashes)

    def prefetch(self, *positions: int) -> None:
        """Fetch in one query the tiles over `positions` (leaf indexes) at every level, and over
        the right edge of the tree of each size in `positions` (the ranges a proof hashes)."""
        wanted: set[tuple[int, int]] = set()
        level = 0
        while (count := tiles.level_size(self.size, level)) > 0:
            for position in positions:
                number = (min(max(position, 0), self.size) >> (tiles.HEIGHT * level)) // tiles.WIDTH
                for near in (number - 1, number):  # the edge's ranges may start a tile before
                    if near >= 0 and near * tiles.WIDTH < count:
                        wanted.add((level, near))
            level += 1
        wanted -= set(self._tiles)
        if wanted:
            self._fetch(sorted(wanted))

    def perfect(self) -> merkle.PerfectHash:
        return tiles.perfect_reader(self.read)

    def root(self, size: int) -> bytes:
        self.prefetch(size - 1)
        return super().root(size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        self.prefetch(index, size - 1)
        return super().inclusion(index, size)

    def consistency(self, old_size: int, size: int) -> list[bytes]:
        self.prefetch(old_size - 1, old_size, size - 1)
        return super().consistency(old_size, size)

    def inclusion_and_root(self, index: int, size: int) -> tuple[list[bytes], bytes]:
        self.prefetch(index, size - 1)
        return super().inclusion_and_root(index, size)

    def consistency_and_roots(self, old_size: int, size: int) -> tuple[list[bytes], bytes, bytes]:
        self.prefetch(old_size - 1, old_size, size - 1)
        return super().consistency_and_roots(old_size, size)


class LeafTree(Tree):
    """The tree recomputed from the journal rows: the reference, and what serves a checkpoint
    whose tiles are not stored yet (signed before the tiles existed; built at the next
    checkpoint)."""

    def __init__(self, leaves: list[bytes]) -> None:
        super().__init__(len(leaves))
        self.levels = tiles.build_levels(leaves)

    def read(self, level: int, number: int) -> bytes:
        if level >= len(self.levels):
            return b""
        return b"".join(self.levels[level][number * tiles.WIDTH : (number + 1) * tiles.WIDTH])


def stored_size(cooperative: Cooperative) -> int:
    """The number of leaves stored: the last level-0 tile's end. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number, width FROM {TABLE} "  # noqa: S608 (constants)
            "WHERE cooperative_id = %s AND level = 0 ORDER BY number DESC LIMIT 1",
            [cooperative.pk],
        )
        last = cursor.fetchone()
    return last[0] * tiles.WIDTH + last[1] if last else 0


def tree_of(checkpoint: Checkpoint) -> Tree:
    """The tree `checkpoint` signed, from the stored tiles (or from the rows while none are
    stored), limited to its size."""
    cooperative = checkpoint.cooperative
    if stored_size(cooperative) >= checkpoint.tree_size:
        return StoredTree(cooperative, checkpoint.tree_size)
    rows = building.journal_rows(cooperative, upto=checkpoint.tree_size)
    leaves = [row.leaf for row in rows]
    tree = LeafTree(leaves)
    tree.size = min(tree.size, checkpoint.tree_size)
    return tree


# -- extending the stored tree -----------------------------------------------------------------


def tree_extend(cooperative: Cooperative, old_size: int, leaves: list[bytes]) -> None:
    """Append `leaves` (leaf hashes of entries old_size + 1, ...) to the stored tiles, whose tree
    must have exactly `old_size` leaves: each level gets its new hashes (the tile at its edge
    grows, new tiles are inserted), and each tile that becomes full adds its root to the level
    above. Reads at most one partial tile per level."""
    start, hashes, level = old_size, b"".join(leaves), 0
    while hashes:
        first, offset = divmod(start, tiles.WIDTH)
        if offset:
            row = (
                TreeTile.objects.filter(cooperative=cooperative, level=level, number=first)
                .values_list("width", "hashes")
                .first()
            )
            if row is None or row[0] != offset:
                raise StoredTreeBroken(f"level {level} does not end at {start}")
            data = bytes(row[1]) + hashes
        else:
            data = hashes
        new_rows, above = [], []
        for at in range(0, len(data), FULL_BYTES):
            chunk = data[at : at + FULL_BYTES]
            number, width = first + at // FULL_BYTES, len(chunk) // tiles.HASH
            if width == tiles.WIDTH:
                above.append(
                    merkle.root([chunk[i : i + tiles.HASH] for i in range(0, FULL_BYTES, 32)])
                )
            if at == 0 and offset:
                TreeTile.objects.filter(cooperative=cooperative, level=level, number=number).update(
                    width=width, hashes=chunk
                )
            else:
                new_rows.append(
                    TreeTile(
                        cooperative=cooperative,
                        level=level,
                        number=number,
                        width=width,
                        hashes=chunk,
                    )
                )
        TreeTile.objects.bulk_create(new_rows)
        start, hashes, level = first, b"".join(above), level + 1


def checkpoint_roots(
    *,
    cooperative: Cooperative,
    last: Checkpoint | None,
    leaves: list[bytes],
    sizes: Iterable[int],
) -> dict[int, bytes]:
    """For `checkpoint_create`: store the leaves the new checkpoints add (`leaves`: those of the
    entries after the last signed checkpoint's size, in number order) and return the root of
    each of `sizes`, all from the stored tiles, after proving the largest tree consistent with
    the last signed checkpoint. Raises CheckpointInconsistent (the caller's transaction then
    stores nothing) when the stored tree does not extend the last signed root."""
    base = last.tree_size if last is not None else 0
    wanted = sorted(set(sizes))
    size = max([base, *wanted])
    refused = CheckpointInconsistent(
        last=last.date.isoformat() if last is not None else "-", size=base
    )
    try:
        stored = stored_size(cooperative)
        if stored > base:
            raise StoredTreeBroken(f"{stored} leaves stored, {base} signed")
        if stored < base:  # signed before the tiles existed: build them from the rows
            backfill = [
                row.leaf for row in building.journal_rows(cooperative, after=stored, upto=base)
            ]
            tree_extend(cooperative, stored, backfill)
        tree_extend(cooperative, base, leaves[: size - base])
        tree = StoredTree(cooperative, size)
        if tree.size != stored_size(cooperative):
            raise StoredTreeBroken("the journal has fewer entries than the checkpoint covers")
        roots = {s: tree.root(s) for s in wanted}
        root = roots.get(size) or tree.root(size)
        if last is not None and not merkle.verify_consistency(
            old_size=base,
            new_size=size,
            old_root=bytes.fromhex(last.root_hash),
            new_root=root,
            proof=tree.consistency(base, size),
        ):
            raise StoredTreeBroken("the stored tree does not extend the last signed root")
    except (StoredTreeBroken, merkle.ProofError) as exc:
        raise refused from exc
    return roots


# -- checking the stored tiles (ledger_verify) -------------------------------------------------


def tile_problems(
    cooperative: Cooperative, leaves: list[bytes], size: int
) -> list[tuple[str, str]]:
    """The stored tiles that differ from the tree of the first `size` of `leaves` (recomputed
    from the rows), as (path, what) with what "differs", "missing" or "beyond", in level and
    tile order. Empty while no tile is stored (a cooperative signed before the tiles existed,
    whose tiles are built at its next checkpoint)."""
    stored = {
        (level, number): (width, bytes(hashes))
        for level, number, width, hashes in TreeTile.objects.filter(
            cooperative=cooperative
        ).values_list("level", "number", "width", "hashes")
    }
    if not stored:
        return []
    levels = tiles.build_levels(leaves[:size])
    expected: dict[tuple[int, int], bytes] = {}
    for level, hashes in enumerate(levels):
        for at in range(0, len(hashes), tiles.WIDTH):
            expected[(level, at // tiles.WIDTH)] = b"".join(hashes[at : at + tiles.WIDTH])
    problems = []
    for key in sorted(set(stored) | set(expected)):
        level, number = key
        if key not in stored:
            width = len(expected[key]) // tiles.HASH
            problems.append((f"tile/{tiles.Tile(level, number, width).path()}", "missing"))
            continue
        path = f"tile/{tiles.Tile(level, number, stored[key][0]).path()}"
        if key not in expected:
            problems.append((path, "beyond"))
        elif stored[key][1] != expected[key]:
            problems.append((path, "differs"))
    return problems


def latest_checkpoint(cooperative: Cooperative) -> Checkpoint | None:
    """The cooperative's latest signed checkpoint (the tree the public log serves)."""
    return (
        Checkpoint.objects.filter(cooperative=cooperative)
        .select_related("cooperative")
        .order_by("-date")
        .first()
    )
