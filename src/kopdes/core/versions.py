"""The per-cooperative data version (core.CooperativeVersion, ADR 0034): a counter that grows
after every committed write to a cooperative's data, for caches that must never serve what a
write has changed.

`changed(cooperative_id)` is called by the audit log for each audit row that names a
cooperative (every service writes one, docs/invariants.md principle 8): that is the one place
the bump lives, so no service has to remember it. The bump runs when the outermost transaction
commits (`transaction.on_commit`; at once outside a transaction), as one statement in its own
autocommit transaction: it holds no lock while the service's transaction runs, so it adds no
lock order to any service (no deadlock on PostgreSQL), and a rolled-back write bumps nothing.

Why after the commit is safe for a cache keyed by the version: a reader reads the version
first, then the data. Before the bump it gets the old version, and whatever it caches under the
old key is never read after the bump; after the bump it reads the committed data. The request
that made the write returns after its on_commit callbacks ran, so the member's next request
sees the new version.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from kopdes.core.models import CooperativeVersion

_PENDING_ATTR = "_kopdes_versions_pending"


def changed(cooperative_ids: Iterable[int | None]) -> None:
    """Bump the versions of these cooperatives once the current transaction commits (each once
    per commit, whatever the number of audit rows)."""
    ids = {i for i in cooperative_ids if i is not None}
    if not ids:
        return
    pending: set[int] | None = getattr(connection, _PENDING_ATTR, None)
    if pending is None:
        pending = set()
        setattr(connection, _PENDING_ATTR, pending)
    pending |= ids
    # One callback per call (a list entry; Django drops those of a rolled-back transaction or
    # savepoint): the first to run after the commit bumps everything pending, the others find
    # nothing left. Ids left pending by a rolled-back write are bumped at the next commit: an
    # extra bump only costs one rebuilt cache entry.
    transaction.on_commit(_flush)


def _flush() -> None:
    pending: set[int] | None = getattr(connection, _PENDING_ATTR, None)
    if pending:
        setattr(connection, _PENDING_ATTR, None)
        _bump(pending)


def _bump(ids: set[int]) -> None:
    table = connection.ops.quote_name(CooperativeVersion._meta.db_table)
    with connection.cursor() as cursor:
        # One statement, SQLite (3.24+) and PostgreSQL alike: insert the counter or increase it.
        cursor.executemany(
            f"INSERT INTO {table} (cooperative_id, version) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (cooperative_id) DO UPDATE SET version = {table}.version + 1",
            [(i,) for i in sorted(ids)],
        )


def versions(cooperative_ids: Iterable[int]) -> dict[int, int]:
    """The current versions of these cooperatives (0 for one never changed)."""
    ids = list(cooperative_ids)
    found = dict(
        CooperativeVersion.objects.filter(cooperative_id__in=ids).values_list(
            "cooperative_id", "version"
        )
    )
    return {i: found.get(i, 0) for i in ids}
