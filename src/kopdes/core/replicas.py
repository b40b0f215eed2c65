"""Read replicas for supervision reads (ADR 0036-read-replicas).

`KOPDES_DATABASE_REPLICA_URLS` (PostgreSQL streaming replicas of the primary, comma-separated)
defines the aliases `replica_1` .. `replica_n` (`settings.KOPDES_DATABASE_REPLICAS`). A read goes
to a replica only inside an explicit scope, `supervision_reads()`, which the supervision pages,
API operations and exports that only READ put around their work:

    with supervision_reads():          # or @supervision_reads() on a GET-only view
        rows = list(selectors.assessments(cooperative))

Everything else stays on the primary (`default`):

- every write (`db_for_write` is always the primary, even for an object read from a replica);
- every read while the primary has a transaction open (`in_atomic_block` on `default`): the
  reads of a write's transaction see that transaction's rows and locks, and a service that
  writes is `@transaction.atomic`, so its reads never leave the primary even in a scope;
- the people and their rights (`accounts`, `auth`, `sessions`): a revoked grant or a new login
  must count at once, not after the replica's lag;
- everything when no replica is configured: the router then answers nothing, and Django's
  behaviour is exactly the one without a router.

A scope picks one replica at its start and keeps it (one page reads one consistent copy);
scopes nest (the inner one keeps the outer's replica). The scope is a context variable, so a
thread or a task sees only its own.

Read your writes: a view that writes calls `pin_to_primary(request)`; for the next
`PINNED_SECONDS` that person's `supervision_reads(request)` stay on the primary, so the page a
write redirects to shows it whatever the replica's lag.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

# The apps whose rows are always read from the primary (access decisions, sessions).
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "contenttypes"})

_replica: ContextVar[str | None] = ContextVar("kopdes_supervision_replica", default=None)

# After a person's write, their own supervision reads stay on the primary this long.
PINNED_SECONDS = 10
_SESSION_KEY = "kopdes_wrote_at"


def replica_aliases() -> list[str]:
    """The configured replica aliases (empty without `KOPDES_DATABASE_REPLICA_URLS`)."""
    return list(getattr(settings, "KOPDES_DATABASE_REPLICAS", []))


def pin_to_primary(request: Any) -> None:
    """The person of `request` has just written: their next pages read the primary for
    PINNED_SECONDS (nothing is stored when no replica is configured)."""
    session = getattr(request, "session", None)
    if session is not None and replica_aliases():
        session[_SESSION_KEY] = time.time()


def pinned(request: Any) -> bool:
    session = getattr(request, "session", None)
    wrote_at = session.get(_SESSION_KEY) if session is not None else None
    return isinstance(wrote_at, int | float) and time.time() - wrote_at < PINNED_SECONDS


@contextmanager
def supervision_reads(request: Any = None) -> Iterator[str | None]:
    """A scope in which reads may go to a replica; yields the replica chosen (None: none is
    configured, or `request`'s person wrote within PINNED_SECONDS: everything stays on the
    primary). Usable as a decorator too."""
    current = _replica.get()
    if current is not None:
        yield current
        return
    if request is not None and pinned(request):
        yield None
        return
    aliases = replica_aliases()
    chosen = random.choice(aliases) if aliases else None
    token = _replica.set(chosen)
    try:
        yield chosen
    finally:
        _replica.reset(token)


def read_alias(model: type[Model]) -> str | None:
    """Where a read of `model` goes now: a replica alias, the primary, or None when no replica
    is configured (Django's own choice, as without a router)."""
    if not replica_aliases():
        return None
    replica = _replica.get()
    if (
        replica is None
        or model._meta.app_label in PRIMARY_ONLY_APPS
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return DEFAULT_DB_ALIAS
    return replica


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the decisions described in the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return read_alias(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if replica_aliases() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replicas hold the primary's data: an object read from one may point to another.
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A replica is migrated by replaying the primary's WAL, never directly.
        if db in replica_aliases():
            return False
        return None
