"""`kopdes savings bill|interest|reconcile`: the month-end savings runs from the console.

    kopdes savings bill --month 2026-04 [--cooperative 36.03.01.2003]
    kopdes savings interest --month 2026-04 [--cooperative ...]
    kopdes savings reconcile [--cooperative ...]
    kopdes savings setup [--cooperative ...]

Without --cooperative every active cooperative is run, each in its own transaction. A cooperative
that fails is reported (its code, the error's code and message) and the others still run; the
command exits non-zero at the end if any failed. The runs are idempotent: running a month again
changes nothing already done. `setup` provisions savings (products, posting rules) where a
cooperative has its chart of accounts but no savings yet.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.core.money import format_rupiah
from kopdes.savings import selectors, services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Month-end savings runs: simpanan wajib bills, sukarela interest, reconciliation."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("bill", "Create the month's simpanan wajib bills (and unpaid pokok bills)."),
            ("interest", "Credit the month's sukarela interest (daily-balance method)."),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument("--month", required=True, help="YYYY-MM")
            action.add_argument("--cooperative", default="", help="Village code; all if omitted.")
        check = sub.add_parser("reconcile", help="Sub-ledgers against the GL control accounts.")
        check.add_argument("--cooperative", default="")
        setup = sub.add_parser("setup", help="Provision savings products and posting rules.")
        setup.add_argument("--cooperative", default="")

    def _cooperatives(self, code: str):
        rows = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("village_id")
        if code:
            rows = rows.filter(village_id=code)
            if not rows.exists():
                raise CommandError(f"No active cooperative for village code {code}.")
        return rows

    def handle(self, *args, action, cooperative="", month="", **options):
        failed: list[str] = []
        off = 0
        for coop in self._cooperatives(cooperative):
            try:
                with transaction.atomic():
                    off += self._run(action, coop, month)
            except DomainError as error:
                failed.append(coop.village_id)
                self.stderr.write(f"{coop.village_id}: FAILED {error.code}: {error.render()}")
            except Exception as error:
                failed.append(coop.village_id)
                logger.exception("savings %s failed for cooperative %s", action, coop.village_id)
                self.stderr.write(f"{coop.village_id}: FAILED {type(error).__name__}")
        problems = []
        if failed:
            problems.append(f"{len(failed)} cooperative(s) failed: {', '.join(failed)}")
        if off:
            problems.append(f"{off} cooperative(s) do not reconcile")
        if problems:
            raise CommandError("; ".join(problems) + ".")

    def _run(self, action: str, coop: Cooperative, month: str) -> int:
        """One cooperative; returns 1 when its savings do not reconcile."""
        if action == "bill":
            run = services.savings_bills_create(actor=None, cooperative=coop, month=month)
            self.stdout.write(f"{coop.village_id} {month}: {run.created_now} bills created")
        elif action == "interest":
            run = services.savings_interest_post(actor=None, cooperative=coop, month=month)
            self.stdout.write(
                f"{coop.village_id} {month}: {format_rupiah(run.total)} interest to "
                f"{run.count} accounts" + ("" if run.created_now else " (already run)")
            )
        elif action == "setup":
            made = services.savings_setup(actor=None, cooperative=coop)
            self.stdout.write(f"{coop.village_id}: " + ("set up" if made else "already set up"))
        else:
            rows = selectors.reconciliation(cooperative=coop)
            for r in rows:
                self.stdout.write(
                    f"{coop.village_id} {r.kind}: sub-ledger {format_rupiah(r.subledger)}"
                    f" GL {format_rupiah(r.ledger)} difference {format_rupiah(r.difference)}"
                )
            return int(any(r.difference for r in rows))
        return 0
