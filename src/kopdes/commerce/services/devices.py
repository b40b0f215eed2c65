"""Point-of-sale devices: the kasir's phone or tablet, known by the UUID its browser made the
first time, and the receipt numbers it has not delivered yet (gaps)."""

import uuid

from django.db import transaction

from kopdes.accounts.access import Capability
from kopdes.commerce import receipts
from kopdes.commerce.errors import DeviceNotFound, DeviceShortIdTaken, InvalidDevice
from kopdes.commerce.models import PosDevice, Sale, SyncRejection
from kopdes.commerce.services._pos import outlet, require
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record

LABEL_MAX = 100


def device_register(
    *, actor: Actor, unit: BusinessUnit, public_id: uuid.UUID | str, label: str
) -> PosDevice:
    """Register the browser's device id at an outlet (a kasir's first visit); the same id again at
    the same unit returns the device as it is. An id registered at another unit is refused, and
    so is one whose short id (on its receipt numbers) another device of the unit already has:
    the browser then makes a new id. Raises NotAllowed, NotAnOutlet, InvalidDevice,
    DeviceNotFound, DeviceShortIdTaken."""
    cooperative = unit.cooperative
    require(actor, cooperative, Capability.HANDLE_CASH)
    outlet(unit)
    if not receipts.looks_like_uuid(str(public_id)):
        raise InvalidDevice()
    device_id = uuid.UUID(str(public_id))
    label = (label or "").strip()[:LABEL_MAX] or f"Perangkat {receipts.device_short_id(device_id)}"
    with transaction.atomic():
        found = PosDevice.objects.filter(cooperative=cooperative, public_id=device_id).first()
        if found is not None:
            if found.unit_id != unit.pk:
                raise DeviceNotFound()
            return found
        short = receipts.device_short_id(device_id)
        for other in PosDevice.objects.filter(cooperative=cooperative, unit=unit):
            if other.short_id == short:
                raise DeviceShortIdTaken()
        device = PosDevice.objects.create(
            cooperative=cooperative,
            public_id=device_id,
            unit=unit,
            label=label,
            registered_by_label=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="commerce.device_register",
            obj=device,
            after={"unit": unit.code, "label": label, "short_id": short},
        )
        return device


def device_gaps(device: PosDevice) -> list[int]:
    """The device's receipt sequence numbers up to the highest synced that the server holds
    neither as a sale nor as a kept rejection (at most receipts.GAPS_SHOWN of them)."""
    held = {
        sequence
        for sequence in Sale.objects.filter(
            device=device, device_sequence__isnull=False
        ).values_list("device_sequence", flat=True)
        if sequence is not None
    }
    for payload in SyncRejection.objects.filter(device=device).values_list("payload", flat=True):
        sequence = payload.get("sequence") if isinstance(payload, dict) else None
        if isinstance(sequence, int):
            held.add(sequence)
    return receipts.sequence_gaps(held, device.last_sequence)
