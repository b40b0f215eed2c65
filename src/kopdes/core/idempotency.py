"""Idempotency keys for money-moving requests (design.md invariant 6).

`idempotent()` runs a service once per (actor, scope, key): a retry with the same content gets
the stored result; the same key with different content is refused with IdempotencyConflict. The
unique constraint makes two concurrent first attempts safe: one of them fails and rolls back.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from kopdes.core.errors import IdempotencyConflict, ValidationFailed
from kopdes.core.models import IdempotencyKey


def request_fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    *, actor_id: int, scope: str, key: str, payload: dict[str, Any], run: Callable[[], dict]
) -> tuple[dict, bool]:
    """Return (result, replayed). `run` does the work and returns a JSON-able result."""
    if not key or len(key) > 100:
        raise ValidationFailed(fields={"idempotency_key": ["1-100 characters required."]})
    fingerprint = request_fingerprint(payload)
    existing = IdempotencyKey.objects.filter(actor_id=actor_id, scope=scope, key=key).first()
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise IdempotencyConflict(key=key)
        return existing.result, True
    try:
        with transaction.atomic():
            result = run()
            IdempotencyKey.objects.create(
                actor_id=actor_id, scope=scope, key=key, request_hash=fingerprint, result=result
            )
    except IntegrityError:
        # A concurrent request with the same key won the race; its result is the answer.
        existing = IdempotencyKey.objects.filter(actor_id=actor_id, scope=scope, key=key).first()
        if existing is None:
            raise
        if existing.request_hash != fingerprint:
            raise IdempotencyConflict(key=key) from None
        return existing.result, True
    return result, False
