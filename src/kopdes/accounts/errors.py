from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, ValidationFailed


class PhoneTaken(Conflict):
    code = "account.phone_taken"
    message = _("This phone number is already registered.")


class InvalidPerson(ValidationFailed):
    code = "account.invalid"


class InvalidCredentials(DomainError):
    code = "auth.invalid_credentials"
    status = 401
    message = _("The phone number or password is wrong.")


class LockedOut(DomainError):
    code = "auth.locked_out"
    status = 429
    message = _("Too many failed logins. Try again in %(minutes)s minutes.")


class VillageOfficialAsPengurus(DomainError):
    code = "organ.village_official_as_pengurus"
    status = 422
    message = _("%(person)s is a village official or BPD member and may not be pengurus.")


class PengurusAndPengawas(DomainError):
    code = "organ.pengurus_and_pengawas"
    status = 422
    message = _("%(person)s cannot be both pengurus and pengawas of the same cooperative.")


class PengawasChairNotVillageHead(DomainError):
    code = "organ.pengawas_chair_not_village_head"
    status = 422
    message = _(
        "The Kepala Desa or Lurah chairs the pengawas: %(person)s is not recorded as the village head."
    )


class SeatTaken(Conflict):
    code = "organ.seat_taken"
    message = _("The seat of %(role)s is held by %(holder)s; end that role first.")


class RoleAlreadyHeld(Conflict):
    code = "role.already_held"
    message = _("%(person)s already holds this role.")


class InvalidRole(ValidationFailed):
    """An unknown role, or an end date before the role's start."""

    code = "role.invalid"


class InvalidGrant(ValidationFailed):
    code = "supervision.invalid_grant"


class Throttled(DomainError):
    """Too many attempts of something other than a login (self-registration, the old password,
    a reset code) from one account or one address."""

    code = "throttle.too_many_attempts"
    status = 429
    message = _("Too many attempts. Try again in %(minutes)s minutes.")


class PasswordChangeRequired(DomainError):
    code = "auth.password_change_required"
    status = 403
    message = _("Your password was reset: change it on the website before you log in from the app.")


class CannotResetPassword(DomainError):
    code = "auth.reset_not_allowed"
    status = 403
    message = _("Only the ketua resets the password of an officer of their own cooperative.")


class SelfAppointment(DomainError):
    code = "organ.self_appointment"
    status = 422
    message = _("Nobody appoints themselves: another officer must give you this role.")


class PengawasHandlesMoney(DomainError):
    code = "organ.pengawas_handles_money"
    status = 422
    message = _(
        "%(person)s is pengawas and may not handle cash or keep the books (%(role)s): the "
        "pengawas supervises those who do."
    )


class OtpInvalid(DomainError):
    """No live code for this number and purpose, or not this one (absent, used, replaced)."""

    code = "auth.otp_invalid"
    status = 400
    message = _("The code is wrong. Check the message, or ask for a new code.")


class OtpExpired(DomainError):
    code = "auth.otp_expired"
    status = 400
    message = _("The code has expired: ask for a new code.")


class OtpTooManyAttempts(DomainError):
    code = "auth.otp_too_many_attempts"
    status = 429
    message = _("Too many wrong attempts with this code: ask for a new code.")


class AlreadyActive(Conflict):
    code = "auth.already_active"
    message = _("This account is already active: sign in with the phone number and password.")


class InvalidPin(ValidationFailed):
    code = "auth.pin_invalid"
    message = _("The PIN has exactly 6 digits.")


class TrivialPin(ValidationFailed):
    code = "auth.pin_trivial"
    message = _(
        "This PIN is too easy to guess (one digit repeated, or a sequence): choose another."
    )


class WrongPin(DomainError):
    code = "auth.pin_wrong"
    status = 401
    message = _("The PIN is wrong. %(remaining)s attempts left before this phone is locked.")


class DeviceInvalid(DomainError):
    """An unknown device, a wrong device key or a device that was replaced: all look the same."""

    code = "auth.device_invalid"
    status = 401
    message = _("This phone is not set up for a PIN: sign in with the phone number and password.")


class DeviceLocked(DomainError):
    code = "auth.device_locked"
    status = 403
    message = _("Too many wrong PINs: sign in with the phone number and password again.")
