"""Savings errors: stable dotted codes (`savings.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from kopdes.core.money import format_rupiah


class _RupiahParams:
    """Amounts stay integers in `details` (for the API); people read them as Rupiah."""

    # Provided by the DomainError this mixin is combined with.
    message: ClassVar[Any]
    _message: Any
    params: dict[str, Any]

    def render(self) -> str:
        template = self._message if self._message is not None else self.message
        amounts = {k: format_rupiah(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return str(template) % amounts


class InvalidAmount(ValidationFailed):
    code = "savings.invalid_amount"
    message = _("The amount must be a whole number of rupiah above zero.")


class InvalidChannel(ValidationFailed):
    code = "savings.invalid_channel"
    message = _("Choose cash or bank transfer.")


class InvalidKind(ValidationFailed):
    code = "savings.invalid_kind"
    message = _("Unknown kind of savings.")


class AmountAboveLimit(_RupiahParams, ValidationFailed):
    code = "savings.amount_above_limit"
    message = _("%(amount)s is above the cooperative's limit of %(limit)s for one %(operation)s.")


class InsufficientBalance(_RupiahParams, DomainError):
    code = "savings.insufficient_balance"
    status = 409
    message = _(
        "The balance is %(balance)s and at least %(minimum)s must stay; %(amount)s cannot be withdrawn."
    )


class NotWithdrawable(DomainError):
    code = "savings.not_withdrawable"
    status = 409
    message = _(
        "Simpanan pokok and wajib cannot be withdrawn while the person is a member; they are refunded on leaving."
    )


class MemberNotActive(DomainError):
    code = "savings.member_not_active"
    status = 409
    message = _("Only active members save with the cooperative (%(member)s is %(status)s).")


class AccountClosed(DomainError):
    code = "savings.account_closed"
    status = 409
    message = _("This savings account is closed.")


class SameAccount(ValidationFailed):
    code = "savings.same_account"
    message = _("A transfer needs two different members.")


class InvalidRate(ValidationFailed):
    code = "savings.invalid_rate"
    message = _(
        "The interest rate must lie within the policy's range (%(low)s%% to %(high)s%% a year) and never above 9%%."
    )


class InvalidMonth(ValidationFailed):
    code = "savings.invalid_month"
    message = _("Give the month as YYYY-MM, not later than the current month.")


class InvalidPeriod(ValidationFailed):
    code = "savings.invalid_period"
    message = _("Give a period of at most a year whose end does not come before its start.")


class LoanOutstanding(Conflict):
    code = "savings.loan_outstanding"
    message = _("The member still has a loan outstanding; it must be repaid before leaving.")


class MemberNotFound(NotFound):
    code = "savings.member_not_found"
    message = _("No such member in this cooperative.")


class CollectiveHasBadLines(ValidationFailed):
    """A collective deposit (setoran kolektif) with lines that cannot be booked; `fields["lines"]`
    names each bad line by its number. Nothing is saved."""

    code = "savings.collective_bad_lines"
    message = _("%(count)s line(s) of the collective deposit cannot be booked; nothing was saved.")


class NotSetUp(Conflict):
    code = "savings.not_set_up"
    message = _(
        "Savings are not set up for this cooperative yet (products and posting rules); set them up first."
    )


class CorrectionNotAllowed(PermissionDenied):
    code = "savings.correction_not_allowed"
    message = _("You are not allowed to do this correction step.")


class CorrectionSameOfficer(PermissionDenied):
    code = "savings.correction_same_officer"
    message = _("A correction must be approved or rejected by another officer than its maker.")


class CorrectionReasonMissing(ValidationFailed):
    code = "savings.correction_reason_missing"
    message = _("Give the reason for the correction.")


class NotCorrectable(Conflict):
    code = "savings.not_correctable"
    message = _("This transaction cannot be corrected here (%(why)s).")


class AlreadyCorrected(Conflict):
    code = "savings.already_corrected"
    message = _("This transaction is already corrected or has a correction waiting.")


class CorrectionNotPending(Conflict):
    code = "savings.correction_not_pending"
    message = _("This correction has already been decided.")


class CorrectionWouldOverdraw(_RupiahParams, Conflict):
    code = "savings.correction_would_overdraw"
    message = _(
        "The account holds %(balance)s; reversing %(amount)s would make it negative (the money was already taken out)."
    )


class MemberCreditOff(Conflict):
    code = "savings.member_credit_off"
    message = _("Paying outlet purchases from simpanan sukarela is turned off in the policy.")


class MemberCreditAboveLimit(_RupiahParams, Conflict):
    code = "savings.member_credit_above_limit"
    message = _(
        "%(amount)s is above the policy's limit of %(limit)s for one purchase paid from simpanan sukarela."
    )
