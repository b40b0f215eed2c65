"""The loans' daily job for `kopdes close-day` (kopdes.core.daily): `loans_close_day` for each
active cooperative (or the one named), each in its own transaction; a cooperative that fails is
reported and the others go on. Runs before the ledger's checkpoints (the issue's order); the
provision entries it posts are dated the month's last day and, posted after midnight, signed by
the next run's checkpoint (a checkpoint covers what was posted by the end of its day)."""

from datetime import date

from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.daily import DailyOutcome
from kopdes.core.errors import DomainError
from kopdes.core.money import format_rupiah
from kopdes.loans.services import loans_close_day


def run(*, day: date, village: str | None) -> DailyOutcome:
    outcome = DailyOutcome()
    cooperatives = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by(
        "village_id"
    )
    if village is not None:
        cooperatives = cooperatives.filter(village_id=village)
        if not cooperatives.exists():
            outcome.failures.append(
                _("No cooperative for village code %(code)s.") % {"code": village}
            )
            return outcome
    closed = loans = overdue = penalty = provisions = 0
    for cooperative in cooperatives:
        try:
            result = loans_close_day(cooperative=cooperative, day=day)
        except DomainError as error:
            outcome.failures.append(f"{cooperative.village_id}: {error.code}: {error.render()}")
            continue
        closed += bool(result.days)
        loans += result.loans
        overdue += result.overdue
        penalty += result.penalty_accrued
        provisions += len(result.provisions)
    outcome.lines.append(
        _(
            "Loans closed through %(day)s: %(cooperatives)s cooperatives, %(loans)s active loans, "
            "%(overdue)s past due, denda %(penalty)s, %(provisions)s provision runs."
        )
        % {
            "day": day.isoformat(),
            "cooperatives": closed,
            "loans": loans,
            "overdue": overdue,
            "penalty": format_rupiah(penalty),
            "provisions": provisions,
        }
    )
    return outcome
