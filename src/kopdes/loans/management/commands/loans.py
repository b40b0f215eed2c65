"""`kopdes loans <action>`: the loans console commands, one argparse subparser per action.

    kopdes loans simulate --principal 10000000 --annual-rate 12 --months 12 --method flat
                          [--grace 0] [--start 2026-12-01] [--json]
    kopdes loans reconcile [--cooperative 36.03.01.2003] [--date 2026-12-31]

`simulate` prints the schedule `kopdes.loans.schedule.schedule()` makes, the very function
disbursement uses for the installments it books: as JSON, a list of one object per installment
(number, due_date, principal, interest, installment, outstanding; amounts in whole rupiah), or as
a table with the totals and, for a flat loan, its effective annual rate. Refused terms: one line
naming the error's code, exit 1. Needs no database.

`reconcile` prints, per active cooperative (or the one named), the loans against each GL
account (selectors.loans_reconcile); exit 1 naming the cooperatives with a difference.

An action is added with `_parser_<action>(subparsers)` (its arguments) and
`_<action>(**options)` (what it does); `handle` dispatches on the subparser's name.
"""

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import DomainError
from kopdes.core.money import AMOUNT_MAX, format_rupiah, group_thousands, parse_rupiah
from kopdes.loans import errors
from kopdes.loans.schedule import (
    FLAT,
    MAX_MONTHS,
    ScheduleRow,
    effective_annual_rate,
    schedule,
    total_installments,
    total_interest,
)
from kopdes.loans.selectors import loans_reconcile


def row_json(row: ScheduleRow) -> dict[str, Any]:
    """One installment as the JSON of the CLI and the API."""
    return {
        "number": row.number,
        "due_date": row.due_date.isoformat(),
        "principal": row.principal,
        "interest": row.interest,
        "installment": row.installment,
        "outstanding": row.outstanding,
    }


class Command(BaseCommand):
    help = "Loans: simulate a schedule; reconcile the loans with the GL."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        self._parser_simulate(sub)
        self._parser_reconcile(sub)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    # simulate

    def _parser_simulate(self, sub: Any) -> None:
        simulate = sub.add_parser(
            "simulate", help="Print the schedule the app would create for these terms."
        )
        # Checked in _simulate, not by argparse, so a bad value is one line with its code.
        simulate.add_argument("--principal", default=None, help="Rupiah, e.g. 10000000")
        simulate.add_argument("--annual-rate", default=None, help="Percent a year, e.g. 12.5")
        simulate.add_argument("--months", default=None, help="Tenor in months, grace included")
        simulate.add_argument("--method", default=None, help="flat, efektif or anuitas")
        simulate.add_argument("--grace", default="0", help="Interest-only months (default 0)")
        simulate.add_argument("--start", default=None, help="Disbursement day YYYY-MM-DD (today)")
        simulate.add_argument("--json", action="store_true", help="JSON, one object a row")

    def _simulate(
        self,
        *,
        principal: str | None,
        annual_rate: str | None,
        months: str | None,
        method: str | None,
        grace: str,
        start: str | None,
        json: bool,
        **_: Any,
    ) -> None:
        missing = [
            flag
            for flag, value in (
                ("--principal", principal),
                ("--annual-rate", annual_rate),
                ("--months", months),
                ("--method", method),
            )
            if value is None
        ]
        if missing:
            raise CommandError("Give " + ", ".join(missing) + ".")
        try:
            amount = parse_rupiah(principal or "")
        except ValueError:
            raise errors.InvalidPrincipal(maximum=format_rupiah(AMOUNT_MAX)) from None
        try:
            rate = Decimal(annual_rate or "")
        except InvalidOperation:
            raise errors.InvalidRate(rate=annual_rate) from None
        term = _whole(months, errors.InvalidMonths(maximum=MAX_MONTHS))
        grace_months = _whole(grace, errors.InvalidGrace(months=months))
        try:
            day = date.fromisoformat(start) if start else clock.today()
        except ValueError:
            raise CommandError(f"--start: not a date in the form YYYY-MM-DD: {start}") from None
        rows = schedule(
            principal=amount,
            annual_rate=rate,
            months=term,
            method=str(method),
            start=day,
            grace_months=grace_months,
        )
        if json:
            self.stdout.write(_json_dumps([row_json(row) for row in rows]))
            return
        self._table(rows, principal=amount, method=str(method))

    def _table(self, rows: list[ScheduleRow], *, principal: int, method: str) -> None:
        header = ("no", "due date", "principal", "interest", "installment", "outstanding")
        lines = [header] + [
            (
                str(r.number),
                r.due_date.isoformat(),
                *(group_thousands(v) for v in (r.principal, r.interest, r.installment)),
                group_thousands(r.outstanding),
            )
            for r in rows
        ]
        total = ("", "total", group_thousands(principal), group_thousands(total_interest(rows)))
        lines.append((*total, group_thousands(total_installments(rows)), ""))
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            cells = [line[0].rjust(widths[0]), line[1].ljust(widths[1])]
            cells += [cell.rjust(width) for cell, width in zip(line[2:], widths[2:], strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
        if method == FLAT:
            rate = effective_annual_rate(rows, principal)
            self.stdout.write(f"effective annual rate: {rate}%")

    # reconcile

    def _parser_reconcile(self, sub: Any) -> None:
        reconcile = sub.add_parser(
            "reconcile", help="The loans sub-ledger against the GL (1-103, 1-104, 4-102, 4-302)."
        )
        reconcile.add_argument("--cooperative", default="", help="Village code; all if omitted.")
        reconcile.add_argument("--date", default=None, help="Through YYYY-MM-DD (all if omitted).")

    def _reconcile(self, *, cooperative: str, date: str | None, **_: Any) -> None:
        try:
            on = _date(date) if date else None
        except ValueError:
            raise CommandError(f"--date: not a date in the form YYYY-MM-DD: {date}") from None
        rows = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("village_id")
        if cooperative:
            rows = rows.filter(village_id=cooperative)
            if not rows.exists():
                raise CommandError(f"No active cooperative for village code {cooperative}.")
        off = []
        for coop in rows:
            lines = loans_reconcile(cooperative=coop, on=on)
            for line in lines:
                self.stdout.write(
                    f"{coop.village_id} {line.account} {line.label}: "
                    f"pinjaman {format_rupiah(line.loans)}, buku besar {format_rupiah(line.ledger)}, "
                    f"selisih {format_rupiah(line.difference)}"
                )
            if any(line.difference for line in lines):
                off.append(coop.village_id)
        if off:
            raise CommandError(f"{len(off)} cooperative(s) do not reconcile: {', '.join(off)}.")


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _whole(text: str | None, error: DomainError) -> int:
    if text is None or not (text.isascii() and text.lstrip("-").isdigit()):
        raise error
    return int(text)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, indent=2)
