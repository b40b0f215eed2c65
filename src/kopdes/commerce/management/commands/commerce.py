"""`kopdes commerce <action>`: the gerai's console commands.

    kopdes commerce reconcile [--cooperative 36.03.01.2003]

`reconcile` prints, per active cooperative (or the one named), each stock unit's stock value (the
StockLevel rows), the sum of its stock movements and the balance of its persediaan account
1-107-xx (selectors.commerce_reconcile); exit 1 naming the cooperatives where they differ.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from kopdes.commerce.selectors import commerce_reconcile
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.core.money import format_rupiah


class Command(BaseCommand):
    help = "Gerai: reconcile the stock sub-ledger with persediaan (1-107-xx)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser(
            "reconcile", help="Stock value and movements against persediaan, per unit."
        )
        reconcile.add_argument("--cooperative", default="", help="Village code; all if omitted.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _reconcile(self, *, cooperative: str, **_: Any) -> None:
        rows = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("village_id")
        if cooperative:
            rows = rows.filter(village_id=cooperative)
            if not rows.exists():
                raise CommandError(
                    gettext("No cooperative for village code %(code)s.") % {"code": cooperative}
                )
        off = []
        for coop in rows:
            lines = commerce_reconcile(coop)
            for line in lines:
                self.stdout.write(
                    gettext(
                        "%(code)s %(account)s %(unit)s: stock %(stock)s, movements %(movements)s, "
                        "general ledger %(ledger)s, difference %(difference)s"
                    )
                    % {
                        "code": coop.village_id,
                        "account": line.account or "-",
                        "unit": line.unit.name,
                        "stock": format_rupiah(line.stock),
                        "movements": format_rupiah(line.movements),
                        "ledger": format_rupiah(line.ledger),
                        "difference": format_rupiah(line.difference),
                    }
                )
            if not all(line.reconciles for line in lines):
                off.append(coop.village_id)
        if off:
            raise CommandError(
                gettext("%(count)s cooperatives do not reconcile: %(codes)s.")
                % {"count": len(off), "codes": ", ".join(off)}
            )
