"""Merkle trees as in Certificate Transparency (RFC 9162 section 2.1): pure, no ORM.

leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right), and a tree of n
leaves splits at k, the largest power of two smaller than n. The empty tree's root is SHA-256("").
Inclusion proofs (audit paths) and consistency proofs are the RFC's, and so are the verification
algorithms (2.1.3.2 and 2.1.4.2), so any CT or transparency-log tool checks our proofs.

Functions that build trees take the leaf *hashes* (32-byte strings), so callers hash each entry's
canonical bytes once and reuse them. `Frontier` appends leaves one by one and gives the root at any
size in O(log n), which lets `kopdes ledger verify` check every checkpoint of a cooperative in a
single pass over its entries.
"""

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for a proof that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _mth(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    n = end - start
    if n == 1:
        return leaves[start]
    k = _split(n)
    return node_hash(_mth(leaves, start, start + k), _mth(leaves, start + k, end))


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of `leaves` (leaf hashes), RFC 9162 section 2.1.1."""
    if not leaves:
        return EMPTY_ROOT
    return _mth(leaves, 0, len(leaves))


def _path(m: int, leaves: Sequence[bytes], start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, leaves, start, start + k), _mth(leaves, start + k, end)]
    return [*_path(m - k, leaves, start + k, end), _mth(leaves, start, start + k)]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `leaves`, RFC 9162 section 2.1.3.1."""
    if not 0 <= index < len(leaves):
        raise ProofError(f"leaf {index} is not in a tree of size {len(leaves)}")
    return _path(index, leaves, 0, len(leaves))


def root_from_inclusion_proof(
    *, index: int, size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root implied by an audit path (RFC 9162 section 2.1.3.2, steps 1-5)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return r


def verify_inclusion(
    *, index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """True when `leaf` (a leaf hash) is leaf `index` of the tree of `size` with `root_hash`."""
    try:
        return (
            root_from_inclusion_proof(index=index, size=size, leaf=leaf, proof=proof) == root_hash
        )
    except ProofError:
        return False


def _subproof(m: int, leaves: Sequence[bytes], start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [_mth(leaves, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves, start, start + k, whole), _mth(leaves, start + k, end)]
    return [*_subproof(m - k, leaves, start + k, end, False), _mth(leaves, start, start + k)]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first `old_size` leaves is a prefix of the tree of `leaves`
    (RFC 9162 section 2.1.4.1). Empty when the sizes are equal or the old tree is empty."""
    if not 0 <= old_size <= len(leaves):
        raise ProofError(f"size {old_size} is not a prefix of a tree of size {len(leaves)}")
    if old_size in (0, len(leaves)):
        return []
    return _subproof(old_size, leaves, 0, len(leaves), True)


def verify_consistency(
    *,
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """True when the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`),
    RFC 9162 section 2.1.4.2."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    try:
        fr, sr = roots_from_consistency_proof(
            old_size=old_size, new_size=new_size, proof=proof, old_root=old_root
        )
    except ProofError:
        return False
    return fr == old_root and sr == new_root


class Frontier:
    """The roots of the perfect subtrees of an append-only tree (a compact range from 0).

    Appending costs O(1) amortised; `root()` folds the O(log n) subtree roots from right to left,
    which equals the Merkle Tree Hash of all leaves appended so far.
    """

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes decreasing
        self.size = 0

    def append(self, leaf: bytes) -> None:
        size, h = 1, leaf
        while self._stack and self._stack[-1][0] == size:
            _size, left = self._stack.pop()
            h = node_hash(left, h)
            size *= 2
        self._stack.append((size, h))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1][1]
        for _size, left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


# -- proofs from stored hashes -------------------------------------------------------------------
#
# The functions above take every leaf. Those below take a `PerfectHash` reader instead: given an
# aligned perfect subtree (`start` a multiple of `size`, `size` a power of two) it returns that
# subtree's hash, from wherever the hashes are kept (tiles in the database, see
# ledger/checkpoints/tree.py). They follow the RFC 9162 recursions above step for step, only
# asking the reader for each perfect subtree instead of hashing its leaves, so a proof costs
# O(log n) reads; the property tests check they equal the reference functions.

PerfectHash = Callable[[int, int], bytes]  # (start, size) -> MTH(D[start : start + size])


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def range_hash(perfect: PerfectHash, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC recursion visits (`start` aligned to the largest
    power of two >= end - start): the perfect subtrees of its size's binary digits, folded."""
    n = end - start
    if n <= 0:
        raise ProofError(f"empty range {start}..{end}")
    if _is_power_of_two(n):
        return perfect(start, n)
    k = _split(n)
    return node_hash(perfect(start, k), range_hash(perfect, start + k, end))


def tree_root(perfect: PerfectHash, size: int) -> bytes:
    """The root of the tree of the first `size` leaves."""
    return EMPTY_ROOT if size == 0 else range_hash(perfect, 0, size)


def _path_from(perfect: PerfectHash, m: int, start: int, end: int) -> list[bytes]:
    proof: list[bytes] = []
    while end - start > 1:  # the recursion of _path, unrolled from the root down
        k = _split(end - start)
        if m < k:
            proof.append(range_hash(perfect, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(perfect, start, start + k))
            start, m = start + k, m - k
    proof.reverse()
    return proof


def inclusion_proof_from(perfect: PerfectHash, index: int, size: int) -> list[bytes]:
    """`inclusion_proof(index, leaves)` for the tree of `size` leaves held by `perfect`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    return _path_from(perfect, index, 0, size)


def consistency_proof_from(perfect: PerfectHash, old_size: int, size: int) -> list[bytes]:
    """`consistency_proof(old_size, leaves)` for the tree of `size` leaves held by `perfect`."""
    if not 0 <= old_size <= size:
        raise ProofError(f"size {old_size} is not a prefix of a tree of size {size}")
    if old_size in (0, size):
        return []
    proof: list[bytes] = []
    m, start, end, whole = old_size, 0, size, True
    while True:  # the recursion of _subproof, unrolled from the root down
        n = end - start
        if m == n:
            if not whole:
                proof.append(range_hash(perfect, start, end))
            break
        k = _split(n)
        if m <= k:
            proof.append(range_hash(perfect, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(perfect, start, start + k))
            start, m, whole = start + k, m - k, False
    proof.reverse()
    return proof


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """`root(hashes)` for a power-of-two count, folded level by level (no recursion)."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def roots_from_consistency_proof(
    *, old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes = b""
) -> tuple[bytes, bytes]:
    """The (old, new) roots a consistency proof implies: RFC 9162 section 2.1.4.2's fr and sr
    (for 0 < old_size < new_size; `old_root` is needed only when old_size is a power of two,
    the proof then omitting it). The caller checks them as verify_consistency does."""
    if not 0 < old_size < new_size or not proof:
        raise ProofError(f"no consistency proof between {old_size} and {new_size}")
    path = list(proof)
    if _is_power_of_two(old_size):
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return fr, sr
