"""Benchmark: inclusion and consistency proofs from the stored tree (ledger.TreeTile) against
today's recomputation from the leaves, at 1,000,000 entries.

    uv run python bench/bench_proofs.py [--size 1000000] [--entries 20000] [--repeat 200]

In one run:
  1. a tree of --size leaves stored as C2SP tiles through the product's own
     `checkpoints.tree.tree_extend` (synthetic leaf hashes, appended in batches of 100,000 as
     checkpoints would); then, --repeat times each, at random leaves and sizes, the product's
     proof path as the public log and `entry_proof` run it: a fresh `StoredTree` (the
     stored-size query), the proof and the root, every tile read from the database. Target:
     under 10 ms per proof;
  2. the recomputation at the same size: `merkle.inclusion_proof` / `consistency_proof` over all
     --size leaf hashes already in memory (what the old path did after reading the journal: a
     lower bound of its cost), 3 times each;
  3. the old path in full at a smaller size: --entries real journal entries posted with the bulk
     service, then every row read back and rebuilt (`journal_rows`, as the old `entry_proof` and
     `checkpoint_create` did) and the proof computed from the leaves, against the stored-tree
     proof on the same entries; the per-entry cost is extrapolated linearly to --size (the read
     and rebuild are linear in the journal's length).
Each stored-tree proof is checked against the RFC 9162 reference before timing.
It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_ledger import machine

BATCH = 100_000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="leaves of the stored tree")
    parser.add_argument("--entries", type=int, default=20_000, help="real entries (old path)")
    parser.add_argument("--repeat", type=int, default=200, help="stored-tree proofs per kind")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-proofs-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger import merkle, services
    from kopdes.ledger.checkpoints import journal_rows
    from kopdes.ledger.checkpoints import tree as stored
    from kopdes.ledger.services import EntryDraft, Line
    from kopdes.regions.models import Village

    if connection.vendor != "sqlite":
        print("bench_proofs runs on SQLite (its temporary database) only", file=sys.stderr)
        return 2
    try:
        call_command("migrate", verbosity=0)
        import sqlite3

        rng = random.Random(2026)
        big, small = (
            cooperative_found(actor=None, village=village, founded_on=date(2025, 7, 21))
            for village in Village.objects.filter(code__startswith="36.03.").order_by("code")[:2]
        )
        services.chart_create(cooperative=small)
        print(
            f"# bench_proofs, {time.strftime('%Y-%m-%d')}, SQLite {sqlite3.sqlite_version}, {machine()}"
        )

        # 1. the stored tree at --size
        size = args.size
        started = time.perf_counter()
        leaves = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(size)]
        for at in range(0, size, BATCH):
            with transaction.atomic():
                stored.tree_extend(big, at, leaves[at : at + BATCH])
        print(
            f"stored {size:,} leaves as tiles in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

        def stored_inclusion(index: int, n: int) -> tuple[list[bytes], bytes]:
            return stored.StoredTree(big).inclusion_and_root(index, n)

        def stored_consistency(old: int, n: int) -> tuple[list[bytes], bytes, bytes]:
            return stored.StoredTree(big).consistency_and_roots(old, n)

        # correctness first, against the reference over all leaves
        check_index, check_old = rng.randrange(size), rng.randrange(1, size)
        started = time.perf_counter()
        reference = merkle.inclusion_proof(check_index, leaves)
        recompute_inclusion = [time.perf_counter() - started]
        assert stored_inclusion(check_index, size) == (reference, merkle.root(leaves))
        started = time.perf_counter()
        reference = merkle.consistency_proof(check_old, leaves)
        recompute_consistency = [time.perf_counter() - started]
        assert stored_consistency(check_old, size) == (
            reference,
            merkle.root(leaves[:check_old]),
            merkle.root(leaves),
        )
        for _ in range(2):
            index, old = rng.randrange(size), rng.randrange(1, size)
            started = time.perf_counter()
            merkle.inclusion_proof(index, leaves)
            recompute_inclusion.append(time.perf_counter() - started)
            started = time.perf_counter()
            merkle.consistency_proof(old, leaves)
            recompute_consistency.append(time.perf_counter() - started)

        def timed(function, pairs) -> list[float]:
            times = []
            for a, b in pairs:
                started = time.perf_counter()
                function(a, b)
                times.append(time.perf_counter() - started)
            return times

        inclusion_pairs = [(rng.randrange(size), size) for _ in range(args.repeat)]
        consistency_pairs = []
        for _ in range(args.repeat):
            n = rng.randrange(2, size + 1)
            consistency_pairs.append((rng.randrange(1, n), n))
        inclusion = timed(stored_inclusion, inclusion_pairs)
        consistency = timed(stored_consistency, consistency_pairs)

        # 3. the old path in full on real entries
        drafts = [
            EntryDraft(
                date=date(2026, 3, 2),
                memo=f"Penjualan tunai {i}",
                source_kind="bench",
                lines=[Line("1-101-01", debit=10_000 + i), Line("4-101-02", credit=10_000 + i)],
            )
            for i in range(args.entries)
        ]
        started = time.perf_counter()
        for at in range(0, len(drafts), 5_000):
            services.journal_entries_post_bulk(cooperative=small, drafts=drafts[at : at + 5_000])
        print(
            f"posted {args.entries:,} entries in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        with transaction.atomic():
            real = [row.leaf for row in journal_rows(small)]
            stored.tree_extend(small, 0, real)
        old_path = []
        for _ in range(3):
            index = rng.randrange(args.entries)
            started = time.perf_counter()
            rebuilt = [row.leaf for row in journal_rows(small, upto=args.entries)]
            proof = merkle.inclusion_proof(index, rebuilt)
            old_path.append(time.perf_counter() - started)
            assert proof == stored.StoredTree(small).inclusion(index, args.entries)
        small_stored = []
        for _ in range(args.repeat):
            index = rng.randrange(args.entries)
            started = time.perf_counter()
            stored.StoredTree(small).inclusion(index, args.entries)
            small_stored.append(time.perf_counter() - started)

        med = statistics.median
        per_entry = med(old_path) / args.entries
        rows = [
            (f"inclusion proof + root, stored tree, {size:,} leaves", med(inclusion), max(inclusion)),
            (f"consistency proof + root, stored tree, {size:,} leaves", med(consistency), max(consistency)),
            (f"inclusion proof recomputed from {size:,} leaf hashes in memory", med(recompute_inclusion), None),
            (f"consistency proof recomputed from {size:,} leaf hashes in memory", med(recompute_consistency), None),
            (f"old entry_proof in full (rows read and rebuilt), {args.entries:,} entries", med(old_path), None),
            (f"stored-tree inclusion proof, {args.entries:,} entries", med(small_stored), None),
            (f"old entry_proof in full, extrapolated to {size:,} entries", per_entry * size, None),
        ]  # fmt: skip
        print("| measurement | median | max |")
        print("|---|---|---|")
        for label, median, worst in rows:
            print(f"| {label} | {ms(median)} | {ms(worst) if worst is not None else ''} |")
        print()
        print(
            f"inclusion: stored tree {med(recompute_inclusion) / med(inclusion):,.0f}x faster than "
            f"the in-memory recomputation, {per_entry * size / med(inclusion):,.0f}x faster than "
            f"the old path extrapolated; consistency: "
            f"{med(recompute_consistency) / med(consistency):,.0f}x faster than the in-memory "
            f"recomputation; at {args.entries:,} entries the old path in full is "
            f"{med(old_path) / med(small_stored):,.0f}x slower than the stored tree"
        )
        worst = max(med(inclusion), med(consistency))
        print(f"target: under 10 ms per proof: {'met' if worst < 0.010 else 'NOT met'}")
        return 0 if worst < 0.010 else 1
    finally:
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
