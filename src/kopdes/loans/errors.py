"""Loans errors: stable dotted codes (`loans.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kopdes.core.money import format_rupiah


class _RupiahParams:
    """Amounts stay integers in `details` (for the API); people read them as Rupiah."""

    message: ClassVar[Any]
    _message: Any
    params: dict[str, Any]

    def render(self) -> str:
        template = self._message if self._message is not None else self.message
        amounts = {k: format_rupiah(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return str(template) % amounts


# -- the loan terms the schedule engine refuses (kopdes.loans.schedule.validate) ----------------


class InvalidPrincipal(ValidationFailed):
    code = "loans.invalid_principal"
    message = _(
        "The loan amount must be a whole number of rupiah above zero (at most %(maximum)s)."
    )


class InvalidRate(ValidationFailed):
    code = "loans.invalid_rate"
    message = _("The interest rate must be between 0%% and 24%% a year.")


class InvalidMonths(ValidationFailed):
    code = "loans.invalid_months"
    message = _("The tenor must be a whole number of months from 1 to %(maximum)s.")


class InvalidMethod(ValidationFailed):
    code = "loans.invalid_method"
    message = _("Choose the interest method: flat, efektif (menurun) or anuitas.")


class InvalidGrace(ValidationFailed):
    code = "loans.invalid_grace"
    message = _(
        "The grace months must be a whole number from 0 to less than the tenor (%(months)s months)."
    )


# -- products ---------------------------------------------------------------------------------


class InvalidProduct(ValidationFailed):
    """A product field that is missing or out of its range (`fields` says which)."""

    code = "loans.invalid_product"
    message = _("Some fields of the loan product are not valid.")


class RateOutsidePolicy(ValidationFailed):
    code = "loans.rate_outside_policy"
    message = _(
        "The interest rate must lie within the policy's range (%(low)s%% to %(high)s%% a year) and never above 24%%."
    )


class InvalidTenor(ValidationFailed):
    code = "loans.invalid_tenor"
    message = _("This product lends for %(low)s to %(high)s months.")


class ProductNameTaken(Conflict):
    code = "loans.product_name_taken"
    message = _("The cooperative already has a loan product with this name.")


class ProductInactive(Conflict):
    code = "loans.product_inactive"
    message = _("This loan product is no longer offered.")


class NoPolicy(Conflict):
    code = "loans.no_policy"
    message = _("The cooperative has no policy (AD/ART parameters) in force for this date.")


# -- applications -----------------------------------------------------------------------------


class AmountAboveMaximum(_RupiahParams, ValidationFailed):
    code = "loans.amount_above_maximum"
    message = _("%(amount)s is above this product's largest loan of %(limit)s.")


class AboveSavingsMultiple(_RupiahParams, ValidationFailed):
    code = "loans.above_savings_multiple"
    message = _(
        "%(amount)s is above %(multiple)s times the member's savings (%(savings)s): at most %(limit)s."
    )


class GraceTooLong(ValidationFailed):
    code = "loans.grace_too_long"
    message = _("This product allows at most %(max)s grace months.")


class CollateralRequired(ValidationFailed):
    code = "loans.collateral_required"
    message = _("This product needs collateral: add at least one.")


class GuarantorRequired(ValidationFailed):
    code = "loans.guarantor_required"
    message = _("This product needs a guarantor: add at least one.")


class InvalidGuarantor(ValidationFailed):
    code = "loans.invalid_guarantor"
    message = _(
        "A guarantor is a member of this cooperative (not the borrower), or a person named with a valid NIK."
    )


class InvalidCollateral(ValidationFailed):
    code = "loans.invalid_collateral"
    message = _(
        "Collateral needs a known kind, a description and an estimated value; the recognised value cannot exceed the estimate."
    )


class InvalidDocument(ValidationFailed):
    code = "loans.invalid_document"
    message = _("A document must be a JPEG, PNG, WebP or PDF file of at most 2 MB.")


class PurposeMissing(ValidationFailed):
    code = "loans.purpose_missing"
    message = _("Say what the loan is for (at most 300 characters).")


class InvalidSource(ValidationFailed):
    code = "loans.invalid_source"
    message = _("An application comes from an officer or from the member app.")


class MemberNotFound(NotFound):
    code = "loans.member_not_found"
    message = _("No such member in this cooperative.")


class MemberNotActive(Conflict):
    code = "loans.member_not_active"
    message = _("Only active members borrow from the cooperative (%(member)s is %(status)s).")


class ProductNotFound(NotFound):
    code = "loans.product_not_found"
    message = _("No such loan product in this cooperative.")


class LoanNotFound(NotFound):
    code = "loans.not_found"
    message = _("No such loan in this cooperative.")


# -- decisions --------------------------------------------------------------------------------


class NotAllowed(PermissionDenied):
    code = "loans.not_allowed"
    message = _("You are not allowed to do this step of a loan.")


class SameOfficer(PermissionDenied):
    code = "loans.same_officer"
    message = _("An application is decided by another person than the one who applied for it.")


class OwnLoan(PermissionDenied):
    code = "loans.own_loan"
    message = _("Nobody decides on or co-signs their own loan.")


class SameApprover(PermissionDenied):
    code = "loans.same_approver"
    message = _(
        "The pengawas co-signature must come from another person than the pengurus decision."
    )


class ReasonMissing(ValidationFailed):
    code = "loans.reason_missing"
    message = _("Give the reason for the decision.")


class InvalidDecision(ValidationFailed):
    code = "loans.invalid_decision"
    message = _("Approve or reject.")


class NotPending(Conflict):
    code = "loans.not_pending"
    message = _("This application has already been decided.")


class AlreadyDecided(Conflict):
    code = "loans.already_decided"
    message = _("The %(role)s has already decided on this application.")


class RelatedPartyLimit(_RupiahParams, Conflict):
    code = "loans.related_party_limit"
    message = _(
        "Related-party loans would reach %(exposure)s, above %(percent)s%% of own capital (%(limit)s): refused."
    )


# -- disbursement -----------------------------------------------------------------------------


class NotApproved(Conflict):
    code = "loans.not_approved"
    message = _("Only an approved loan is disbursed (this one is %(status)s).")


class InvalidChannel(ValidationFailed):
    code = "loans.invalid_channel"
    message = _("Choose cash or bank transfer.")


class InvalidDate(ValidationFailed):
    code = "loans.invalid_date"
    message = _("A loan is disbursed on or after the day it was approved (%(decided)s).")


class FeesAbovePrincipal(_RupiahParams, ValidationFailed):
    code = "loans.fees_above_principal"
    message = _("The fees (%(fees)s) would take the whole principal (%(principal)s).")


# -- repayments, payoff, restructuring (H-repay) -------------------------------------------------


class InvalidAmount(ValidationFailed):
    code = "loans.invalid_amount"
    message = _("The amount must be a whole number of rupiah above zero.")


class LoanNotActive(Conflict):
    code = "loans.not_active"
    message = _("Loan %(number)s is not active (it is %(status)s): nothing to pay.")


class BeforeDisbursement(ValidationFailed):
    code = "loans.before_disbursement"
    message = _("A payment cannot be dated before the loan was disbursed (%(date)s).")


class Overpayment(_RupiahParams, ValidationFailed):
    code = "loans.overpayment"
    message = _(
        "%(amount)s is more than the early payoff of the day (%(payoff)s): use early payoff."
    )


class RestructureInvalid(ValidationFailed):
    code = "loans.restructure_invalid"
    message = _("Check the new terms.")


class RestructurePending(Conflict):
    code = "loans.restructure_pending"
    message = _("Loan %(number)s already has a restructure request waiting for a decision.")


class RestructureNotPending(Conflict):
    code = "loans.restructure_not_pending"
    message = _("This restructure request was already decided.")


class RestructureSamePerson(PermissionDenied):
    code = "loans.restructure_same_person"
    message = _("The officer who asked for a restructure cannot decide it: another officer must.")


# The daily close, provisions and the collectibility scheme (services/close.py).


class CloseDayNotOver(ValidationFailed):
    code = "loans.close_day_not_over"
    message = _("%(day)s is not over yet: a day is closed after it ends.")


class InvalidScheme(ValidationFailed):
    code = "loans.invalid_collectibility_scheme"
    message = _(
        "The collectibility scheme needs five classes, the first from 0 days, each starting "
        "later than the one before, with provision rates from 0 to 100%% that never go down."
    )


class InvalidProvisionMonth(ValidationFailed):
    code = "loans.invalid_provision_month"
    message = _("The provision is made for a month that has ended (YYYY-MM).")
