"""The platform's daily jobs, run in order by `kopdes close-day` (docs/architecture.md, "The
daily close").

Each job is a function named in the setting `KOPDES_DAILY_JOBS` (dotted paths, in the order they
run: the loans' close before the ledger's checkpoints, the last job). A job takes the day to close and, optionally, one cooperative's
village code, closes every day it missed up to that day, and returns a `DailyOutcome`: lines to
print and the cooperatives that failed (each cooperative runs on its own: one failure does not
hold up the others). Core names the jobs by string, like Django's MIDDLEWARE, so it imports no
app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class DailyOutcome:
    lines: list[str] = field(default_factory=list)  # what the console prints
    failures: list[str] = field(default_factory=list)  # "<village code>: <code>: <message>"


class DailyJob(Protocol):
    def __call__(self, *, day: date, village: str | None) -> DailyOutcome: ...


def daily_jobs() -> list[tuple[str, DailyJob]]:
    """(dotted path, job) of `KOPDES_DAILY_JOBS`, in order."""
    paths: list[str] = list(getattr(settings, "KOPDES_DAILY_JOBS", []))
    return [(path, _load(path)) for path in paths]


def _load(path: str) -> DailyJob:
    job: Callable[..., DailyOutcome] = import_string(path)
    return job
