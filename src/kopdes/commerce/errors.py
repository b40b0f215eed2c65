"""Commerce (gerai) errors: stable dotted codes (`commerce.<failure>`, one per kind of failure)
for the API, translated messages for people. Each helper adds its own below its section."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

# -- who may do what --------------------------------------------------------------------------


class NotAllowed(PermissionDenied):
    code = "commerce.not_allowed"
    message = _("You are not allowed to do this in the gerai.")


class SamePerson(PermissionDenied):
    """The second person of a four-eyes step (opname approval, write-off decision, return)."""

    code = "commerce.same_person"
    message = _("Another officer must do this step: you requested or counted it yourself.")


class UnknownObject(NotFound):
    """A product, supplier, unit or document that is not the cooperative's (or does not exist)."""

    code = "commerce.not_found"
    message = _("Not found in this cooperative.")


# -- dates ------------------------------------------------------------------------------------


class Backdated(ValidationFailed):
    code = "commerce.backdated"
    message = _(
        "Stock movements are dated the business date (%(today)s): an earlier date is not allowed."
    )


class FutureDate(ValidationFailed):
    code = "commerce.future_date"
    message = _(
        "Stock movements are dated the business date (%(today)s): a later date is not allowed."
    )


# -- catalogue and suppliers ------------------------------------------------------------------


class InvalidProduct(ValidationFailed):
    """A product field that is missing or out of its range (`fields` says which)."""

    code = "commerce.invalid_product"
    message = _("Some product fields are not valid.")


class InvalidBarcode(ValidationFailed):
    code = "commerce.invalid_barcode"
    message = _("The barcode must be 13 digits (EAN-13) with a correct check digit.")


class PriceOrder(ValidationFailed):
    code = "commerce.price_order"
    message = _("The member price may not be higher than the non-member price.")


class DuplicateProduct(Conflict):
    code = "commerce.duplicate_product"
    message = _("Another product already has this SKU or barcode.")


class InvalidCategory(ValidationFailed):
    code = "commerce.invalid_category"
    message = _("Give the category a new name (at most 100 characters).")


class InvalidSupplier(ValidationFailed):
    code = "commerce.invalid_supplier"
    message = _("Some supplier fields are not valid.")


# -- units, lines and stock -------------------------------------------------------------------


class NotStockUnit(ValidationFailed):
    code = "commerce.not_stock_unit"
    message = _("This business unit does not hold stock.")


class InvalidLines(ValidationFailed):
    """Empty lines, a quantity that is not a whole number above zero, a product twice, a cost."""

    code = "commerce.invalid_lines"
    message = _(
        "Each line needs an active product of this cooperative, once, with a whole quantity above zero."
    )


class InsufficientStock(Conflict):
    code = "commerce.insufficient_stock"
    message = _("Not enough %(product)s in stock: %(available)s available, %(requested)s asked.")


class ExpiryRequired(ValidationFailed):
    code = "commerce.expiry_required"
    message = _("%(product)s tracks expiry dates: give the expiry date of the goods received.")


# -- purchases --------------------------------------------------------------------------------


class InvalidPayment(ValidationFailed):
    code = "commerce.invalid_payment"
    message = _("Choose how the goods are paid: cash, bank or credit (utang usaha).")


class PurchaseOrderState(Conflict):
    code = "commerce.purchase_order_state"
    message = _("This purchase order cannot take this step in its current status (%(status)s).")


class OverReceipt(ValidationFailed):
    code = "commerce.over_receipt"
    message = _(
        "More %(product)s received than still open on the order (%(open)s): record the rest as a direct purchase."
    )


# -- transfers, opname, write-offs ------------------------------------------------------------


class SameUnit(ValidationFailed):
    code = "commerce.same_unit"
    message = _("A transfer goes from one unit to another unit.")


class CountState(Conflict):
    code = "commerce.count_state"
    message = _("This stock count cannot take this step in its current status (%(status)s).")


class CountIncomplete(ValidationFailed):
    code = "commerce.count_incomplete"
    message = _(
        "Every line of the count sheet needs its count (and a second count on differences)."
    )


class ReasonRequired(ValidationFailed):
    code = "commerce.reason_required"
    message = _("Give the reason for each difference.")


class CountOpen(Conflict):
    code = "commerce.count_open"
    message = _("This unit already has a stock count in progress (%(number)s).")


class WriteOffState(Conflict):
    code = "commerce.write_off_state"
    message = _("This write-off has already been decided.")


# -- pickup orders (H-orders) --------------------------------------------------------------------


class OrderUnitInvalid(ValidationFailed):
    code = "commerce.order_unit_invalid"
    message = _("Orders are taken only by an active outlet of the member's own cooperative.")


class InvalidPickupDate(ValidationFailed):
    code = "commerce.invalid_pickup_date"
    message = _("The pickup day must be from today to %(days)s days from today.")


class OrderUnavailable(ValidationFailed):
    """Products an order cannot have: `details.refusals` names each with its own code
    (`commerce.insufficient_stock`, `commerce.product_inactive`) and what is available."""

    code = "commerce.order_unavailable"
    status = 409
    message = _("Not enough available for: %(products)s.")

    def __init__(self, *, refusals: list[dict], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refusals = refusals

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["details"]["refusals"] = self.refusals
        return data


class OrderStatusInvalid(Conflict):
    code = "commerce.order_status_invalid"
    message = _("Order %(number)s is no longer waiting: it was collected, cancelled or expired.")


class OrderReasonMissing(ValidationFailed):
    code = "commerce.order_reason_missing"
    message = _("Give the reason for cancelling the order.")
