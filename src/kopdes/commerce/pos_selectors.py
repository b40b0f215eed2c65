"""Reads of the point of sale for the kasir pages: outlets, the kasir's open shift, the catalogue a
device keeps offline, sales, shifts, devices with their receipt gaps and sync rejections. Every
read is scoped to one cooperative (and a unit of it); a foreign or absent id is `NotFound`."""

import uuid
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kopdes.accounts.access import Capability, capabilities
from kopdes.commerce import selectors as commerce_selectors
from kopdes.commerce.models import CashShift, PosDevice, Product, Sale, StockLevel, SyncRejection
from kopdes.commerce.services.devices import device_gaps
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.errors import NotFound
from kopdes.ledger import rules as ledger_rules

RECENT_SHIFTS = 50
SALES_SHOWN = 500


def outlets(*, cooperative: Cooperative) -> list[BusinessUnit]:
    """The cooperative's active units that sell goods, by code."""
    return list(
        BusinessUnit.objects.filter(
            cooperative=cooperative, kind__in=ledger_rules.GOODS_UNITS, is_active=True
        ).order_by("code")
    )


def outlet(*, cooperative: Cooperative, code: str) -> BusinessUnit | None:
    return BusinessUnit.objects.filter(
        cooperative=cooperative, code=code, kind__in=ledger_rules.GOODS_UNITS, is_active=True
    ).first()


def open_shift(*, unit: BusinessUnit, user: Any) -> CashShift | None:
    """The person's open shift at the unit, if any."""
    return CashShift.objects.filter(
        cooperative_id=unit.cooperative_id,
        unit=unit,
        kasir_id=user.pk,
        status=CashShift.Status.OPEN,
    ).first()


def outlets_for_kasir(*, cooperative: Cooperative, user: Any) -> list[dict]:
    """Each outlet with the person's open shift there (or None)."""
    units = outlets(cooperative=cooperative)
    shifts = {
        s.unit_id: s
        for s in CashShift.objects.filter(
            cooperative=cooperative, kasir_id=user.pk, status=CashShift.Status.OPEN
        )
    }
    return [{"unit": u, "shift": shifts.get(u.pk)} for u in units]


def pos_product(*, cooperative: Cooperative, query: str) -> Product | None:
    """The one active product a scan or a typed word names: the barcode exactly, else the SKU
    (any case), else the only product whose name contains it; None when none or several."""
    q = " ".join((query or "").split())[:150]
    if not q:
        return None
    products = Product.objects.filter(cooperative=cooperative, is_active=True)
    for condition in (Q(barcode=q), Q(sku__iexact=q)):
        found = list(products.filter(condition)[:2])
        if found:
            return found[0] if len(found) == 1 else None
    found = list(products.filter(name__icontains=q)[:2])
    return found[0] if len(found) == 1 else None


def pos_catalogue(*, unit: BusinessUnit) -> list[dict]:
    """The active products with both prices and what the unit has available (on hand minus
    reserved), for the device to keep offline."""
    available = {
        row["product_id"]: row["quantity"] - row["reserved"]
        for row in StockLevel.objects.filter(unit=unit).values("product_id", "quantity", "reserved")
    }
    return [
        {
            "id": str(p.public_id),
            "sku": p.sku,
            "name": p.name,
            "unit": p.unit,
            "barcode": p.barcode or "",
            "member_price": p.member_price,
            "non_member_price": p.non_member_price,
            "available": max(available.get(p.pk, 0), 0),
        }
        for p in Product.objects.filter(cooperative=unit.cooperative, is_active=True).order_by(
            "name"
        )
    ]


def device(*, cooperative: Cooperative, unit: BusinessUnit, public_id: Any) -> PosDevice | None:
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return PosDevice.objects.filter(
        cooperative=cooperative, unit=unit, public_id=wanted, is_active=True
    ).first()


def sale(*, cooperative: Cooperative, public_id: Any) -> Sale:
    found = (
        Sale.objects.filter(cooperative=cooperative, public_id=public_id)
        .select_related("unit", "member", "entry", "device", "shift")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def sale_lines(sale: Sale) -> list[dict]:
    return [
        {
            "name": line.product.name,
            "sku": line.product.sku,
            "unit": line.product.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.amount,
        }
        for line in sale.lines.select_related("product").order_by("pk")
    ]


def qris_payload(sale: Sale) -> str | None:
    """The dynamic QRIS payload of a sale waiting for its payment (None when there is none)."""
    from kopdes.payments.models import PaymentIntent

    intent = (
        PaymentIntent.objects.filter(
            cooperative_id=sale.cooperative_id,
            purpose="commerce.sale",
            reference=str(sale.public_id),
            status="pending",
        )
        .order_by("-pk")
        .first()
    )
    return intent.payload if intent is not None else None


def shifts(*, cooperative: Cooperative) -> list[CashShift]:
    """The open shifts, then the latest closed ones."""
    rows = CashShift.objects.filter(cooperative=cooperative).select_related("unit")
    open_ = list(rows.filter(status=CashShift.Status.OPEN).order_by("opened_at"))
    closed = list(
        rows.filter(status=CashShift.Status.CLOSED).order_by("-closed_at")[:RECENT_SHIFTS]
    )
    return open_ + closed


def shift(*, cooperative: Cooperative, public_id: Any) -> CashShift:
    found = (
        CashShift.objects.filter(cooperative=cooperative, public_id=public_id)
        .select_related("unit", "entry")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def shift_report(shift: CashShift) -> dict:
    """The shift's cash figures (float, cash sales, refunds, expected) and its sales by payment."""
    figures = commerce_selectors.expected_cash(shift)
    by_payment = (
        Sale.objects.filter(shift=shift, status=Sale.Status.COMPLETED)
        .values("payment")
        .annotate(count=Count("pk"), total=Sum("total"))
        .order_by("payment")
    )
    return {
        **figures,
        "by_payment": [
            {
                "payment": r["payment"],
                "label": Sale.Payment(r["payment"]).label,
                "count": r["count"],
                "total": r["total"] or 0,
            }
            for r in by_payment
        ],
        "sales": list(Sale.objects.filter(shift=shift).order_by("sold_at")[:SALES_SHOWN]),
    }


def devices_with_gaps(*, cooperative: Cooperative) -> list[dict]:
    """Every device, by outlet, with its receipt-sequence gaps and open rejections."""
    open_counts = dict(
        SyncRejection.objects.filter(cooperative=cooperative, status=SyncRejection.Status.OPEN)
        .values("device_id")
        .annotate(n=Count("pk"))
        .values_list("device_id", "n")
    )
    rows = []
    for d in (
        PosDevice.objects.filter(cooperative=cooperative)
        .select_related("unit")
        .order_by("unit__code", "registered_at")
    ):
        rows.append({"device": d, "gaps": device_gaps(d), "open": open_counts.get(d.pk, 0)})
    return rows


def rejections(*, cooperative: Cooperative) -> QuerySet[SyncRejection]:
    """The sync rejections, open first, newest first."""
    return (
        SyncRejection.objects.filter(cooperative=cooperative)
        .select_related("device", "device__unit")
        .order_by("-status", "-created_at")[:SALES_SHOWN]
    )


def rejection(*, cooperative: Cooperative, public_id: Any) -> SyncRejection:
    found = (
        SyncRejection.objects.filter(cooperative=cooperative, public_id=public_id)
        .select_related("device", "device__unit")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def rejection_view(rejection: SyncRejection) -> dict:
    """The rejected sale as the device sent it, with product names where the catalogue knows
    them (the payload is the device's word: shown, never trusted)."""
    payload = rejection.payload if isinstance(rejection.payload, dict) else {}
    raw_lines: list[Any] = payload["lines"] if isinstance(payload.get("lines"), list) else []
    keys = [str(line.get("product", "")) for line in raw_lines if isinstance(line, dict)]
    ids = []
    for key in keys:
        try:
            ids.append(uuid.UUID(key))
        except ValueError:
            continue
    names = {
        str(p.public_id): p.name
        for p in Product.objects.filter(cooperative_id=rejection.cooperative_id, public_id__in=ids)
    }
    names.update(
        {
            p.sku: p.name
            for p in Product.objects.filter(cooperative_id=rejection.cooperative_id, sku__in=keys)
        }
    )
    lines = []
    for line in raw_lines:
        if not isinstance(line, dict):
            continue
        key = str(line.get("product", ""))
        lines.append(
            {
                "name": names.get(key, key),
                "quantity": line.get("quantity"),
                "unit_price": line.get("unit_price"),
            }
        )
    return {
        "sequence": payload.get("sequence"),
        "sold_at": payload.get("sold_at"),
        "total": payload.get("total"),
        "payment": payload.get("payment"),
        "lines": lines,
    }


def sales_of_day(
    *, cooperative: Cooperative, on: date, unit: BusinessUnit | None = None
) -> list[Sale]:
    rows = Sale.objects.filter(cooperative=cooperative, on=on).select_related("unit", "member")
    if unit is not None:
        rows = rows.filter(unit=unit)
    return list(rows.order_by("sold_at", "pk")[:SALES_SHOWN])


def sales_totals(sales: list[Sale]) -> dict:
    done = [s for s in sales if s.status == Sale.Status.COMPLETED]
    return {"count": len(done), "total": sum(s.total for s in done)}


def device_for_officer(*, user: Any, public_id: Any) -> PosDevice | None:
    """The active device with this id in a cooperative where `user` handles cash (the API's
    caller); None for a device of another cooperative, as for one that does not exist."""
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        return None
    for found in PosDevice.objects.filter(public_id=wanted, is_active=True).select_related(
        "cooperative", "unit"
    ):
        if Capability.HANDLE_CASH in capabilities(user, found.cooperative):
            return found
    return None
