"""The payments' daily job for `kopdes close-day` (kopdes.core.daily): the pending QRIS
intents whose time was up by the end of the day closed are marked expired (one UPDATE per run;
a payment made in time and notified later is still booked, ADR 0019-qris-gateway)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.daily import DailyOutcome
from kopdes.payments.services import payment_intents_expire_due


def run(*, day: date, village: str | None) -> DailyOutcome:
    outcome = DailyOutcome()
    cooperative = None
    if village is not None:
        cooperative = Cooperative.objects.filter(village_id=village).first()
        if cooperative is None:
            outcome.failures.append(
                _("No cooperative for village code %(code)s.") % {"code": village}
            )
            return outcome
    end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    count = payment_intents_expire_due(cooperative=cooperative, now=min(end_of_day, clock.now()))
    outcome.lines.append(
        _("QRIS payments expired through %(day)s: %(count)s.")
        % {"day": day.isoformat(), "count": count}
    )
    return outcome
