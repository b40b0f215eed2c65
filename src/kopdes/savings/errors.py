"""Savings errors: stable codes for the API, translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from kopdes.core.money import format_rupiah


class InvalidAmount(ValidationFailed):
    code = "savings_invalid_amount"
    message = _("The amount must be a whole number of rupiah above zero.")


class InsufficientBalance(DomainError):
    code = "savings_insufficient_balance"
    status = 409
    message = _(
        "The balance is %(balance)s and at least %(minimum)s must stay; %(amount)s cannot be withdrawn."
    )

    def render(self) -> str:
        # Amounts stay integers in `details` (for the API); people read them as Rupiah.
        amounts = {k: format_rupiah(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return str(self.message) % amounts


class NotWithdrawable(DomainError):
    code = "savings_not_withdrawable"
    status = 409
    message = _(
        "Simpanan pokok and wajib cannot be withdrawn while the person is a member; they are refunded on leaving."
    )


class MemberNotActive(DomainError):
    code = "savings_member_not_active"
    status = 409
    message = _("Only active members save with the cooperative (%(member)s is %(status)s).")


class AccountClosed(DomainError):
    code = "savings_account_closed"
    status = 409
    message = _("This savings account is closed.")


class SameAccount(ValidationFailed):
    code = "savings_same_account"
    message = _("A transfer needs two different members.")


class InvalidRate(ValidationFailed):
    code = "savings_invalid_rate"
    message = _(
        "The interest rate must lie within the policy's range (%(low)s%% to %(high)s%% a year) and never above 9%%."
    )


class InvalidMonth(ValidationFailed):
    code = "savings_invalid_month"
    message = _("Give the month as YYYY-MM, not later than the current month.")


class LoanOutstanding(Conflict):
    code = "savings_loan_outstanding"
    message = _("The member still has a loan outstanding; it must be repaid before leaving.")


class MemberNotFound(NotFound):
    code = "savings_member_not_found"
    message = _("No such member in this cooperative.")


class CollectiveHasBadLines(ValidationFailed):
    """A collective deposit (setoran kolektif) with lines that cannot be booked; `fields["lines"]`
    names each bad line by its number. Nothing is saved."""

    code = "savings.collective_bad_lines"
    message = _("%(count)s line(s) of the collective deposit cannot be booked; nothing was saved.")
