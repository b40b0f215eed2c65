"""The demo's coaching: through the services, every state somewhere, cheap, and once."""

import time

from kopdes.core.models import AuditEvent
from kopdes.demo.coaching_seed import coaching_seed
from kopdes.supervision.models import (
    CoachingStatus,
    Finding,
    FindingFollowUp,
    MentoringVisit,
    TrainingSession,
)


def test_the_demo_coaching_spreads_every_state_and_runs_once(coop_a, coop_b, examiner):
    started = time.perf_counter()
    result = coaching_seed([coop_a, coop_b], examiner)
    assert time.perf_counter() - started < 2
    assert result.sessions == 2 and TrainingSession.objects.count() == 2
    assert set(TrainingSession.objects.values_list("status", flat=True)) == {
        CoachingStatus.HELD,
        CoachingStatus.PLANNED,
    }
    assert (
        result.findings == Finding.objects.count() == result.open + result.overdue + result.closed
    )
    assert result.open and result.overdue and result.closed
    assert set(FindingFollowUp.objects.values_list("side", flat=True)) == {"cooperative", "dinas"}
    assert MentoringVisit.objects.filter(status=CoachingStatus.HELD).count() == 2
    audited = AuditEvent.objects.filter(action__startswith="coaching.").count()
    assert coaching_seed([coop_a, coop_b], examiner).findings == 0
    assert AuditEvent.objects.filter(action__startswith="coaching.").count() == audited
