"""The audit log: every service writes one row for each change it makes (docs/invariants.md,
principle 8). Each row that names a cooperative also bumps that cooperative's data version once
the transaction commits (kopdes.core.versions, ADR 0034)."""

from collections.abc import Sequence
from typing import Any

from django.db import models

from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.masking import mask_mapping
from kopdes.core.middleware import current_client_ip, current_request_id
from kopdes.core.models import AuditEvent
from kopdes.core.versions import changed


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The JSON-able state of `instance` for before/after (foreign keys as their ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(instance, field.attname)
        if value is not None and not isinstance(value, (int, str, bool, float, list, dict)):
            value = str(value)
        data[field.name] = value
    return data


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str = "",
    cooperative_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit row. `actor` is a user (or None for the system); NIK, KK and phone
    numbers in before/after are masked before they are stored."""
    event = _event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        cooperative_id=cooperative_id,
        before=before,
        after=after,
        reason=reason,
    )
    event.save(force_insert=True)
    changed([event.cooperative_id or _cooperative_itself(obj)])  # its data version, after commit
    return event


def audit_records(
    *,
    actor: Actor,
    action: str,
    objs: Sequence[models.Model],
    afters: Sequence[dict | None],
    reason: str = "",
) -> list[AuditEvent]:
    """`audit_record(actor=, action=, obj=, after=)` for each of `objs` (saved) with its `after`,
    in order, as one INSERT: the rows are the ones the single calls would write."""
    events = [
        _event(actor=actor, action=action, obj=obj, after=after, reason=reason)
        for obj, after in zip(objs, afters, strict=True)
    ]
    changed(
        event.cooperative_id or _cooperative_itself(obj)
        for event, obj in zip(events, objs, strict=True)
    )
    return AuditEvent.objects.bulk_create(events)


def _event(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str = "",
    cooperative_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
        if cooperative_id is None:
            cooperative_id = getattr(obj, "cooperative_id", None)
    return AuditEvent(
        actor_id=actor_id(actor),
        actor_label=actor_label(actor),
        cooperative_id=cooperative_id,
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_label=str(obj)[:300] if obj is not None else "",
        before=mask_mapping(before),
        after=mask_mapping(after),
        reason=reason,
        request_id=current_request_id() if current_request_id() != "-" else "",
        ip=current_client_ip(),
    )


def _cooperative_itself(obj: models.Model | None) -> int | None:
    """A change to a cooperative's own row (its name, its status) changes its data too; its audit
    row names no cooperative (the object is the cooperative), so the version is bumped by pk."""
    if obj is not None and obj._meta.label_lower == "cooperatives.cooperative":
        return obj.pk
    return None
