"""Errors of the payments app: QRIS merchants, payment intents, provider notifications."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class InvalidQris(ValidationFailed):
    """A static QRIS payload that is not valid; `fields["static_payload"]` says what is wrong."""

    code = "payments.invalid_qris"
    message = _("This is not a valid static QRIS code.")


class NoMerchant(Conflict):
    code = "payments.no_merchant"
    message = _("No QRIS is set for this outlet or office yet.")


class InvalidAmount(ValidationFailed):
    code = "payments.invalid_amount"
    message = _("Enter a whole number of rupiah above zero.")


class UnknownPurpose(ValidationFailed):
    code = "payments.unknown_purpose"
    message = _("Unknown payment purpose %(purpose)s.")


class UnknownProvider(NotFound):
    code = "payments.unknown_provider"
    message = _("Unknown payment provider.")


class BadSignature(DomainError):
    code = "payments.bad_signature"
    status = 400
    message = _("The notification's signature is not valid; nothing was changed.")


class BadNotification(DomainError):
    code = "payments.bad_notification"
    status = 400
    message = _("The notification could not be read; nothing was changed.")


class UnknownIntent(NotFound):
    code = "payments.unknown_intent"
    message = _("No payment is waiting for this bill number.")


class AmountMismatch(ValidationFailed):
    code = "payments.amount_mismatch"
    message = _(
        "The amount paid (%(paid)s) differs from the amount of the bill (%(expected)s); nothing "
        "was booked."
    )


class IntentClosed(Conflict):
    code = "payments.intent_closed"
    message = _("This payment is no longer open (%(status)s); nothing was booked.")


class NotPending(Conflict):
    code = "payments.not_pending"
    message = _("This payment is no longer waiting (%(status)s).")


class SimulatorOff(NotFound):
    code = "payments.simulator_off"
    message = _("The payment simulator is off in production.")


class InvalidSettlement(ValidationFailed):
    code = "payments.invalid_settlement"
    message = _("The settlement is larger than the QRIS money still owed by the provider.")


class NotAllowed(DomainError):
    code = "payments.not_allowed"
    status = 403
    message = _("You are not allowed to do this.")


class Refused(Conflict):
    """The booking of the paid thing refused it (the handler raised): nothing was booked."""

    code = "payments.refused"
    message = _("The payment could not be booked: %(reason)s")
