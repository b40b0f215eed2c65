"""`kopdes simkopdes export`: a SIMKOPDES table of one cooperative or of all (docs/simkopdes.md).

    kopdes simkopdes export --table anggota_koperasi --cooperative 36.03.01.2003 [--format json]
    kopdes simkopdes export --table profil_koperasi --all

Printed to standard output, CSV by default; run by the operator.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.supervision import simkopdes


class Command(BaseCommand):
    help = "Exports for SIMKOPDES, the ministry's system, shaped like its tables."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("export", help="One SIMKOPDES table, as CSV or JSON.")
        run.add_argument("--table", required=True, help=", ".join(simkopdes.TABLES))
        which = run.add_mutually_exclusive_group(required=True)
        which.add_argument("--cooperative", help="One cooperative, by village code.")
        which.add_argument("--all", action="store_true", help="Every cooperative.")
        run.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        cooperatives = Cooperative.objects.order_by("village_id")
        if options["cooperative"]:
            cooperatives = cooperatives.filter(village_id=options["cooperative"])
            if not cooperatives.exists():
                raise CommandError(
                    f"No cooperative with the village code {options['cooperative']}."
                )
        try:
            text = simkopdes.render(options["table"], cooperatives, options["format"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
