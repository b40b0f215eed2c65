"""C2SP tlog-tiles (https://c2sp.org/tlog-tiles), pure: tile coordinates and paths, and the
perfect-subtree hashes a proof needs, read from tiles.

A tile is 256 consecutive hashes of one level: at level L, hash i is the Merkle Tree Hash of the
leaves [i * 256**L, (i + 1) * 256**L), so level 0 holds the leaf hashes and each hash of level
L + 1 is the root of a full tile of level L. The tile of index N at level L is hashes
[N * 256, N * 256 + 256) of its level; the rightmost tile of a level is partial (its width W is
1..255) and is served as `.p/<W>`. A tree of size s has floor(s / 256**L) hashes at level L.
Paths are `tile/<L>/<N>[.p/<W>]` with N in 3-digit elements, all but the last prefixed with
`x` (1234067 is `x001/x234/067`), as in golang.org/x/mod/sumdb/tlog, whose ParseTilePath
refuses any other spelling of the same tile.
"""

from collections.abc import Callable
from dataclasses import dataclass

from kopdes.ledger import merkle

HEIGHT = 8
WIDTH = 1 << HEIGHT  # 256 hashes in a full tile
HASH = merkle.HASH_SIZE
MAX_LEVEL = 63


class TilePathError(ValueError):
    """Not a tile path in the canonical spelling."""


@dataclass(frozen=True)
class Tile:
    level: int
    index: int
    width: int  # 1..256; 256 is a full tile

    @property
    def full(self) -> bool:
        return self.width == WIDTH

    def path(self) -> str:
        """`<L>/<N>[.p/<W>]`, the part after `tile/`."""
        n = self.index
        text = f"{n % 1000:03d}"
        while n >= 1000:
            n //= 1000
            text = f"x{n % 1000:03d}/{text}"
        suffix = "" if self.full else f".p/{self.width}"
        return f"{self.level}/{text}{suffix}"

    def fits(self, size: int) -> bool:
        """True when a tree of `size` leaves holds every hash of this tile."""
        return (self.index * WIDTH + self.width) * WIDTH**self.level <= size


def parse_path(path: str) -> Tile:
    """The tile of `<L>/<N>[.p/<W>]`; TilePathError for anything else (entries included)."""
    parts = path.split("/")
    if len(parts) < 2:
        raise TilePathError(path)
    level_text, *number = parts
    width = WIDTH
    if len(number) >= 2 and number[-2].endswith(".p"):
        width_text = number.pop()
        number[-1] = number[-1].removesuffix(".p")
        if not width_text.isdigit():
            raise TilePathError(path)
        width = int(width_text)
        if not 1 <= width < WIDTH:
            raise TilePathError(path)
    if not level_text.isdigit() or not number:
        raise TilePathError(path)
    level = int(level_text)
    if level > MAX_LEVEL:
        raise TilePathError(path)
    index = 0
    for i, element in enumerate(number):
        digits = element.removeprefix("x") if i < len(number) - 1 else element
        if len(digits) != 3 or not digits.isdigit():
            raise TilePathError(path)
        index = index * 1000 + int(digits)
    tile = Tile(level, index, width)
    if tile.path() != path:
        raise TilePathError(path)
    return tile


def level_size(size: int, level: int) -> int:
    """How many hashes level `level` has in a tree of `size` leaves."""
    return size // WIDTH**level


TileReader = Callable[[int, int], bytes]  # (level, index) -> the stored hashes of that tile


def perfect_reader(read: TileReader) -> merkle.PerfectHash:
    """A `merkle.PerfectHash` from tiles: a perfect subtree of height h = 8L + r is 2**r
    consecutive hashes of level L, all in one tile (at most 128 hashes to fold). Each tile is
    read once per reader."""
    cache: dict[tuple[int, int], bytes] = {}
    computed: dict[tuple[int, int], bytes] = {}

    def perfect(start: int, size: int) -> bytes:
        if (start, size) in computed:
            return computed[(start, size)]
        height = size.bit_length() - 1
        if size != 1 << height or start % size:
            raise merkle.ProofError(f"{start}+{size} is not an aligned perfect subtree")
        level, rest = divmod(height, HEIGHT)
        first = start >> (HEIGHT * level)
        index, offset = divmod(first, WIDTH)
        key = (level, index)
        if key not in cache:
            cache[key] = read(level, index)
        data = cache[key]
        count = 1 << rest
        if len(data) < (offset + count) * HASH:
            raise merkle.ProofError(f"tile {level}/{index} does not hold {start}+{size}")
        hashes = [data[(offset + j) * HASH : (offset + j + 1) * HASH] for j in range(count)]
        computed[(start, size)] = merkle.perfect_root(hashes)
        return computed[(start, size)]

    return perfect


def build_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level's hashes for a tree of `leaves` (leaf hashes), from the leaves: the reference
    the stored tiles are checked against."""
    levels = [list(leaves)]
    while len(levels[-1]) >= WIDTH:
        below = levels[-1]
        levels.append(
            [merkle.root(below[i : i + WIDTH]) for i in range(0, len(below) - WIDTH + 1, WIDTH)]
        )
    return levels
