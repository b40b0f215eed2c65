"""Shared pieces of the point-of-sale services (sales, returns, shifts, devices, sync): who may
act, gapless numbers, the sale's posting lines, the canonical receipt."""

from collections.abc import Sequence as Seq
from datetime import date, datetime

from django.utils import timezone

from kopdes.accounts.access import Capability, holds
from kopdes.commerce import receipts
from kopdes.commerce.errors import NotAllowed, NotAnOutlet
from kopdes.commerce.models import Product, Sale
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.actors import Actor
from kopdes.ledger import rules as ledger_rules
from kopdes.ledger import services as ledger
from kopdes.ledger.models import PostingRule

SALE_EVENT = "sale.completed"
RETURN_EVENT = "sale.returned"


def require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> None:
    """NotAllowed unless the actor holds one of `needed` in the cooperative (the service checks
    the role itself, whatever page or API calls it). The system (actor None: the demo's import)
    may do everything, as in services/_common."""
    if actor is not None and not holds(actor, cooperative, *needed):  # type: ignore[arg-type]
        raise NotAllowed()


def outlet(unit: BusinessUnit) -> BusinessUnit:
    """`unit` when it sells goods (a GOODS_UNITS kind, active); NotAnOutlet otherwise."""
    if unit.kind not in ledger_rules.GOODS_UNITS or not unit.is_active:
        raise NotAnOutlet(unit=unit.name)
    return unit


def who(member_id: int | None) -> str:
    return "member" if member_id is not None else "non_member"


def sale_draft(
    sale: Sale,
    *,
    event: str,
    payment: str,
    revenue: int,
    cost: int,
    on: date,
    memo: str,
    rules: dict[str, PostingRule] | None = None,
) -> ledger.EntryDraft:
    """The entry of a sale (or of a return: `event` RETURN_EVENT) through the posting rule in
    force: revenue into the payment's account split by member / non-member, and its cost (HPP)
    out of the unit's persediaan. `rules` caches the rules by key for a batch of one day."""
    unit_code = sale.unit.code
    key = f"{unit_code}:{payment}:{who(sale.member_id)}"
    rule = rules.get(key) if rules is not None else None
    if rule is None:
        rule = ledger.posting_rule_in_force(
            cooperative=sale.cooperative, event=event, key=key, on=on
        )
        if rules is not None:
            rules[key] = rule
    lines = ledger.event_lines(
        rule=rule, amounts={"revenue": revenue, "cost": cost}, unit=unit_code
    )
    return ledger.EntryDraft(
        date=on, memo=memo[:300], lines=lines, source_kind=event, source_id=str(sale.public_id)
    )


def local_moment(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def receipt_hash_of(
    *,
    number: str,
    sold_at: datetime,
    lines: Seq[tuple[Product, int, int]],
    total: int,
    payment: str,
) -> str:
    return receipts.receipt_hash(
        number=number,
        sold_at_local=local_moment(sold_at),
        lines=[receipts.ReceiptLine(p.sku, q, price) for p, q, price in lines],
        total=total,
        payment=payment,
    )
