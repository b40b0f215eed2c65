"""The time (and the local day) the system records postings and dates writes at.

Always the real time, except inside `as_of(moment)`, which the demo uses to load a year of
history as books brought in on one day (an opening import), so that the day's signed checkpoint
covers them. Nothing reachable from a page or the API sets it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("kopdes_clock", default=None)


def now() -> datetime:
    return _fixed.get() or timezone.now()


def today() -> date:
    """The local day (Asia/Jakarta) of `now()`: today, or the day of the `as_of` moment."""
    return timezone.localdate(now())


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("as_of() needs an aware datetime.")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
