"""`kopdes demo`: create the database, seed Kabupaten Tangerang, print the demo accounts, serve."""

import time
from typing import IO, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kopdes.core.migrated import migrate_with_template
from kopdes.demo.seed import DEMO_PASSWORD, seed

# A new demo database on SQLite starts as a copy of the last one migrated with the same
# migrations (kopdes.core.migrated): about 10 s of CPU less than migrating it.
TEMPLATES = "db-templates"


class Command(BaseCommand):
    help = "Seed the demo (all 274 cooperatives of Kabupaten Tangerang) and serve it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Seed only; do not start the server."
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Seed only the first N villages (tests)."
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the members per cooperative (40 at 1.0), for benchmarks.",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        # OutputWrapper is a text stream (write, flush) that the stubs do not type as IO[str].
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        if options["scale"] < 0:
            raise CommandError("--scale cannot be negative.")
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit cannot be negative.")
        started = time.perf_counter()
        migrate_with_template(
            folder=settings.DATA_DIR / TEMPLATES,
            migrate=lambda: call_command("migrate", interactive=False, verbosity=0),
        )
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Seeding", total=None)

            def progress(done: int, total: int, stage: str = "") -> None:
                bar.update(task, completed=done, total=total, description=stage or "Seeding")

            result = seed(limit=options["limit"], scale=options["scale"], progress=progress)
        elapsed = time.perf_counter() - started
        savings = result.savings
        summary = Table(title="Demo data created by this run", show_header=False)
        summary.add_column("what")
        summary.add_column("count", justify="right")
        for what, count in (
            ("cooperatives", result.cooperatives_created),
            ("officers and staff", result.people_created),
            ("members", result.members_created),
            ("journal entries", result.entries_posted),
            ("signed ledger checkpoints", result.checkpoints),
            ("savings deposits, withdrawals and refunds", savings.movements),
            ("sukarela interest credits", savings.interest_credits),
            ("simpanan bills (open)", f"{savings.bills} ({savings.bills_open})"),
            ("gerai products", result.commerce.products),
            ("goods receipts", result.commerce.receipts),
            (
                "gerai sales (to members, paid by QRIS)",
                f"{result.commerce.sales} ({result.commerce.member_sales}, "
                f"{result.commerce.qris_sales})",
            ),
            ("uses of CSR grants, each with its evidence", result.fund_uses),
            (
                "state-bank loans (installments paid)",
                f"{result.bank_loans} ({result.installments_paid})",
            ),
            (
                "RATs of 2025 held (late, announced but not held)",
                f"{result.meetings.get('held', 0) + result.meetings.get('late', 0)} "
                f"({result.meetings.get('late', 0)}, {result.meetings.get('not_held', 0)})",
            ),
            ("SHU of 2025 paid into simpanan sukarela (cooperatives)", result.shu_paid),
            ("announcements published", result.announcements),
            ("health assessments (2025)", result.health_assessed),
            ("early warnings open", result.warnings_open),
            (
                "coaching: visits, findings (open, overdue, closed)",
                f"{result.coaching.visits}, {result.coaching.findings} ({result.coaching.open}, "
                f"{result.coaching.overdue}, {result.coaching.closed})",
            ),
        ):
            summary.add_row(what, str(count))
        console.print(summary)
        console.print(f"Seeded in {elapsed:.1f} s (a second run changes nothing).")
        table = Table(title=f"Demo accounts: every one logs in with the password {DEMO_PASSWORD}")
        for column in ("who", "phone", "scope"):
            table.add_column(column)
        for who, phone, scope in result.accounts:
            # Demo phone numbers are printed in full: they are made up and needed to log in.
            table.add_row(who, phone, scope)
        console.print(table)
        if result.kasir is not None:
            url, who, phone = result.kasir
            console.print(f"The gerai's kasir page: {url} (log in as {who}, {phone}).")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
