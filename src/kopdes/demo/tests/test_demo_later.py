"""The demo on a day weeks after its planned year (`ledger_seed.LAST_DAY`): the loans' stories
are dated back from the day it runs, so their repayments fall after the plan's last day and
must be counted in its cash simulation, not refused (the demo stopped on every day after
2026-12-02 with "Extra drafts after the demo's last day")."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes.cooperatives.models import Cooperative
from kopdes.demo.ledger_seed import LAST_DAY
from kopdes.demo.seed import AS_POSTED, seed
from kopdes.ledger.models import JournalEntry
from kopdes.loans.selectors import loans_reconcile

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LATER = LAST_DAY + timedelta(days=40)  # into the next year


def test_the_demo_seeds_weeks_after_its_planned_year():
    moment = datetime.combine(LATER, time(10), tzinfo=ZoneInfo("Asia/Jakarta"))
    with time_machine.travel(moment, tick=False):
        result = seed(limit=AS_POSTED + 1)
    lending = Cooperative.objects.order_by("village_id")[AS_POSTED]
    assert result.loans.loans > 0
    repaid_late = JournalEntry.objects.filter(
        cooperative=lending, source_kind__startswith="loan.", date__gt=LAST_DAY
    )
    assert repaid_late.exists()
    assert all(row.difference == 0 for row in loans_reconcile(cooperative=lending))
