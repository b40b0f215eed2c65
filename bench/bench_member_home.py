"""Benchmark: the member app's home (`GET /api/v1/me/home`) on `kopdes serve` against a bare
Django JSON view on the same server, in the same run, at concurrency 32 (issue 14.3).

    uv run python bench/bench_member_home.py [--concurrency 32] [--seconds 8] [--max 20000]
                                             [--rounds 2] [--workers N]

A throwaway database (SQLite in a temporary KOPDES_DATA_DIR, removed afterwards; with
DATABASE_URL, a database `kopdes_bench_home` created and dropped) gets a cooperative with its
chart and officers, --members members each with an account, a year of simpanan (pokok, wajib,
sukarela), the wajib bills of two months (one left open), an active loan for one in four, and
five announcements. `kopdes serve` (gunicorn, the production server, access log off) then runs
on 127.0.0.1 at a free port with a bench URLconf that adds one bare view (`/bench/bare`: a
JsonResponse of two fields, no query, through the same middleware). Clients on 127.0.0.1 only:
--concurrency threads, each with its own keep-alive connection, each round bare then home, each
run bounded by --seconds and --max requests; the home requests rotate over the members' tokens.
It prints requests per second, p50/p99 latency, the ratio home/bare (median of the rounds) and
checks the targets: ratio >= 0.5 and home p99 < 200 ms. Exit 1 if any answer was not 200.

BENCH_SQLITE_CONN_MAX_AGE=60 gives the server's SQLite connection a lifetime (the settings open
one per request on SQLite: a bare view opens none), to measure what that costs.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import date, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_regions import machine

BENCH_DB = "kopdes_bench_home"
JAKARTA = ZoneInfo("Asia/Jakarta")
HOST = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8.0, help="at most, per run")
    parser.add_argument("--max", type=int, default=20_000, help="requests at most, per run")
    parser.add_argument("--rounds", type=int, default=2, help="bare + home rounds (medians)")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="kopdes serve's default")
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="kopdes-bench-home-")
    os.environ["KOPDES_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kopdes.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = None
    try:
        if connection.vendor == "sqlite":
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
        tokens = _seed(args.members)
        database_url = _database_url(connection)
        connection.close()
        return run(args, version, tokens, data_dir, database_url)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _database_url(connection) -> str | None:
    """The URL the server must use: the bench database, not the one named in DATABASE_URL."""
    if connection.vendor == "sqlite" or not os.environ.get("DATABASE_URL"):
        return None
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


def _seed(members: int) -> list[str]:
    from kopdes import testing
    from kopdes.accounts.tokens import token_issue
    from kopdes.announcements import services as announcements
    from kopdes.core import clock
    from kopdes.loans.tests.factories import make_active_loan
    from kopdes.savings import services as savings
    from kopdes.savings.tests.factories import make_member

    began = time.perf_counter()
    place = testing.make_place("36.03.01.2003", "Bench")
    coop = place.cooperative
    tokens = []
    with clock.as_of(datetime.combine(date(2026, 3, 31), dtime(12), tzinfo=JAKARTA)):
        for n in range(members):
            user = testing.make_person(full_name=f"Anggota Bench {n}")
            member = make_member(coop, user=user, name=user.full_name)
            for kind, amount in (("pokok", 100_000), ("wajib", 50_000), ("sukarela", 25_000 * n)):
                if amount:
                    savings.savings_deposit(
                        actor=None,
                        cooperative=coop,
                        member=member,
                        kind=kind,
                        amount=amount,
                        on=date(2026, 2, 2),
                    )
            if n % 4 == 0:
                make_active_loan(place, member=member, principal=2_000_000, months=12)
            tokens.append(token_issue(user=user, label="bench")[0])
        for month in ("2026-02", "2026-03"):
            savings.savings_bills_create(actor=None, cooperative=coop, month=month)
        for n in range(5):
            announcements.announcement_publish(
                actor=None, cooperative=coop, title=f"Pengumuman {n}", body="Isi pengumuman."
            )
    print(f"seeded {members} members in {time.perf_counter() - began:.1f} s")
    return tokens


BENCH_URLS = textwrap.dedent(
    """
    from django.http import JsonResponse
    from django.urls import path
    from django.utils import timezone

    from kopdes.urls import urlpatterns as kopdes_urlpatterns
    from kopdes.urls import handler400, handler403, handler404, handler500  # noqa: F401


    def bare(request):
        return JsonResponse({"ok": True, "server_time": timezone.now().isoformat()})


    urlpatterns = [path("bench/bare", bare), *kopdes_urlpatterns]
    """
)
BENCH_SETTINGS = "from kopdes.settings.base import *  # noqa: F403\nROOT_URLCONF = 'bench_urls'\n"
if os.environ.get("BENCH_SQLITE_CONN_MAX_AGE"):
    BENCH_SETTINGS += (
        f"DATABASES['default']['CONN_MAX_AGE'] = {int(os.environ['BENCH_SQLITE_CONN_MAX_AGE'])}\n"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _serve(args, data_dir: str, database_url: str | None) -> tuple[subprocess.Popen, int]:
    with open(os.path.join(data_dir, "bench_urls.py"), "w", encoding="utf-8") as f:
        f.write(BENCH_URLS)
    with open(os.path.join(data_dir, "bench_settings.py"), "w", encoding="utf-8") as f:
        f.write(BENCH_SETTINGS)
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [data_dir, env.get("PYTHONPATH")]))
    if database_url:
        env["DATABASE_URL"] = database_url
    port = _free_port()
    command = ["kopdes", "serve", "--host", HOST, "--port", str(port), "--no-access-log"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server, port
        except OSError:
            if server.poll() is not None:
                error = server.stderr.read().decode()[-2000:] if server.stderr else ""
                raise SystemExit(f"kopdes serve stopped: {error}") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("kopdes serve did not start within 60 s")


def _load(port: int, path: str, tokens: list[str], args) -> dict:
    """--concurrency clients on keep-alive connections until --seconds or --max requests."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(args.max))
    stop = time.perf_counter() + args.seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        n = 0
        try:
            while time.perf_counter() < stop:
                with lock:
                    if next(counter, None) is None:
                        break
                headers = {"Accept": "application/json"}
                if tokens:
                    token = tokens[(index + n * len(tokens) // 7) % len(tokens)]
                    headers["Authorization"] = f"Bearer {token}"
                n += 1
                began = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                mine.append(time.perf_counter() - began)
                if response.status != 200:
                    with lock:
                        failures.append(f"{response.status} {body[:200]!r}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                failures.append(repr(exc))
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    count = len(latencies)
    return {
        "count": count,
        "rate": count / elapsed,
        "p50": latencies[count // 2] * 1000 if count else 0,
        "p99": latencies[min(count - 1, int(count * 0.99))] * 1000 if count else 0,
        "failures": failures,
    }


def run(args, version: str, tokens: list[str], data_dir: str, database_url: str | None) -> int:
    server, port = _serve(args, data_dir, database_url)
    try:
        # Warm up: every worker imports and opens its connection before the clock starts.
        warm = argparse.Namespace(**{**vars(args), "seconds": 2.0, "max": 400})
        _load(port, "/bench/bare", [], warm)
        _load(port, "/api/v1/me/home", tokens, warm)
        sample = http.client.HTTPConnection(HOST, port, timeout=30)
        sample.request("GET", "/api/v1/me/home", headers={"Authorization": f"Bearer {tokens[0]}"})
        body = sample.getresponse().read()
        sample.close()
        size = len(body)
        assert json.loads(body)["memberships"], body[:300]
        results: dict[str, list[dict]] = {"bare": [], "home": []}
        for _ in range(args.rounds):
            results["bare"].append(_load(port, "/bench/bare", [], args))
            results["home"].append(_load(port, "/api/v1/me/home", tokens, args))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    print(f"machine: {machine()}; {version}; {datetime.now(JAKARTA).date().isoformat()}")
    print(
        f"kopdes serve on {HOST}, workers {args.workers or 'default'}; concurrency "
        f"{args.concurrency}; each run <= {args.seconds:g} s and <= {args.max} requests; "
        f"{args.members} members; home answer {size} bytes"
    )
    print(f"{'endpoint':<22} {'round':>5} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    failed = False
    for name, rows in results.items():
        for i, row in enumerate(rows, 1):
            print(
                f"{name:<22} {i:>5} {row['count']:>9} {row['rate']:>8.0f} "
                f"{row['p50']:>8.1f} {row['p99']:>8.1f}"
            )
            if row["failures"]:
                failed = True
                print(f"  {len(row['failures'])} failures, e.g. {row['failures'][:3]}")
    bare = statistics.median(r["rate"] for r in results["bare"])
    home = statistics.median(r["rate"] for r in results["home"])
    p99 = statistics.median(r["p99"] for r in results["home"])
    ratio = home / bare
    print(
        f"home/bare {ratio:.2f} (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}); "
        f"home p99 {p99:.0f} ms (target < 200 ms: {'met' if p99 < 200 else 'NOT met'})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
