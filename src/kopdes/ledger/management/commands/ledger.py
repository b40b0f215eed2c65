"""`kopdes ledger verify [--cooperative VILLAGE_CODE]`, `kopdes ledger checkpoint [--date DATE]`
and `kopdes ledger key`.

verify: recompute every entry's document and hash, the chain, the numbering and every signed
checkpoint from the rows; exit status 1 naming the first broken entry or checkpoint.
checkpoint: sign the checkpoints closing a day (default: yesterday, Asia/Jakarta; a day must be
over before it is checkpointed), catching up missed days. Run it after midnight, e.g. from cron.
key: print the platform's verifier key and public key (what the transparency portal publishes).
"""

import sys
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.ledger import checkpoints, selectors, signing


class Command(BaseCommand):
    help = (
        "Verify the hash-chained ledger and its signed checkpoints, or make the day's checkpoints."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{verify,checkpoint,key}"
        )
        verify = actions.add_parser(
            "verify",
            help="Recompute every entry and checkpoint from the rows; exit 1 at the first break.",
        )
        verify.add_argument(
            "--cooperative",
            metavar="VILLAGE_CODE",
            help="Only this cooperative, e.g. 36.03.01.2003.",
        )
        checkpoint = actions.add_parser(
            "checkpoint",
            help="Sign every cooperative's checkpoint for a day that has ended (default yesterday).",
        )
        checkpoint.add_argument(
            "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="Default: yesterday."
        )
        actions.add_parser("key", help="Print the platform's verifier key and public key.")

    def handle(self, *args, action, **options):
        self.console = Console(
            file=options.get("stdout") or sys.stdout, highlight=False, soft_wrap=True
        )
        if action == "verify":
            self.verify(village=options["cooperative"])
        elif action == "checkpoint":
            self.checkpoint(day=options["date"] or timezone.localdate() - timedelta(days=1))
        else:
            key = signing.platform_key()
            self.console.print(key.verifier_key)
            self.console.print(key.public_pem, end="")

    def verify(self, *, village: str | None) -> None:
        cooperatives = Cooperative.objects.select_related("village").order_by("village_id", "pk")
        if village:
            cooperatives = cooperatives.filter(village_id=village)
            if not cooperatives.exists():
                raise CommandError(_("No cooperative in village %(code)s.") % {"code": village})
        verifier = signing.platform_key().verifier
        started = time.perf_counter()
        reports = []
        rows = list(cooperatives)
        failing = selectors.failing_verification(cooperative_ids=[c.pk for c in rows])
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not self.console.is_terminal,
        ) as bar:
            task = bar.add_task(_("Verifying"), total=len(rows))
            for cooperative in rows:
                report = checkpoints.ledger_verify(cooperative=cooperative, verifier=verifier)
                checkpoints.verification_record(
                    cooperative=cooperative, report=report, failing=cooperative.pk in failing
                )
                reports.append(report)
                bar.advance(task)
        seconds = time.perf_counter() - started
        entries = sum(r.entries for r in reports)
        problems = [p for r in reports for p in r.problems]
        self.console.print(
            _(
                "Verified %(entries)s entries and %(checkpoints)s checkpoints of %(cooperatives)s "
                "cooperatives in %(seconds).1f s (%(rate)s entries/s)."
            )
            % {
                "entries": entries,
                "checkpoints": sum(r.checkpoints for r in reports),
                "cooperatives": len(reports),
                "seconds": seconds,
                "rate": int(entries / seconds) if seconds else entries,
            }
        )
        if not problems:
            self.console.print(_("All entries, hash links and signed checkpoints hold."))
            return
        for report in reports:
            for problem in report.problems:
                self.console.print(f"  {problem}", markup=False)
        raise CommandError(
            _("The ledger does not verify. First break: %(problem)s") % {"problem": problems[0]}
        )

    def checkpoint(self, *, day: date) -> None:
        try:
            made = checkpoints.checkpoints_close_day(day=day)
        except DomainError as exc:
            raise CommandError(exc.render()) from None
        self.console.print(
            _(
                "Checkpoints for %(day)s: %(count)s cooperatives, signed with the platform key "
                "named after each cooperative's origin (kopdes ledger key)."
            )
            % {"day": day.isoformat(), "count": len(made)}
        )
