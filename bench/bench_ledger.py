"""Benchmark: the ledger's posting services, trial balance and verification against raw SQL.

    uv run python bench/bench_ledger.py [--single 2000] [--bulk 10000] [--lines 1000000]

Each measurement has a baseline run in the same process on the same tables:
  1. one entry at a time: `journal_entry_post` (checks, sequence lock, hash chain, snapshots, one
     transaction per entry) vs raw SQL inserting the same entry row and its lines, one
     transaction each. Targets: ratio >= 0.3, and >= 500 entries/s on PostgreSQL;
  2. bulk: `journal_entries_post_bulk` of --bulk entries in one call vs raw `executemany` of the
     same rows in one transaction. Target: ratio >= 0.5;
  3. trial balance of one cooperative with --lines journal lines (built with the bulk service,
     2-line entries in chunks of 10,000): the snapshot path (sum of AccountMonth rows per
     account) vs a raw GROUP BY over ledger_journalline. The snapshot path must be faster;
  4. `ledger_verify` (the engine of `kopdes ledger verify`) over that cooperative, entries/s.
Entries are 2-line sales (cash gerai / partisipasi anggota), dated over January-October 2026.
Rates are entries per second; "x baseline" is service rate / baseline rate (1.0 = as fast).

It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR (removed
afterwards); with DATABASE_URL set (PostgreSQL), a separate database `kopdes_bench_ledger` is
created, migrated and dropped (not Django's test_<name>, which the test suite may be using).
The full 1,000,000-line build takes a few minutes on SQLite; --lines 100000 is a quick run.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BENCH_DB = "kopdes_bench_ledger"
PAIRS = [  # (debit, credit) account codes of the generated 2-line entries
    ("1-101-02", "4-101-02"),
    ("1-101-02", "4-201-02"),
    ("5-101-02", "1-107-02"),
    ("1-107-02", "1-101-02"),
    ("1-101-01", "1-101-02"),
    ("5-201", "1-101-01"),
    ("5-203", "1-101-01"),
    ("1-102", "1-101-01"),
    ("1-101-01", "1-102"),
    ("1-101-05", "4-101-05"),
]
FIRST_DAY = date(2026, 1, 2)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{memory}, {platform.system()} {platform.release()}"


def entry_spec(i: int) -> tuple[date, str, str, int]:
    debit, credit = PAIRS[i % len(PAIRS)]
    return FIRST_DAY + timedelta(days=(i * 7) % 300), debit, credit, 10_000 + (i * 7919) % 990_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=2000, help="entries posted one at a time")
    parser.add_argument("--bulk", type=int, default=10_000, help="entries in the bulk call")
    parser.add_argument(
        "--lines", type=int, default=1_000_000, help="journal lines of the trial-balance test"
    )
    parser.add_argument("--repeat", type=int, default=5, help="trial balance rounds (median)")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-ledger-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum

    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger import services
    from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine
    from kopdes.ledger.services import EntryDraft, Line
    from kopdes.regions.models import Village

    vendor = connection.vendor
    old_name = None
    try:
        if vendor == "sqlite":
            call_command("migrate", verbosity=0)
        else:
            old_name = connection.settings_dict["NAME"]
            connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
            else:
                cursor.execute("SELECT version()")
                version = cursor.fetchone()[0].split(" on ")[0]

        villages = list(Village.objects.filter(code__startswith="36.03.").order_by("code")[:4])
        coops = []
        for village in villages:
            coop = cooperative_found(actor=None, village=village, founded_on=date(2025, 7, 21))
            services.chart_create(cooperative=coop)
            coops.append(coop)
        service_coop, raw_coop, bulk_coop, big_coop = coops
        ops = connection.ops
        sqlite = vendor == "sqlite"

        def uid():
            return uuid.uuid4().hex if sqlite else uuid.uuid4()

        entry_table, line_table = JournalEntry._meta.db_table, JournalLine._meta.db_table
        entry_sql = (
            f"INSERT INTO {entry_table} (public_id, cooperative_id, number, date, memo, "  # noqa: S608
            "source_kind, source_id, idempotency_key, request_hash, reverses_id, actor_id, "
            "actor_label, posted_at, posted_at_text, prev_hash, entry_hash, total, "
            "format_version, secret) VALUES (" + ", ".join(["%s"] * 19) + ")"
        )
        line_sql = (
            f"INSERT INTO {line_table} (public_id, cooperative_id, entry_id, line_no, "  # noqa: S608
            "account_id, debit, credit, subledger_kind, subledger_id, business_unit_id, date) "
            "VALUES (" + ", ".join(["%s"] * 11) + ")"
        )
        raw_accounts = dict(Account.objects.filter(cooperative=raw_coop).values_list("code", "pk"))
        raw_number = [0]

        def raw_rows(i: int) -> tuple[tuple, list]:
            """The entry row and its line rows (entry_id filled in later), as the service would."""
            day, debit, credit, amount = entry_spec(i)
            raw_number[0] += 1
            now = datetime.now(UTC)
            entry = (
                uid(), raw_coop.pk, raw_number[0], ops.adapt_datefield_value(day),
                f"Penjualan tunai {i}", "bench", "", None, "0" * 64, None, None, "system",
                ops.adapt_datetimefield_value(now), now.isoformat(), "0" * 64, "0" * 64, amount,
                2, "0" * 64,
            )  # fmt: skip
            lines = [
                [uid(), raw_coop.pk, None, 1, raw_accounts[debit], amount, 0, "", "", None,
                 ops.adapt_datefield_value(day)],
                [uid(), raw_coop.pk, None, 2, raw_accounts[credit], 0, amount, "", "", None,
                 ops.adapt_datefield_value(day)],
            ]  # fmt: skip
            return entry, lines

        def raw_insert(batch: list[tuple[tuple, list]]) -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(entry_sql, [entry for entry, _lines in batch])
                numbers = [entry[2] for entry, _lines in batch]
                cursor.execute(
                    f"SELECT number, id FROM {entry_table} "  # noqa: S608
                    "WHERE cooperative_id = %s AND number BETWEEN %s AND %s",
                    [raw_coop.pk, min(numbers), max(numbers)],
                )
                ids = dict(cursor.fetchall())
                rows = []
                for entry, lines in batch:
                    for line in lines:
                        line[2] = ids[entry[2]]
                        rows.append(tuple(line))
                cursor.executemany(line_sql, rows)

        def draft(i: int) -> EntryDraft:
            day, debit, credit, amount = entry_spec(i)
            return EntryDraft(
                date=day,
                memo=f"Penjualan tunai {i}",
                source_kind="bench",
                lines=[Line(debit, debit=amount), Line(credit, credit=amount)],
            )

        results: list[tuple[str, float, float | None, str]] = []  # label, rate, ratio, target

        # 1. one at a time
        started = time.perf_counter()
        for i in range(args.single):
            raw_insert([raw_rows(i)])
        raw_single = args.single / (time.perf_counter() - started)
        started = time.perf_counter()
        for i in range(args.single):
            day, debit, credit, amount = entry_spec(i)
            services.journal_entry_post(
                cooperative=service_coop,
                date=day,
                memo=f"Penjualan tunai {i}",
                source_kind="bench",
                lines=[Line(debit, debit=amount), Line(credit, credit=amount)],
            )
        single = args.single / (time.perf_counter() - started)
        print(f"single: service {single:,.0f}/s, raw {raw_single:,.0f}/s", file=sys.stderr)
        results.append(("baseline: raw INSERTs, one transaction per entry", raw_single, None, ""))
        target = ">= 0.3" + (" and >= 500/s" if not sqlite else "")
        results.append(("journal_entry_post, one transaction each", single, single / raw_single,
                        target))  # fmt: skip

        # 2. bulk
        batch = [raw_rows(args.single + i) for i in range(args.bulk)]  # rows built beforehand
        started = time.perf_counter()
        raw_insert(batch)
        raw_bulk = args.bulk / (time.perf_counter() - started)
        drafts = [draft(i) for i in range(args.bulk)]
        started = time.perf_counter()
        services.journal_entries_post_bulk(cooperative=bulk_coop, drafts=drafts)
        bulk = args.bulk / (time.perf_counter() - started)
        print(f"bulk: service {bulk:,.0f}/s, raw {raw_bulk:,.0f}/s", file=sys.stderr)
        results.append(("baseline: raw executemany, one transaction", raw_bulk, None, ""))
        results.append(
            (f"journal_entries_post_bulk ({args.bulk:,} entries)", bulk, bulk / raw_bulk, ">= 0.5")
        )

        # 3. trial balance over --lines lines
        entries = args.lines // 2
        chunk = 10_000
        started = time.perf_counter()
        for first in range(0, entries, chunk):
            services.journal_entries_post_bulk(
                cooperative=big_coop,
                drafts=[draft(i) for i in range(first, min(first + chunk, entries))],
            )
            done = min(first + chunk, entries)
            elapsed = time.perf_counter() - started
            print(
                f"\rbuilding: {done * 2:,} of {entries * 2:,} lines, {elapsed:.0f} s "
                f"({done / elapsed:,.0f} entries/s)",
                end="",
                file=sys.stderr,
            )
        print(file=sys.stderr)
        build_rate = entries / (time.perf_counter() - started)

        def snapshot_path() -> dict[int, tuple[int, int]]:
            return {
                row["account_id"]: (row["d"], row["c"])
                for row in AccountMonth.objects.filter(cooperative=big_coop)
                .values("account_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
            }

        def raw_group_by() -> dict[int, tuple[int, int]]:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT account_id, SUM(debit), SUM(credit) FROM {line_table} "  # noqa: S608
                    "WHERE cooperative_id = %s GROUP BY account_id",
                    [big_coop.pk],
                )
                return {a: (int(d), int(c)) for a, d, c in cursor.fetchall()}

        timings: dict[str, list[float]] = {"snapshot": [], "group_by": []}
        for _round in range(args.repeat):
            for name, fn in (("snapshot", snapshot_path), ("group_by", raw_group_by)):
                started = time.perf_counter()
                totals = fn()
                timings[name].append(time.perf_counter() - started)
                debit = sum(d for d, _c in totals.values())
                assert debit == sum(c for _d, c in totals.values()) > 0, name
        assert snapshot_path() == raw_group_by()
        snap, group = (statistics.median(timings[k]) for k in ("snapshot", "group_by"))

        # 4. verification
        verify_rate = None
        try:
            from kopdes.ledger.checkpoints import ledger_verify
        except ImportError:
            ledger_verify = None
        if ledger_verify is not None:
            started = time.perf_counter()
            report = ledger_verify(cooperative=big_coop)
            verify_rate = report.entries / (time.perf_counter() - started)
            assert report.ok and report.entries == entries, report.problems[:3]

        now = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M %Z")
        print("ledger: posting, trial balance and verification")
        print(f"date:     {now}")
        print(f"machine:  {machine()}")
        print(
            f"database: {version}; Python {platform.python_version()}, "
            f"Django {django.get_version()}"
        )
        print()
        print(f"{'posting (2-line entries)':<52} {'entries/s':>10} {'x baseline':>11}  target")
        for label, rate, ratio, goal in results:
            shown = f"{ratio:>10.2f}x" if ratio is not None else f"{'':>11}"
            print(f"{label:<52} {rate:>10,.0f} {shown}  {goal}")
        print()
        lines_label = f"trial balance, {entries * 2:,} lines (median of {args.repeat})"
        print(f"{lines_label:<52} {'ms':>10} {'x faster':>11}")
        print(f"{'baseline: GROUP BY over ledger_journalline':<52} {group * 1000:>10.1f}")
        print(
            f"{'snapshot path: sum of AccountMonth rows':<52} {snap * 1000:>10.1f} "
            f"{group / snap:>10.1f}x  must be > 1"
        )
        print(f"(built with journal_entries_post_bulk at {build_rate:,.0f} entries/s)")
        print()
        if verify_rate is None:
            print("ledger_verify: not available in this tree")
        else:
            print(f"{'ledger_verify (kopdes ledger verify)':<52} {verify_rate:>10,.0f} entries/s")
        return 0
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
