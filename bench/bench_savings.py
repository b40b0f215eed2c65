# ruff: noqa: S608 - the SQL strings name our own tables (from model _meta); values are parameters
"""Benchmark: the savings month-end run for 10,000 members against raw SQL doing the same work.

    uv run python bench/bench_savings.py [--members 10000] [--repeat 3]

Two cooperatives get the same 10,000 active members and the same simpanan sukarela (60% of the
members deposit in the first month, some twice). Each round is one month; per round it times
  1. the services: `savings_bills_create` (simpanan wajib bills for every active member, and the
     pokok bills still due) then `savings_interest_post` (daily-balance interest, allocated, posted
     as journal entries of at most 200 member lines with a savings transaction per member), on the
     first cooperative;
  2. the baseline on the second cooperative: the least work that produces the same rows, by hand:
     raw SELECTs of what the run needs (active members, pokok paid, sukarela balances and the
     month's movements), the same pure interest rules, and `cursor.executemany` of plain INSERTs
     and UPDATEs (bills, run rows, journal entries and lines, snapshots, savings transactions,
     balances, audit rows), in one transaction, with no checks, no hash chain, no idempotency;
and prints both, rows per second and the ratio (baseline time / service time: 1.0 means as fast
as the raw SQL). The target: a ratio of at least 0.5 and a run under 10 s on PostgreSQL.

It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR (removed
afterwards); with DATABASE_URL set (PostgreSQL), Django's test database `test_<name>` is created,
migrated and dropped.
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
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from bench_regions import machine

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (months), median reported")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= len(MONTHS):
        parser.error(f"--repeat is 1 to {len(MONTHS)}")

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-savings-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    old_name = None
    try:
        if vendor == "sqlite":
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
        return run(args, version)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def setup_cooperative(village_code: str, members: int):
    """A cooperative with `members` active members and their first sukarela deposits."""
    import random

    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger.services import chart_create
    from kopdes.members.models import Member
    from kopdes.regions.models import Village
    from kopdes.savings import services

    village = Village.objects.get(code=village_code)
    cooperative = cooperative_found(actor=None, village=village, founded_on=date(2024, 7, 1))
    chart_create(cooperative=cooperative)
    Member.objects.bulk_create(
        [
            Member(
                cooperative=cooperative,
                number=n,
                full_name=f"Anggota {n}",
                nik=f"360301{n:010d}",
                sex="F" if n % 2 else "M",
                birth_date=date(1980, 1, 1),
                address="Bench",
                domicile=village,
                status=Member.Status.ACTIVE,
                requested_on=date(2024, 12, 1),
                joined_on=date(2024, 12, 1),
            )
            for n in range(1, members + 1)
        ],
        batch_size=2000,
    )
    rng = random.Random(20250101)  # the same deposits in both cooperatives
    ids = list(
        Member.objects.filter(cooperative=cooperative)
        .order_by("number")
        .values_list("pk", flat=True)
    )
    moves: list[tuple[date, int, int]] = []  # (day, member, amount)
    for pk in ids:
        if rng.random() < 0.6:
            moves.append(
                (date(2025, 1, rng.randint(1, 28)), pk, rng.randrange(10_000, 2_000_000, 5_000))
            )
            if rng.random() < 0.3:
                moves.append(
                    (date(2025, 1, rng.randint(1, 28)), pk, rng.randrange(10_000, 500_000, 5_000))
                )
    # Each day's deposits as the kasir books them: collective deposits (setoran kolektif) of at
    # most 200 lines, a member at most once in each.
    by_pk = Member.objects.in_bulk(ids)
    by_day: dict[date, list[list[tuple]]] = defaultdict(list)
    for day, pk, amount in moves:
        sheets = by_day[day]
        sheet = next(
            (s for s in sheets if len(s) < 200 and all(m.pk != pk for m, _k, _a in s)), None
        )
        if sheet is None:
            sheet = []
            sheets.append(sheet)
        sheet.append((by_pk[pk], "sukarela", amount))
    for day in sorted(by_day):
        for sheet in by_day[day]:
            services.savings_collective_deposit(
                actor=None, cooperative=cooperative, on=day, lines=sheet
            )
    return cooperative


def baseline(cooperative, month: str) -> int:
    """The same month-end rows by hand: raw SQL reads and executemany writes, one transaction."""
    import hashlib

    from django.db import connection, transaction
    from django.utils import timezone

    from kopdes.cooperatives.selectors import policy_in_force
    from kopdes.core.models import AuditEvent
    from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine, Sequence
    from kopdes.members.models import Member
    from kopdes.savings import rules, services
    from kopdes.savings.models import (
        Bill,
        MonthRun,
        SavingsAccount,
        SavingsProduct,
        SavingsTransaction,
    )

    def t(model):
        return model._meta.db_table

    pg = connection.vendor == "postgresql"

    def uid():
        return uuid.uuid4() if pg else uuid.uuid4().hex

    coop = cooperative.pk
    year, mon = rules.parse_month(month)
    first, last = rules.month_bounds(year, mon)
    policy = policy_in_force(cooperative=cooperative, on=first)
    now = timezone.now()
    rows = 0
    with transaction.atomic(), connection.cursor() as c:
        # -- bills
        c.execute(
            f"SELECT id, joined_on FROM {t(Member)} WHERE cooperative_id = %s AND status = 'active' "
            "AND (joined_on IS NULL OR joined_on <= %s)",
            [coop, last],
        )
        joined = {}
        for pk, day in c.fetchall():
            day = day if isinstance(day, date) or day is None else date.fromisoformat(day)
            joined[pk] = rules.month_text(day.year, day.month) if day else month
        active = list(joined)
        c.execute(
            f"SELECT member_id FROM {t(Bill)} WHERE cooperative_id = %s AND kind = 'wajib' "
            "AND period = %s",
            [coop, month],
        )
        billed = {r[0] for r in c.fetchall()}
        c.execute(
            f"SELECT member_id FROM {t(Bill)} WHERE cooperative_id = %s AND kind = 'pokok'", [coop]
        )
        has_pokok = {r[0] for r in c.fetchall()}
        c.execute(
            f"SELECT member_id, balance FROM {t(SavingsAccount)} WHERE cooperative_id = %s "
            "AND kind = 'pokok'",
            [coop],
        )
        paid = dict(c.fetchall())
        bills = [
            (uid(), coop, m, "wajib", month, policy.simpanan_wajib_amount, 0, "unpaid", now)
            for m in active
            if m not in billed
        ]
        bills += [
            (
                uid(),
                coop,
                m,
                "pokok",
                joined[m],
                policy.simpanan_pokok_amount - paid.get(m, 0),
                0,
                "unpaid",
                now,
            )
            for m in active
            if m not in has_pokok and policy.simpanan_pokok_amount > paid.get(m, 0)
        ]
        c.executemany(
            f"INSERT INTO {t(Bill)} (public_id, cooperative_id, member_id, kind, period, amount, "
            "paid_amount, status, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            bills,
        )
        audit = (
            f"INSERT INTO {t(AuditEvent)} (at, actor_id, actor_label, cooperative_id, action, "
            "object_type, object_id, object_label, reason, request_id) "
            "VALUES (%s, NULL, 'system', %s, %s, 'savings.monthrun', %s, %s, '', '')"
        )
        run_sql = (
            f"INSERT INTO {t(MonthRun)} (public_id, cooperative_id, kind, period, count, total, "
            "actor_label, created_at) VALUES (%s, %s, %s, %s, %s, %s, 'system', %s)"
        )
        c.execute(run_sql, [uid(), coop, "bills", month, len(bills), sum(b[5] for b in bills), now])
        c.execute(audit, [now, coop, "savings.bills_create", month, month])
        rows += len(bills) + 2
        # -- interest
        c.execute(
            f"SELECT interest_rate FROM {t(SavingsProduct)} WHERE cooperative_id = %s "
            "AND kind = 'sukarela'",
            [coop],
        )
        rate = c.fetchone()[0]
        c.execute(
            f"SELECT id, public_id, balance FROM {t(SavingsAccount)} WHERE cooperative_id = %s "
            "AND kind = 'sukarela' ORDER BY id",
            [coop],
        )
        accounts = c.fetchall()
        credit = ", ".join(f"'{k}'" for k in SavingsTransaction.CREDITS)
        c.execute(
            f"SELECT account_id, date, CASE WHEN kind IN ({credit}) THEN amount ELSE -amount END "
            f"FROM {t(SavingsTransaction)} WHERE cooperative_id = %s AND date >= %s",
            [coop, first],
        )
        since, inside = defaultdict(int), defaultdict(list)
        for account_id, day, amount in c.fetchall():
            day = day if isinstance(day, date) else date.fromisoformat(day)
            since[account_id] += amount
            if day <= last:
                inside[account_id].append((day, amount))
        earning, weights = [], []
        for pk, public_id, balance in accounts:
            days = rules.balance_days(
                opening=balance - since[pk], movements=inside[pk], first=first, last=last
            )
            if days > 0:
                earning.append((pk, public_id, balance))
                weights.append(days)
        total, parts = rules.interest_shares(weights, rate=rate)
        credits = [(e, p) for e, p in zip(earning, parts, strict=True) if p]
        c.execute(
            f"SELECT id, code FROM {t(Account)} WHERE cooperative_id = %s AND code IN ('5-501', '2-101')",
            [coop],
        )
        acct = {code: pk for pk, code in c.fetchall()}
        c.execute(
            f"SELECT id, last_value FROM {t(Sequence)} WHERE cooperative_id = %s AND name = 'journal'",
            [coop],
        )
        seq_id, number = c.fetchone()
        txns, balances = [], []
        text = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for n in range(0, len(credits), services.INTEREST_LINES_PER_ENTRY):
            chunk = credits[n : n + services.INTEREST_LINES_PER_ENTRY]
            number += 1
            entry_uid = uid()
            digest = hashlib.sha256(str(number).encode()).hexdigest()
            c.execute(
                f"INSERT INTO {t(JournalEntry)} (public_id, cooperative_id, number, date, memo, source_kind, "
                "source_id, idempotency_key, request_hash, actor_label, posted_at, posted_at_text, "
                "prev_hash, entry_hash, total) VALUES (%s, %s, %s, %s, %s, 'savings.interest', %s, %s, "
                "%s, 'system', %s, %s, %s, %s, %s)",
                [
                    entry_uid,
                    coop,
                    number,
                    last,
                    f"Bunga {month}",
                    month,
                    f"bench-{month}-{n}",
                    digest,
                    now,
                    text,
                    digest,
                    digest,
                    sum(p for _e, p in chunk),
                ],
            )
            c.execute(
                f"SELECT id FROM {t(JournalEntry)} WHERE cooperative_id = %s AND number = %s",
                [coop, number],
            )
            entry_id = c.fetchone()[0]
            lines = [
                (
                    uid(),
                    coop,
                    entry_id,
                    1,
                    acct["5-501"],
                    sum(p for _e, p in chunk),
                    0,
                    "",
                    "",
                    last,
                )
            ]
            lines += [
                (uid(), coop, entry_id, i + 2, acct["2-101"], 0, p, "savings", str(e[1]), last)
                for i, (e, p) in enumerate(chunk)
            ]
            c.executemany(
                f"INSERT INTO {t(JournalLine)} (public_id, cooperative_id, entry_id, line_no, account_id, "
                "debit, credit, subledger_kind, subledger_id, date) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                lines,
            )
            txns += [
                (
                    uid(),
                    coop,
                    e[0],
                    "interest",
                    "",
                    p,
                    e[2] + p,
                    last,
                    f"Bunga {month}",
                    entry_id,
                    "system",
                    now,
                )
                for e, p in chunk
            ]
            balances += [(e[2] + p, e[0]) for e, p in chunk]
            rows += 1 + len(lines)
        if credits:
            c.execute(f"UPDATE {t(Sequence)} SET last_value = %s WHERE id = %s", [number, seq_id])
            c.executemany(
                f"INSERT INTO {t(AccountMonth)} (public_id, cooperative_id, account_id, year, month, debit, credit) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (cooperative_id, account_id, year, month) "
                f"DO UPDATE SET debit = {t(AccountMonth)}.debit + excluded.debit, "
                f"credit = {t(AccountMonth)}.credit + excluded.credit",
                [
                    (uid(), coop, acct["5-501"], year, mon, total, 0),
                    (uid(), coop, acct["2-101"], year, mon, 0, total),
                ],
            )
            c.executemany(
                f"INSERT INTO {t(SavingsTransaction)} (public_id, cooperative_id, account_id, kind, channel, "
                "amount, balance_after, date, memo, entry_id, actor_label, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                txns,
            )
            c.executemany(f"UPDATE {t(SavingsAccount)} SET balance = %s WHERE id = %s", balances)
        c.execute(run_sql, [uid(), coop, "interest", month, len(credits), total, now])
        c.execute(audit, [now, coop, "savings.interest_post", month, month])
        rows += 2 * len(txns) + 4
    return rows


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def run(args, version: str) -> int:
    import django

    from kopdes.ledger.models import JournalEntry
    from kopdes.savings import selectors, services
    from kopdes.savings.models import Bill, SavingsTransaction

    started = time.perf_counter()
    service_coop = setup_cooperative("36.03.01.2003", args.members)
    baseline_coop = setup_cooperative("36.03.13.2001", args.members)
    print(
        f"setup: 2 x {args.members:,} members in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )

    times: dict[str, list[float]] = {"baseline": [], "service": []}
    rows_per_round = []
    for month in MONTHS[: args.repeat]:
        started = time.perf_counter()
        rows = baseline(baseline_coop, month)
        times["baseline"].append(time.perf_counter() - started)

        started = time.perf_counter()
        bills = services.savings_bills_create(actor=None, cooperative=service_coop, month=month)
        interest = services.savings_interest_post(actor=None, cooperative=service_coop, month=month)
        times["service"].append(time.perf_counter() - started)
        rows_per_round.append(rows)

        # The two cooperatives must now hold the same month: same bills, same interest.
        def summary(coop, month=month):
            return (
                Bill.objects.filter(cooperative=coop, period=month).count(),
                sorted(
                    SavingsTransaction.objects.filter(
                        cooperative=coop, kind="interest", date__month=int(month[5:])
                    ).values_list("account__member__number", "amount")
                ),
            )

        assert summary(service_coop) == summary(baseline_coop), month
        assert all(r.difference == 0 for r in selectors.reconciliation(cooperative=service_coop))
        print(
            f"{month}: baseline {times['baseline'][-1]:.2f} s, services {times['service'][-1]:.2f} s "
            f"({bills.created_now:,} bills, {interest.count:,} interest credits "
            f"= Rp{interest.total:,})".replace(",", "."),
            file=sys.stderr,
        )
    entries = JournalEntry.objects.filter(
        cooperative=service_coop, source_kind="savings.interest"
    ).count()
    median = {k: statistics.median(v) for k, v in times.items()}
    rows = statistics.median(rows_per_round)
    ratio = median["baseline"] / median["service"]
    now = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M %Z")
    print(f"savings: month-end run (wajib bills + sukarela interest), {args.members:,} members")
    print(f"date:     {now}")
    print(f"machine:  {machine()}")
    print(f"database: {version}; Python {platform.python_version()}, Django {django.get_version()}")
    print(
        f"rounds:   {args.repeat} months (median); ~{rows:,.0f} rows written per month; "
        f"{entries} interest entries in all"
    )
    print()
    print(f"{'step':<48} {'seconds':>8} {'rows/s':>10}")
    print(
        f"{'baseline: raw SQL reads + executemany':<48} {median['baseline']:>8.2f} {rows / median['baseline']:>10,.0f}"
    )
    print(
        f"{'services: bills_create + interest_post':<48} {median['service']:>8.2f} {rows / median['service']:>10,.0f}"
    )
    print(f"ratio (baseline / services): {ratio:.2f}  (target >= 0.5; services under 10 s)")
    ok = ratio >= 0.5 and median["service"] < 10
    if connection_vendor() == "postgresql":
        print("target met" if ok else "TARGET MISSED")
    else:
        print("(the target applies to PostgreSQL; this is " + connection_vendor() + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
