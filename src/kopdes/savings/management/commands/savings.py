"""`kopdes savings bill|interest|reconcile`: the month-end savings runs from the console.

    kopdes savings bill --month 2026-04 [--cooperative 36.03.01.2003]
    kopdes savings interest --month 2026-04 [--cooperative ...]
    kopdes savings reconcile [--cooperative ...]

Without --cooperative every active cooperative is run, each in its own transaction. Both runs are
idempotent: running a month again changes nothing already done.
"""

from django.core.management.base import BaseCommand, CommandError

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.core.money import format_rupiah
from kopdes.savings import selectors, services


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

    def _cooperatives(self, code: str):
        rows = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("village_id")
        if code:
            rows = rows.filter(village_id=code)
            if not rows.exists():
                raise CommandError(f"No active cooperative for village code {code}.")
        return rows

    def handle(self, *args, action, cooperative="", month="", **options):
        failed = 0
        for coop in self._cooperatives(cooperative):
            try:
                if action == "bill":
                    run = services.savings_bills_create(actor=None, cooperative=coop, month=month)
                    self.stdout.write(f"{coop.village_id} {month}: {run.created_now} bills created")
                elif action == "interest":
                    run = services.savings_interest_post(actor=None, cooperative=coop, month=month)
                    self.stdout.write(
                        f"{coop.village_id} {month}: {format_rupiah(run.total)} interest to "
                        f"{run.count} accounts" + ("" if run.created_now else " (already run)")
                    )
                else:
                    rows = selectors.reconciliation(cooperative=coop)
                    off = [r for r in rows if r.difference]
                    failed += bool(off)
                    for r in rows:
                        self.stdout.write(
                            f"{coop.village_id} {r.kind}: sub-ledger {format_rupiah(r.subledger)}"
                            f" GL {format_rupiah(r.ledger)} difference {format_rupiah(r.difference)}"
                        )
            except DomainError as error:
                raise CommandError(f"{coop.village_id}: {error.code}: {error.render()}") from None
        if failed:
            raise CommandError(f"{failed} cooperative(s) do not reconcile.")
