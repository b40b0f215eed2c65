"""`kopdes health <action>`: the health assessment's console commands (docs/domain.md §5).

    kopdes health assess --year 2025 [--cooperative 36.03.01.2003]

`assess` assesses the closed books of the year of every cooperative (or one, by village code)
as the system, and prints the spread of predicates; a cooperative whose year is not closed is
counted apart, not assessed.

With read replicas configured (ADR 0036), `health_assess` reads each cooperative's books (the
year's statements) from a replica that has the year closed, and writes on the primary.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.supervision import services
from kopdes.supervision.errors import YearNotClosed
from kopdes.supervision.models import Predicate


class Command(BaseCommand):
    help = "Health assessment (penilaian kesehatan koperasi)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        assess = sub.add_parser(
            "assess", help="Assess a closed year of every cooperative (or one), as the system."
        )
        assess.add_argument("--year", required=True, type=int, help="The fiscal year.")
        assess.add_argument("--cooperative", help="One cooperative, by village code.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _assess(self, *, year: int, cooperative: str | None = None, **_: Any) -> None:
        rows = Cooperative.objects.select_related("village").order_by("village_id")
        if cooperative:
            rows = rows.filter(village_id=cooperative)
            if not rows.exists():
                raise CommandError(
                    gettext("No cooperative for village code %(code)s.") % {"code": cooperative}
                )
        spread: Counter[str] = Counter()
        not_closed = 0
        for coop in rows:
            try:
                assessment = services.health_assess(actor=None, cooperative=coop, year=year)
            except YearNotClosed:
                not_closed += 1
                if cooperative:
                    raise
                continue
            spread[assessment.predicate] += 1
            if cooperative:
                self.stdout.write(
                    f"{coop.village_id} {coop.name}: {assessment.score} "
                    f"{assessment.get_predicate_display()}"
                )
                for component in assessment.components:
                    self.stdout.write(f"  {component['label']}: {component['note']}")
        total = sum(spread.values())
        self.stdout.write(f"Penilaian kesehatan {year}: {total} koperasi dinilai")
        for value, label in Predicate.choices:
            self.stdout.write(f"  {label}: {spread[value]}")
        if not_closed:
            self.stdout.write(f"  Buku {year} belum ditutup: {not_closed}")
