"""Commerce in the API: the point of sale's offline sync (`POST /pos/sync`) and the member app's
shop (`/me/shop/...`, `/me/purchases`).

`POST /pos/sync` takes the sales a kasir's device rang up while offline and hands them to
`kopdes.commerce.services.sales_sync`, which holds each sale exactly once (its client id is the
idempotency key) and answers one result per sale; the kasir page posts the same payload to its
session + CSRF twin (`web:commerce_pos_sync`), which calls the same service.

`/me/shop/...` and `/me/purchases` are the caller's own: the outlets of the cooperatives where
they are an active member (Member.user), their catalogue with member prices and what is
available (on hand minus what pickup orders hold), pickup orders that hold stock until the kasir
hands them over, and the caller's purchases (the basis of the SHU's jasa usaha). Another
member's order is the same 404 `request.not_found` as an id that does not exist.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import P, Query, Router, Schema, Status
from ninja.params import HeaderEx
from pydantic import Field

from kopdes.api.base import KEY_PATTERN, api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.commerce import pos_selectors, selectors, services
from kopdes.commerce.errors import DeviceNotFound
from kopdes.core import clock

router = Router(tags=["commerce"])

SYNC_MAX = 500


class PosLineIn(Schema):
    product: str = Field(description="The product's public id (or its SKU)", max_length=60)
    quantity: int = Field(description="Whole units of the product's selling unit")
    unit_price: int = Field(description="Rupiah per unit as the device showed it")


class PosSaleIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "client_id": "6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6",
                    "sequence": 42,
                    "sold_at": "2026-12-01T09:15:00+07:00",
                    "member": None,
                    "payment": "cash",
                    "lines": [{"product": "BRS-5", "quantity": 2, "unit_price": 68_000}],
                    "total": 136_000,
                    "tendered": 150_000,
                }
            ]
        }
    }

    client_id: UUID = Field(description="The browser's UUID of the sale: its idempotency key")
    sequence: int = Field(description="The device's own receipt sequence (1, 2, 3, ...)")
    sold_at: datetime = Field(description="When it was sold, with the time zone offset")
    member: str | None = Field(None, description="The member's NIAK or public id (optional)")
    payment: str = Field("cash", description="cash (QRIS and member credit need the server)")
    lines: list[PosLineIn]
    total: int = Field(description="Rupiah, the sum of the lines")
    tendered: int | None = Field(None, description="Cash received (optional: the exact amount)")


class PosSyncIn(Schema):
    device: UUID = Field(description="The device's id, registered by the kasir page")
    sales: list[PosSaleIn] = Field(max_length=SYNC_MAX)


class SyncResultOut(Schema):
    client_id: str
    status: str = Field(description="accepted (new), duplicate (already held) or rejected (kept)")
    sequence: int | None = None
    number: str = Field("", description="The receipt number the server holds")
    receipt_hash: str = ""
    sale_id: str = ""
    code: str = Field("", description="Why a sale was rejected (an error code)")
    message: str = ""


class PosSyncOut(Schema):
    results: list[SyncResultOut]


@router.post("/pos/sync", response={200: PosSyncOut, **errors(400, 401, 403, 404, 409)})
def pos_sync(request, payload: PosSyncIn):
    """The offline sales of a kasir's device, synced: one result per sale, by client id.

    The caller is an officer who handles cash in the device's cooperative (404
    `commerce.device_not_found` otherwise, as for an unknown device). A sale already held
    answers `duplicate` with the same receipt; one the server cannot accept as it is (stock
    would go negative, an unknown product, a sequence another sale used) answers `rejected`
    with its code and is kept for the manager, once. Sending the same batch again changes
    nothing."""
    device = pos_selectors.device_for_officer(user=request.user, public_id=payload.device)
    if device is None:
        raise DeviceNotFound()
    sales = [sale.model_dump(mode="json") for sale in payload.sales]
    results = services.sales_sync(actor=request.user, device=device, sales=sales)
    return {"results": [result.as_dict() for result in results]}


# -- the member app: the shop, pickup orders, purchases -----------------------------------------

ORDER_KEY_TEXT = (
    "Any unique text per order (1-100 visible ASCII characters): a retry with the same key and the same body "
    "answers with the first order instead of placing a second one"
)


class OutletOut(Schema):
    cooperative: CooperativeRef
    code: str = Field(description="The unit's code, for `?unit=` and the order's `unit`")
    name: str
    kind: str = Field(description="The unit's kind: sembako, apotek, lpg, pupuk, ...")
    kind_label: str


def _outlet(unit) -> dict:
    return {
        "cooperative": cooperative_ref(unit.cooperative),
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "kind_label": str(unit.get_kind_display()),
    }


@router.get("/me/shop/outlets", response={200: list[OutletOut], **errors(401)})
def my_outlets(request):
    """The active outlets that sell (sembako, apotek, LPG, ...) of every cooperative where the
    caller is an active member."""
    return [_outlet(u) for u in selectors.shop_outlets(user=request.user)]


class CatalogueQuery(Schema):
    unit: str = Field(
        "",
        max_length=20,
        description="The outlet's code (GET /me/shop/outlets); default: the caller's first outlet",
    )
    cooperative_id: UUID | None = Field(
        None, description="Needed only when the caller is a member of several cooperatives"
    )
    q: str = Field("", max_length=100, description="Part of the name, the SKU or the barcode")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class ProductOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "5b0f9a51-8a43-4d53-9b55-3f7e2f6c1d20",
                    "sku": "BRS-5",
                    "name": "Beras medium 5 kg",
                    "unit": "sak",
                    "category": "Sembako",
                    "barcode": "8991234567893",
                    "member_price": 68_000,
                    "non_member_price": 72_000,
                    "available": 40,
                }
            ]
        }
    }

    id: UUID
    sku: str
    name: str
    unit: str = Field(description="The selling unit: pcs, kg, liter, tabung, sak, strip, botol")
    category: str
    barcode: str | None
    member_price: int = Field(description="Rupiah, what the caller pays as a member")
    non_member_price: int
    available: int = Field(description="On hand minus what pickup orders hold, in the outlet")


class CataloguePage(Schema):
    outlet: OutletOut | None = Field(description="None when the caller is no member of any outlet")
    count: int
    items: list[ProductOut]


@router.get("/me/shop/catalogue", response={200: CataloguePage, **errors(401, 404)})
def my_catalogue(request, query: Query[CatalogueQuery]):
    """The outlet's active products with the member price and what is available now (stock on
    hand minus what pickup orders hold), by name, `offset`/`limit` paginated. 404
    `request.not_found` for an outlet that is not of the caller's cooperatives."""
    if not query.unit:
        first = selectors.shop_outlets(user=request.user).first()
        if first is None:
            return {"outlet": None, "count": 0, "items": []}
        query.unit, query.cooperative_id = first.code, first.cooperative.public_id
    unit = selectors.shop_outlet(
        user=request.user, code=query.unit, cooperative_id=query.cooperative_id
    )
    rows = selectors.shop_catalogue(unit=unit, q=query.q)
    page = list(rows[query.offset : query.offset + query.limit])
    return {
        "outlet": _outlet(unit),
        "count": rows.count(),
        "items": [
            {
                "id": p.public_id,
                "sku": p.sku,
                "name": p.name,
                "unit": p.unit,
                "category": p.category.name if p.category is not None else "",
                "barcode": p.barcode,
                "member_price": p.member_price,
                "non_member_price": p.non_member_price,
                "available": max(getattr(p, "available", 0) or 0, 0),
            }
            for p in page
        ],
    }


class OrderLineIn(Schema):
    product_id: UUID = Field(description="A product of the outlet's catalogue")
    quantity: int = Field(ge=1, le=10_000, description="Whole units of the product's unit")


class OrderIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "unit": "SMB",
                    "lines": [
                        {"product_id": "5b0f9a51-8a43-4d53-9b55-3f7e2f6c1d20", "quantity": 2}
                    ],
                    "pickup_by": "2026-12-03",
                }
            ]
        }
    }

    unit: str = Field(max_length=20, description="The outlet's code")
    cooperative_id: UUID | None = Field(
        None, description="Needed only when the caller is a member of several cooperatives"
    )
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    pickup_by: date | None = Field(
        None, description="The last day to collect (default: two days from today, at most 14)"
    )


class OrderLineOut(Schema):
    product_id: UUID
    sku: str
    name: str
    quantity: int
    unit_price: int
    amount: int


OrderStatus = Literal["placed", "ready", "collected", "cancelled", "expired"]


class OrderOut(Schema):
    id: UUID
    number: str = Field(description="e.g. OR-2026-0001")
    outlet: OutletOut
    status: OrderStatus
    status_label: str
    placed_at: datetime
    pickup_by: date
    total: int = Field(description="Rupiah at the member prices of the day it was placed")
    receipt: str | None = Field(description="The sale's receipt number once collected")
    lines: list[OrderLineOut]


def _order(order) -> dict:
    return {
        "id": order.public_id,
        "number": order.number,
        "outlet": _outlet(order.unit),
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "placed_at": order.placed_at,
        "pickup_by": order.pickup_by,
        "total": order.total,
        "receipt": order.sale.number if order.sale_id else None,
        "lines": [
            {
                "product_id": line.product.public_id,
                "sku": line.product.sku,
                "name": line.product.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.quantity * line.unit_price,
            }
            for line in order.lines.all()
        ],
    }


@router.post(
    "/me/shop/orders",
    response={201: OrderOut, **errors(401, 403, 404, 409)},
    summary="Order for pickup (the member app)",
)
def my_order_place(
    request,
    payload: OrderIn,
    idempotency_key: HeaderEx[
        str | None, P(alias="Idempotency-Key", description=ORDER_KEY_TEXT, pattern=KEY_PATTERN)
    ] = None,
):
    """Order products of an outlet of the caller's cooperative, to collect and pay at the
    counter; the stock is held for the caller until then. 404 `request.not_found` for an outlet
    or a product not of the caller's cooperatives; 409 `commerce.order_unavailable` when a
    product has not enough available (`details.refusals`: one per product, with its code and
    what is available), `idempotency.key_reused`; 422 `commerce.invalid_pickup_date`."""
    unit = selectors.shop_outlet(
        user=request.user, code=payload.unit, cooperative_id=payload.cooperative_id
    )
    member = selectors.shop_member(user=request.user, cooperative=unit.cooperative)
    products = selectors.shop_products(
        unit=unit, public_ids=[line.product_id for line in payload.lines]
    )
    order = services.order_place(
        actor=request.user,
        member=member,
        unit=unit,
        lines=[(products[line.product_id], line.quantity) for line in payload.lines],
        pickup_by=payload.pickup_by,
        idempotency_key=idempotency_key,
    )
    return Status(201, _order(selectors.my_order(user=request.user, public_id=order.public_id)))


class OrderFilter(Schema):
    open_only: bool = Field(False, description="Only orders still to collect (placed, ready)")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


@router.get("/me/shop/orders", response={200: OrderPage, **errors(401)})
def my_orders(request, filters: Query[OrderFilter]):
    """The caller's pickup orders, newest first."""
    rows = selectors.my_orders(user=request.user, open_only=filters.open_only)
    return {
        "count": rows.count(),
        "items": [_order(o) for o in rows[filters.offset : filters.offset + filters.limit]],
    }


class CancelIn(Schema):
    reason: str = Field(max_length=300, description="Why (shown to the outlet)")


@router.post(
    "/me/shop/orders/{order_id}/cancel",
    response={200: OrderOut, **errors(401, 403, 404, 409)},
    summary="Cancel one's pickup order",
)
def my_order_cancel(request, order_id: UUID, payload: CancelIn | None = None):
    """Cancel one of the caller's orders that is not collected yet; what it held is free
    again. 404 `request.not_found` for another person's order; 409
    `commerce.order_status_invalid` once collected, cancelled or expired; 422
    `commerce.order_reason_missing`."""
    order = selectors.my_order(user=request.user, public_id=order_id)
    reason = payload.reason if payload is not None else ""
    services.order_cancel(actor=request.user, order=order, reason=reason)
    return _order(selectors.my_order(user=request.user, public_id=order_id))


class PurchaseLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: int
    amount: int


class PurchaseOut(Schema):
    id: UUID
    receipt: str = Field(description="The receipt number")
    receipt_hash: str = Field(description="The receipt's short hash, as printed")
    outlet: OutletOut
    sold_at: datetime
    payment: str
    total: int
    lines: list[PurchaseLineOut]


class UnitTotalOut(Schema):
    cooperative: CooperativeRef
    unit: str = Field(description="The unit's code")
    name: str
    amount: int = Field(description="Rupiah bought this year, net of returns")


class PurchasesOut(Schema):
    year: int
    per_unit: list[UnitTotalOut] = Field(
        description="This year's purchases per unit, net of returns: the basis of the SHU's "
        "jasa usaha"
    )
    count: int
    items: list[PurchaseOut]


class PurchaseQuery(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


@router.get("/me/purchases", response={200: PurchasesOut, **errors(401)})
def my_purchases(request, paging: Query[PurchaseQuery]):
    """The caller's purchases as a member (completed sales with their lines and receipt
    numbers, newest first, paginated), and this year's totals per unit net of returns."""
    year = clock.today().year
    rows = selectors.my_purchases(user=request.user)
    return {
        "year": year,
        "per_unit": [
            {
                "cooperative": cooperative_ref(row.cooperative),
                "unit": row.code,
                "name": row.name,
                "amount": row.this_year,
            }
            for row in selectors.my_purchase_totals(user=request.user, year=year)
        ],
        "count": rows.count(),
        "items": [
            {
                "id": sale.public_id,
                "receipt": sale.number,
                "receipt_hash": sale.receipt_hash,
                "outlet": _outlet(sale.unit),
                "sold_at": sale.sold_at,
                "payment": sale.payment,
                "total": sale.total,
                "lines": [
                    {
                        "sku": line.product.sku,
                        "name": line.product.name,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                        "amount": line.amount,
                    }
                    for line in sale.lines.all()
                ],
            }
            for sale in rows[paging.offset : paging.offset + paging.limit]
        ],
    }


api.add_router("/", router)
