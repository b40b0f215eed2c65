"""The catalogue and the suppliers: products (SKU, EAN-13 barcode with its check digit verified,
member and non-member price), categories and suppliers (phone stored E.164, shown masked).
MANAGE_CATALOGUE (a person; the system, actor None, for a cooperative's setup and the demo)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.accounts.rules import InvalidPhone, normalize_phone
from kopdes.commerce import rules
from kopdes.commerce.errors import (
    DuplicateProduct,
    InvalidBarcode,
    InvalidCatalogue,
    InvalidCategory,
    InvalidProduct,
    InvalidSupplier,
    PriceOrder,
)
from kopdes.commerce.models import Category, Product, Supplier
from kopdes.commerce.services._common import _require, _same_cooperative
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record, audit_records, snapshot
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
    out = _check_product(cooperative, values)
    others = Product.objects.filter(cooperative=cooperative)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(sku__iexact=out["sku"]).exists():
        raise DuplicateProduct(fields={"sku": [str(DuplicateProduct.message)]})
    if out["barcode"] and others.filter(barcode=out["barcode"]).exists():
        raise DuplicateProduct(fields={"barcode": [str(DuplicateProduct.message)]})
    return out


def _check_product(cooperative: Cooperative, values: dict[str, Any]) -> dict:
    """A product's fields checked and cleaned, all but their uniqueness in the cooperative."""
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


@dataclass(frozen=True)
class CatalogueImport:
    products: list[Product]
    categories: list[Category]  # the categories the import created


@transaction.atomic
def catalogue_import(
    *, actor: Actor, cooperative: Cooperative, rows: Sequence[Mapping[str, Any]]
) -> CatalogueImport:
    """Many new products at once (a cooperative's starting catalogue, a list from its supplier):
    each row has the fields of `product_create`, its `category` a category's name (made when the
    cooperative has none of that name). The same checks as `product_create`, row by row, plus no
    SKU or barcode twice in the rows; all or nothing: InvalidCatalogue names every refused row's
    fields ("rows.<n>.<field>", rows counted from 1). The audit rows are those of the single
    calls. Raises NotAllowed, InvalidCatalogue."""
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    existing = Product.objects.filter(cooperative=cooperative)
    skus = {sku.casefold() for sku in existing.values_list("sku", flat=True)}
    barcodes = set(existing.exclude(barcode=None).values_list("barcode", flat=True))
    categories = {c.name.casefold(): c for c in Category.objects.filter(cooperative=cooperative)}
    made: dict[str, Category] = {}
    errors: dict[str, list[str]] = {}
    refused_rows: set[int] = set()
    cleaned: list[tuple[dict, str]] = []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(PRODUCT_FIELDS)
        values = {"unit": "pcs", "barcode": None, **row, "category": None}
        category = str(row.get("category") or "").strip()
        where = f"rows.{number}.%s"
        sku = str(row.get("sku") or "").strip().casefold()
        code = str(row.get("barcode") or "").strip()
        # in the cooperative already, or an earlier row (refused or not: one of them must change)
        taken = [
            name
            for name, value, seen in (("sku", sku, skus), ("barcode", code, barcodes))
            if value and value in seen
        ]
        skus.add(sku)
        barcodes.add(code)
        for name in taken:
            errors[where % name] = [str(DuplicateProduct.message)]
        try:
            if unknown:
                raise InvalidProduct(fields={name: [_("Unknown field.")] for name in unknown})
            if len(category) > 100:
                raise InvalidCategory(fields={"category": [str(InvalidCategory.message)]})
            out = _check_product(cooperative, values)
        except (InvalidProduct, InvalidBarcode, InvalidCategory, PriceOrder) as refused:
            for name, messages in sorted(refused.fields.items()):
                errors.setdefault(where % name, [str(m) for m in messages])
            refused_rows.add(number)
            continue
        if taken:
            refused_rows.add(number)
            continue
        cleaned.append((out, category))
    if not rows:
        raise InvalidCatalogue(
            _("The catalogue has no rows."), fields={"rows": [_("The catalogue has no rows.")]}
        )
    if errors:
        raise InvalidCatalogue(fields=errors, count=len(refused_rows))
    for _out, name in cleaned:
        if name and name.casefold() not in categories and name.casefold() not in made:
            made[name.casefold()] = Category(cooperative=cooperative, name=name)
    Category.objects.bulk_create(made.values())
    categories.update(made)
    products = [
        Product(
            cooperative=cooperative,
            **{**out, "category": categories[name.casefold()] if name else None},
        )
        for out, name in cleaned
    ]
    try:
        with transaction.atomic():
            Product.objects.bulk_create(products)
    except IntegrityError:  # a concurrent product took a SKU or barcode
        raise DuplicateProduct() from None
    # The rows the single calls would write: one per category made and per product.
    audit_records(
        actor=actor,
        action="commerce.category_create",
        objs=list(made.values()),
        afters=[snapshot(c) for c in made.values()],
    )
    audit_records(
        actor=actor,
        action="commerce.product_create",
        objs=products,
        afters=[snapshot(p) for p in products],
        reason="Impor katalog",
    )
    return CatalogueImport(products=products, categories=list(made.values()))


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
