"""Gerai (outlets): the catalogue, suppliers, purchases and goods receipts, stock per business unit
at moving-average cost (the stock sub-ledger of persediaan 1-107-xx), transfers, opname and
write-offs, and the point of sale (devices, cash shifts, sales, returns, offline sync rejections)
and pickup orders from the member app.

Quantities are whole numbers of the product's selling unit (docs/adr: no fractional quantities).
Money is whole rupiah. Stock is changed only by `kopdes.commerce.stock` under a row lock on the
StockLevel, in the same transaction as the journal entry that books its value (docs/invariants.md:
per unit, sum(StockMovement.value) == sum(StockLevel.value) == balance of 1-107-xx). The CHECK
constraints below are the backstop behind the services.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check

_UNIT = "cooperatives.BusinessUnit"
_ENTRY = "ledger.JournalEntry"


def _entry(null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        _ENTRY, on_delete=models.PROTECT, null=null, blank=null, related_name="+"
    )


def _idempotency_key() -> models.CharField:
    return models.CharField(max_length=100, null=True, blank=True)


def _request_hash() -> models.CharField:
    return models.CharField(max_length=64, blank=True, db_default="")  # core.idempotency


def _idempotency_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["cooperative", "idempotency_key"],
        condition=Q(idempotency_key__isnull=False),
        name=f"commerce_{model}_idempotency_unique",
    )


def _number_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["cooperative", "number"], name=f"commerce_{model}_number"
    )


def _known(field: str, choices: type[models.TextChoices], model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"commerce_{model}_{field}_known"
    )


# -- catalogue and suppliers --------------------------------------------------------------------


class Category(TenantModel):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["cooperative_id", "name"]
        verbose_name = _("product category")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="commerce_category_name"),
        ]

    def __str__(self) -> str:
        return self.name


# The selling units offered in the catalogue form (the field is text: a cooperative may need another).
PRODUCT_UNITS = ("pcs", "kg", "liter", "tabung", "sak", "strip", "botol")


class Product(TenantModel):
    """One thing sold, in whole numbers of its selling unit ("Beras 5 kg" per sak, "Telur" per kg)."""

    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("selling unit"), max_length=20, default="pcs")
    barcode = models.CharField(_("barcode (EAN-13)"), max_length=13, null=True, blank=True)  # noqa: DJ001 - NULL: no barcode; unique when set
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    member_price = RupiahField(_("member price"))
    non_member_price = RupiahField(_("non-member price"))
    tracks_expiry = models.BooleanField(_("tracks expiry dates"), default=False)
    min_stock = models.PositiveIntegerField(_("reorder point"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "name"]
        verbose_name = _("product")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "sku"], name="commerce_product_sku"),
            models.UniqueConstraint(
                fields=["cooperative", "barcode"],
                condition=Q(barcode__isnull=False),
                name="commerce_product_barcode",
            ),
            models.CheckConstraint(
                condition=Q(member_price__lte=F("non_member_price")),
                name="commerce_product_member_price_not_above",
            ),
            models.CheckConstraint(condition=~Q(sku=""), name="commerce_product_sku_present"),
            money_check("member_price", "non_member_price", name="commerce_product_money"),
        ]

    def __str__(self) -> str:
        return self.name

    def price_for(self, *, member: bool) -> int:
        return self.member_price if member else self.non_member_price


class Supplier(TenantModel):
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)  # E.164, shown masked
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "name"]
        verbose_name = _("supplier")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="commerce_supplier_name"),
        ]

    def __str__(self) -> str:
        return self.name


# -- purchases ------------------------------------------------------------------------------------


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ORDERED = "ordered", _("Ordered")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(TenantModel):
    Status = PurchaseOrderStatus

    number = models.CharField(_("number"), max_length=20)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    ordered_on = models.DateField(_("ordered on"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-ordered_on", "-id"]
        verbose_name = _("purchase order")
        constraints = [
            _number_unique("purchaseorder"),
            _known("status", PurchaseOrderStatus, "purchaseorder"),
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(TenantModel):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = RupiahField(_("unit cost"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        ordering = ["cooperative_id", "order_id", "id"]
        verbose_name = _("purchase order line")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_purchaseorderline_quantity_positive"
            ),
            money_check("unit_cost", name="commerce_purchaseorderline_money"),
        ]


class GoodsReceiptPayment(models.TextChoices):
    CASH = "cash", _("Cash from the unit's cash box")
    BANK = "bank", _("Bank transfer")
    CREDIT = "credit", _("On credit (utang usaha)")


class GoodsReceipt(TenantModel):
    """Goods arrived at a unit (against an order or a direct purchase), booked into persediaan."""

    Payment = GoodsReceiptPayment

    number = models.CharField(_("number"), max_length=20)
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="receipts")
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    payment = models.CharField(_("payment"), max_length=8, choices=Payment.choices)
    total = RupiahField(_("total"))
    entry = _entry(null=False)
    idempotency_key = _idempotency_key()
    request_hash = _request_hash()
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-received_on", "-id"]
        verbose_name = _("goods receipt")
        constraints = [
            _number_unique("goodsreceipt"),
            _idempotency_unique("goodsreceipt"),
            _known("payment", GoodsReceiptPayment, "goodsreceipt"),
            models.CheckConstraint(
                condition=Q(total__gt=0), name="commerce_goodsreceipt_total_positive"
            ),
            money_check("total", name="commerce_goodsreceipt_money"),
        ]

    def __str__(self) -> str:
        return self.number


class GoodsReceiptLine(TenantModel):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = RupiahField(_("unit cost"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative_id", "receipt_id", "id"]
        verbose_name = _("goods receipt line")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_goodsreceiptline_quantity_positive"
            ),
            money_check("unit_cost", name="commerce_goodsreceiptline_money"),
        ]


# -- stock ----------------------------------------------------------------------------------------


class StockLevel(TenantModel):
    """What a unit holds of one product: quantity and its value at moving-average cost."""

    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="levels")
    quantity = models.IntegerField(_("quantity"), default=0)
    value = RupiahField(_("value"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    last_movement_on = models.DateField(_("last movement"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative_id", "unit_id", "product_id"]
        verbose_name = _("stock level")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "unit", "product"], name="commerce_stocklevel_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="commerce_stocklevel_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0, reserved__lte=F("quantity")),
                name="commerce_stocklevel_reserved_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(value=0),
                name="commerce_stocklevel_no_value_without_quantity",
            ),
            money_check("value", name="commerce_stocklevel_money"),
        ]

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


class StockLot(TenantModel):
    """Quantity by expiry date, for products that track expiry (the apotek); cost stays average."""

    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    expiry_date = models.DateField(_("expiry date"))
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        ordering = ["cooperative_id", "unit_id", "product_id", "expiry_date"]
        verbose_name = _("stock lot")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "unit", "product", "expiry_date"],
                name="commerce_stocklot_once",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="commerce_stocklot_quantity_not_negative"
            ),
        ]


class StockMovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Goods received")
    SALE = "sale", _("Sale")
    RETURN = "return", _("Sale return")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    COUNT = "count", _("Stock count adjustment")
    WRITE_OFF = "write_off", _("Write-off")


class StockMovement(TenantModel):
    """The stock sub-ledger: one row per product per document, append-only."""

    Kind = StockMovementKind

    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))
    value = RupiahField(_("value"))
    on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=80)
    entry = _entry()
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "on", "id"]
        verbose_name = _("stock movement")
        constraints = [
            _known("kind", StockMovementKind, "stockmovement"),
            money_check("value", name="commerce_stockmovement_money", signed=True),
        ]
        indexes = [
            models.Index(fields=["cooperative", "unit", "on"], name="commerce_movement_unit_idx"),
            models.Index(fields=["cooperative", "reference"], name="commerce_movement_ref_idx"),
        ]


class StockTransfer(TenantModel):
    number = models.CharField(_("number"), max_length=20)
    from_unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    entry = _entry(null=False)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-on", "-id"]
        verbose_name = _("stock transfer")
        constraints = [
            _number_unique("stocktransfer"),
            models.CheckConstraint(
                condition=~Q(from_unit=F("to_unit")), name="commerce_stocktransfer_two_units"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StockTransferLine(TenantModel):
    transfer = models.ForeignKey(StockTransfer, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    value = RupiahField(_("value"))

    class Meta:
        ordering = ["cooperative_id", "transfer_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_stocktransferline_quantity_positive"
            ),
            money_check("value", name="commerce_stocktransferline_money"),
        ]


class StockCountStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    RECOUNT = "recount", _("Second count needed")
    SUBMITTED = "submitted", _("Waiting for approval")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class StockCount(TenantModel):
    """Stock opname: the count sheet of a unit, a second count on differences, the adjustment."""

    Status = StockCountStatus

    number = models.CharField(_("number"), max_length=20)
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COUNTING
    )
    started_on = models.DateField(_("started on"))
    counted_by_id = models.BigIntegerField(null=True, blank=True)
    counted_by_label = models.CharField(max_length=200, blank=True)
    recounted_by_id = models.BigIntegerField(null=True, blank=True)
    recounted_by_label = models.CharField(max_length=200, blank=True)
    approved_by_label = models.CharField(max_length=200, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    entry = _entry()
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-started_on", "-id"]
        verbose_name = _("stock count (opname)")
        constraints = [
            _number_unique("stockcount"),
            _known("status", StockCountStatus, "stockcount"),
            models.CheckConstraint(
                condition=~Q(status="posted") | Q(posted_on__isnull=False),
                name="commerce_stockcount_posted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StockCountLine(TenantModel):
    count = models.ForeignKey(StockCount, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected_quantity = models.IntegerField(_("expected"))
    first_count = models.IntegerField(_("first count"), null=True, blank=True)
    second_count = models.IntegerField(_("second count"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    value_difference = RupiahField(_("value difference"), default=0)

    class Meta:
        ordering = ["cooperative_id", "count_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "count", "product"], name="commerce_stockcountline_once"
            ),
            models.CheckConstraint(
                condition=Q(expected_quantity__gte=0)
                & (Q(first_count__isnull=True) | Q(first_count__gte=0))
                & (Q(second_count__isnull=True) | Q(second_count__gte=0)),
                name="commerce_stockcountline_counts_not_negative",
            ),
            money_check("value_difference", name="commerce_stockcountline_money", signed=True),
        ]

    @property
    def final_count(self) -> int | None:
        return self.second_count if self.second_count is not None else self.first_count


class StockWriteOffReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost")
    OTHER = "other", _("Other")


class StockWriteOffStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StockWriteOff(TenantModel):
    Reason = StockWriteOffReason

    Status = StockWriteOffStatus

    number = models.CharField(_("number"), max_length=20)
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    value = RupiahField(_("value"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    requested_by_label = models.CharField(max_length=200, blank=True)
    decided_by_label = models.CharField(max_length=200, blank=True)
    on = models.DateField(_("date"))
    entry = _entry()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-on", "-id"]
        verbose_name = _("stock write-off")
        constraints = [
            _number_unique("stockwriteoff"),
            _known("reason", StockWriteOffReason, "stockwriteoff"),
            _known("status", StockWriteOffStatus, "stockwriteoff"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_stockwriteoff_quantity_positive"
            ),
            money_check("value", name="commerce_stockwriteoff_money"),
        ]

    def __str__(self) -> str:
        return self.number


# -- point of sale --------------------------------------------------------------------------------


class PosDevice(TenantModel):
    """A kasir's phone or tablet: its browser-made id and the highest receipt sequence synced."""

    # The browser generates the id the first time; TenantModel's own public_id is replaced.
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=100)
    registered_by_label = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    last_sequence = models.PositiveIntegerField(_("last receipt sequence"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["cooperative_id", "unit_id", "label"]
        verbose_name = _("point-of-sale device")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "public_id"], name="commerce_posdevice_public_id"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def short_id(self) -> str:
        return self.public_id.hex[:4].upper()


class CashShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CashShift(TenantModel):
    Status = CashShiftStatus

    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        PosDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts"
    )
    kasir_id = models.BigIntegerField()
    kasir_label = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default="open")
    opened_at = models.DateTimeField(_("opened at"))
    opening_float = RupiahField(_("opening float"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    expected_cash = RupiahField(_("expected cash"), null=True, blank=True)
    counted_cash = RupiahField(_("counted cash"), null=True, blank=True)
    difference = RupiahField(_("difference"), null=True, blank=True)
    entry = _entry()
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cooperative_id", "-opened_at", "-id"]
        verbose_name = _("cash shift")
        constraints = [
            _known("status", CashShiftStatus, "cashshift"),
            models.UniqueConstraint(
                fields=["cooperative", "unit", "kasir_id"],
                condition=Q(status="open"),
                name="commerce_cashshift_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False, counted_cash__isnull=False),
                name="commerce_cashshift_closed_has_count",
            ),
            money_check("opening_float", name="commerce_cashshift_money"),
            models.CheckConstraint(
                condition=(Q(expected_cash__isnull=True) | Q(expected_cash__gte=0))
                & (Q(counted_cash__isnull=True) | Q(counted_cash__gte=0)),
                name="commerce_cashshift_cash_not_negative",
            ),
        ]


class SalePayment(models.TextChoices):
    CASH = "cash", _("Cash")
    QRIS = "qris", _("QRIS")
    MEMBER_CREDIT = "member_credit", _("Member credit (simpanan sukarela)")


class SaleStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SaleSource(models.TextChoices):
    POS = "pos", _("Point of sale")
    OFFLINE = "offline", _("Point of sale (offline, synced)")
    ORDER = "order", _("Pickup order")
    API = "api", _("API")


class Sale(TenantModel):
    Payment = SalePayment

    Status = SaleStatus

    Source = SaleSource

    # For offline sales the browser's UUID: it IS the idempotency key of a synced sale.
    number = models.CharField(_("receipt number"), max_length=40)
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        PosDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    device_sequence = models.PositiveIntegerField(null=True, blank=True)
    shift = models.ForeignKey(
        CashShift, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    kasir_id = models.BigIntegerField(null=True, blank=True)
    kasir_label = models.CharField(max_length=200, blank=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sold_at = models.DateTimeField(_("sold at"))
    on = models.DateField(_("date"))
    payment = models.CharField(_("payment"), max_length=14, choices=Payment.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.COMPLETED
    )
    total = RupiahField(_("total"))
    cost = RupiahField(_("cost of goods sold (HPP)"), default=0)
    tendered = RupiahField(_("tendered"), null=True, blank=True)
    change = RupiahField(_("change"), null=True, blank=True)
    receipt_hash = models.CharField(max_length=8, blank=True)
    entry = _entry()
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default="pos")
    idempotency_key = _idempotency_key()
    request_hash = _request_hash()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-sold_at", "-id"]
        verbose_name = _("sale")
        constraints = [
            _number_unique("sale"),
            _idempotency_unique("sale"),
            models.UniqueConstraint(
                fields=["cooperative", "device", "device_sequence"],
                condition=Q(device_sequence__isnull=False),
                name="commerce_sale_device_sequence",
            ),
            _known("payment", SalePayment, "sale"),
            _known("status", SaleStatus, "sale"),
            _known("source", SaleSource, "sale"),
            money_check("total", "cost", name="commerce_sale_money"),
            models.CheckConstraint(
                condition=(Q(tendered__isnull=True) | Q(tendered__gte=0))
                & (Q(change__isnull=True) | Q(change__gte=0)),
                name="commerce_sale_cash_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(payment="member_credit") | Q(member__isnull=False),
                name="commerce_sale_member_credit_has_member",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "unit", "on"], name="commerce_sale_unit_on_idx"),
            models.Index(fields=["cooperative", "member", "on"], name="commerce_sale_member_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class SaleLine(TenantModel):
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = RupiahField(_("unit price"))
    amount = RupiahField(_("amount"))
    cost = RupiahField(_("cost"), default=0)

    class Meta:
        ordering = ["cooperative_id", "sale_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_saleline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount=F("quantity") * F("unit_price")),
                name="commerce_saleline_amount_is_quantity_times_price",
            ),
            money_check("unit_price", "amount", "cost", name="commerce_saleline_money"),
        ]


class SaleReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SaleReturnRefund(models.TextChoices):
    CASH = "cash", _("Cash")
    MEMBER_CREDIT = "member_credit", _("Back to simpanan sukarela")


class SaleReturn(TenantModel):
    Status = SaleReturnStatus

    Refund = SaleReturnRefund

    number = models.CharField(_("number"), max_length=20)
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.TextField(_("reason"))
    lines = models.JSONField(_("lines"), default=list)  # [{"product": id, "quantity": q}]
    amount = RupiahField(_("amount"))
    cost = RupiahField(_("cost"), default=0)
    refund = models.CharField(_("refund"), max_length=14, choices=Refund.choices)
    # The requesting kasir's open shift: a cash refund comes out of that drawer (H-sale, 0003).
    shift = models.ForeignKey(
        CashShift, on_delete=models.PROTECT, null=True, blank=True, related_name="returns"
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    requested_by_label = models.CharField(max_length=200, blank=True)
    decided_by_label = models.CharField(max_length=200, blank=True)
    on = models.DateField(_("date"))
    entry = _entry()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-on", "-id"]
        verbose_name = _("sale return")
        constraints = [
            _number_unique("salereturn"),
            _known("status", SaleReturnStatus, "salereturn"),
            _known("refund", SaleReturnRefund, "salereturn"),
            models.CheckConstraint(condition=~Q(reason=""), name="commerce_salereturn_has_reason"),
            money_check("amount", "cost", name="commerce_salereturn_money"),
        ]

    def __str__(self) -> str:
        return self.number


class SyncRejectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class SyncRejection(TenantModel):
    """An offline sale the server could not accept as it was: kept, shown, resolved by a person."""

    Status = SyncRejectionStatus

    device = models.ForeignKey(PosDevice, on_delete=models.PROTECT, related_name="rejections")
    client_id = models.UUIDField()
    payload = models.JSONField(default=dict)
    code = models.CharField(max_length=80)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    resolved_by_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at", "-id"]
        verbose_name = _("rejected offline sale")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "device", "client_id"], name="commerce_syncrejection_once"
            ),
            _known("status", SyncRejectionStatus, "syncrejection"),
        ]


# -- pickup orders from the member app ------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    READY = "ready", _("Ready for pickup")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Order(TenantModel):
    Status = OrderStatus

    number = models.CharField(_("number"), max_length=20)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(_UNIT, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLACED
    )
    placed_at = models.DateTimeField(_("placed at"))
    pickup_by = models.DateField(_("pick up by"))
    total = RupiahField(_("total"))
    sale = models.ForeignKey(
        Sale, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = _idempotency_key()
    request_hash = _request_hash()

    class Meta:
        ordering = ["cooperative_id", "-placed_at", "-id"]
        verbose_name = _("pickup order")
        constraints = [
            _number_unique("order"),
            _idempotency_unique("order"),
            _known("status", OrderStatus, "order"),
            money_check("total", name="commerce_order_money"),
            models.CheckConstraint(
                condition=~Q(status="collected") | Q(sale__isnull=False),
                name="commerce_order_collected_has_sale",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(TenantModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = RupiahField(_("unit price"))

    class Meta:
        ordering = ["cooperative_id", "order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commerce_orderline_quantity_positive"
            ),
            money_check("unit_price", name="commerce_orderline_money"),
        ]
