"""Benchmark: `regions_load_national` against raw `executemany` of the same rows.

    uv run python bench/bench_regions.py [--repeat 3]

Each round empties the four region tables, then times
  1. the baseline: read the same gzip CSV with the csv module and insert the same rows into the
     same tables with `cursor.executemany`, in one transaction (no checks, no diff);
  2. `regions_load_national()` on the empty tables (the first, creating load);
  3. `regions_load_national()` again (the idempotent re-run, which writes nothing);
and prints the median of each, its rate in rows per second and the loader/baseline ratio.

It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR (removed
afterwards); with DATABASE_URL set (PostgreSQL), Django's test database `test_<name>` is created,
migrated and dropped, as the test suite does.
"""

import argparse
import csv
import gzip
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from zoneinfo import ZoneInfo


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


def read_rows(path) -> dict[str, list[tuple]]:
    """The four tables' rows from the national file, parents deduplicated (the baseline's read)."""
    provinces, regencies, districts, villages = {}, {}, {}, []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            provinces[row["province_code"]] = (row["province_code"], row["province_name"])
            regency = row["regency_code"]
            kind = "kabupaten" if int(regency[-2:]) <= 69 else "kota"
            regencies[regency] = (regency, row["province_code"], row["regency_name"], kind)
            districts[row["district_code"]] = (row["district_code"], regency, row["district_name"])
            villages.append((row["code"], row["district_code"], row["name"], row["kind"]))
    return {
        "province": list(provinces.values()),
        "regency": list(regencies.values()),
        "district": list(districts.values()),
        "village": villages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds to run (median reported)")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-regions-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kopdes.regions.models import District, Province, Regency, Village
    from kopdes.regions.services import NATIONAL_FILE, regions_load_national

    vendor = connection.vendor
    old_name = None
    try:
        if vendor == "sqlite":
            # A fresh file in the temporary data directory, with the project's PRAGMAs (WAL).
            call_command("migrate", verbosity=0)
        else:
            old_name = connection.settings_dict["NAME"]
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
            else:
                cursor.execute("SELECT version()")
                version = cursor.fetchone()[0].split(" on ")[0]

        tables = {
            "province": (Province, ["code", "name"]),
            "regency": (Regency, ["code", "province_id", "name", "kind"]),
            "district": (District, ["code", "regency_id", "name"]),
            "village": (Village, ["code", "district_id", "name", "kind"]),
        }

        def empty() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                for level in ("village", "district", "regency", "province"):
                    cursor.execute(f"DELETE FROM {tables[level][0]._meta.db_table}")  # noqa: S608

        def baseline() -> int:
            rows = read_rows(NATIONAL_FILE)
            with transaction.atomic(), connection.cursor() as cursor:
                for level in ("province", "regency", "district", "village"):
                    model, attnames = tables[level]
                    columns = [
                        model._meta.get_field(a.removesuffix("_id")).column for a in attnames
                    ]
                    sql = (
                        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
                        f"VALUES ({', '.join(['%s'] * len(columns))})"
                    )
                    cursor.executemany(sql, rows[level])
            return sum(len(level_rows) for level_rows in rows.values())

        def counts() -> tuple:
            return tuple(tables[level][0].objects.count() for level in tables)

        expected = (38, 514, 7285, 83762)
        times: dict[str, list[float]] = {"baseline": [], "load": [], "reload": []}
        total_rows = sum(expected)
        for round_number in range(1, args.repeat + 1):
            empty()
            started = time.perf_counter()
            rows = baseline()
            times["baseline"].append(time.perf_counter() - started)
            assert rows == total_rows and counts() == expected, (rows, counts())

            empty()
            started = time.perf_counter()
            first = regions_load_national()
            times["load"].append(time.perf_counter() - started)
            assert first.created == total_rows and counts() == expected, first

            started = time.perf_counter()
            again = regions_load_national()
            times["reload"].append(time.perf_counter() - started)
            assert (again.created, again.updated) == (0, 0), again
            print(
                f"round {round_number}: baseline {times['baseline'][-1]:.2f} s, "
                f"load {times['load'][-1]:.2f} s, re-run {times['reload'][-1]:.2f} s",
                file=sys.stderr,
            )

        median = {name: statistics.median(values) for name, values in times.items()}
        now = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M %Z")
        print(f"regions: national load, {total_rows:,} rows (38 / 514 / 7,285 / 83,762)")
        print(f"date:     {now}")
        print(f"machine:  {machine()}")
        print(
            f"database: {version}; Python {platform.python_version()}, "
            f"Django {django.get_version()}"
        )
        print(f"rounds:   {args.repeat} (median)")
        print()
        print(f"{'step':<44} {'seconds':>8} {'rows/s':>10} {'x baseline':>11}")
        labels = {
            "baseline": "baseline: csv + executemany, one transaction",
            "load": "regions_load_national (empty tables)",
            "reload": "regions_load_national (re-run, no change)",
        }
        for name, label in labels.items():
            seconds = median[name]
            print(
                f"{label:<44} {seconds:>8.2f} {total_rows / seconds:>10,.0f} "
                f"{seconds / median['baseline']:>10.1f}x"
            )
        return 0
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
