from datetime import UTC, date, datetime

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


def test_today_is_the_local_day_of_now():
    assert clock.today() == timezone.localdate()
    # 18:00 UTC on 28 November is already 29 November in Jakarta (UTC+7).
    with clock.as_of(datetime(2026, 11, 28, 18, 0, tzinfo=UTC)):
        assert clock.today() == date(2026, 11, 29)


def test_posting_time_follows_the_clock_unless_pinned():
    opening = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    day = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with clock.as_of(opening):
        assert clock.posting_now() == opening
        with clock.posted_as_of(clock.posting_now()), clock.as_of(day):
            assert clock.now() == day
            assert clock.today() == date(2026, 3, 2)
            assert clock.posting_now() == opening  # the business day moved, the posting did not
        assert clock.posting_now() == opening
    with pytest.raises(ValueError), clock.posted_as_of(datetime(2026, 11, 28)):  # noqa: DTZ001 - naive on purpose
        pass
