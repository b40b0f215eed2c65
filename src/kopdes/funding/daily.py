"""The bank loans' daily job for `kopdes close-day` (kopdes.core.daily), after the loans' close:
`bank_loan_warnings` for each active cooperative (or the one named), each in its own
transaction; a cooperative that fails is reported and the others go on (one warning per
installment, however often it runs)."""

from datetime import date

from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.daily import DailyOutcome
from kopdes.core.errors import DomainError
from kopdes.funding.services import bank_loan_warnings


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
    warned = 0
    for cooperative in cooperatives:
        try:
            warned += len(bank_loan_warnings(cooperative, day))
        except DomainError as error:
            outcome.failures.append(f"{cooperative.village_id}: {error.code}: {error.render()}")
    outcome.lines.append(
        _("Bank loan installments due without enough cash, warned through %(day)s: %(n)s.")
        % {"day": day.isoformat(), "n": warned}
    )
    return outcome
