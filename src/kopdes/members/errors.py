"""Errors of the membership services: stable codes for machines, translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, ValidationFailed


class InvalidMember(ValidationFailed):
    """One or more fields of a registration or change are not valid (`fields` says which)."""

    code = "member.invalid"


class OutsideVillage(DomainError):
    """The membership rule: a Koperasi Desa/Kelurahan serves the people of its own desa/kelurahan."""

    code = "member.outside_village"
    status = 422
    message = _(
        "Only residents of %(village)s can join this cooperative: the domicile given is "
        "%(domicile)s. Ask the person to join the cooperative of their own desa/kelurahan."
    )


class UnknownVillage(ValidationFailed):
    code = "member.unknown_village"
    message = _("There is no desa/kelurahan with the code %(code)s.")


class NikTaken(Conflict):
    code = "member.nik_taken"
    message = _("This NIK is already registered in this cooperative.")


class SupervisorCannotRequest(DomainError):
    """Supervisors (Dinas, province, ministry, Kejaksaan, CSR partners) watch cooperatives; their
    accounts do not ask to join one."""

    code = "member.supervisor_cannot_request"
    status = 403
    message = _("A supervisor's account cannot ask to join a cooperative.")


class AlreadyRequested(Conflict):
    code = "member.already_requested"
    message = _("You already have a membership or a pending request in this cooperative.")


class StatusChangeNotAllowed(Conflict):
    code = "member.status_change_not_allowed"
    message = _("A member whose status is %(current)s cannot become %(target)s.")


class InvalidKtpPhoto(ValidationFailed):
    code = "member.invalid_ktp_photo"


class NoCooperativeHere(DomainError):
    code = "member.no_cooperative"
    status = 404
    message = _("There is no cooperative for the desa/kelurahan %(code)s yet.")


class InvalidImportFile(ValidationFailed):
    """The file itself cannot be read (not a row's problem: those go in the dry-run report)."""

    code = "member.import_file_invalid"


class ImportTooLarge(ValidationFailed):
    """The file is over the size or row limit (split it)."""

    code = "member.import_too_large"


class ImportFileGone(Conflict):
    code = "member.import_file_gone"
    message = _("The checked file is no longer kept: upload it again.")


class ImportHasBadRows(Conflict):
    code = "member.import_has_bad_rows"
    message = _(
        "%(count)s rows have problems, so nothing was imported. Fix them, or choose to import "
        "only the good rows."
    )


class ActivationMismatch(DomainError):
    """The NIK and date of birth given do not match a member with this phone number or code:
    the same answer whether or not the number or the member exists."""

    code = "auth.activation_mismatch"
    status = 400
    message = _(
        "The NIK or date of birth does not match the cooperative's register. Check them against "
        "the KTP, or ask the cooperative's office."
    )


class ActivationCodeInvalid(DomainError):
    code = "auth.activation_code_invalid"
    status = 400
    message = _(
        "This activation code is not valid (wrong, already used or replaced): check it, or ask "
        "the cooperative's office for a new one."
    )


class ActivationCodeExpired(DomainError):
    code = "auth.activation_code_expired"
    status = 400
    message = _("This activation code has expired: ask the cooperative's office for a new one.")


class ActivationNotAllowed(Conflict):
    code = "member.activation_not_allowed"
    message = _("Only an active member, or one whose request is pending, gets an activation code.")


class RequestNotPending(Conflict):
    code = "member.request_not_pending"
    message = _("This membership is no longer a pending request: the office keeps its KTP photo.")
