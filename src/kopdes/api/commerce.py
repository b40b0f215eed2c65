"""Commerce in the API: the point of sale's offline sync (`POST /pos/sync`) and, later, the
member app's shop (`/me/shop/...`, `/me/purchases`).

`POST /pos/sync` takes the sales a kasir's device rang up while offline and hands them to
`kopdes.commerce.services.sales_sync`, which holds each sale exactly once (its client id is the
idempotency key) and answers one result per sale; the kasir page posts the same payload to its
session + CSRF twin (`web:commerce_pos_sync`), which calls the same service.
"""

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.commerce import pos_selectors, services
from kopdes.commerce.errors import DeviceNotFound

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


api.add_router("/", router)
