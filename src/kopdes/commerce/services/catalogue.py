"""The catalogue and the suppliers: products (SKU, EAN-13 barcode with its check digit verified,
member and non-member price), categories and suppliers (phone stored E.164, shown masked).
MANAGE_CATALOGUE (a person; the system, actor None, for a cooperative's setup and the demo)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.accounts.rules import InvalidPhone, normalize_phone
from kopdes.commerce import rules
from kopdes.commerce.errors import (
    DuplicateProduct,
    InvalidBarcode,
    InvalidCategory,
    InvalidProduct,
    InvalidSupplier,
    PriceOrder,
)
from kopdes.commerce.models import Category, Product, Supplier
from kopdes.commerce.services._common import _require, _same_cooperative
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record, snapshot
from kopdes.core.money import AMOUNT_MAX

PRODUCT_FIELDS = (
    "sku",
    "name",
    "unit",
    "barcode",
    "category",
    "member_price",
    "non_member_price",
    "tracks_expiry",
    "min_stock",
    "is_active",
)
SUPPLIER_FIELDS = ("name", "phone", "address", "is_active")


def _whole(value: Any, *, low: int = 0, high: int = AMOUNT_MAX) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        return None
    return value


@transaction.atomic
def category_create(*, actor: Actor, cooperative: Cooperative, name: str) -> Category:
    """A product category (its name unique in the cooperative). Raises InvalidCategory."""
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    name = (name or "").strip()
    if (
        not name
        or len(name) > 100
        or Category.objects.filter(cooperative=cooperative, name__iexact=name).exists()
    ):
        raise InvalidCategory(fields={"name": [str(InvalidCategory.message)]})
    category = Category.objects.create(cooperative=cooperative, name=name)
    audit_record(
        actor=actor, action="commerce.category_create", obj=category, after=snapshot(category)
    )
    return category


def _clean_product(cooperative: Cooperative, values: dict[str, Any], pk: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for field, limit in (("sku", rules.SKU_MAX), ("name", rules.NAME_MAX), ("unit", 20)):
        text = str(values.get(field) or "").strip()
        if not text or len(text) > limit:
            errors[field] = [_("Required, at most %(limit)s characters.") % {"limit": limit}]
        out[field] = text
    for field in ("member_price", "non_member_price"):
        amount = _whole(values.get(field), low=1)
        if amount is None:
            errors[field] = [_("A whole number of rupiah above zero.")]
        out[field] = amount
    min_stock = _whole(values.get("min_stock", 0), high=10**9)
    if min_stock is None:
        errors["min_stock"] = [_("A whole number, zero or more.")]
    out["min_stock"] = min_stock
    category = values.get("category")
    if category is not None:
        if not isinstance(category, Category):
            errors["category"] = [_("Choose a category of this cooperative.")]
        else:
            _same_cooperative(cooperative.pk, category)
    out["tracks_expiry"] = bool(values.get("tracks_expiry", False))
    out["is_active"] = bool(values.get("is_active", True))
    if errors:
        raise InvalidProduct(fields=errors)
    barcode = str(values.get("barcode") or "").strip()
    if barcode and not rules.ean13_valid(barcode):
        raise InvalidBarcode(fields={"barcode": [str(InvalidBarcode.message)]})
    out["barcode"] = barcode or None
    if out["member_price"] > out["non_member_price"]:
        raise PriceOrder(fields={"member_price": [str(PriceOrder.message)]})
    others = Product.objects.filter(cooperative=cooperative)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(sku__iexact=out["sku"]).exists():
        raise DuplicateProduct(fields={"sku": [str(DuplicateProduct.message)]})
    if out["barcode"] and others.filter(barcode=out["barcode"]).exists():
        raise DuplicateProduct(fields={"barcode": [str(DuplicateProduct.message)]})
    return out


def _save_product(product: Product) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:  # a concurrent product took the SKU or barcode
        raise DuplicateProduct() from None


@transaction.atomic
def product_create(*, actor: Actor, cooperative: Cooperative, **fields: Any) -> Product:
    """A new product. Requires sku, name, member_price and non_member_price (whole rupiah above
    zero, the member price not above the other); unit "pcs", no barcode, no category, no expiry
    tracking, reorder point 0 and active unless given. Raises InvalidProduct, InvalidBarcode,
    PriceOrder, DuplicateProduct, NotAllowed."""
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise InvalidProduct(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    values = {"unit": "pcs", "barcode": None, "category": None, **fields}
    product = Product(cooperative=cooperative, **_clean_product(cooperative, values, None))
    _save_product(product)
    audit_record(
        actor=actor, action="commerce.product_create", obj=product, after=snapshot(product)
    )
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: Product, **fields: Any) -> Product:
    """Change a product (only the fields given): the same checks as `product_create`. Sales
    already made keep the prices they were made at (copied onto their lines)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    cooperative = product.cooperative
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise InvalidProduct(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    before = snapshot(product)
    values = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    values.update(fields)
    for name, value in _clean_product(cooperative, values, product.pk).items():
        setattr(product, name, value)
    _save_product(product)
    audit_record(
        actor=actor,
        action="commerce.product_update",
        obj=product,
        before=before,
        after=snapshot(product),
    )
    return product


def _clean_supplier(cooperative: Cooperative, values: dict[str, Any], pk: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 150:
        errors["name"] = [_("Required, at most %(limit)s characters.") % {"limit": 150}]
    elif (
        Supplier.objects.filter(cooperative=cooperative, name__iexact=name)
        .exclude(pk=pk or 0)
        .exists()
    ):
        errors["name"] = [_("Another supplier already has this name.")]
    out["name"] = name
    phone = str(values.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except InvalidPhone as error:
            errors["phone"] = [error.render()]
    out["phone"] = phone
    address = str(values.get("address") or "").strip()
    if len(address) > 300:
        errors["address"] = [_("At most %(limit)s characters.") % {"limit": 300}]
    out["address"] = address
    out["is_active"] = bool(values.get("is_active", True))
    if errors:
        raise InvalidSupplier(fields=errors)
    return out


@transaction.atomic
def supplier_create(*, actor: Actor, cooperative: Cooperative, **fields: Any) -> Supplier:
    """A new supplier: a name (unique in the cooperative), an Indonesian mobile number (stored
    E.164, masked wherever shown or logged) and an address, both optional. Raises
    InvalidSupplier, NotAllowed."""
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    unknown = set(fields) - set(SUPPLIER_FIELDS)
    if unknown:
        raise InvalidSupplier(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    supplier = Supplier(cooperative=cooperative, **_clean_supplier(cooperative, fields, None))
    supplier.save()
    audit_record(
        actor=actor, action="commerce.supplier_create", obj=supplier, after=snapshot(supplier)
    )
    return supplier


@transaction.atomic
def supplier_update(*, actor: Actor, supplier: Supplier, **fields: Any) -> Supplier:
    """Change a supplier (only the fields given), with the same checks."""
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    cooperative = supplier.cooperative
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    unknown = set(fields) - set(SUPPLIER_FIELDS)
    if unknown:
        raise InvalidSupplier(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    before = snapshot(supplier)
    values = {name: getattr(supplier, name) for name in SUPPLIER_FIELDS}
    values.update(fields)
    for name, value in _clean_supplier(cooperative, values, supplier.pk).items():
        setattr(supplier, name, value)
    supplier.save()
    audit_record(
        actor=actor,
        action="commerce.supplier_update",
        obj=supplier,
        before=before,
        after=snapshot(supplier),
    )
    return supplier
