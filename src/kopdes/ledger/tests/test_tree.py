"""The stored tree (ledger.TreeTile): tiles extended with the new entries only, proofs and roots
from a few tile reads equal to the RFC 9162 reference (merkle.py over every leaf), the lazy
build for cooperatives signed before the tiles existed."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopdes.ledger import merkle, services, tiles
from kopdes.ledger.checkpoints import building, checkpoint_create, journal_rows, ledger_verify
from kopdes.ledger.checkpoints import tree as stored
from kopdes.ledger.errors import CheckpointInconsistent
from kopdes.ledger.models import Checkpoint, TreeTile
from kopdes.ledger.services import EntryDraft, Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3, D4 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, day: date, count: int) -> None:
    drafts = [
        EntryDraft(
            date=day,
            memo=f"Tes {i}",
            lines=[Line("1-102", debit=100 + i), Line("3-103", credit=100 + i)],
            source_kind="test",
        )
        for i in range(count)
    ]
    services.journal_entries_post_bulk(cooperative=coop, drafts=drafts)


def synthetic(start: int, count: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(start, start + count)]


def stored_levels(coop) -> dict[tuple[int, int], bytes]:
    return {
        (level, number): bytes(hashes)
        for level, number, hashes in TreeTile.objects.filter(cooperative=coop).values_list(
            "level", "number", "hashes"
        )
    }


def reference_tiles(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    found = {}
    for level, hashes in enumerate(tiles.build_levels(leaves)):
        for at_ in range(0, len(hashes), 256):
            found[(level, at_ // 256)] = b"".join(hashes[at_ : at_ + 256])
    return found


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chunks=st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=4),
    data=st.data(),
)
def test_stored_tiles_and_their_proofs_equal_the_reference(coop_a, chunks, data):
    """Leaves appended in random batches (as checkpoints add them) give exactly the C2SP tiles of
    the whole tree, and every root, inclusion and consistency proof read from them equals the
    one merkle.py computes from all the leaves."""
    with transaction.atomic():
        size = 0
        for count in chunks:
            stored.tree_extend(coop_a, size, synthetic(size, count))
            size += count
        leaves = synthetic(0, size)
        assert stored.stored_size(coop_a) == size
        assert stored_levels(coop_a) == reference_tiles(leaves)
        tree = stored.StoredTree(coop_a)
        if size:
            new = data.draw(st.integers(min_value=1, max_value=size))
            old = data.draw(st.integers(min_value=0, max_value=new))
            index = data.draw(st.integers(min_value=0, max_value=new - 1))
            assert tree.root(new) == merkle.root(leaves[:new])
            assert tree.inclusion(index, new) == merkle.inclusion_proof(index, leaves[:new])
            assert tree.consistency(old, new) == merkle.consistency_proof(old, leaves[:new])
            # What the public log answers: the roots folded from the proofs.
            assert tree.inclusion_and_root(index, new) == (
                merkle.inclusion_proof(index, leaves[:new]),
                merkle.root(leaves[:new]),
            )
            assert stored.StoredTree(coop_a).consistency_and_roots(old, new) == (
                merkle.consistency_proof(old, leaves[:new]),
                merkle.root(leaves[:old]),
                merkle.root(leaves[:new]),
            )
        transaction.set_rollback(True)


def test_a_large_tree_from_a_few_reads(coop_a, django_assert_max_num_queries):
    """70,000 leaves (three levels): a proof reads a handful of tiles, and equals the reference."""
    leaves = synthetic(0, 70_000)
    stored.tree_extend(coop_a, 0, leaves[:65_000])
    stored.tree_extend(coop_a, 65_000, leaves[65_000:])
    tree = stored.StoredTree(coop_a, 70_000)
    with django_assert_max_num_queries(8):
        proof = tree.inclusion(12_345, 70_000)
    assert proof == merkle.inclusion_proof(12_345, leaves)
    with django_assert_max_num_queries(8):
        proof = tree.consistency(65_537, 70_000)
    assert proof == merkle.consistency_proof(65_537, leaves)
    assert tree.root(70_000) == merkle.root(leaves)
    assert tree.tile(tiles.Tile(1, 1, 17)) == b"".join(tiles.build_levels(leaves)[1][256:273])


def test_checkpoints_read_only_the_entries_they_add(coop_a, monkeypatch):
    with at(D1):
        post(coop_a, D1, 300)
    with at(D2):
        first = checkpoint_create(cooperative=coop_a, day=D1)
        post(coop_a, D2, 7)
    calls = []
    real = building.journal_rows

    def counting(cooperative, **kwargs):
        rows = list(real(cooperative, **kwargs))
        calls.append((kwargs.get("after", 0), len(rows)))
        return iter(rows)

    monkeypatch.setattr(building, "journal_rows", counting)
    with at(D3):
        second = checkpoint_create(cooperative=coop_a, day=D2)
    assert calls == [(300, 7)]  # the 300 signed entries are not read again
    assert (first.tree_size, second.tree_size) == (300, 307)
    leaves = [row.leaf for row in real(coop_a)]
    assert second.root_hash == merkle.root(leaves).hex()
    assert stored_levels(coop_a) == reference_tiles(leaves)
    assert ledger_verify(cooperative=coop_a).ok


def _forget_the_tiles(coop) -> None:
    """A cooperative signed before the tiles existed (the migration adds an empty table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_treetile_no_delete")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute("ALTER TABLE ledger_treetile DISABLE TRIGGER ledger_treetile_immutable")
        cursor.execute("DELETE FROM ledger_treetile WHERE cooperative_id = %s", [coop.pk])


def test_a_cooperative_signed_before_the_tiles_gets_them_at_its_next_checkpoint(coop_a, client):
    with at(D1):
        post(coop_a, D1, 5)
    with at(D2):
        checkpoint_create(cooperative=coop_a, day=D1)
        post(coop_a, D2, 2)
    _forget_the_tiles(coop_a)
    leaves = [row.leaf for row in journal_rows(coop_a)]
    assert ledger_verify(cooperative=coop_a).ok  # nothing stored yet is no problem
    # The public log serves the signed tree from the rows meanwhile.
    url = f"/transparansi/{coop_a.village_id}/log/tile/0/000.p/5"
    assert client.get(url).content == b"".join(leaves[:5])
    with at(D3):
        made = checkpoint_create(cooperative=coop_a, day=D2)
    assert made.tree_size == 7
    assert stored_levels(coop_a) == reference_tiles(leaves)
    assert ledger_verify(cooperative=coop_a).ok


def test_the_lazy_build_refuses_a_journal_altered_before_it(coop_a):
    with at(D1):
        post(coop_a, D1, 3)
    with at(D2):
        checkpoint_create(cooperative=coop_a, day=D1)
    _forget_the_tiles(coop_a)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_journalentry_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_journalentry_immutable"
            )
        cursor.execute(
            "UPDATE ledger_journalentry SET memo = 'Diubah' WHERE cooperative_id = %s AND number = 2",
            [coop_a.pk],
        )
    with at(D3), pytest.raises(CheckpointInconsistent):
        checkpoint_create(cooperative=coop_a, day=D2)
    assert Checkpoint.objects.filter(cooperative=coop_a).count() == 1
    assert not TreeTile.objects.filter(cooperative=coop_a).exists()  # nothing half-stored
