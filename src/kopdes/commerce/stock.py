"""The ONE stock mechanism: every service that moves goods in or out of a unit calls these, inside
its own transaction, and posts the value they return through the ledger's posting rules.

- `stock_issue` takes goods out (sales, transfers out, write-offs, count losses): it locks the
  StockLevel rows, refuses a quantity above what is on hand minus reserved
  (`commerce.insufficient_stock`, naming the product), costs each line at moving average
  (`value * q // Q`, the last units take the whole remaining value, so stock value reconciles to
  the rupiah), consumes expiry lots first-expiry-first-out, and writes one StockMovement per
  product.
- `stock_restore` puts goods back in with a given value (receipts, returns, transfers in, count
  gains): the moving average absorbs it.
- `stock_issue_bulk` is the sync path's form: many documents at once, one lock, rows written
  through `kopdes.core.bulk`; a document that cannot be issued changes nothing and gets its error.
- `stock_reserve` / `stock_release` hold goods for a pickup order or a QRIS sale waiting for its
  payment (`reserved` <= `quantity`; what is reserved cannot be issued to someone else).

Every movement is dated the business date (`business_date`): an earlier date is refused with
`commerce.backdated` (no back-dated reposting of costs: docs/domain.md §7), a later one with
`commerce.future_date`. Quantities are whole numbers above zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format

from kopdes.commerce.errors import (
    Backdated,
    ExpiryRequired,
    FutureDate,
    InsufficientStock,
    InvalidLines,
    NotStockUnit,
)
from kopdes.commerce.models import Product, StockLevel, StockLot, StockMovement
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core import bulk, clock
from kopdes.ledger.rules import STOCK_UNITS


def business_date(on: date | None = None) -> date:
    """The business date (the cooperative's local day, `kopdes.core.clock.today()`), or the
    refusal of any other date for a stock movement."""
    today = clock.today()
    if on is None or on == today:
        return today
    shown = date_format(today, "j F Y")
    if on < today:
        raise Backdated(today=shown)
    raise FutureDate(today=shown)


def check_stock_unit(unit: BusinessUnit) -> BusinessUnit:
    if unit.kind not in STOCK_UNITS or not unit.is_active:
        raise NotStockUnit()
    return unit


def _check_lines(unit: BusinessUnit, lines: Sequence[tuple]) -> None:
    if not lines:
        raise InvalidLines()
    for line in lines:
        product, quantity = line[0], line[1]
        if (
            not isinstance(product, Product)
            or product.cooperative_id != unit.cooperative_id
            or not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or quantity <= 0
        ):
            raise InvalidLines()
        if len(line) > 2:
            value = line[2]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidLines()


def _lock_levels(
    unit: BusinessUnit, product_ids: set[int], *, create: bool
) -> dict[int, StockLevel]:
    """The unit's StockLevel rows of these products under a row lock (in id order, so two
    transactions lock in the same order); missing rows created first when `create`."""
    if create:
        have = set(
            StockLevel.objects.filter(unit=unit, product_id__in=product_ids).values_list(
                "product_id", flat=True
            )
        )
        # One INSERT; a row a concurrent transaction made meanwhile is left as it is.
        StockLevel.objects.bulk_create(
            [
                StockLevel(cooperative_id=unit.cooperative_id, unit=unit, product_id=product_id)
                for product_id in sorted(product_ids - have)
            ],
            ignore_conflicts=True,
        )
    return {
        level.product_id: level
        for level in StockLevel.objects.select_for_update()
        .filter(unit=unit, product_id__in=product_ids)
        .order_by("pk")
    }


def issue_cost(value: int, quantity: int, issued: int) -> int:
    """The moving-average cost of `issued` units out of `quantity` held at `value`: the last
    units take whatever value remains, so the value reconciles to the rupiah."""
    if issued >= quantity:
        return value
    return value * issued // quantity


@dataclass
class _Movement:
    quantity: int = 0
    value: int = 0
    lots: dict[int, int] = field(default_factory=dict)  # lot id -> quantity taken


def _lots_by_product(unit: BusinessUnit, product_ids: set[int]) -> dict[int, list[StockLot]]:
    out: dict[int, list[StockLot]] = {}
    for lot in (
        StockLot.objects.select_for_update()
        .filter(unit=unit, product_id__in=product_ids, quantity__gt=0)
        .order_by("product_id", "expiry_date", "pk")
    ):
        out.setdefault(lot.product_id, []).append(lot)
    return out


def _take(
    levels: dict[int, StockLevel],
    lots: dict[int, list[StockLot]],
    lines: Sequence[tuple[Product, int]],
    *,
    allow_reserved: bool,
) -> tuple[list[int], dict[int, _Movement]]:
    """Issue `lines` against the in-memory levels and lots (changed in place); nothing is
    changed when a line is refused."""
    wanted: dict[int, int] = {}
    for product, quantity in lines:
        wanted[product.pk] = wanted.get(product.pk, 0) + quantity
    for product, _quantity in lines:
        level = levels.get(product.pk)
        on_hand = level.quantity if level else 0
        free = on_hand if allow_reserved else on_hand - (level.reserved if level else 0)
        if wanted[product.pk] > free:
            raise InsufficientStock(
                product=product.name, available=max(free, 0), requested=wanted[product.pk]
            )
    costs: list[int] = []
    moved: dict[int, _Movement] = {}
    for product, quantity in lines:
        level = levels[product.pk]
        cost = issue_cost(level.value, level.quantity, quantity)
        level.quantity -= quantity
        level.value -= cost
        if allow_reserved:
            level.reserved = max(level.reserved - quantity, 0)
        level.reserved = min(level.reserved, level.quantity)
        movement = moved.setdefault(product.pk, _Movement())
        movement.quantity -= quantity
        movement.value -= cost
        costs.append(cost)
        if product.tracks_expiry:
            left = quantity
            for lot in lots.get(product.pk, []):
                if left == 0:
                    break
                taken = min(lot.quantity, left)
                if taken:
                    lot.quantity -= taken
                    left -= taken
                    movement.lots[lot.pk] = movement.lots.get(lot.pk, 0) + taken
    return costs, moved


def _movement_rows(
    unit: BusinessUnit,
    moved: dict[int, _Movement],
    *,
    kind: str,
    on: date,
    reference: str,
    actor_label: str,
) -> list[StockMovement]:
    return [
        StockMovement(
            cooperative_id=unit.cooperative_id,
            unit=unit,
            product_id=product_id,
            kind=kind,
            quantity=movement.quantity,
            value=movement.value,
            on=on,
            reference=reference,
            actor_label=actor_label,
        )
        for product_id, movement in moved.items()
    ]


@transaction.atomic
def stock_issue(
    *,
    unit: BusinessUnit,
    lines: Sequence[tuple[Product, int]],
    on: date | None,
    kind: str,
    reference: str,
    allow_reserved: bool = False,
    actor_label: str = "",
) -> list[int]:
    """Take `lines` (product, whole quantity) out of `unit`'s stock; the cost of each line.

    With `allow_reserved`, the goods may come out of what is reserved, and the reservation is
    consumed by the quantity issued (a collected pickup order, a paid QRIS sale).
    """
    on = business_date(on)
    check_stock_unit(unit)
    _check_lines(unit, lines)
    product_ids = {product.pk for product, _q in lines}
    levels = _lock_levels(unit, product_ids, create=False)
    tracked = {product.pk for product, _q in lines if product.tracks_expiry}
    lots = _lots_by_product(unit, tracked) if tracked else {}
    costs, moved = _take(levels, lots, lines, allow_reserved=allow_reserved)
    for product_id in moved:
        level = levels[product_id]
        level.last_movement_on = on
        level.save(update_fields=["quantity", "value", "reserved", "last_movement_on"])
    for product_lots in lots.values():
        for lot in product_lots:
            if any(lot.pk in m.lots for m in moved.values()):
                lot.save(update_fields=["quantity"])
    StockMovement.objects.bulk_create(
        _movement_rows(unit, moved, kind=kind, on=on, reference=reference, actor_label=actor_label)
    )
    return costs


@transaction.atomic
def stock_restore(
    *,
    unit: BusinessUnit,
    lines: Sequence[tuple[Product, int, int]],
    on: date | None,
    kind: str,
    reference: str,
    expiry: dict[int, date] | None = None,
    lots: dict[int, list[tuple[date, int]]] | None = None,
    actor_label: str = "",
) -> None:
    """Put `lines` (product, whole quantity, value in rupiah) into `unit`'s stock.

    A product that tracks expiry goes into the lots `lots[product.pk]` ((expiry date, quantity)
    pairs: a transfer keeps the expiry dates it took out), else into the lot of
    `expiry[product.pk]`; without either (a return), into its latest-expiring lot in the unit
    (`commerce.expiry_required` when it has none).
    """
    on = business_date(on)
    check_stock_unit(unit)
    _check_lines(unit, lines)
    expiry = expiry or {}
    lots = lots or {}
    product_ids = {line[0].pk for line in lines}
    levels = _lock_levels(unit, product_ids, create=True)
    moved: dict[int, _Movement] = {}
    for product, quantity, value in lines:
        level = levels[product.pk]
        level.quantity += quantity
        level.value += value
        movement = moved.setdefault(product.pk, _Movement())
        movement.quantity += quantity
        movement.value += value
        if product.tracks_expiry:
            split = lots.get(product.pk)
            if split is None:
                expires = expiry.get(product.pk)
                if expires is None:
                    latest = (
                        StockLot.objects.filter(unit=unit, product=product)
                        .order_by("-expiry_date")
                        .first()
                    )
                    if latest is None:
                        raise ExpiryRequired(product=product.name)
                    expires = latest.expiry_date
                split = [(expires, quantity)]
            for expires, part in split:
                lot, _created = StockLot.objects.select_for_update().get_or_create(
                    cooperative_id=unit.cooperative_id,
                    unit=unit,
                    product=product,
                    expiry_date=expires,
                )
                StockLot.objects.filter(pk=lot.pk).update(quantity=F("quantity") + part)
    for product_id in moved:
        level = levels[product_id]
        level.last_movement_on = on
        level.save(update_fields=["quantity", "value", "last_movement_on"])
    StockMovement.objects.bulk_create(
        _movement_rows(unit, moved, kind=kind, on=on, reference=reference, actor_label=actor_label)
    )


@transaction.atomic
def stock_issue_bulk(
    *,
    unit: BusinessUnit,
    documents: Sequence[tuple[str, Sequence[tuple[Product, int]]]],
    on: date | None,
    kind: str,
    allow_reserved: bool = False,
    actor_label: str = "",
) -> list[list[int] | InsufficientStock | InvalidLines]:
    """`stock_issue` for many documents (reference, lines) at once, in order: one lock on the
    levels, the rows written through `kopdes.core.bulk`. Each document is all or nothing: one
    that cannot be issued changes nothing and gets its error in its place; the others get their
    costs per line."""
    on = business_date(on)
    check_stock_unit(unit)
    product_ids: set[int] = set()
    for _reference, lines in documents:
        product_ids |= {product.pk for product, _q in lines if isinstance(product, Product)}
    levels = _lock_levels(unit, product_ids, create=False)
    tracked = {
        product.pk
        for _r, lines in documents
        for product, _q in lines
        if isinstance(product, Product) and product.tracks_expiry
    }
    lots = _lots_by_product(unit, tracked) if tracked else {}
    results: list[list[int] | InsufficientStock | InvalidLines] = []
    movements: list[StockMovement] = []
    touched: set[int] = set()
    touched_lots: set[int] = set()
    for reference, lines in documents:
        try:
            _check_lines(unit, lines)
            # `_take` refuses before it changes anything; the snapshot of this document's rows
            # is the backstop that a refused document leaves the others' state as it was.
            mine = {product.pk for product, _q in lines}
            saved = {
                pid: (levels[pid].quantity, levels[pid].value, levels[pid].reserved)
                for pid in mine
                if pid in levels
            }
            saved_lots = {lot.pk: lot.quantity for pid in mine for lot in lots.get(pid, [])}
            try:
                costs, moved = _take(levels, lots, lines, allow_reserved=allow_reserved)
            except InsufficientStock:
                for pid, (quantity, value, reserved) in saved.items():
                    levels[pid].quantity, levels[pid].value, levels[pid].reserved = (
                        quantity,
                        value,
                        reserved,
                    )
                for pid in mine:
                    for lot in lots.get(pid, []):
                        lot.quantity = saved_lots[lot.pk]
                raise
        except (InsufficientStock, InvalidLines) as error:
            results.append(error)
            continue
        results.append(costs)
        touched |= set(moved)
        for movement in moved.values():
            touched_lots |= set(movement.lots)
        movements += _movement_rows(
            unit, moved, kind=kind, on=on, reference=reference, actor_label=actor_label
        )
    if touched:
        bulk.update_rows(
            StockLevel,
            ("quantity", "value", "reserved", "last_movement_on"),
            [
                (
                    levels[pid].quantity,
                    levels[pid].value,
                    levels[pid].reserved,
                    bulk.db_date(on),
                    levels[pid].pk,
                )
                for pid in sorted(touched)
            ],
        )
    if touched_lots:
        by_id = {lot.pk: lot for ls in lots.values() for lot in ls}
        bulk.update_rows(
            StockLot, ("quantity",), [(by_id[pk].quantity, pk) for pk in sorted(touched_lots)]
        )
    if movements:
        make = bulk.row_maker(StockMovement)
        now = clock.now()
        for row in movements:
            row.created_at = now
        bulk.insert(StockMovement, [make(row) for row in movements])
    return results


def fefo_lots(*, unit: BusinessUnit, product: Product, quantity: int) -> list[tuple[date, int]]:
    """The (expiry date, quantity) an issue of `quantity` would take, first expiry first out:
    what a transfer carries to the other unit. Read before the issue, under its lock."""
    out: list[tuple[date, int]] = []
    left = quantity
    for lot in StockLot.objects.filter(unit=unit, product=product, quantity__gt=0).order_by(
        "expiry_date", "pk"
    ):
        if left == 0:
            break
        taken = min(lot.quantity, left)
        out.append((lot.expiry_date, taken))
        left -= taken
    return out


def stock_link_entry(*, cooperative_id: int, reference: str, entry_id: int) -> int:
    """Point the movements of a document (`reference`) at the journal entry that booked them,
    once the caller has posted it; how many rows were linked."""
    return StockMovement.objects.filter(
        cooperative_id=cooperative_id, reference=reference, entry__isnull=True
    ).update(entry_id=entry_id)


def stock_link_entries(*, cooperative_id: int, entries: dict[str, int]) -> None:
    """`stock_link_entry` for many documents (reference -> entry id), through core.bulk."""
    if not entries:
        return
    rows = list(
        StockMovement.objects.filter(
            cooperative_id=cooperative_id, reference__in=list(entries), entry__isnull=True
        ).values_list("pk", "reference")
    )
    bulk.update_column(StockMovement, "entry_id", [(pk, entries[ref]) for pk, ref in rows])


@transaction.atomic
def stock_reserve(*, unit: BusinessUnit, lines: Sequence[tuple[Product, int]]) -> None:
    """Hold `lines` for a pickup order or a QRIS sale waiting for payment: refused with
    `commerce.insufficient_stock` when more than what is on hand minus reserved."""
    check_stock_unit(unit)
    _check_lines(unit, lines)
    wanted: dict[int, int] = {}
    names: dict[int, str] = {}
    for product, quantity in lines:
        wanted[product.pk] = wanted.get(product.pk, 0) + quantity
        names[product.pk] = product.name
    levels = _lock_levels(unit, set(wanted), create=False)
    for product_id, quantity in wanted.items():
        level = levels.get(product_id)
        free = level.available if level else 0
        if quantity > free:
            raise InsufficientStock(
                product=names[product_id], available=max(free, 0), requested=quantity
            )
    for product_id, quantity in wanted.items():
        StockLevel.objects.filter(pk=levels[product_id].pk).update(
            reserved=F("reserved") + quantity
        )


@transaction.atomic
def stock_release(*, unit: BusinessUnit, lines: Sequence[tuple[Product, int]]) -> None:
    """Let go of a reservation (an order cancelled or expired, a QRIS sale not paid)."""
    _check_lines(unit, lines)
    wanted: dict[int, int] = {}
    for product, quantity in lines:
        wanted[product.pk] = wanted.get(product.pk, 0) + quantity
    levels = _lock_levels(unit, set(wanted), create=False)
    for product_id, quantity in wanted.items():
        level = levels.get(product_id)
        if level is not None:
            level.reserved = max(level.reserved - quantity, 0)
            level.save(update_fields=["reserved"])
