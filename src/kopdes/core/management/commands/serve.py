"""`kopdes serve`: the production WSGI server (gunicorn), run in-process.

    kopdes serve                         # http://127.0.0.1:8000/, 2 x cores + 1 workers (at most 4)
    kopdes serve --host 0.0.0.0 --port 8080 --workers 3 --threads 4

It does not migrate: a database with unapplied migrations is refused (run `kopdes migrate`
first), so a deployment never changes its schema by surprise. With KOPDES_ENV=production it runs
Django's deployment checks and `collectstatic` (whitenoise's compressed manifest storage needs
it) before it starts. Put it behind a TLS-terminating proxy in production; the proxy's address
goes in FORWARDED_ALLOW_IPS (gunicorn) for X-Forwarded-Proto to be trusted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

if TYPE_CHECKING:
    from django.core.handlers.wsgi import WSGIHandler

MAX_DEFAULT_WORKERS = 4


def default_workers(cpu_count: int | None = None) -> int:
    """gunicorn's usual 2 x cores + 1, capped: the machines here have two cores and little RAM."""
    if cpu_count is None:
        try:
            cpu_count = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cpu_count = os.cpu_count() or 1
    return max(1, min(2 * cpu_count + 1, MAX_DEFAULT_WORKERS))


def display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 (only displayed)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def bind_address(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def gunicorn_options(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int = 1,
    timeout: int = 60,
    access_log: bool = True,
) -> dict[str, Any]:
    """The gunicorn settings `kopdes serve` runs with (kept apart so they can be tested)."""
    options: dict[str, Any] = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak cannot grow without bound.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        # Load Django once in the master; workers fork from it (less memory, faster start).
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "kopdes",
        # gunicorn >= 25 opens a control socket in ~/.gunicorn by default: two servers on one
        # machine (CI, tests) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }
    if Path("/dev/shm").is_dir():  # noqa: S108 (gunicorn's documented heartbeat location)
        # The worker heartbeat file on tmpfs, so a slow disk cannot stall workers.
        options["worker_tmp_dir"] = "/dev/shm"  # noqa: S108
    return options


def _wsgi_application() -> WSGIHandler:
    from kopdes.wsgi import application

    return application


def run_gunicorn(options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    class KopdesApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> WSGIHandler:
            return _wsgi_application()

    KopdesApplication(prog="kopdes serve").run()


class Command(BaseCommand):
    help = "Serve Kopdes with gunicorn (production WSGI server). Does not migrate."

    # System checks run in handle(), once, before the server forks.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to listen on (default 8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"Worker processes (default 2 x cores + 1, at most {MAX_DEFAULT_WORKERS}; now {default_workers()}).",
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="Threads per worker (default 1)."
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="Seconds before a silent worker is restarted (default 60).",
        )
        parser.add_argument("--no-access-log", action="store_true", help="Do not log each request.")

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        workers: int = default_workers() if options["workers"] is None else options["workers"]
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port (1-65535).")
        if workers < 1 or options["threads"] < 1 or options["timeout"] < 1:
            raise CommandError("--workers, --threads and --timeout must be at least 1.")

        production = bool(getattr(settings, "PRODUCTION", False))
        self.check(display_num_errors=False)
        if production:
            call_command("check", deploy=True, fail_level="ERROR", verbosity=0)
        self._refuse_unapplied_migrations()
        if production:
            self.stdout.write("Collecting static files (KOPDES_ENV=production) ...")
            call_command("collectstatic", interactive=False, verbosity=0)
        elif settings.STATIC_ROOT:
            # whitenoise warns at start-up when STATIC_ROOT is missing, even when it serves from
            # the apps' folders (development).
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Never fork with an open database connection: the workers would share its socket.
        connections.close_all()

        gopts = gunicorn_options(
            host=host,
            port=port,
            workers=workers,
            threads=options["threads"],
            timeout=options["timeout"],
            access_log=not options["no_access_log"],
        )
        mode = "production" if production else "development"
        self.stdout.write(
            self.style.SUCCESS(f"Kopdes is serving at {display_url(host, port)}")
            + f"  ({mode}, {workers} worker(s) x {options['threads']} thread(s); Ctrl+C stops)"
        )
        self.stdout.flush()
        run_gunicorn(gopts)

    def _refuse_unapplied_migrations(self) -> None:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            apps = ", ".join(sorted({migration.app_label for migration, _backwards in plan}))
            raise CommandError(
                f"The database has {len(plan)} unapplied migration(s) ({apps}). "
                "Run `kopdes migrate` first; `kopdes serve` never changes the schema."
            )
