"""C2SP tlog-tiles paths and hashes, and proofs from stored hashes, against the RFC 9162
reference in merkle.py (which builds everything from the leaves)."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.ledger import merkle, tiles
from kopdes.ledger.tiles import Tile


def make_leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(n)]


def reader_of(leaves: list[bytes]) -> merkle.PerfectHash:
    levels = tiles.build_levels(leaves)

    def read(level: int, index: int) -> bytes:
        if level >= len(levels):
            return b""
        return b"".join(levels[level][index * 256 : (index + 1) * 256])

    return tiles.perfect_reader(read)


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (Tile(0, 0, 256), "0/000"),
        (Tile(0, 5, 12), "0/005.p/12"),
        (Tile(1, 1000, 256), "1/x001/000"),
        (Tile(2, 1234067, 1), "2/x001/x234/067.p/1"),
        (Tile(0, 999, 255), "0/999.p/255"),
    ],
)
def test_tile_paths_are_c2sps(tile, path):
    assert tile.path() == path
    assert tiles.parse_path(path) == tile


@pytest.mark.parametrize(
    "path",
    ["", "0", "0/", "0/0", "0/0000", "x0/000", "0/x000/000", "0/001/002", "0/x1/002",
     "0/000.p", "0/000.p/", "0/000.p/0", "0/000.p/256", "0/000.p/01", "-1/000", "01/000",
     "64/000", "entries/000", "data/000", "0/000.p/1/2"],
)  # fmt: skip
def test_other_spellings_are_refused(path):
    with pytest.raises(tiles.TilePathError):
        tiles.parse_path(path)


@given(st.integers(min_value=0, max_value=10**15), st.integers(0, 63), st.integers(1, 256))
def test_every_tile_path_round_trips(index, level, width):
    tile = Tile(level, index, width)
    assert tiles.parse_path(tile.path()) == tile


def test_the_specs_example_of_a_tree_of_70000():
    """The spec: "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    partial level 2 tile of width 1"; each hash of level L is the MTH of its 256**L leaves."""
    leaves = make_leaves(70_000)
    levels = tiles.build_levels(leaves)
    assert [len(level) for level in levels] == [70_000, 273, 1]
    assert [tiles.level_size(70_000, level) for level in range(4)] == [70_000, 273, 1, 0]
    assert divmod(70_000, 256) == (273, 112) and divmod(273, 256) == (1, 17)
    for i in (0, 1, 272):
        assert levels[1][i] == merkle.root(leaves[i * 256 : (i + 1) * 256])
    assert levels[2][0] == merkle.root(leaves[:65_536])
    assert Tile(2, 0, 1).fits(70_000) and not Tile(2, 0, 2).fits(70_000)
    assert Tile(1, 1, 17).fits(70_000) and not Tile(1, 1, 18).fits(70_000)
    assert Tile(0, 273, 112).fits(70_000) and not Tile(0, 273, 113).fits(70_000)
    perfect = reader_of(leaves)
    assert merkle.tree_root(perfect, 70_000) == merkle.root(leaves)
    assert merkle.inclusion_proof_from(perfect, 69_999, 70_000) == merkle.inclusion_proof(
        69_999, leaves
    )
    assert merkle.consistency_proof_from(perfect, 65_537, 70_000) == merkle.consistency_proof(
        65_537, leaves
    )


@given(st.data())
def test_proofs_from_tiles_equal_the_reference(data):
    size = data.draw(st.integers(min_value=1, max_value=1_200))
    leaves = make_leaves(size)
    perfect = reader_of(leaves)
    new = data.draw(st.integers(min_value=1, max_value=size))
    old = data.draw(st.integers(min_value=0, max_value=new))
    index = data.draw(st.integers(min_value=0, max_value=new - 1))
    assert merkle.tree_root(perfect, new) == merkle.root(leaves[:new])
    assert merkle.inclusion_proof_from(perfect, index, new) == merkle.inclusion_proof(
        index, leaves[:new]
    )
    assert merkle.consistency_proof_from(perfect, old, new) == merkle.consistency_proof(
        old, leaves[:new]
    )


def test_a_reader_refuses_what_its_tiles_do_not_hold():
    perfect = reader_of(make_leaves(10))
    with pytest.raises(merkle.ProofError):
        perfect(8, 4)  # beyond the tree
    with pytest.raises(merkle.ProofError):
        perfect(2, 4)  # not aligned
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof_from(perfect, 10, 10)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof_from(perfect, 11, 10)
    assert merkle.tree_root(perfect, 0) == hashlib.sha256(b"").digest()
