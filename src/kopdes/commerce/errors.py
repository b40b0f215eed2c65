"""Commerce (gerai) errors: stable dotted codes (`commerce.<failure>`, one per kind of failure)
for the API, translated messages for people. Each helper adds its own below its section."""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kopdes.core.money import format_rupiah

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


class InvalidCatalogue(ValidationFailed):
    """A catalogue import with rows that cannot be imported: `fields` names each as
    "row <n>: <field>" (rows counted from 1); nothing is imported."""

    code = "commerce.invalid_catalogue"
    message = _("%(count)s rows of the catalogue cannot be imported; nothing was imported.")


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


# -- point of sale: sales, returns, shifts, devices, offline sync (H-sale) --------------------


class _RupiahParams:
    """Amounts stay integers in `details` (for the API); people read them as Rupiah."""

    message: ClassVar[Any]
    _message: Any
    params: dict[str, Any]

    def render(self) -> str:
        template = self._message if self._message is not None else self.message
        amounts = {k: format_rupiah(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return str(template) % amounts


class NotAnOutlet(ValidationFailed):
    code = "commerce.not_an_outlet"
    message = _("%(unit)s does not sell goods (or is closed): sales are made at an outlet.")


class InvalidSalePayment(ValidationFailed):
    code = "commerce.invalid_sale_payment"
    message = _("Choose how the sale is paid: cash, QRIS or member credit.")


class EmptySale(ValidationFailed):
    code = "commerce.empty_sale"
    message = _("A sale needs at least one product and a total above zero.")


class UnknownProduct(ValidationFailed):
    code = "commerce.unknown_product"
    message = _("%(product)s is not an active product of this cooperative.")


class MemberRequired(ValidationFailed):
    code = "commerce.member_required"
    message = _("Paying from simpanan sukarela needs the member: find the member first.")


class MemberNotFound(ValidationFailed):
    code = "commerce.member_not_found"
    message = _("No such member in this cooperative.")


class MemberNotActive(Conflict):
    code = "commerce.member_not_active"
    message = _("%(member)s is not an active member: member prices and member credit do not apply.")


class TenderedShort(_RupiahParams, ValidationFailed):
    code = "commerce.tendered_short"
    message = _("The money received (%(tendered)s) does not cover the total (%(total)s).")


class SaleInFuture(ValidationFailed):
    code = "commerce.sale_in_future"
    message = _("The sale's time is later than now: check the device's clock.")


class InvalidDevice(ValidationFailed):
    code = "commerce.invalid_device"
    message = _("The device id must be a UUID made by the kasir page.")


class DeviceNotFound(NotFound):
    code = "commerce.device_not_found"
    message = _("This device is not registered at this outlet (or was retired).")


class DeviceShortIdTaken(Conflict):
    code = "commerce.device_short_id_taken"
    message = _("Another device of this outlet has the same short id: the page makes a new id.")


class InvalidSequence(ValidationFailed):
    code = "commerce.invalid_sequence"
    message = _("A device sale needs its receipt sequence, a whole number above zero.")


class SequenceReused(Conflict):
    code = "commerce.sequence_reused"
    message = _("Receipt number %(sequence)s of this device is already used by another sale.")


class SaleNotPending(Conflict):
    code = "commerce.sale_not_pending"
    message = _("Sale %(number)s is not waiting for its QRIS payment.")


class SaleNotReturnable(Conflict):
    code = "commerce.sale_not_returnable"
    message = _("Only a completed sale can be returned (%(number)s is not).")


class ReturnTooMuch(ValidationFailed):
    code = "commerce.return_too_much"
    message = _(
        "More %(product)s returned than the sale still holds (sold less returned or asked)."
    )


class ReturnReasonMissing(ValidationFailed):
    code = "commerce.return_reason_missing"
    message = _("Give the reason for the return.")


class InvalidRefund(ValidationFailed):
    code = "commerce.invalid_refund"
    message = _("Refund in cash, or back to simpanan sukarela for a member's sale.")


class ReturnNotPending(Conflict):
    code = "commerce.return_not_pending"
    message = _("Return %(number)s has already been decided.")


class InvalidCash(ValidationFailed):
    code = "commerce.invalid_cash"
    message = _("Enter the cash as a whole number of rupiah, zero or more.")


class ShiftAlreadyOpen(Conflict):
    code = "commerce.shift_already_open"
    message = _("You already have an open shift at this outlet: close it first.")


class ShiftNotOpen(Conflict):
    code = "commerce.shift_not_open"
    message = _("This shift is already closed.")


class OfflinePayment(ValidationFailed):
    code = "commerce.offline_payment"
    message = _(
        "An offline sale is paid in cash: QRIS and member credit need the server at the time of sale."
    )


class TotalMismatch(ValidationFailed):
    code = "commerce.total_mismatch"
    message = _("The sale's total is not the sum of its lines.")


class InvalidSyncSale(ValidationFailed):
    code = "commerce.invalid_sync_sale"
    message = _("This offline sale is incomplete or malformed: %(problem)s.")


class SyncBatchTooLarge(ValidationFailed):
    code = "commerce.sync_batch_too_large"
    message = _("Send at most %(limit)s sales at once.")


class ClientIdReused(Conflict):
    code = "commerce.client_id_reused"
    message = _("This sale id is already held for another sale: the held sale stands.")


# -- point of sale pages (sync rejections) ----------------------------------------------------


class InvalidResolution(ValidationFailed):
    code = "commerce.invalid_resolution"
    message = _("Say what was done about the rejected sale.")


class RejectionResolved(Conflict):
    code = "commerce.rejection_resolved"
    message = _("This rejected sale has already been resolved.")
