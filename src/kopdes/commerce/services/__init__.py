"""Every write of the gerai, one module per job: `catalogue` (products, categories, suppliers),
`purchases` (purchase orders, goods receipts), `stock` (transfers, opname, write-offs). The stock
mechanism itself (issue, restore, reserve) is `kopdes.commerce.stock`.

Callers use `from kopdes.commerce import services; services.goods_receive(...)`."""

from kopdes.commerce.services.catalogue import (
    catalogue_import,
    category_create,
    product_create,
    product_update,
    supplier_create,
    supplier_update,
)
from kopdes.commerce.services.devices import device_gaps, device_register
from kopdes.commerce.services.orders import (
    order_cancel,
    order_collect,
    order_place,
    order_ready,
    orders_expire,
)
from kopdes.commerce.services.purchases import (
    goods_receive,
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_submit,
)
from kopdes.commerce.services.rejections import sync_rejection_resolve
from kopdes.commerce.services.returns import sale_return_decide, sale_return_request
from kopdes.commerce.services.sales import (
    sale_cancel_pending,
    sale_complete_payment,
    sale_record,
)
from kopdes.commerce.services.shifts import shift_close, shift_open
from kopdes.commerce.services.stock import (
    stock_count_approve,
    stock_count_cancel,
    stock_count_record,
    stock_count_recount,
    stock_count_start,
    stock_count_submit,
    stock_transfer,
    stock_write_off_decide,
    stock_write_off_request,
)
from kopdes.commerce.services.sync import SyncResult, sales_sync

__all__ = [
    "SyncResult",
    "catalogue_import",
    "category_create",
    "device_gaps",
    "device_register",
    "goods_receive",
    "order_cancel",
    "order_collect",
    "order_place",
    "order_ready",
    "orders_expire",
    "product_create",
    "product_update",
    "purchase_order_cancel",
    "purchase_order_create",
    "purchase_order_submit",
    "sale_cancel_pending",
    "sale_complete_payment",
    "sale_record",
    "sale_return_decide",
    "sale_return_request",
    "sales_sync",
    "shift_close",
    "shift_open",
    "stock_count_approve",
    "stock_count_cancel",
    "stock_count_record",
    "stock_count_recount",
    "stock_count_start",
    "stock_count_submit",
    "stock_transfer",
    "stock_write_off_decide",
    "stock_write_off_request",
    "supplier_create",
    "supplier_update",
    "sync_rejection_resolve",
]
