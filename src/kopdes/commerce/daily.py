"""The outlets' daily job for `kopdes close-day` (kopdes.core.daily), after the loans' close:
pickup orders whose pickup day has passed expire and the stock they held is free again
(`orders_expire`), for each active cooperative (or the one named), each in its own transaction;
a cooperative that fails is reported and the others go on."""

from datetime import date

from django.utils.translation import gettext as _

from kopdes.commerce.services import orders_expire
from kopdes.cooperatives.models import Cooperative
from kopdes.core.daily import DailyOutcome
from kopdes.core.errors import DomainError


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
    expired = 0
    for cooperative in cooperatives:
        try:
            # `day` is the day being closed: an order to collect by then and still open is late.
            expired += orders_expire(cooperative=cooperative, day=day)
        except DomainError as error:
            outcome.failures.append(f"{cooperative.village_id}: {error.code}: {error.render()}")
    outcome.lines.append(
        _("Pickup orders expired through %(day)s: %(orders)s.")
        % {"day": day.isoformat(), "orders": expired}
    )
    return outcome
