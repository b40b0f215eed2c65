"""Every write of the gerai, one module per job: `catalogue` (products, categories, suppliers),
`purchases` (purchase orders, goods receipts), `stock` (transfers, opname, write-offs). The stock
mechanism itself (issue, restore, reserve) is `kopdes.commerce.stock`.

Callers use `from kopdes.commerce import services; services.goods_receive(...)`."""

from kopdes.commerce.services.catalogue import (
    category_create,
    product_create,
    product_update,
    supplier_create,
    supplier_update,
)
from kopdes.commerce.services.purchases import (
    goods_receive,
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_submit,
)
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

__all__ = [
    "category_create",
    "goods_receive",
    "product_create",
    "product_update",
    "purchase_order_cancel",
    "purchase_order_create",
    "purchase_order_submit",
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
]
