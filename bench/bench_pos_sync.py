# ruff: noqa: S608 - the SQL strings name our own tables (from model _meta); values are parameters
"""Benchmark: offline sales of five lines synced by `sales_sync` (the kasir's sync endpoint's
service) against raw SQL writing the same rows, in the same run (issue 12.10).

    uv run python bench/bench_pos_sync.py [--sales 2000] [--batch 50] [--repeat 3] [--profile]

Two cooperatives get the same catalogue (20 products), the same stock (one goods receipt through
`goods_receive`) and a device each. Each round:
  1. service: --sales sales of five lines (cash; two in five to a member at member prices), in
     batches of --batch as a device queues them offline, through `sales_sync` on the first
     cooperative (checks, prices, stock issued at moving-average cost with its movements, the
     "sale.completed" entries through the posting rules, the device's sequence, idempotency);
  2. baseline: the least work that writes the same rows: the rows the service wrote this round
     (sales, sale lines, stock movements, journal entries and journal lines), copied to the second
     cooperative before the clock starts, then `cursor.executemany` of plain INSERTs in one
     transaction and one UPDATE per stock level, no checks.
It prints sales per second for both and the ratio (service rate / baseline rate). Targets: a
ratio of at least 0.3, and at least 100 sales per second on PostgreSQL. `--http` also times the
same batches posted to the API endpoint (`POST /api/v1/pos/sync`) with Django's test client.

It never touches the developer's database: SQLite lives in a temporary KOPDES_DATA_DIR (removed
afterwards); with DATABASE_URL set (PostgreSQL), a database `kopdes_bench_pos` is created,
migrated and dropped.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_regions import machine

BENCH_DB = "kopdes_bench_pos"
JAKARTA = ZoneInfo("Asia/Jakarta")
PRODUCTS = 20
LINES = 5
MEMBERS = 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=2_000, help="sales per round")
    parser.add_argument("--batch", type=int, default=50, help="sales per sync call")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (median reported)")
    parser.add_argument("--profile", action="store_true", help="profile one more service round")
    parser.add_argument("--http", action="store_true", help="also time the API endpoint")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-pos-")
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
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        else:
            old_name = connection.settings_dict["NAME"]
            connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()")
                version = cursor.fetchone()[0].split(" on ")[0]
        return run(args, version)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _shop(village, index: int, quantity: int):
    """A cooperative with its chart, a kasir and a bendahara, the catalogue, `quantity` of each
    product in its sembako gerai (one goods receipt), members and a device."""
    from django.contrib.auth.hashers import make_password

    from kopdes.accounts import services as accounts
    from kopdes.commerce import services as commerce
    from kopdes.cooperatives.models import BusinessUnit
    from kopdes.cooperatives.services import cooperative_found
    from kopdes.ledger import services as ledger
    from kopdes.members.models import Member

    coop = cooperative_found(actor=None, village=village, founded_on=date(2025, 7, 21))
    ledger.chart_create(cooperative=coop)
    password_hash = make_password(uuid.uuid4().hex)  # nobody logs in
    people = {}
    for seat, kind in enumerate(("bendahara", "kasir")):
        person = accounts.user_register(
            actor=None, phone=f"+628129{index:03d}{seat:04d}", password=None,
            password_hash=password_hash, full_name=f"{kind.title()} Bench {index}",
        )  # fmt: skip
        accounts.role_assign(
            actor=None, cooperative=coop, user=person, kind=kind, started_on=date(2025, 8, 1)
        )
        people[kind] = person
    unit = BusinessUnit.objects.get(cooperative=coop, kind="sembako")
    products = [
        commerce.product_create(
            actor=people["bendahara"],
            cooperative=coop,
            sku=f"SKU-{n:03d}",
            name=f"Barang {n}",
            unit="pcs",
            member_price=9_500 + 100 * n,
            non_member_price=10_000 + 100 * n,
        )
        for n in range(PRODUCTS)
    ]
    supplier = commerce.supplier_create(
        actor=people["bendahara"], cooperative=coop, name="Distributor Bench", phone="", address=""
    )
    commerce.goods_receive(
        actor=people["bendahara"], unit=unit, supplier=supplier,
        lines=[(p, quantity, 7_000 + 37 * n) for n, p in enumerate(products)], payment="bank",
    )  # fmt: skip
    Member.objects.bulk_create(
        Member(
            cooperative=coop,
            number=n + 1,
            full_name=f"Anggota {n + 1}",
            nik=f"3603{index:02d}{n + 1:010d}"[:16],
            sex="F",
            birth_date=date(1990, 1, 1),
            address="Kp. Bench",
            domicile_id=coop.village_id,
            status=Member.Status.ACTIVE,
            requested_on=date(2025, 8, 1),
            joined_on=date(2025, 8, 1),
        )
        for n in range(MEMBERS)
    )
    device = commerce.device_register(
        actor=people["kasir"], unit=unit, public_id=uuid.uuid4(), label="Bench"
    )
    return coop, unit, products, device, people


def _batches(rng, products, args, first_sequence: int, day: date):
    """The round's sales, as the device queued them: batches of `args.batch`."""
    sales = []
    for n in range(args.sales):
        member = rng.randint(1, MEMBERS) if rng.random() < 0.4 else None
        lines = []
        for product in rng.sample(products, LINES):
            price = product.member_price if member else product.non_member_price
            lines.append({"product": product.sku, "quantity": rng.randint(1, 3),
                          "unit_price": price})  # fmt: skip
        minute = 7 * 60 + n * 600 // args.sales
        sold_at = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=JAKARTA)
        sales.append({
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "sequence": first_sequence + n,
            "sold_at": sold_at.isoformat(),
            "member": str(member) if member else None,
            "payment": "cash",
            "lines": lines,
            "total": sum(ln["quantity"] * ln["unit_price"] for ln in lines),
        })  # fmt: skip
    return [sales[i : i + args.batch] for i in range(0, len(sales), args.batch)]


class Copier:
    """The rows the service wrote in a round, re-keyed for the second cooperative, ready for
    raw INSERTs (explicit ids above every existing one)."""

    def __init__(self, source, target, *, units, products, devices, accounts, members):
        self.source, self.target = source, target
        self.unit_map, self.product_map = units, products
        self.device_map, self.account_map, self.member_map = devices, accounts, members

    def rows(self, since: dict[str, int]):
        from django.db.models import Max

        from kopdes.commerce.models import Sale, SaleLine, StockLevel, StockMovement
        from kopdes.core import bulk
        from kopdes.ledger.models import JournalEntry, JournalLine

        plan = []
        shift = {}
        for model in (JournalEntry, Sale):
            top = model.objects.aggregate(m=Max("id"))["m"] or 0
            shift[model] = top + 1_000_000
        entry_shift, sale_shift = shift[JournalEntry], shift[Sale]
        numbers = JournalEntry.objects.filter(cooperative=self.target).aggregate(m=Max("number"))
        number_shift = (numbers["m"] or 0) - (
            JournalEntry.objects.filter(cooperative=self.source, id__lte=since["entry"]).aggregate(
                m=Max("number")
            )["m"]
            or 0
        )

        def copy(model, objs, fix):
            make = bulk.row_maker(model)
            names = ("id", *bulk.columns(model))
            rows = []
            for obj in objs:
                new_id = fix(obj)
                obj.cooperative_id = self.target.pk
                if hasattr(obj, "public_id"):  # unique across cooperatives
                    obj.public_id = uuid.uuid4()
                rows.append((new_id, *make(obj)))
            plan.append((model, names, rows))

        entries = list(JournalEntry.objects.filter(cooperative=self.source, id__gt=since["entry"]))

        def fix_entry(e):
            e.number += number_shift
            return e.pk + entry_shift

        copy(JournalEntry, entries, fix_entry)
        lines = list(
            JournalLine.objects.filter(cooperative=self.source, entry_id__gt=since["entry"])
        )
        top_line = (JournalLine.objects.aggregate(m=Max("id"))["m"] or 0) + 1_000_000

        def fix_line(ln):
            ln.entry_id += entry_shift
            ln.account_id = self.account_map[ln.account_id]
            return ln.pk + top_line

        copy(JournalLine, lines, fix_line)
        sales = list(Sale.objects.filter(cooperative=self.source, id__gt=since["sale"]))

        def fix_sale(s):
            s.unit_id = self.unit_map[s.unit_id]
            s.device_id = self.device_map.get(s.device_id)
            s.member_id = None if s.member_id is None else self.member_map[s.member_id]
            if s.entry_id is not None:
                s.entry_id += entry_shift
            return s.pk + sale_shift

        copy(Sale, sales, fix_sale)
        sale_lines = list(
            SaleLine.objects.filter(cooperative=self.source, sale_id__gt=since["sale"])
        )
        top_sale_line = (SaleLine.objects.aggregate(m=Max("id"))["m"] or 0) + 1_000_000

        def fix_sale_line(ln):
            ln.sale_id += sale_shift
            ln.product_id = self.product_map[ln.product_id]
            return ln.pk + top_sale_line

        copy(SaleLine, sale_lines, fix_sale_line)
        moves = list(
            StockMovement.objects.filter(cooperative=self.source, id__gt=since["movement"])
        )
        top_move = (StockMovement.objects.aggregate(m=Max("id"))["m"] or 0) + 1_000_000

        def fix_move(m):
            m.unit_id = self.unit_map[m.unit_id]
            m.product_id = self.product_map[m.product_id]
            if m.entry_id is not None:
                m.entry_id += entry_shift
            return m.pk + top_move

        copy(StockMovement, moves, fix_move)
        levels = [
            (lv.quantity, lv.value, self.unit_map[lv.unit_id], self.product_map[lv.product_id])
            for lv in StockLevel.objects.filter(cooperative=self.source)
        ]
        return plan, levels, len(sales)


def run(args, version: str) -> int:
    import django
    from django.db import connection, transaction
    from django.db.models import Max

    from kopdes.accounts.models import User
    from kopdes.commerce import services as commerce
    from kopdes.commerce.models import Sale, StockLevel, StockMovement
    from kopdes.commerce.selectors import commerce_reconcile
    from kopdes.core import clock
    from kopdes.ledger.models import Account, JournalEntry
    from kopdes.members.models import Member
    from kopdes.regions.models import Village

    rounds = args.repeat + (1 if args.profile else 0) + (1 if args.http else 0)
    per_product = args.sales * LINES * 3 * rounds // PRODUCTS * 2 + 100
    villages = list(Village.objects.filter(code__startswith="36.03.").order_by("code")[:2])
    started = time.perf_counter()
    day = date(2026, 11, 2)
    with clock.as_of(datetime(2026, 11, 2, 6, 0, tzinfo=JAKARTA)):
        (svc_coop, svc_unit, products, device, people), (raw_coop, raw_unit, raw_products,
         raw_device, _raw_people) = (_shop(v, i, per_product) for i, v in enumerate(villages))  # fmt: skip
    print(f"set up in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    members_a = dict(Member.objects.filter(cooperative=svc_coop).values_list("id", "number"))
    members_b = dict(Member.objects.filter(cooperative=raw_coop).values_list("number", "id"))
    accounts_b = dict(Account.objects.filter(cooperative=raw_coop).values_list("code", "id"))
    copier = Copier(
        svc_coop,
        raw_coop,
        units={svc_unit.pk: raw_unit.pk},
        products={a.pk: b.pk for a, b in zip(products, raw_products, strict=True)},
        devices={device.pk: raw_device.pk},
        accounts={
            pk: accounts_b[code]
            for pk, code in Account.objects.filter(cooperative=svc_coop).values_list("id", "code")
        },
        members={pk: members_b[number] for pk, number in members_a.items()},
    )
    kasir = User.objects.get(pk=people["kasir"].pk)
    rng = random.Random(12)
    sequence = 1
    timings: dict[str, list[float]] = {"service": [], "raw": [], "http": []}

    def since() -> dict[str, int]:
        return {  # the service's cooperative only (the copies' ids are above every other)
            name: model.objects.filter(cooperative=svc_coop).aggregate(m=Max("id"))["m"] or 0
            for name, model in (
                ("entry", JournalEntry),
                ("sale", Sale),
                ("movement", StockMovement),
            )
        }

    def service(batches) -> float:
        began = time.perf_counter()
        for batch in batches:
            with transaction.atomic():
                results = commerce.sales_sync(actor=kasir, device=device, sales=batch)
            assert all(r.status == "accepted" for r in results), results[:3]
        return time.perf_counter() - began

    def raw(plan, levels) -> float:
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            quote = connection.ops.quote_name
            for model, names, rows in plan:
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) "
                    f"VALUES ({', '.join(['%s'] * len(names))})",
                    rows,
                )
            cursor.executemany(
                f"UPDATE {quote(StockLevel._meta.db_table)} SET quantity = %s, value = %s "
                "WHERE unit_id = %s AND product_id = %s",
                levels,
            )
        return time.perf_counter() - began

    for k in range(args.repeat):
        moment = datetime(day.year, day.month, day.day, 20, 30, tzinfo=JAKARTA)
        batches = _batches(rng, products, args, sequence, day)
        sequence += args.sales
        mark = since()
        with clock.as_of(moment):
            timings["service"].append(service(batches))
        plan, levels, count = copier.rows(mark)
        assert count == args.sales, count
        timings["raw"].append(raw(plan, levels))
        print(f"round {k + 1}: service {timings['service'][-1]:.2f} s, raw "
              f"{timings['raw'][-1]:.2f} s", file=sys.stderr)  # fmt: skip
        day += timedelta(days=1)
    if args.http:
        timings["http"].append(_http(args, kasir, device, rng, products, sequence, day))
        sequence += args.sales
        day += timedelta(days=1)
    if args.profile:
        import cProfile
        import pstats

        batches = _batches(rng, products, args, sequence, day)
        moment = datetime(day.year, day.month, day.day, 20, 30, tzinfo=JAKARTA)
        profiler = cProfile.Profile()
        with clock.as_of(moment):
            profiler.runcall(service, batches)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    for coop in (svc_coop, raw_coop):
        for row in commerce_reconcile(coop):
            assert row.difference == 0, (coop, row)

    svc, base = (statistics.median(timings[k]) for k in ("service", "raw"))
    svc_rate, raw_rate = args.sales / svc, args.sales / base
    print("commerce: offline sales of five lines through sales_sync against raw INSERTs")
    print(f"date:     {datetime.now(JAKARTA).strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine:  {machine()}")
    print(f"database: {version}; Python {sys.version.split()[0]}, Django {django.get_version()}")
    print(f"{args.sales:,} sales of {LINES} lines per round in batches of {args.batch}; "
          f"median of {args.repeat} rounds")  # fmt: skip
    print()
    print(f"{'':<46} {'s':>8} {'sales/s':>10} {'x baseline':>11}  target")
    print(f"{'baseline: executemany of the same rows':<46} {base:>8.3f} {raw_rate:>10,.0f}")
    print(
        f"{'sales_sync':<46} {svc:>8.3f} {svc_rate:>10,.0f} "
        f"{svc_rate / raw_rate:>10.2f}x  >= 0.3 and >= 100 sales/s (PostgreSQL)"
    )
    if timings["http"]:
        http = timings["http"][0]
        print(f"{'POST /api/v1/pos/sync (test client, 1 round)':<46} {http:>8.3f} "
              f"{args.sales / http:>10,.0f} {args.sales / http / raw_rate:>10.2f}x")  # fmt: skip
    return 0


def _http(args, kasir, device, rng, products, sequence, day) -> float:
    """The same kind of round posted to the API endpoint with a bearer token."""
    from django.test import Client

    from kopdes.accounts.tokens import token_issue
    from kopdes.core import clock

    client = Client()
    token, _row = token_issue(user=kasir, label="bench")
    batches = _batches(rng, products, args, sequence, day)
    moment = datetime(day.year, day.month, day.day, 20, 30, tzinfo=JAKARTA)
    began = time.perf_counter()
    with clock.as_of(moment):
        for batch in batches:
            response = client.post(
                "/api/v1/pos/sync",
                {"device": str(device.public_id), "sales": batch},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            assert response.status_code == 200, response.content[:300]
    return time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(main())
