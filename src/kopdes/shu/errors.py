"""SHU errors: stable dotted codes (`shu.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class AllocationNot100(ValidationFailed):
    code = "shu.allocation_not_100"
    message = _("The SHU allocation lines must total exactly 100%%: %(problems)s")


class UnknownAllocationLine(ValidationFailed):
    code = "shu.unknown_allocation_line"
    message = _(
        "The SHU allocation line %(key)s has no account to post to. Use cadangan, anggota, "
        "pengurus, karyawan, pendidikan, sosial, pembangunan_daerah_kerja or pemerintah_desa."
    )


class YearNotClosed(Conflict):
    code = "shu.year_not_closed"
    message = _("The books of %(year)s are not closed yet: close the year first (tutup tahun).")


class Deficit(Conflict):
    code = "shu.deficit"
    message = _(
        "The year %(year)s ended without a surplus (%(result)s): there is no SHU to divide."
    )


class NoBasis(Conflict):
    code = "shu.no_basis"
    message = _(
        "No member had savings or transactions in %(year)s: the members' part cannot be divided."
    )


class AlreadyApproved(Conflict):
    code = "shu.already_approved"
    message = _("The SHU of %(year)s is already %(status)s: it can no longer be simulated again.")


class WrongStatus(Conflict):
    code = "shu.wrong_status"
    message = _("The SHU of %(year)s is %(status)s: this step needs it %(needed)s.")


class ResolutionMissing(ValidationFailed):
    code = "shu.resolution_missing"
    message = _("Give the RAT resolution that approves the SHU.")


class SamePerson(PermissionDenied):
    code = "shu.same_person"
    message = _("The person who simulated the SHU cannot also post it: a second person posts.")


class InvalidChannel(ValidationFailed):
    code = "shu.invalid_channel"
    message = _("Pay SHU into simpanan sukarela or in cash.")


class MemberNeeded(ValidationFailed):
    code = "shu.member_needed"
    message = _("A cash payment is made to one member at a time: choose the member.")


class AlreadyPaid(Conflict):
    code = "shu.already_paid"
    message = _("This member's SHU was already paid.")


class InvalidYear(ValidationFailed):
    code = "shu.invalid_year"
    message = _("Give a year that has ended.")


class ShuYearNotFound(NotFound):
    code = "shu.not_found"
    message = _("No SHU for this year.")
