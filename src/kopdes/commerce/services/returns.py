"""Sale returns: asked by the kasir, decided by another person who approves stock.

A sale is never edited or deleted; a return is the only way to undo one, with its reason. On
approval, in one transaction: the goods go back into the unit's stock at the sale's own cost
(`stock.stock_restore`), the refund is paid in cash or put back on the member's simpanan
sukarela (`savings.services.savings_purchase_refund`: Dr 1-110, Cr 2-101), and the entry
"sale.returned" (`<unit>:<refund>:<member|non_member>`) reverses revenue and HPP; the member's
purchases (the SHU basis) are net of it (selectors.member_purchases).
"""

from collections.abc import Sequence as Seq

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.commerce import stock
from kopdes.commerce.errors import (
    InvalidLines,
    InvalidRefund,
    ReturnNotPending,
    ReturnReasonMissing,
    ReturnTooMuch,
    SaleNotReturnable,
    SamePerson,
)
from kopdes.commerce.models import Product, Sale, SaleReturn
from kopdes.commerce.services._common import document_number
from kopdes.commerce.services._pos import RETURN_EVENT, require, sale_draft
from kopdes.commerce.services.sales import check_quantity, open_shift
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.savings import services as savings

REFUNDS = tuple(SaleReturn.Refund.values)


def _returned(sale: Sale, *, pending_too: bool) -> dict[int, int]:
    """Quantities per product already returned (approved), and asked for when `pending_too`."""
    statuses = [SaleReturn.Status.APPROVED] + ([SaleReturn.Status.REQUESTED] if pending_too else [])
    out: dict[int, int] = {}
    for lines in SaleReturn.objects.filter(sale=sale, status__in=statuses).values_list(
        "lines", flat=True
    ):
        for line in lines:
            out[line["product"]] = out.get(line["product"], 0) + line["quantity"]
    return out


def _returned_cost(sale: Sale) -> dict[int, int]:
    out: dict[int, int] = {}
    for lines in SaleReturn.objects.filter(
        sale=sale, status=SaleReturn.Status.APPROVED
    ).values_list("lines", flat=True):
        for line in lines:
            out[line["product"]] = out.get(line["product"], 0) + line.get("cost", 0)
    return out


def sale_return_request(
    *,
    actor: Actor,
    sale: Sale,
    lines: Seq[tuple[Product, int]],
    reason: str,
    refund: str,
) -> SaleReturn:
    """Ask to return goods of a completed sale, with the reason, to be refunded in cash or (for a
    member's sale) back to their simpanan sukarela. At most what was sold and not yet returned
    or asked for. Nothing moves until another person approves (`sale_return_decide`).
    Raises NotAllowed, SaleNotReturnable, ReasonMissing, InvalidRefund, InvalidQuantity,
    ReturnTooMuch."""
    cooperative = sale.cooperative
    require(actor, cooperative, Capability.HANDLE_CASH)
    reason = (reason or "").strip()
    if not reason:
        raise ReturnReasonMissing()
    if refund not in REFUNDS or (
        refund == SaleReturn.Refund.MEMBER_CREDIT and sale.member_id is None
    ):
        raise InvalidRefund()
    if not lines:
        raise InvalidLines(fields={"lines": [_("Choose what is returned.")]})
    with transaction.atomic():
        sale = Sale.objects.select_for_update(of=("self",)).select_related("unit").get(pk=sale.pk)
        if sale.status != Sale.Status.COMPLETED:
            raise SaleNotReturnable(number=sale.number)
        sold = {ln.product_id: ln for ln in sale.lines.all()}
        taken = _returned(sale, pending_too=True)
        wanted: dict[int, int] = {}
        for product, quantity in lines:
            check_quantity(quantity)
            if product.pk not in sold:
                raise ReturnTooMuch(product=str(product))
            wanted[product.pk] = wanted.get(product.pk, 0) + quantity
        for product_id, quantity in wanted.items():
            line = sold[product_id]
            if taken.get(product_id, 0) + quantity > line.quantity:
                raise ReturnTooMuch(product=str(line.product))
        amount = sum(sold[pid].unit_price * q for pid, q in wanted.items())
        on = clock.today()
        return_ = SaleReturn.objects.create(
            cooperative=cooperative,
            number=document_number(cooperative, "RT", on),
            sale=sale,
            reason=reason[:1000],
            lines=[{"product": pid, "quantity": q} for pid, q in wanted.items()],
            amount=amount,
            refund=refund,
            shift=open_shift(sale.unit, actor),
            requested_by_id=actor_id(actor),
            requested_by_label=actor_label(actor),
            on=on,
        )
        audit_record(
            actor=actor,
            action="commerce.sale_return_request",
            obj=return_,
            after={
                "number": return_.number,
                "sale": sale.number,
                "amount": amount,
                "refund": refund,
                "lines": return_.lines,
            },
            reason=reason[:200],
        )
        return return_


def sale_return_decide(
    *, actor: Actor, return_: SaleReturn, approve: bool, note: str = ""
) -> SaleReturn:
    """Approve or reject a return: by a person who approves stock, never the one who asked.
    Approved: the goods back into stock at the sale's cost (the last units of a line take the
    line's remaining cost, so a fully returned sale gives back exactly its HPP), the refund, and
    the "sale.returned" entry, in one transaction. Raises NotAllowed, ReturnSamePerson,
    ReturnNotPending, and the savings refusals of a refund to sukarela (a closed account)."""
    cooperative = return_.cooperative
    require(actor, cooperative, Capability.APPROVE_STOCK)
    with transaction.atomic():
        return_ = (
            SaleReturn.objects.select_for_update(of=("self",))
            .select_related("sale", "sale__unit", "sale__member", "sale__cooperative")
            .get(pk=return_.pk)
        )
        if return_.status != SaleReturn.Status.REQUESTED:
            raise ReturnNotPending(number=return_.number)
        if return_.requested_by_id is not None and return_.requested_by_id == actor_id(actor):
            raise SamePerson()
        if not approve:
            return_.status = SaleReturn.Status.REJECTED
            return_.decided_by_label = actor_label(actor)
            return_.save(update_fields=["status", "decided_by_label"])
            audit_record(
                actor=actor,
                action="commerce.sale_return_reject",
                obj=return_,
                before={"status": SaleReturn.Status.REQUESTED},
                after={"status": return_.status},
                reason=note[:200],
            )
            return return_
        sale = (
            Sale.objects.select_for_update(of=("self",))
            .select_related("unit", "member")
            .get(pk=return_.sale_id)
        )
        sold = {ln.product_id: ln for ln in sale.lines.select_related("product")}
        back = _returned(sale, pending_too=False)
        back_cost = _returned_cost(sale)
        restore: list[tuple[Product, int, int]] = []
        lines = []
        for item in return_.lines:
            line = sold[item["product"]]
            quantity = item["quantity"]
            if back.get(line.product_id, 0) + quantity >= line.quantity:
                cost = line.cost - back_cost.get(line.product_id, 0)  # the last units: the rest
            else:
                cost = line.cost * quantity // line.quantity
            restore.append((line.product, quantity, cost))
            lines.append({"product": line.product_id, "quantity": quantity, "cost": cost})
        on = clock.today()
        reference = f"return:{return_.number}"
        stock.stock_restore(
            unit=sale.unit,
            lines=restore,
            on=on,
            kind="return",
            reference=reference,
            actor_label=actor_label(actor),
        )
        if return_.refund == SaleReturn.Refund.MEMBER_CREDIT and sale.member is not None:
            savings.savings_purchase_refund(
                actor=actor, member=sale.member, amount=return_.amount, on=on, reference=reference
            )
        return_.cost = sum(cost for _p, _q, cost in restore)
        draft = sale_draft(
            sale,
            event=RETURN_EVENT,
            payment=return_.refund,
            revenue=return_.amount,
            cost=return_.cost,
            on=on,
            memo=f"Retur {return_.number} atas penjualan {sale.number}",
        )
        entry = ledger.journal_entries_post_bulk(
            cooperative=cooperative, drafts=[draft], actor=actor
        )[0]
        stock.stock_link_entry(
            cooperative_id=cooperative.pk, reference=reference, entry_id=entry.pk
        )
        return_.lines = lines
        return_.on = on  # the day the books take the return back (its entry's date)
        return_.entry = entry
        return_.status = SaleReturn.Status.APPROVED
        return_.decided_by_label = actor_label(actor)
        return_.save(update_fields=["lines", "on", "entry", "status", "decided_by_label", "cost"])
        audit_record(
            actor=actor,
            action="commerce.sale_return_approve",
            obj=return_,
            before={"status": SaleReturn.Status.REQUESTED},
            after={
                "status": return_.status,
                "amount": return_.amount,
                "cost": return_.cost,
                "refund": return_.refund,
                "entry": str(entry),
            },
            reason=note[:200],
        )
        return return_
