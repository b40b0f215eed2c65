"""Loans errors: stable dotted codes (`loans.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import ValidationFailed

# The loan terms the schedule engine refuses (kopdes.loans.schedule.validate).


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
