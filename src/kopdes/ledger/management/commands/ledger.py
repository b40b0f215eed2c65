"""`kopdes ledger verify [--cooperative VILLAGE_CODE]`, `kopdes ledger checkpoint [--date DATE]`,
`kopdes ledger witness`, `kopdes ledger key` and `kopdes ledger verifier-keys`.

verify: recompute every entry's document and hash, the chain, the numbering and every signed
checkpoint from the rows; exit status 1 naming the first broken entry or checkpoint.
checkpoint: sign the checkpoints closing a day (default: yesterday, Asia/Jakarta; a day must be
over before it is checkpointed), catching up missed days. Run it after midnight, e.g. from cron.
Then it asks the witnesses (KOPDES_WITNESSES) to cosign each cooperative's latest checkpoint.
witness: only that (for a witness that was down at the checkpoint run); exit status 1 when a
witness failed or refused (signing never waits for a witness).
key: print the platform's verifier key and public key (what the transparency portal publishes).
verifier-keys: one `<origin> <verifier key>` line per cooperative, the logs file of a witness.
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
            dest="action", required=True, metavar="{verify,checkpoint,witness,key,verifier-keys}"
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
        actions.add_parser(
            "witness",
            help="Ask the witnesses (KOPDES_WITNESSES) to cosign every latest checkpoint.",
        )
        actions.add_parser("key", help="Print the platform's verifier key and public key.")
        actions.add_parser(
            "verifier-keys",
            help="Print `<origin> <verifier key>` per cooperative: a witness's logs file.",
        )

    def handle(self, *args, action, **options):
        self.console = Console(
            file=options.get("stdout") or sys.stdout, highlight=False, soft_wrap=True
        )
        if action == "verify":
            self.verify(village=options["cooperative"])
        elif action == "checkpoint":
            self.checkpoint(day=options["date"] or timezone.localdate() - timedelta(days=1))
        elif action == "witness":
            if self.witness():
                raise CommandError(
                    _("Some witnesses did not cosign; they are asked again next run.")
                )
        elif action == "verifier-keys":
            for code in Cooperative.objects.order_by("village_id").values_list(
                "village_id", flat=True
            ):
                origin = checkpoints.ORIGIN_PREFIX + code
                self.console.print(f"{origin} {signing.log_verifier_key(origin)}", markup=False)
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

    def witness(self, *, say_none: bool = True) -> int:
        """Ask every witness to cosign every latest checkpoint; the number of failures."""
        witnesses = checkpoints.configured_witnesses()
        if not witnesses:
            if say_none:
                self.console.print(_("No witness is configured (KOPDES_WITNESSES)."))
            return 0
        run = checkpoints.checkpoints_witness(witnesses=witnesses)
        self.console.print(
            _("Witnesses: %(cosigned)s cosignatures, %(failed)s failures.")
            % {"cosigned": len(run.cosigned), "failed": len(run.failures)}
        )
        for failure in run.failures:
            self.console.print(f"  {failure.render()}", markup=False)
        return len(run.failures)

    def checkpoint(self, *, day: date) -> None:
        try:
            made = checkpoints.checkpoints_close_day(day=day)
        except DomainError as exc:
            self.witness(say_none=False)  # those signed before the refusal still get cosigned
            raise CommandError(exc.render()) from None
        self.console.print(
            _(
                "Checkpoints for %(day)s: %(count)s cooperatives, signed with the platform key "
                "named after each cooperative's origin (kopdes ledger key)."
            )
            % {"day": day.isoformat(), "count": len(made)}
        )
        self.witness(say_none=False)
