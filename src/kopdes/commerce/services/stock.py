"""Stock between and within units: transfers (at moving-average value, "stock.transferred"), the
opname (a count sheet snapshotting the expected quantities, a second count by another person on
every difference, the adjustment posted with its reason per line when a third person approves,
"stock.adjusted") and write-offs of damaged, expired or lost goods (requested, then decided by
another person; "stock.adjusted" loss). Dated the business date."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce import rules
from kopdes.commerce.errors import (
    CountIncomplete,
    CountOpen,
    CountState,
    InsufficientStock,
    InvalidLines,
    ReasonRequired,
    SameUnit,
    WriteOffState,
)
from kopdes.commerce.models import (
    GoodsReceiptLine,
    Product,
    StockCount,
    StockCountLine,
    StockLevel,
    StockTransfer,
    StockTransferLine,
    StockWriteOff,
)
from kopdes.commerce.services._common import (
    _other_person,
    _require,
    _same_cooperative,
    books_text,
    document_number,
    post,
)
from kopdes.commerce.stock import (
    business_date,
    check_stock_unit,
    fefo_lots,
    stock_issue,
    stock_link_entry,
    stock_restore,
)
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry

QUANTITY_MAX = 10**7
OPEN_COUNT = ("counting", "recount", "submitted")


def _quantity(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= QUANTITY_MAX


def _issue_lines(unit: BusinessUnit, lines: Any) -> list[tuple[Product, int]]:
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidLines()
    seen: set[int] = set()
    out = []
    for line in lines:
        if not isinstance(line, (list, tuple)) or len(line) != 2:
            raise InvalidLines()
        product, quantity = line
        if (
            not isinstance(product, Product)
            or product.cooperative_id != unit.cooperative_id
            or product.pk in seen
            or not _quantity(quantity)
        ):
            raise InvalidLines()
        seen.add(product.pk)
        out.append((product, quantity))
    return out


# -- transfers ----------------------------------------------------------------------------------


@transaction.atomic
def stock_transfer(
    *,
    actor: Actor,
    from_unit: BusinessUnit,
    to_unit: BusinessUnit,
    lines: list[tuple[Product, int]],
    on: date | None = None,
    note: str = "",
) -> StockTransfer:
    """Move goods from one stock unit to another (the warehouse to an outlet, between outlets) at
    their moving-average value: "TR-<year>-<0001>", posted "stock.transferred" (Dr 1-107 of the
    receiving unit, Cr 1-107 of the sending one). Expiry lots travel with the goods. Raises
    SameUnit, InvalidLines, InsufficientStock, NotStockUnit, Backdated, FutureDate, NotAllowed."""
    cooperative = from_unit.cooperative
    _require(actor, cooperative, Capability.MANAGE_STOCK)
    _same_cooperative(cooperative.pk, to_unit)
    if from_unit.pk == to_unit.pk:
        raise SameUnit()
    check_stock_unit(from_unit)
    check_stock_unit(to_unit)
    on = business_date(on)
    checked = _issue_lines(from_unit, lines)
    number = document_number(cooperative, "TR", on)
    reference = f"transfer:{number}"
    label = actor_label(actor)
    carried = {
        product.pk: fefo_lots(unit=from_unit, product=product, quantity=quantity)
        for product, quantity in checked
        if product.tracks_expiry
    }
    costs = stock_issue(
        unit=from_unit,
        lines=checked,
        on=on,
        kind="transfer_out",
        reference=reference,
        actor_label=label,
    )
    total = sum(costs)
    if total <= 0:
        raise InvalidLines(fields={"lines": [_("These goods have no value to transfer.")]})
    stock_restore(
        unit=to_unit,
        lines=[(p, q, c) for (p, q), c in zip(checked, costs, strict=True)],
        on=on,
        kind="transfer_in",
        reference=reference,
        lots=carried,
        actor_label=label,
    )
    entry = post(
        cooperative=cooperative,
        event="stock.transferred",
        key=f"{from_unit.code}:{to_unit.code}",
        amounts={"amount": total},
        on=on,
        memo=books_text(
            gettext_lazy("Stock transfer %(number)s: %(from)s to %(to)s"),
            number=number,
            **{"from": from_unit.name, "to": to_unit.name},
        ),
        source_id=number,
        actor=actor,
    )
    stock_link_entry(cooperative_id=cooperative.pk, reference=reference, entry_id=entry.pk)
    transfer = StockTransfer.objects.create(
        cooperative=cooperative,
        number=number,
        from_unit=from_unit,
        to_unit=to_unit,
        on=on,
        note=(note or "").strip(),
        entry=entry,
        actor_label=label,
    )
    StockTransferLine.objects.bulk_create(
        [
            StockTransferLine(
                cooperative=cooperative, transfer=transfer, product=p, quantity=q, value=c
            )
            for (p, q), c in zip(checked, costs, strict=True)
        ]
    )
    audit_record(
        actor=actor, action="commerce.stock_transfer", obj=transfer, after=snapshot(transfer)
    )
    return transfer


# -- opname ---------------------------------------------------------------------------------------


def _lock_count(count: StockCount, *statuses: str) -> StockCount:
    locked = StockCount.objects.select_for_update().select_related("unit").get(pk=count.pk)
    if locked.status not in statuses:
        raise CountState(status=locked.get_status_display())
    return locked


@transaction.atomic
def stock_count_start(
    *,
    actor: Actor,
    unit: BusinessUnit,
    products: list[Product] | None = None,
    note: str = "",
) -> StockCount:
    """Open a count sheet "SO-<year>-<0001>" for `unit`: one line per product the unit has held
    (and each of `products`), with the quantity the books expect now. One open count per unit
    (CountOpen)."""
    cooperative = unit.cooperative
    _require(actor, cooperative, Capability.MANAGE_STOCK)
    check_stock_unit(unit)
    on = business_date()
    BusinessUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one opener at a time
    open_count = StockCount.objects.filter(unit=unit, status__in=OPEN_COUNT).first()
    if open_count is not None:
        raise CountOpen(number=open_count.number)
    expected = dict(StockLevel.objects.filter(unit=unit).values_list("product_id", "quantity"))
    for product in products or []:
        _same_cooperative(cooperative.pk, product)
        expected.setdefault(product.pk, 0)
    if not expected:
        raise InvalidLines(fields={"products": [_("Choose the products to count.")]})
    count = StockCount.objects.create(
        cooperative=cooperative,
        number=document_number(cooperative, "SO", on),
        unit=unit,
        started_on=on,
        note=(note or "").strip(),
    )
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                cooperative=cooperative, count=count, product_id=pid, expected_quantity=quantity
            )
            for pid, quantity in sorted(expected.items())
        ]
    )
    audit_record(actor=actor, action="commerce.stock_count_start", obj=count, after=snapshot(count))
    return count


def _product_key(key: Any) -> Any:
    """A Product, or its id as an int or a string of digits (a form's field name), as the id."""
    if isinstance(key, Product):
        return key.pk
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    return key


def _counts(count: StockCount, counts: Mapping[Any, Any]) -> dict[int, int]:
    """{product id: counted quantity} from a mapping keyed by Product or product id."""
    if not counts:
        raise InvalidLines()
    out: dict[int, int] = {}
    for key, value in counts.items():
        pid = _product_key(key)
        if (
            not isinstance(pid, int)
            or not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= QUANTITY_MAX
        ):
            raise InvalidLines()
        out[pid] = value
    lines = set(count.lines.values_list("product_id", flat=True))
    if set(out) - lines:
        raise InvalidLines(fields={"counts": [_("Count only the products on the sheet.")]})
    return out


def _status_after_counts(count: StockCount) -> str:
    lines = list(count.lines.all())
    waiting = any(
        rules.needs_second_count(line.expected_quantity, line.first_count)
        and line.second_count is None
        for line in lines
    )
    return "recount" if waiting else "counting"


@transaction.atomic
def stock_count_record(*, actor: Actor, count: StockCount, counts: Mapping[Any, int]) -> StockCount:
    """The first counts ({product or product id: quantity}), as many times as needed while
    counting. A line whose count differs from the books needs a second count (status
    "recount")."""
    count = _lock_count(count, "counting", "recount")
    _require(actor, count.cooperative, Capability.MANAGE_STOCK)
    values = _counts(count, counts)
    for line in count.lines.select_for_update().filter(product_id__in=values):
        line.first_count = values[line.product_id]
        line.second_count = None
        line.save(update_fields=["first_count", "second_count"])
    count.counted_by_id = actor_id(actor)
    count.counted_by_label = actor_label(actor)
    count.status = _status_after_counts(count)
    count.save(update_fields=["counted_by_id", "counted_by_label", "status"])
    audit_record(
        actor=actor,
        action="commerce.stock_count_record",
        obj=count,
        after={"counts": {str(k): v for k, v in values.items()}},
    )
    return count


@transaction.atomic
def stock_count_recount(
    *, actor: Actor, count: StockCount, counts: Mapping[Any, int]
) -> StockCount:
    """The second count of the lines that differ, by another person than the first counter
    (SamePerson)."""
    count = _lock_count(count, "recount", "counting")
    _require(actor, count.cooperative, Capability.MANAGE_STOCK)
    _other_person(actor, count.counted_by_id)
    values = _counts(count, counts)
    lines = {line.product_id: line for line in count.lines.select_for_update()}
    for pid, value in values.items():
        line = lines[pid]
        if not rules.needs_second_count(line.expected_quantity, line.first_count):
            raise InvalidLines(
                fields={
                    "counts": [_("Only the lines whose first count differs are counted again.")]
                }
            )
        line.second_count = value
        line.save(update_fields=["second_count"])
    count.recounted_by_id = actor_id(actor)
    count.recounted_by_label = actor_label(actor)
    count.status = _status_after_counts(count)
    count.save(update_fields=["recounted_by_id", "recounted_by_label", "status"])
    audit_record(
        actor=actor,
        action="commerce.stock_count_recount",
        obj=count,
        after={"counts": {str(k): v for k, v in values.items()}},
    )
    return count


@transaction.atomic
def stock_count_submit(
    *, actor: Actor, count: StockCount, reasons: Mapping[Any, str] | None = None
) -> StockCount:
    """Hand the sheet in for approval: every line counted, every difference counted twice and
    given its reason ({product or product id: reason}). Raises CountIncomplete, ReasonRequired."""
    count = _lock_count(count, "counting", "recount")
    _require(actor, count.cooperative, Capability.MANAGE_STOCK)
    given = {
        _product_key(key): str(text or "").strip()[:300] for key, text in (reasons or {}).items()
    }
    lines = list(count.lines.select_for_update())
    for line in lines:
        if line.first_count is None or (
            rules.needs_second_count(line.expected_quantity, line.first_count)
            and line.second_count is None
        ):
            raise CountIncomplete()
    for line in lines:
        final = rules.final_count(line.first_count, line.second_count)
        if final != line.expected_quantity:
            reason = given.get(line.product_id) or line.reason
            if not reason:
                raise ReasonRequired(fields={str(line.product_id): [str(ReasonRequired.message)]})
            line.reason = reason
            line.save(update_fields=["reason"])
    count.status = "submitted"
    count.save(update_fields=["status"])
    audit_record(actor=actor, action="commerce.stock_count_submit", obj=count)
    return count


def _gain_value(
    unit: BusinessUnit, product_id: int, level: StockLevel | None, quantity: int
) -> int:
    """Goods found: valued at the unit's moving average, or (none left) the last purchase cost."""
    if level is not None and level.quantity > 0:
        return level.value * quantity // level.quantity
    last = (
        GoodsReceiptLine.objects.filter(cooperative_id=unit.cooperative_id, product_id=product_id)
        .order_by("-receipt__received_on", "-pk")
        .values_list("unit_cost", flat=True)
        .first()
    )
    return (last or 0) * quantity


def _adjust(
    *,
    actor: Actor,
    unit: BusinessUnit,
    on: date,
    reference: str,
    gains: list[tuple[Product, int, int]],
    losses: list[tuple[Product, int]],
    kind: str,
    memo: str,
    source_id: str,
) -> tuple[JournalEntry | None, list[int]]:
    """Stock in (gains, valued) and out (losses, at moving average) and one entry for both
    ("stock.adjusted" gain and loss); the loss costs per line."""
    label = actor_label(actor)
    costs: list[int] = []
    if losses:
        costs = stock_issue(
            unit=unit, lines=losses, on=on, kind=kind, reference=reference, actor_label=label
        )
    if gains:
        stock_restore(
            unit=unit, lines=gains, on=on, kind=kind, reference=reference, actor_label=label
        )
    lines: list[ledger.Line] = []
    for what, amount in (("gain", sum(v for _p, _q, v in gains)), ("loss", sum(costs))):
        if amount:
            rule = ledger.posting_rule_in_force(
                cooperative=unit.cooperative,
                event="stock.adjusted",
                key=f"{unit.code}:{what}",
                on=on,
            )
            lines += ledger.event_lines(rule=rule, amounts={"amount": amount})
    entry = None
    if lines:
        entry = ledger.journal_entry_post(
            cooperative=unit.cooperative,
            date=on,
            memo=memo,
            lines=lines,
            source_kind="stock.adjusted",
            source_id=source_id,
            actor=actor,
        )
        stock_link_entry(cooperative_id=unit.cooperative_id, reference=reference, entry_id=entry.pk)
    return entry, costs


@transaction.atomic
def stock_count_approve(*, actor: Actor, count: StockCount) -> StockCount:
    """Post the count: each line's difference (the count that stands less the expected quantity)
    comes into or out of stock at moving-average value, in one entry ("stock.adjusted": gains to
    4-901, losses to 5-206) with the reasons in its memo. APPROVE_STOCK, by someone who did not
    count (SamePerson)."""
    count = _lock_count(count, "submitted")
    unit = count.unit
    _require(actor, count.cooperative, Capability.APPROVE_STOCK)
    _other_person(actor, count.counted_by_id, count.recounted_by_id)
    on = business_date()
    lines = list(count.lines.select_for_update().select_related("product"))
    levels = {
        level.product_id: level
        for level in StockLevel.objects.filter(
            unit=unit, product_id__in=[line.product_id for line in lines]
        )
    }
    gains: list[tuple[Product, int, int]] = []
    losses: list[tuple[Product, int]] = []
    for line in lines:
        final = rules.final_count(line.first_count, line.second_count)
        assert final is not None
        delta = final - line.expected_quantity
        if delta > 0:
            value = _gain_value(unit, line.product_id, levels.get(line.product_id), delta)
            gains.append((line.product, delta, value))
            line.value_difference = value
        elif delta < 0:
            losses.append((line.product, -delta))
    reasons = "; ".join(f"{line.product.name}: {line.reason}" for line in lines if line.reason)
    memo = books_text(
        gettext_lazy("Stock count %(number)s at %(unit)s"), number=count.number, unit=unit.name
    )
    entry, costs = _adjust(
        actor=actor,
        unit=unit,
        on=on,
        reference=f"count:{count.number}",
        gains=gains,
        losses=losses,
        kind="count",
        memo=f"{memo} ({reasons})"[:300] if reasons else memo,
        source_id=count.number,
    )
    cost_of = {product.pk: cost for (product, _q), cost in zip(losses, costs, strict=True)}
    for line in lines:
        if line.product_id in cost_of:
            line.value_difference = -cost_of[line.product_id]
        line.save(update_fields=["value_difference"])
    count.status = "posted"
    count.posted_on = on
    count.entry = entry
    count.approved_by_label = actor_label(actor)
    count.save(update_fields=["status", "posted_on", "entry", "approved_by_label"])
    audit_record(
        actor=actor, action="commerce.stock_count_approve", obj=count, after=snapshot(count)
    )
    return count


@transaction.atomic
def stock_count_cancel(*, actor: Actor, count: StockCount, note: str = "") -> StockCount:
    """Drop a count sheet that has not been posted (nothing moves)."""
    count = _lock_count(count, *OPEN_COUNT)
    _require(actor, count.cooperative, Capability.MANAGE_STOCK, Capability.APPROVE_STOCK)
    count.status = "cancelled"
    count.note = "\n".join(filter(None, [count.note, (note or "").strip()]))
    count.save(update_fields=["status", "note"])
    audit_record(actor=actor, action="commerce.stock_count_cancel", obj=count)
    return count


# -- write-offs -------------------------------------------------------------------------------------


@transaction.atomic
def stock_write_off_request(
    *,
    actor: Actor,
    unit: BusinessUnit,
    product: Product,
    quantity: int,
    reason: str,
    note: str = "",
) -> StockWriteOff:
    """Ask to write off damaged, expired or lost goods ("WO-<year>-<0001>"); nothing moves until
    another person decides. Raises InvalidLines, InsufficientStock (more than is free)."""
    cooperative = unit.cooperative
    _require(actor, cooperative, Capability.MANAGE_STOCK)
    check_stock_unit(unit)
    _issue_lines(unit, [(product, quantity)])
    if reason not in StockWriteOff.Reason.values:
        raise InvalidLines(fields={"reason": [_("Choose damaged, expired, lost or other.")]})
    if reason == "other" and not (note or "").strip():
        raise ReasonRequired(fields={"note": [str(ReasonRequired.message)]})
    on = business_date()
    level = StockLevel.objects.filter(unit=unit, product=product).first()
    free = level.available if level else 0
    if quantity > free:
        raise InsufficientStock(product=product.name, available=max(free, 0), requested=quantity)
    write_off = StockWriteOff.objects.create(
        cooperative=cooperative,
        number=document_number(cooperative, "WO", on),
        unit=unit,
        product=product,
        quantity=quantity,
        reason=reason,
        note=(note or "").strip(),
        requested_by_id=actor_id(actor),
        requested_by_label=actor_label(actor),
        on=on,
    )
    audit_record(
        actor=actor,
        action="commerce.stock_write_off_request",
        obj=write_off,
        after=snapshot(write_off),
    )
    return write_off


@transaction.atomic
def stock_write_off_decide(
    *, actor: Actor, write_off: StockWriteOff, approve: bool, note: str = ""
) -> StockWriteOff:
    """Approve (the goods leave stock at moving-average value, posted "stock.adjusted" loss to
    5-206) or reject a write-off. APPROVE_STOCK, never the requester (SamePerson)."""
    write_off = (
        StockWriteOff.objects.select_for_update()
        .select_related("unit", "product")
        .get(pk=write_off.pk)
    )
    _require(actor, write_off.cooperative, Capability.APPROVE_STOCK)
    if write_off.status != "requested":
        raise WriteOffState()
    _other_person(actor, write_off.requested_by_id)
    before = snapshot(write_off, ["status"])
    if approve:
        on = business_date()
        entry, costs = _adjust(
            actor=actor,
            unit=write_off.unit,
            on=on,
            reference=f"write_off:{write_off.number}",
            gains=[],
            losses=[(write_off.product, write_off.quantity)],
            kind="write_off",
            memo=books_text(
                gettext_lazy("Write-off %(number)s: %(product)s (%(reason)s)"),
                number=write_off.number,
                product=write_off.product.name,
                reason=StockWriteOff.Reason(write_off.reason).label,
            ),
            source_id=write_off.number,
        )
        write_off.value = costs[0]
        write_off.entry = entry
        write_off.on = on
        write_off.status = "approved"
    else:
        write_off.status = "rejected"
    if note:
        write_off.note = "\n".join(filter(None, [write_off.note, note.strip()]))
    write_off.decided_by_label = actor_label(actor)
    write_off.save(update_fields=["value", "entry", "on", "status", "note", "decided_by_label"])
    audit_record(
        actor=actor,
        action="commerce.stock_write_off_decide",
        obj=write_off,
        before=before,
        after=snapshot(write_off, ["status", "value"]),
    )
    return write_off
