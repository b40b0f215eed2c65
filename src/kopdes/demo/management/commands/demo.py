"""`kopdes demo`: create the database, seed Kabupaten Tangerang, print the demo accounts, serve."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kopdes.demo.seed import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Seed the demo (all 274 cooperatives of Kabupaten Tangerang) and serve it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Seed only; do not start the server."
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Seed only the first N villages (tests)."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        console = Console(file=self.stdout, highlight=False)
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Seeding cooperatives", total=None)
            result = seed(
                limit=options["limit"],
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        elapsed = time.perf_counter() - started
        console.print(
            f"Seeded {result.cooperatives_created} new cooperatives and {result.people_created} officers "
            f"in {elapsed:.1f} s (a second run changes nothing)."
        )
        table = Table(title=f"Demo accounts: every one logs in with the password {DEMO_PASSWORD}")
        for column in ("who", "phone", "scope"):
            table.add_column(column)
        for who, phone, scope in result.accounts:
            # Demo phone numbers are printed in full: they are made up and needed to log in.
            table.add_row(who, phone, scope)
        console.print(table)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
