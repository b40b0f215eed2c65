"""Benchmark: PostgreSQL's balance check on one large journal entry, before and after ledger
migration 0011 (issue 11.12).

    DATABASE_URL=postgres://... uv run python bench/bench_balance_trigger.py [--sizes 500,5000]

In one run, on one database, each size is posted through `journal_entry_post` (one entry of N
lines, committed) three ways, `--repeat` times each (median):
  * none: both balance triggers disabled (ALTER TABLE ... DISABLE TRIGGER): the baseline, what
    the posting costs without any database check;
  * old:  migration 0002's deferred per-line trigger, re-created in this database under its own
    name: at commit it sums the entry's lines once per line (quadratic);
  * new:  migration 0011 as installed: the statement-level trigger queues the entry once, the
    deferred check sums its lines once at commit (linear).
It prints the times, each trigger's overhead over the baseline and old/new. The entry is a
provision-like journal: N-1 debit lines on 5-401 and one credit on 1-104.

It creates, migrates and drops its own database `kopdes_bench_trigger` (never the one in the
URL). SQLite has no such trigger (the services check the balance): the script says so, exit 0.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

BENCH_DB = "kopdes_bench_trigger"
DAY = date(2026, 11, 30)

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION bench_old_check_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE d bigint; c bigint; n integer; t bigint;
  BEGIN
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) INTO d, c, n
      FROM ledger_journalline WHERE entry_id = NEW.entry_id;
    SELECT total INTO t FROM ledger_journalentry WHERE id = NEW.entry_id;
    IF d <> c OR n < 2 OR d <> t THEN
      RAISE EXCEPTION 'ledger_journalentry_balanced: entry % unbalanced', NEW.entry_id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
  END $$"""
OLD_TRIGGER = """
CREATE CONSTRAINT TRIGGER bench_old_balanced AFTER INSERT ON ledger_journalline
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_old_check_entry_balance()"""

# (table, trigger) of each mode's balance check; the others are disabled while it runs
NEW = [
    ("ledger_journalline", "ledger_journalline_queue_balance"),
    ("ledger_entry_balance_pending", "ledger_journalentry_balanced"),
]
OLD = [("ledger_journalline", "bench_old_balanced")]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,5000", help="lines per entry, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and mode (median)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-trigger-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        print("bench_balance_trigger: PostgreSQL only (set DATABASE_URL); SQLite has no trigger")
        shutil.rmtree(data_dir, ignore_errors=True)
        return 0

    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger import services
    from kopdes.ledger.models import JournalLine
    from kopdes.ledger.services import Line
    from kopdes.regions.models import Village

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute(OLD_FUNCTION)
            cursor.execute(OLD_TRIGGER)
        village = Village.objects.filter(code__startswith="36.03.").order_by("code").first()
        coop = cooperative_found(actor=None, village=village, founded_on=date(2025, 7, 21))
        services.chart_create(cooperative=coop)

        def use(mode: list[tuple[str, str]]) -> None:
            with connection.cursor() as cursor:
                for table, trigger in NEW + OLD:
                    state = "ENABLE" if (table, trigger) in mode else "DISABLE"
                    cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")

        def post(size: int) -> float:
            lines = [Line("5-401", debit=1_000 + i) for i in range(size - 1)]
            total = sum(line.debit for line in lines)
            lines.append(Line("1-104", credit=total))
            started = time.perf_counter()
            with transaction.atomic():
                entry = services.journal_entry_post(
                    cooperative=coop,
                    date=DAY,
                    memo=f"Penyisihan {size} baris",
                    lines=lines,
                    source_kind="bench",
                )
            elapsed = time.perf_counter() - started  # the deferred check ran at the commit
            assert JournalLine.objects.filter(entry=entry).count() == size
            return elapsed

        modes = {"none": [], "old": OLD, "new": NEW}
        results: dict[tuple[int, str], float] = {}
        for size in sizes:
            for name, mode in modes.items():
                use(mode)
                timings = [post(size) for _ in range(args.repeat)]
                results[size, name] = statistics.median(timings)
                print(f"{size} lines, {name}: {results[size, name]:.3f} s", file=sys.stderr)
        use(NEW)

        # The new trigger must still refuse an unbalanced entry written behind the services.
        from django.db import DatabaseError

        refused = False
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO ledger_journalline (public_id, cooperative_id, entry_id, line_no,"
                    " account_id, debit, credit, subledger_kind, subledger_id, date)"
                    " SELECT gen_random_uuid(), cooperative_id, entry_id, 99999, account_id, 1, 0,"
                    " '', '', date FROM ledger_journalline WHERE cooperative_id = %s LIMIT 1",
                    [coop.pk],
                )
        except DatabaseError:
            refused = True
        assert refused, "the new trigger let an unbalanced entry commit"

        now = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M %Z")
        print("ledger: the balance check on one large entry (journal_entry_post, committed)")
        print(f"date:     {now}")
        print(f"machine:  {machine()}")
        print(f"database: {version}; Python {platform.python_version()}")
        print(f"median of {args.repeat} runs per cell; overhead = time - time without a check")
        print()
        header = f"{'lines':>6} {'no check':>9} {'old':>9} {'new':>9}"
        print(f"{header} {'old overhead':>13} {'new overhead':>13} {'old/new':>8}")
        for size in sizes:
            none, old, new = (results[size, name] for name in modes)
            print(
                f"{size:>6} {none:>8.3f}s {old:>8.3f}s {new:>8.3f}s {old - none:>12.3f}s "
                f"{new - none:>12.3f}s {old / new:>7.1f}x"
            )
        print("unbalanced raw INSERT with the new trigger: refused at commit")
        return 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
