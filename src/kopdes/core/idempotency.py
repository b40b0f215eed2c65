"""Idempotency keys for money-moving requests: the one mechanism every keyed write uses.

A write that takes a key stores it, with a fingerprint of the request, on the row it creates (a
journal entry, a savings transaction, ...); that row is the result. `once()` runs the write the
first time; a retry with the same key and the same request gets the first row back; the same key
with any other request is refused with `IdempotencyConflict` (409 `idempotency.key_reused`).
The row's partial unique constraint on (cooperative, idempotency_key) makes two concurrent
first attempts safe: the loser's INSERT fails, it rolls back to its savepoint and answers with
the winner's row, or with the conflict.

The model must have `idempotency_key` (NULL when none) and `request_hash` fields; `run` receives
the fingerprint to store. Bulk writes use `pending()` to skip what is done.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from kopdes.core.errors import IdempotencyConflict, ValidationFailed

T = TypeVar("T", bound=models.Model)
D = TypeVar("D")

KEY_MAX_LENGTH = 100


def request_fingerprint(request: Mapping[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON: what `once()` compares on a replay."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= KEY_MAX_LENGTH:
        raise ValidationFailed(fields={"idempotency_key": [f"1-{KEY_MAX_LENGTH} characters."]})


def _replay(rows: "models.QuerySet[T]", key: str, fingerprint: str) -> T | None:
    # Two columns, unordered (the key is unique among `rows`): a first attempt, by far the
    # common case, costs the ORM a narrow query; the whole row is read only on a replay.
    found = rows.filter(idempotency_key=key).order_by().values_list("pk", "request_hash")[:1]
    for pk, stored in found:
        if stored != fingerprint:
            raise IdempotencyConflict(key=key)
        return rows.get(pk=pk)
    return None


def once(
    rows: "models.QuerySet[T]",
    *,
    key: str | None,
    request: Mapping[str, Any],
    run: Callable[[str], T],
) -> T:
    """Run `run(fingerprint)` once per key among `rows` (one cooperative's rows of one model).

    Without a key, `run("")` simply runs, in its own transaction. `request` names everything
    that makes the request what it is (operation, accounts, amount, channel, date, memo): two
    requests that differ in any of them are different requests.
    """
    if key is None:
        with transaction.atomic():  # all or nothing, with or without a key
            return run("")
    check_key(key)
    fingerprint = request_fingerprint(request)
    found = _replay(rows, key, fingerprint)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return run(fingerprint)
    except IntegrityError:
        # A concurrent request with the same key committed first: its row is the answer.
        found = _replay(rows, key, fingerprint)
        if found is None:
            raise
        return found


def pending(
    rows: "models.QuerySet[Any]",
    items: Iterable[D],
    *,
    key: Callable[[D], str | None],
    request: Callable[[D], Mapping[str, Any]],
) -> list[tuple[D, str]]:
    """The bulk form of `once()`: the items not yet done, each with the fingerprint to store.

    Items whose key was already used for the same request are left out; a key used for another
    request raises `IdempotencyConflict`. Items without a key are always pending.
    """
    items = list(items)
    keys = [k for k in map(key, items) if k]
    for one in keys:
        check_key(one)
    done: dict[str, str] = (
        dict(rows.filter(idempotency_key__in=keys).values_list("idempotency_key", "request_hash"))
        if keys
        else {}
    )
    todo = []
    for item in items:
        k = key(item)
        fingerprint = request_fingerprint(request(item)) if k else ""
        if k and k in done:
            if done[k] != fingerprint:
                raise IdempotencyConflict(key=k)
            continue
        todo.append((item, fingerprint))
    return todo
