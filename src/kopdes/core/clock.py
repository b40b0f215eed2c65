"""The time (and the local day) the system records postings and dates writes at.

Always the real time, except inside `as_of(moment)`, which the demo uses to load a year of
history as books brought in on one day (an opening import), so that the day's signed checkpoint
covers them. Nothing reachable from a page or the API sets it.

`posted_as_of(moment)` (the demo only, too) pins the time the ledger records postings at
(`posting_now()`) while `as_of` moves the business day: the demo's gerai books each day as it
happened (the commerce services date a stock movement by the business day, never earlier), and
those entries still come in with the opening import (or the week's posting, for a year posted as
it happened), so the signed checkpoints do not change with it.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("kopdes_clock", default=None)
_posting: ContextVar[datetime | None] = ContextVar("kopdes_posting_clock", default=None)


def now() -> datetime:
    return _fixed.get() or timezone.now()


def today() -> date:
    """The local day (Asia/Jakarta) of `now()`: today, or the day of the `as_of` moment."""
    return timezone.localdate(now())


def as_of(moment: datetime) -> AbstractContextManager[None]:
    return _pinned(_fixed, moment, "as_of")


@contextmanager
def _pinned(clock: ContextVar[datetime | None], moment: datetime, name: str) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError(f"{name}() needs an aware datetime.")
    token = clock.set(moment)
    try:
        yield
    finally:
        clock.reset(token)


def posting_now() -> datetime:
    """The moment the ledger records a posting at (`posted_at`): `now()`, except inside
    `posted_as_of`."""
    return _posting.get() or now()


def posted_as_of(moment: datetime) -> AbstractContextManager[None]:
    return _pinned(_posting, moment, "posted_as_of")
