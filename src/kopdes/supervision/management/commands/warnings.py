"""`kopdes warnings <action>`: the early warnings' console commands (docs/supervision.md).

    kopdes warnings scan [--cooperative 36.03.01.2003] [--on 2026-12-01]

`scan` runs every early-warning rule over every cooperative (or one, by village code) as the
system, as of today (or `--on`): new warnings are raised, open ones kept, those that no longer
hold cleared. Prints the counts and the warnings per kind.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.supervision import services
from kopdes.supervision.models import WarningKind


class Command(BaseCommand):
    help = "Early warnings (peringatan dini)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser(
            "scan", help="Scan every cooperative (or one) for early warnings, as the system."
        )
        scan.add_argument("--cooperative", help="One cooperative, by village code.")
        scan.add_argument("--on", type=date.fromisoformat, help="The day (default today).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _scan(self, *, cooperative: str | None = None, on: date | None = None, **_: Any) -> None:
        rows = Cooperative.objects.select_related("village").order_by("village_id")
        if cooperative:
            rows = rows.filter(village_id=cooperative)
            if not rows.exists():
                raise CommandError(
                    gettext("No cooperative for village code %(code)s.") % {"code": cooperative}
                )
        result = services.warnings_scan(actor=None, cooperatives=list(rows), on=on)
        self.stdout.write(
            f"Peringatan dini: {result.cooperatives} koperasi diperiksa; "
            f"{result.raised} baru, {result.kept} tetap, {result.reopened} dibuka lagi, "
            f"{result.cleared} tidak berlaku lagi"
        )
        for value, label in WarningKind.choices:
            if result.by_kind.get(value):
                self.stdout.write(f"  {label}: {result.by_kind[value]}")
