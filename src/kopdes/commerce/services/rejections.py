"""Sync rejections: an offline sale the server could not accept as the device sent it is kept
(`SyncRejection`, by `sales_sync`) until a person who manages the outlet's stock resolves it with
a note (what was done: the goods were found, the sale was rung up again, the money returned).
Resolving changes nothing in the books: the rejected sale was never booked."""

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.commerce.errors import InvalidResolution, RejectionResolved
from kopdes.commerce.models import SyncRejection
from kopdes.commerce.services._pos import require
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record

NOTE_MAX = 1000


def sync_rejection_resolve(*, actor: Actor, rejection: SyncRejection, note: str) -> SyncRejection:
    """Mark a rejected offline sale resolved, with what was done about it (a note is required).
    Raises NotAllowed, InvalidResolution, RejectionResolved."""
    require(actor, rejection.cooperative, Capability.MANAGE_STOCK)
    note = (note or "").strip()
    if not note:
        raise InvalidResolution(fields={"note": [_("Say what was done about this sale.")]})
    if len(note) > NOTE_MAX:
        raise InvalidResolution(fields={"note": [_("At most 1000 characters.")]})
    with transaction.atomic():
        locked = SyncRejection.objects.select_for_update().get(pk=rejection.pk)
        if locked.status != SyncRejection.Status.OPEN:
            raise RejectionResolved()
        locked.status = SyncRejection.Status.RESOLVED
        locked.resolved_by_label = actor_label(actor)
        locked.note = note
        locked.save(update_fields=["status", "resolved_by_label", "note"])
        audit_record(
            actor=actor,
            action="commerce.sync_rejection_resolve",
            obj=locked,
            after={"status": locked.status, "code": locked.code},
            reason=note[:200],
        )
        return locked
