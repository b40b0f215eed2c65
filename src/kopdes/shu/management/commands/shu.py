"""`kopdes shu <action>`: the SHU's console commands.

    kopdes shu explain --member 0042 --cooperative 36.03.01.2003 --year 2025

`explain` prints the member's SHU statement of the year (selectors.member_statement, the read
behind the statement page, its PDF and `GET /api/v1/me/shu/{year}`): their savings and
transactions, the totals, the pools, the percentages and the formula filled in.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.members.models import Member
from kopdes.shu import selectors


class Command(BaseCommand):
    help = "SHU: explain a member's share of a year."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        explain = sub.add_parser("explain", help="A member's SHU statement, the formula filled in.")
        explain.add_argument("--member", required=True, help="The member's NIAK (e.g. 0042).")
        explain.add_argument("--cooperative", required=True, help="The village code.")
        explain.add_argument("--year", required=True, type=int, help="The fiscal year.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _explain(self, *, member: str, cooperative: str, year: int, **_: Any) -> None:
        coop = Cooperative.objects.filter(village_id=cooperative).first()
        if coop is None:
            raise CommandError(
                gettext("No cooperative for village code %(code)s.") % {"code": cooperative}
            )
        found = (
            Member.objects.filter(cooperative=coop, number=int(member)).first()
            if member.isdigit()
            else None
        )
        if found is None:
            raise CommandError(gettext("No member with NIAK %(niak)s.") % {"niak": member})
        statement = selectors.member_statement(selectors.shu_year_for(coop, year), found)
        self.stdout.write(statement.as_text())
