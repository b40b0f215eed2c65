"""The published tree of a cooperative: what its latest signed checkpoint covers, as C2SP
tlog-tiles (hash tiles only, never entries), its roots and its RFC 9162 proofs."""

from dataclasses import dataclass, field

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger import merkle, tiles
from kopdes.ledger.checkpoints.building import journal_rows
from kopdes.ledger.models import Checkpoint


@dataclass
class PublishedTree:
    """The tree of `checkpoint` (the latest signed one): nothing beyond its size is served."""

    cooperative: Cooperative
    checkpoint: Checkpoint
    _levels: list[list[bytes]] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return self.checkpoint.tree_size

    def _read(self, level: int, index: int) -> bytes:
        if self._levels is None:
            leaves = [row.leaf for row in journal_rows(self.cooperative, upto=self.size)]
            self._levels = tiles.build_levels(leaves)
        if level >= len(self._levels):
            return b""
        return b"".join(self._levels[level][index * tiles.WIDTH : (index + 1) * tiles.WIDTH])

    def tile(self, tile: tiles.Tile) -> bytes | None:
        """The tile's bytes, or None when the signed tree does not hold all of it."""
        if not tile.fits(self.size):
            return None
        return self._read(tile.level, tile.index)[: tile.width * tiles.HASH]

    def _perfect(self) -> merkle.PerfectHash:
        return tiles.perfect_reader(self._read)

    def root(self, size: int) -> bytes:
        return merkle.tree_root(self._perfect(), size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof_from(self._perfect(), index, size)

    def consistency(self, old_size: int, size: int) -> list[bytes]:
        return merkle.consistency_proof_from(self._perfect(), old_size, size)


def published_tree(cooperative: Cooperative) -> PublishedTree | None:
    """The tree of the cooperative's latest signed checkpoint; None while it has none."""
    checkpoint = Checkpoint.objects.filter(cooperative=cooperative).order_by("-date").first()
    if checkpoint is None:
        return None
    return PublishedTree(cooperative=cooperative, checkpoint=checkpoint)
