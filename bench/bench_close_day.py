"""Benchmark: the loans' daily close over 50,000 active loans against a raw SQL UPDATE of the same
rows, in the same run (issue 11.12).

    uv run python bench/bench_close_day.py [--loans 50000] [--repeat 3]

Two cooperatives get the same portfolio, made with raw rows (core.bulk: the bench measures the
close, not the set-up): --loans active loans each (6 monthly installments, disbursed over the
last six months, a third of them behind by 1 to 200 days; half the products charge denda per
day, half per late installment). Only the open installments are stored (the close never reads
paid ones: the partial index on open due dates).

Each round closes one more day (none a month's end), after a first day closed by both to reach
the steady state:
  * service: `loans_close_day` on cooperative A (reads, the rules per loan, the UPDATE of the
    loans that changed, the class-change events, the day's LoanDayClose row and audit row);
  * baseline: one raw SQL UPDATE ... FROM an aggregate of the open installments on cooperative
    B setting days past due, the class (CASE on the default thresholds) and adding the day's
    denda.
Both must leave the same days past due, classes and denda on every loan (checked each round).
Rates are loans per second; the ratio is service rate / baseline rate. Target: >= 0.3.

It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR (removed
afterwards); with DATABASE_URL set (PostgreSQL), a database `kopdes_bench_close` is created,
migrated and dropped.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_regions import machine

BENCH_DB = "kopdes_bench_close"
FIRST_DAY = date(2026, 11, 2)  # the first day closed (steady state); then the 3rd, 4th, ...
MEMBERS_PER_COOP = 1_000
TENOR = 6
INSTALLMENT = (1_000_000, 20_000)  # pokok, jasa: multiples of 1,000 so 0.1 % a day is whole


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=50_000, help="active loans per cooperative")
    parser.add_argument("--repeat", type=int, default=3, help="days closed and timed (median)")
    parser.add_argument("--profile", action="store_true", help="profile one more service day")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-close-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kopdes.cooperatives.services import cooperative_found
    from kopdes.core import bulk
    from kopdes.ledger import services as ledger
    from kopdes.loans.models import Installment, Loan, LoanDayClose, LoanProduct
    from kopdes.loans.services import loans_close_day
    from kopdes.members.models import Member
    from kopdes.regions.models import Village

    vendor = connection.vendor
    old_name = None
    try:
        if vendor == "sqlite":
            call_command("migrate", verbosity=0)
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        else:
            old_name = connection.settings_dict["NAME"]
            connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()")
                version = cursor.fetchone()[0].split(" on ")[0]

        started = time.perf_counter()
        villages = list(Village.objects.filter(code__startswith="36.03.").order_by("code")[:2])
        coops = []
        for village in villages:
            coop = cooperative_found(actor=None, village=village, founded_on=date(2025, 7, 21))
            ledger.chart_create(cooperative=coop)
            coops.append(coop)
        service_coop, raw_coop = coops
        now = datetime.now(UTC)
        for coop in coops:
            _portfolio(coop, args.loans, now, Member, LoanProduct, Loan, Installment, bulk)
        print(f"built {2 * args.loans:,} loans in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)  # fmt: skip

        def service(day: date) -> float:
            began = time.perf_counter()
            result = loans_close_day(cooperative=service_coop, day=day)  # days in the past
            elapsed = time.perf_counter() - began
            assert result.days == [day] and result.loans == args.loans, result
            return elapsed

        def raw(day: date) -> float:
            sql, params = _raw_update(vendor, raw_coop.pk, day)
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return time.perf_counter() - began

        def same() -> None:
            fields = ("days_past_due", "collectibility", "penalty_due")
            a = list(Loan.objects.filter(cooperative=service_coop).order_by("number")
                     .values_list(*fields))  # fmt: skip
            b = list(Loan.objects.filter(cooperative=raw_coop).order_by("number")
                     .values_list(*fields))  # fmt: skip
            assert a == b, "the close and the raw UPDATE disagree"

        # Steady state: both close FIRST_DAY (the service catches nothing else up: a closed day
        # before it is recorded).
        LoanDayClose.objects.create(
            cooperative=service_coop, day=FIRST_DAY - timedelta(days=1), loans=0,
            overdue_loans=0, penalty_accrued=0, class_changes=0,
        )  # fmt: skip
        service(FIRST_DAY)
        raw(FIRST_DAY)
        same()
        timings: dict[str, list[float]] = {"service": [], "raw": []}
        for k in range(1, args.repeat + 1):
            day = FIRST_DAY + timedelta(days=k)
            timings["raw"].append(raw(day))
            timings["service"].append(service(day))
            same()
            print(f"day {day}: raw {timings['raw'][-1]:.3f} s, service "
                  f"{timings['service'][-1]:.3f} s", file=sys.stderr)  # fmt: skip
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(service, FIRST_DAY + timedelta(days=args.repeat + 1))
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(14)
        late = Loan.objects.filter(cooperative=service_coop, days_past_due__gt=0).count()
        svc, base = (statistics.median(timings[k]) for k in ("service", "raw"))
        svc_rate, raw_rate = args.loans / svc, args.loans / base

        now_local = datetime.now(JAKARTA).strftime("%Y-%m-%d %H:%M %Z")
        print("loans: the daily close against a raw SQL UPDATE")
        print(f"date:     {now_local}")
        print(f"machine:  {machine()}")
        print(
            f"database: {version}; Python {sys.version.split()[0]}, Django {django.get_version()}"
        )
        print(f"{args.loans:,} active loans per cooperative, {late:,} past due; "
              f"median of {args.repeat} days")  # fmt: skip
        print()
        print(f"{'':<44} {'s':>8} {'loans/s':>10} {'x baseline':>11}  target")
        print(f"{'baseline: raw UPDATE ... FROM (aggregate)':<44} {base:>8.3f} {raw_rate:>10,.0f}")
        print(
            f"{'loans_close_day (one day)':<44} {svc:>8.3f} {svc_rate:>10,.0f} "
            f"{svc_rate / raw_rate:>10.2f}x  >= 0.3"
        )
        return 0
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


JAKARTA = ZoneInfo("Asia/Jakarta")


def _portfolio(coop, count, now, Member, LoanProduct, Loan, Installment, bulk) -> None:
    """`count` active loans of `coop` with their open installments, as raw rows."""
    members = Member.objects.bulk_create(
        Member(
            cooperative=coop,
            number=n + 1,
            full_name=f"Anggota {n + 1}",
            nik=f"3603{coop.pk:02d}{n + 1:010d}"[:16],
            sex="F",
            birth_date=date(1990, 1, 1),
            address="Kp. Bench",
            domicile_id=coop.village_id,
            status=Member.Status.ACTIVE,
            requested_on=date(2025, 8, 1),
            joined_on=date(2025, 8, 1),
        )
        for n in range(MEMBERS_PER_COOP)
    )
    products = [
        LoanProduct.objects.create(
            cooperative=coop, name="Per hari", method="flat", annual_rate=Decimal(24),
            tenor_min=1, tenor_max=12, penalty_method="per_day", penalty_rate=Decimal("0.1"),
            max_amount=100_000_000,
        ),
        LoanProduct.objects.create(
            cooperative=coop, name="Per angsuran", method="flat", annual_rate=Decimal(24),
            tenor_min=1, tenor_max=12, penalty_method="per_installment", penalty_amount=25_000,
            max_amount=100_000_000,
        ),
    ]  # fmt: skip
    make_loan, make_installment = bulk.row_maker(Loan), bulk.row_maker(Installment)
    loans, plans = [], []
    for i in range(count):
        # disbursed on day 1..180 before FIRST_DAY; a third behind by 1..200 days
        disbursed = FIRST_DAY - timedelta(days=1 + (i * 7919) % 180)
        dues = [_add_months(disbursed, k) for k in range(1, TENOR + 1)]
        behind = (i * 104729) % 200 + 1 if i % 3 == 0 else 0
        open_from = [d for d in dues if d >= FIRST_DAY - timedelta(days=behind)]
        principal = INSTALLMENT[0] * TENOR
        outstanding = INSTALLMENT[0] * len(open_from)
        loans.append(
            make_loan(
                Loan(
                    cooperative_id=coop.pk,
                    number=f"PJ-2026-{i + 1:06d}",
                    member_id=members[i % len(members)].pk,
                    product_id=products[i % 2].pk,
                    principal=principal,
                    annual_rate=Decimal(24),
                    months=TENOR,
                    method="flat",
                    purpose="Modal usaha",
                    status="active",
                    applied_on=disbursed,
                    decided_on=disbursed,
                    disbursed_on=disbursed,
                    outstanding_principal=outstanding,
                    request_hash="",
                    created_at=now,
                    updated_at=now,
                )
            )
        )
        plans.append([(TENOR - len(open_from) + n + 1, due) for n, due in enumerate(open_from)])
    bulk.insert(Loan, loans)
    ids = dict(Loan.objects.filter(cooperative=coop).values_list("number", "pk"))
    rows = [
        make_installment(
            Installment(
                cooperative_id=coop.pk,
                loan_id=ids[f"PJ-2026-{i + 1:06d}"],
                number=number,
                due_date=due,
                principal=INSTALLMENT[0],
                interest=INSTALLMENT[1],
            )
        )
        for i, plan in enumerate(plans)
        for number, due in plan
    ]
    bulk.insert(Installment, rows)


def _add_months(day: date, months: int) -> date:
    from kopdes.loans.schedule import due_date

    return due_date(day, months)


def _raw_update(vendor: str, coop_id: int, day: date) -> tuple[str, list]:
    """One UPDATE of every late loan of the cooperative for `day` (default thresholds)."""
    if vendor == "sqlite":
        days = "CAST(julianday(%s) - julianday(MIN(i.due_date)) AS INTEGER)"
        yesterday = "date(%s, '-1 day')"
    else:
        days = "(CAST(%s AS date) - MIN(i.due_date))"
        yesterday = "(CAST(%s AS date) - 1)"
    sql = f"""
        WITH s AS (
          SELECT i.loan_id AS loan_id, {days} AS dpd,
                 SUM(i.principal + i.interest - i.paid_principal - i.paid_interest) AS overdue,
                 SUM(CASE WHEN i.due_date = {yesterday} THEN 1 ELSE 0 END) AS newly
          FROM loans_installment i
          WHERE i.cooperative_id = %s AND i.paid_on IS NULL AND i.due_date < %s
          GROUP BY i.loan_id
        ), v AS (
          SELECT s.loan_id, s.dpd,
                 CASE WHEN s.dpd >= 181 THEN 5 WHEN s.dpd >= 121 THEN 4 WHEN s.dpd >= 91 THEN 3
                      WHEN s.dpd >= 1 THEN 2 ELSE 1 END AS cls,
                 CASE WHEN p.penalty_method = 'per_day'
                      THEN CAST(ROUND(s.overdue * p.penalty_rate / 100) AS BIGINT)
                      ELSE s.newly * p.penalty_amount END AS denda
          FROM s JOIN loans_loan l ON l.id = s.loan_id
          JOIN loans_loanproduct p ON p.id = l.product_id
          WHERE l.status = 'active'
        )
        UPDATE loans_loan SET days_past_due = v.dpd, collectibility = v.cls,
               penalty_due = loans_loan.penalty_due + v.denda
        FROM v WHERE loans_loan.id = v.loan_id
    """  # noqa: S608 - constant SQL, values as parameters
    iso = day.isoformat()
    return sql, [iso, iso, coop_id, iso]


if __name__ == "__main__":
    sys.exit(main())
