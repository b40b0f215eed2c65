"""`kopdes rat export --cooperative CODE [--year Y] [--format csv|json]`: the cooperative's RATs
as SIMKOPDES's `rat_koperasi` rows (docs/simkopdes.md), printed to standard output."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopdes.cooperatives.models import Cooperative
from kopdes.rat import export


class Command(BaseCommand):
    help = "Members' meetings (RAT): export them for SIMKOPDES."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("export", help="The RATs as SIMKOPDES rat_koperasi rows.")
        run.add_argument(
            "--cooperative", required=True, help="The village code, e.g. 36.03.01.2003"
        )
        run.add_argument("--year", type=int, default=None, help="Only this fiscal year")
        run.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(village_id=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"No cooperative with the village code {options['cooperative']}.")
        rows = export.simkopdes_rows(cooperative, options["year"])
        text = export.as_json(rows) if options["format"] == "json" else export.as_csv(rows)
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
