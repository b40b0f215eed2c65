"""Money of a funding source received: `fund_receive` posts "fund.received"."""

from datetime import date

from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.core import idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.funding import rules
from kopdes.funding.errors import BeyondCommitment, InvalidChannel
from kopdes.funding.models import FundingSource, FundReceipt
from kopdes.funding.services._common import (
    _require,
    books_text,
    check_amount,
    check_date,
    funding_policy,
    locked_source,
    received_total,
)
from kopdes.ledger import services as ledger


def fund_receive(
    *,
    actor: Actor,
    source: FundingSource,
    amount: int,
    on: date,
    channel: str = "bank",
    idempotency_key: str | None = None,
) -> FundReceipt:
    """Record money of `source` received into the bank (or the office cash) on `on` and post it
    as "fund.received": a CSR grant or APBD hibah as equity (3-103) or income (4-902) as the
    policy in force says, Dana Desa as participation capital (3-107), the bank loan as debt
    (2-201), another loan as other debt (2-202). Refuses receipts above the committed amount
    (funding.beyond_commitment). The same idempotency key with the same request returns the
    first receipt."""
    cooperative = source.cooperative
    _require(actor, cooperative, Capability.MANAGE_FUNDING)
    check_amount(amount)
    check_date(on)
    if channel not in rules.CHANNELS:
        raise InvalidChannel(fields={"channel": [str(InvalidChannel.message)]})
    request = {
        "operation": "fund.receive",
        "source": str(source.public_id),
        "amount": amount,
        "on": on.isoformat(),
        "channel": channel,
    }

    def run(fingerprint: str) -> FundReceipt:
        locked = locked_source(source)
        total = received_total(locked) + amount
        if total > locked.amount:
            raise BeyondCommitment(amount=amount, total=total, committed=locked.amount)
        policy = funding_policy(cooperative, on)
        key = rules.receipt_key(
            kind=locked.kind, grant_as_equity=policy.grant_as_equity, channel=channel
        )
        entry = ledger.post_event(
            cooperative=cooperative,
            event="fund.received",
            key=key,
            amounts={"amount": amount},
            date=on,
            memo=books_text(gettext_lazy("Funds received: %(name)s"), name=locked.name[:200]),
            source_id=str(locked.public_id),
            actor=actor,
        )
        receipt = FundReceipt.objects.create(
            cooperative=cooperative,
            source=locked,
            on=on,
            amount=amount,
            channel=channel,
            entry=entry,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            actor_label=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="funding.receive",
            obj=receipt,
            after=snapshot(receipt, ["source", "on", "amount", "channel", "entry"]),
        )
        return receipt

    return idempotency.once(
        FundReceipt.objects.filter(cooperative=cooperative).select_related("source", "entry"),
        key=idempotency_key,
        request=request,
        run=run,
    )
