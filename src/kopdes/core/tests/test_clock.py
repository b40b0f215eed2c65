from datetime import UTC, datetime

import pytest
from django.utils import timezone

from kopdes.core import clock


def test_real_time_unless_fixed():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    moment = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
    with clock.as_of(moment):
        assert clock.now() == moment
    assert clock.now() >= before


def test_naive_moment_refused():
    with pytest.raises(ValueError), clock.as_of(datetime(2026, 11, 28)):  # noqa: DTZ001 - naive on purpose
        pass
