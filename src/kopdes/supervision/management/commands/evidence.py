"""`kopdes evidence export`: the evidence ZIP of one cooperative over a period (docs/evidence.md).

    kopdes evidence export --cooperative 36.03.01.2003 --from 2026-01 --to 2026-06 --out bukti.zip
    kopdes evidence export --cooperative 36.03.01.2003 --year 2025 --out bukti.zip

Run by the operator as the system (the audit row names no person); the ZIP is written to a
temporary file beside `--out` and renamed when complete, so a failed run leaves no half ZIP.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.supervision import evidence


class Command(BaseCommand):
    help = "Evidence export for auditors and prosecutors (bukti)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("export", help="Write the evidence ZIP of a cooperative and period.")
        run.add_argument("--cooperative", required=True, help="The village code.")
        run.add_argument("--from", dest="first", default="", help="First month, YYYY-MM.")
        run.add_argument("--to", dest="last", default="", help="Last month, YYYY-MM.")
        run.add_argument("--year", default="", help="A fiscal year (instead of --from/--to).")
        run.add_argument("--out", required=True, type=Path, help="The ZIP file to write.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(village_id=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"No cooperative with the village code {options['cooperative']}.")
        out: Path = options["out"]
        try:
            period = evidence.period_from_text(options["first"], options["last"], options["year"])
            handle, temporary = tempfile.mkstemp(
                prefix=".bukti-", suffix=".zip", dir=out.parent if str(out.parent) else "."
            )
            try:
                with os.fdopen(handle, "wb") as file:
                    manifest = evidence.evidence_export(
                        actor=None, cooperative=cooperative, period=period, out=file
                    )
                os.replace(temporary, out)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None
        self.stdout.write(
            f"{out}: {manifest['entries']} entries, {len(manifest['files'])} files, "
            f"{period.first.isoformat()}..{period.last.isoformat()}"
        )
