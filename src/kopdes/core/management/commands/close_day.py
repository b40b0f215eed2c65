"""`kopdes close-day [--cooperative VILLAGE_CODE] [--day YYYY-MM-DD]`: every daily job of the
platform, in the order of `KOPDES_DAILY_JOBS` (kopdes.core.daily): the loans' close first (days
past due, collectibility, denda; the provision journal at a month's end), then the ledger's
signed checkpoints and the witnesses. Run it after midnight, e.g. from cron; the day defaults to
yesterday (Asia/Jakarta), and a day must be over before it is closed.

Idempotent: a day already closed changes nothing; days missed since the last run are closed
first, in order. Each cooperative runs on its own: a failing one is reported and the others go
on; the exit status is then non-zero. `kopdes ledger checkpoint` still makes the checkpoints
alone.
"""

import sys
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kopdes.core import clock
from kopdes.core.daily import daily_jobs


class Command(BaseCommand):
    help = "Run every daily job of the platform (loans first, then the ledger's checkpoints)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", default=None, help="Village code; all if omitted.")
        parser.add_argument("--day", default=None, help="YYYY-MM-DD; yesterday if omitted.")

    def handle(self, *args: Any, cooperative: str | None, day: str | None, **options: Any) -> None:
        today = clock.today()
        if day is None:
            closing = today - timedelta(days=1)
        else:
            try:
                closing = date.fromisoformat(day)
            except ValueError:
                raise CommandError(_("--day must be a date YYYY-MM-DD.")) from None
        if closing >= today:
            raise CommandError(
                _("%(day)s is not over yet: a day is closed after it ends.")
                % {"day": closing.isoformat()}
            )
        failures: list[str] = []
        for path, job in daily_jobs():
            outcome = job(day=closing, village=cooperative or None)
            for line in outcome.lines:
                self.stdout.write(line)
            for failure in outcome.failures:
                sys.stderr.write(f"{path}: {failure}\n")
            failures += outcome.failures
        if failures:
            raise CommandError(
                _("%(count)s daily jobs failed; the others ran.") % {"count": len(failures)}
            )
