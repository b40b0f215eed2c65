"""RFC 9162 Merkle trees against the Certificate Transparency test vectors (the leaves, roots and
proofs of certificate-transparency's merkle_tree_test.cc, also in transparency-dev/merkle's
testonly package), against a straightforward reference implementation, and with Hypothesis."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kopdes.ledger import merkle

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def hashes(data):
    return [merkle.leaf_hash(d) for d in data]


def h(hex_digests):
    return [bytes.fromhex(x) for x in hex_digests]


def reference_root(data: list[bytes]) -> bytes:
    """RFC 9162 2.1.1 written as literally as possible, over the raw leaf data."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < len(data):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(data[:k]) + reference_root(data[k:])).digest()


@pytest.mark.parametrize("size", range(len(ROOTS)))
def test_roots_match_the_ct_vectors(size):
    assert merkle.root(hashes(LEAVES[:size])).hex() == ROOTS[size]
    frontier = merkle.Frontier()
    for leaf in hashes(LEAVES[:size]):
        frontier.append(leaf)
    assert frontier.root().hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_ct_vectors(index, size, path):
    leaves = hashes(LEAVES[:size])
    assert merkle.inclusion_proof(index, leaves) == h(path)
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(
        index=index, size=size, leaf=leaves[index], proof=h(path), root_hash=root
    )


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_ct_vectors(old, new, path):
    leaves = hashes(LEAVES[:new])
    assert merkle.consistency_proof(old, leaves) == h(path)
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert merkle.verify_consistency(
        old_size=old, new_size=new, old_root=old_root, new_root=new_root, proof=h(path)
    )
    if path:  # a proof for other roots fails
        assert not merkle.verify_consistency(
            old_size=old,
            new_size=new,
            old_root=bytes.fromhex(ROOTS[old - 1]),
            new_root=new_root,
            proof=h(path),
        )


def test_bad_requests_and_proofs():
    leaves = hashes(LEAVES)
    root = merkle.root(leaves)
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(8, leaves)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(9, leaves)
    proof = merkle.inclusion_proof(3, leaves)
    for bad in (proof[:-1], [*proof, proof[0]], []):
        assert not merkle.verify_inclusion(
            index=3, size=8, leaf=leaves[3], proof=bad, root_hash=root
        )
    assert not merkle.verify_inclusion(index=8, size=8, leaf=leaves[3], proof=proof, root_hash=root)
    assert not merkle.verify_inclusion(index=4, size=8, leaf=leaves[3], proof=proof, root_hash=root)
    assert not merkle.verify_consistency(
        old_size=3, new_size=8, old_root=merkle.root(leaves[:3]), new_root=root, proof=[]
    )
    assert not merkle.verify_consistency(
        old_size=9, new_size=8, old_root=root, new_root=root, proof=[]
    )
    assert merkle.verify_consistency(
        old_size=0, new_size=8, old_root=merkle.EMPTY_ROOT, new_root=root, proof=[]
    )


leaf_data = st.lists(st.binary(max_size=40), min_size=1, max_size=70)


@settings(max_examples=60, deadline=None)
@given(data=leaf_data)
def test_root_equals_the_reference_and_the_frontier(data):
    frontier = merkle.Frontier()
    for leaf in hashes(data):
        frontier.append(leaf)
    assert merkle.root(hashes(data)) == reference_root(data) == frontier.root()


@settings(max_examples=40, deadline=None)
@given(data=leaf_data, changed=st.binary(max_size=40))
def test_every_leaf_proves_and_a_changed_leaf_does_not(data, changed):
    leaves = hashes(data)
    root = merkle.root(leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(
            index=index, size=len(leaves), leaf=leaf, proof=proof, root_hash=root
        )
        if changed != data[index]:
            assert not merkle.verify_inclusion(
                index=index,
                size=len(leaves),
                leaf=merkle.leaf_hash(changed),
                proof=proof,
                root_hash=root,
            )


def test_consistency_for_every_pair_of_sizes_up_to_64():
    leaves = hashes([i.to_bytes(2, "big") for i in range(64)])
    roots = [merkle.root(leaves[:n]) for n in range(65)]
    for new in range(1, 65):
        for old in range(1, new + 1):
            proof = merkle.consistency_proof(old, leaves[:new])
            assert merkle.verify_consistency(
                old_size=old, new_size=new, old_root=roots[old], new_root=roots[new], proof=proof
            ), (old, new)
            if old < new:  # a rewritten history does not verify
                assert not merkle.verify_consistency(
                    old_size=old,
                    new_size=new,
                    old_root=merkle.root([merkle.leaf_hash(b"x"), *leaves[1:old]]),
                    new_root=roots[new],
                    proof=proof,
                ), (old, new)


@settings(max_examples=40, deadline=None)
@given(data=leaf_data, cut=st.integers(min_value=1))
def test_consistency_proofs_verify(data, cut):
    leaves = hashes(data)
    old = 1 + cut % len(leaves)
    proof = merkle.consistency_proof(old, leaves)
    assert merkle.verify_consistency(
        old_size=old,
        new_size=len(leaves),
        old_root=merkle.root(leaves[:old]),
        new_root=merkle.root(leaves),
        proof=proof,
    )
