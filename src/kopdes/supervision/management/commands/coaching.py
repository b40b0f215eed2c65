"""`kopdes coaching <action>`: coaching's console commands (pembinaan, docs/coaching.md).

    kopdes coaching findings [--cooperative 36.03.01.2003] [--overdue] [--all]

`findings` lists the open findings (every one with `--all`; only those past their deadline with
`--overdue`) of every cooperative or of one (by village code): deadline, state, cooperative,
owner and the finding, overdue ones marked, then the counts.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.supervision import coaching_selectors
from kopdes.supervision.models import Finding


class Command(BaseCommand):
    help = "Coaching (pembinaan): findings and their follow-up."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        findings = sub.add_parser("findings", help="List the findings (the open ones by default).")
        findings.add_argument("--cooperative", help="One cooperative, by village code.")
        findings.add_argument(
            "--overdue", action="store_true", help="Only open findings past their deadline."
        )
        findings.add_argument(
            "--all", dest="everything", action="store_true", help="Closed findings too."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _findings(
        self,
        *,
        cooperative: str | None = None,
        overdue: bool = False,
        everything: bool = False,
        **_: Any,
    ) -> None:
        scope = Cooperative.objects.all()
        if cooperative:
            scope = scope.filter(village_id=cooperative)
            if not scope.exists():
                raise CommandError(
                    gettext("No cooperative for village code %(code)s.") % {"code": cooperative}
                )
        status = "" if everything else Finding.Status.OPEN
        rows = coaching_selectors.findings(scope, status=status, overdue=overdue)
        today = clock.today()
        late = 0
        count = 0
        for finding in rows.iterator():
            count += 1
            mark = ""
            if finding.is_overdue(today):
                late += 1
                mark = f" TERLAMBAT {(today - finding.deadline).days} hari"
            self.stdout.write(
                f"{finding.deadline:%Y-%m-%d} {finding.get_status_display()}{mark} | "
                f"{finding.cooperative.village_id} {finding.cooperative.name} | "
                f"{finding.owner_text} | {finding.title}"
            )
        self.stdout.write(f"Temuan: {count}, terlambat: {late}")
