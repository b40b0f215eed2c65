"""The provider's settlement: QRIS money it collected, transferred into the cooperative's bank."""

from datetime import date

from django.db import transaction

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.payments.errors import InvalidSettlement
from kopdes.payments.selectors import qris_owed
from kopdes.payments.services._common import _require
from kopdes.payments.services.intents import _check_amount


def qris_settle(
    *,
    actor: Actor,
    cooperative: Cooperative,
    amount: int,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Book the provider's transfer of `amount` of QRIS money into the bank: "qris.settled"
    (Dr 1-102 bank, Cr 1-109), never more than 1-109 holds. Needs KEEP_BOOKS. Raises
    NotAllowed, InvalidAmount, InvalidSettlement, PeriodClosed, IdempotencyConflict."""
    _require(actor, cooperative, Capability.KEEP_BOOKS)
    _check_amount(amount)
    on = on or clock.today()
    with transaction.atomic():
        owed = qris_owed(cooperative=cooperative)
        if amount > owed:
            raise InvalidSettlement(fields={"amount": [str(InvalidSettlement.message)]})
        entry = ledger.post_event(
            cooperative=cooperative,
            event="qris.settled",
            key="",
            amounts={"amount": amount},
            date=on,
            memo="Penyelesaian dana QRIS ke rekening bank",
            idempotency_key=f"qris:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="payments.settle",
            obj=entry,
            after={"amount": amount, "on": on.isoformat(), "entry": str(entry)},
        )
    return entry
