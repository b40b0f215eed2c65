"""Benchmark: the regency's supervision dashboard and the health assessment of every cooperative
against a raw SQL aggregate over the journal lines, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:55433/postgres \\
        uv run python bench/bench_supervision_dashboard.py [--lines 1000000] [--members 50]

(`--lines 10000000` for the full target of issue 15, item 10.)

Builds, in a throwaway database `kopdes_bench_dashboard` (created, migrated and dropped; never
the database named in DATABASE_URL): the 274 cooperatives of Kabupaten Tangerang (one per
village, founded and given their chart of accounts by the services), --lines journal lines
(2-line entries over 2025-01-01..2026-12-01, five kinds: member income, salaries, loans
disbursed, simpanan wajib, simpanan sukarela) written with INSERT ... SELECT generate_series,
the monthly snapshots (AccountMonth) built from those lines with one INSERT ... SELECT ... GROUP
BY (so they agree with the lines), 2025 closed (the journal sequence's closed_through), --members
active members per cooperative and their twelve wajib bills of this year. The bulk load runs with
triggers off (`session_replication_role = replica`), as a restore would.

Then measures, in the same run (median of --repeat rounds, wall clock in the Django process,
database round trips included):
  - the dashboard selector (`supervision.dashboard.dashboard` over all 274 cooperatives) and its
    trend series (`supervision.dashboard.trends`);
  - the health assessment of all 274 cooperatives for 2025 (`supervision.services.health_assess`,
    each a write with its audit row; one round);
  - the baseline: a raw SQL aggregate over ledger_journalline (debit and credit per cooperative
    and account kind, one GROUP BY joining the accounts).
Targets: the dashboard under 0.5 s and faster than the raw scan.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime

BENCH_DB = "kopdes_bench_dashboard"
# (kind, line number, account code) of the generated 2-line entries: entry number % 5 picks one
PAIRS = [
    (0, 1, "1-102"),
    (0, 2, "4-102"),
    (1, 1, "5-201"),
    (1, 2, "1-102"),
    (2, 1, "1-103"),
    (2, 2, "1-102"),
    (3, 1, "1-102"),
    (3, 2, "3-102"),
    (4, 1, "1-102"),
    (4, 2, "2-101"),
]


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


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines in all")
    parser.add_argument("--members", type=int, default=50, help="members per cooperative")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (median)")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must name a PostgreSQL server (see the docstring)", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.db import connection, transaction

    from kopdes.cooperatives.models import Cooperative
    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger import services as ledger
    from kopdes.members.models import Member
    from kopdes.regions.models import Village
    from kopdes.supervision import dashboard as board
    from kopdes.supervision.services import health_assess

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        print(f"{machine()}; {version}; Django {django.get_version()}; {datetime.now(UTC).date()}")
        print(f"migrated in {time.perf_counter() - started:.1f} s")

        # -- the regency: 274 cooperatives, one per village of Kabupaten Tangerang ------------
        started = time.perf_counter()
        villages = list(Village.objects.filter(code__startswith="36.03.").order_by("code"))
        for village in villages:
            cooperative = cooperative_found(
                actor=None, village=village, founded_on=date(2024, 7, 21)
            )
            ledger.chart_create(cooperative=cooperative)
        coops = list(Cooperative.objects.order_by("pk"))
        print(f"{len(coops)} cooperatives founded in {time.perf_counter() - started:.1f} s")

        # -- the lines, the snapshots, the members and bills: bulk SQL --------------------------
        per_coop = max(1, args.lines // 2 // len(coops))
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("CREATE TEMP TABLE bench_pairs (k int, n int, code text) ON COMMIT DROP")
            cursor.executemany("INSERT INTO bench_pairs VALUES (%s, %s, %s)", PAIRS)
            cursor.execute(
                """INSERT INTO ledger_journalentry (public_id, cooperative_id, number, date, memo,
                   source_kind, source_id, idempotency_key, request_hash, reverses_id, actor_id,
                   actor_label, posted_at, posted_at_text, prev_hash, entry_hash, total,
                   format_version, secret)
                   SELECT gen_random_uuid(), c.id, g, date '2025-01-01' + (g * 7 %% 700),
                          'bench', 'bench', '', NULL, repeat('0', 64), NULL, NULL, 'system',
                          now(), '', repeat('0', 64), repeat('0', 64),
                          10000 + (g * 7919 %% 990000), 2, repeat('0', 64)
                   FROM cooperatives_cooperative c CROSS JOIN generate_series(1, %s) g""",
                [per_coop],
            )
            cursor.execute(
                """INSERT INTO ledger_journalline (public_id, cooperative_id, entry_id, line_no,
                   account_id, debit, credit, subledger_kind, subledger_id, business_unit_id, date)
                   SELECT gen_random_uuid(), e.cooperative_id, e.id, p.n, a.id,
                          CASE WHEN p.n = 1 THEN e.total ELSE 0 END,
                          CASE WHEN p.n = 2 THEN e.total ELSE 0 END, '', '', NULL, e.date
                   FROM ledger_journalentry e
                   JOIN bench_pairs p ON p.k = e.number % 5
                   JOIN ledger_account a ON a.cooperative_id = e.cooperative_id
                                        AND a.code = p.code"""
            )
            cursor.execute(
                """INSERT INTO ledger_accountmonth (public_id, cooperative_id, account_id, year,
                   month, debit, credit)
                   SELECT gen_random_uuid(), cooperative_id, account_id,
                          extract(year FROM date)::int, extract(month FROM date)::int,
                          sum(debit), sum(credit)
                   FROM ledger_journalline GROUP BY cooperative_id, account_id,
                        extract(year FROM date), extract(month FROM date)"""
            )
            cursor.execute(
                """INSERT INTO ledger_sequence (public_id, cooperative_id, name, last_value,
                   last_hash, closed_through)
                   SELECT gen_random_uuid(), id, 'journal', %s, repeat('0', 64), date '2025-12-31'
                   FROM cooperatives_cooperative
                   ON CONFLICT (cooperative_id, name) DO UPDATE
                   SET last_value = EXCLUDED.last_value, closed_through = EXCLUDED.closed_through""",
                [per_coop],
            )
            cursor.execute("SELECT count(*) FROM ledger_journalline")
            lines = cursor.fetchone()[0]
        print(
            f"{lines:,} journal lines and their snapshots in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        Member.objects.bulk_create(
            [
                Member(
                    cooperative=c,
                    number=n,
                    full_name=f"Anggota {n}",
                    nik=f"3603{c.pk:06d}{n:06d}"[:16],
                    sex="F",
                    birth_date=date(1990, 1, 1),
                    address="-",
                    domicile_id=c.village_id,
                    status=Member.Status.ACTIVE,
                    requested_on=date(2025, 1, 1),
                    joined_on=date(2025, 1, 1),
                )
                for c in coops
                for n in range(1, args.members + 1)
            ],
            batch_size=5000,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO savings_bill (public_id, cooperative_id, member_id, kind, period,
                   amount, paid_amount, status, created_at)
                   SELECT gen_random_uuid(), m.cooperative_id, m.id, 'wajib',
                          '2026-' || lpad(g::text, 2, '0'), 25000,
                          CASE WHEN (m.id + g) % 4 = 0 THEN 0 ELSE 25000 END,
                          CASE WHEN (m.id + g) % 4 = 0 THEN 'unpaid' ELSE 'paid' END, now()
                   FROM members_member m CROSS JOIN generate_series(1, 12) g"""
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"members and bills in {time.perf_counter() - started:.1f} s")

        # -- the measurements -----------------------------------------------------------------
        scope = Cooperative.objects.all()
        board.dashboard(scope)  # warm the connection and the caches once
        dashboard_s, data = timed(lambda: board.dashboard(scope), args.repeat)
        print(f"dashboard selector: {dashboard_s:.3f} s")
        trends_s, _points = timed(lambda: board.trends(scope), args.repeat)
        print(f"trend series: {trends_s:.3f} s")

        def raw_scan():
            with connection.cursor() as cursor:
                cursor.execute(
                    """SELECT l.cooperative_id, a.kind, sum(l.debit), sum(l.credit)
                       FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                       GROUP BY l.cooperative_id, a.kind"""
                )
                return cursor.fetchall()

        raw_scan()
        raw_s, _rows = timed(raw_scan, max(1, min(args.repeat, 3)))
        print(f"raw scan: {raw_s:.3f} s")
        started = time.perf_counter()
        for cooperative in coops:
            health_assess(actor=None, cooperative=cooperative, year=2025)
        health_s = time.perf_counter() - started

        total = data.totals
        print(
            f"scope: {total.cooperatives} cooperatives, {total.members:,} members, "
            f"assets Rp{total.assets:,}, own capital Rp{total.own_capital:,}"
        )
        print()
        print("| step | seconds | x raw scan |")
        print("|---|--:|--:|")
        for label, seconds in (
            ("raw SQL aggregate over the journal lines (baseline)", raw_s),
            ("dashboard selector, 274 cooperatives", dashboard_s),
            ("trend series, 12 months", trends_s),
            ("dashboard + trends (the /pantau/ page's reads)", dashboard_s + trends_s),
            ("health assessment of all 274 (writes included)", health_s),
        ):
            print(f"| {label} | {seconds:.3f} | {seconds / raw_s:.3f} |")
        ok = dashboard_s < 0.5 and dashboard_s < raw_s
        print()
        print(
            f"target (dashboard < 0.5 s and faster than the raw scan): {'met' if ok else 'MISSED'}"
        )
        return 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
