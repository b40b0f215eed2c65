"""Cash shifts: a kasir opens a shift at an outlet with a float and closes it with a count.

Expected cash = the opening float + the shift's cash sales - the cash refunded by the kasir's
approved returns during the shift. The difference (counted - expected) is posted in the closing
transaction through "shift.difference" (`<unit>:over`: Dr 1-101-xx, Cr 4-901; `<unit>:short`:
Dr 5-901, Cr 1-101-xx) and kept on the shift (`shift_report`).
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, holds
from kopdes.commerce.errors import InvalidCash, NotAllowed, ShiftAlreadyOpen, ShiftNotOpen
from kopdes.commerce.models import CashShift, PosDevice
from kopdes.commerce.selectors import expected_cash
from kopdes.commerce.services._pos import outlet, require
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger import services as ledger

EVENT = "shift.difference"


def _check_cash(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= AMOUNT_MAX:
        raise InvalidCash(fields={field: [_("Enter a whole number of rupiah, zero or more.")]})
    return value


def shift_open(
    *, actor: Actor, unit: BusinessUnit, opening_float: int, device: PosDevice | None = None
) -> CashShift:
    """Open the kasir's shift at an outlet with the cash float in the drawer: one open shift per
    kasir per unit. Raises NotAllowed, NotAnOutlet, InvalidCash, ShiftAlreadyOpen."""
    cooperative = unit.cooperative
    require(actor, cooperative, Capability.HANDLE_CASH)
    outlet(unit)
    _check_cash(opening_float, "opening_float")
    kasir = actor_id(actor)
    if kasir is None:  # a shift is a person's: the system opens none
        raise NotAllowed()
    if device is not None and (device.unit_id != unit.pk or not device.is_active):
        raise NotAllowed()
    try:
        with transaction.atomic():
            shift = CashShift.objects.create(
                cooperative=cooperative,
                unit=unit,
                device=device,
                kasir_id=kasir,
                kasir_label=actor_label(actor),
                opened_at=clock.now(),
                opening_float=opening_float,
            )
            audit_record(
                actor=actor,
                action="commerce.shift_open",
                obj=shift,
                after={"unit": unit.code, "opening_float": opening_float},
            )
            return shift
    except IntegrityError:
        raise ShiftAlreadyOpen() from None


def shift_close(*, actor: Actor, shift: CashShift, counted_cash: int, note: str = "") -> CashShift:
    """Close a shift with the cash counted in the drawer: by its kasir, or by a person who
    approves stock (the manajer closing a shift left open). The difference against the expected
    cash is posted (over or short) and kept. Raises NotAllowed, InvalidCash, ShiftNotOpen."""
    cooperative = shift.cooperative
    require(actor, cooperative, Capability.HANDLE_CASH, Capability.APPROVE_STOCK)
    if (
        actor is not None
        and shift.kasir_id != actor_id(actor)
        and not holds(actor, cooperative, Capability.APPROVE_STOCK)  # type: ignore[arg-type]
    ):
        raise NotAllowed()
    _check_cash(counted_cash, "counted_cash")
    with transaction.atomic():
        shift = (
            CashShift.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=shift.pk)
        )
        if shift.status != CashShift.Status.OPEN:
            raise ShiftNotOpen()
        now = clock.now()
        shift.closed_at = now
        figures = expected_cash(shift)
        shift.expected_cash = figures["expected"]
        if shift.expected_cash < 0:  # refunds paid out of another drawer: nothing to expect
            shift.expected_cash = 0
        shift.counted_cash = counted_cash
        shift.difference = counted_cash - shift.expected_cash
        shift.status = CashShift.Status.CLOSED
        shift.note = note[:1000]
        if shift.difference:
            side = "over" if shift.difference > 0 else "short"
            on = clock.today()
            rule = ledger.posting_rule_in_force(
                cooperative=cooperative, event=EVENT, key=f"{shift.unit.code}:{side}", on=on
            )
            shift.entry = ledger.journal_entry_post(
                cooperative=cooperative,
                date=on,
                memo=f"Selisih kas shift {shift.kasir_label} {shift.unit.name}"[:300],
                lines=ledger.event_lines(
                    rule=rule, amounts={"amount": abs(shift.difference)}, unit=shift.unit.code
                ),
                source_kind=EVENT,
                source_id=str(shift.public_id),
                actor=actor,
            )
        shift.save()
        audit_record(
            actor=actor,
            action="commerce.shift_close",
            obj=shift,
            after={
                **figures,
                "expected": shift.expected_cash,
                "counted": counted_cash,
                "difference": shift.difference,
                "entry": str(shift.entry) if shift.entry else None,
            },
            reason=note[:200],
        )
        return shift
