"""RAT errors: stable dotted codes (`rat.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class NotAllowed(PermissionDenied):
    code = "rat.not_allowed"
    message = _("You may not manage this cooperative's members' meetings.")


class MeetingNotFound(NotFound):
    code = "rat.meeting_not_found"
    message = _("Meeting not found.")


class ResolutionNotFound(NotFound):
    code = "rat.resolution_not_found"
    message = _("Resolution not found.")


class InvalidMeeting(ValidationFailed):
    code = "rat.invalid_meeting"
    message = _("Some fields of the meeting are not valid.")


class NoticeTooShort(ValidationFailed):
    code = "rat.notice_too_short"
    message = _(
        "Members must get at least %(days)s days' notice: schedule the meeting on %(earliest)s or later."
    )


class DeadlineBeyondLimit(ValidationFailed):
    code = "rat.deadline_beyond_limit"
    message = _("The RAT deadline can be at most 30 June of the year after the fiscal year.")


class WrongStatus(Conflict):
    code = "rat.wrong_status"
    message = _("The meeting is %(status)s: this cannot be done now.")


class InvalidAgenda(ValidationFailed):
    code = "rat.invalid_agenda"
    message = _("Every agenda item needs a title and a kind.")


class BooksNotClosed(Conflict):
    code = "rat.books_not_closed"
    message = _(
        "The books of %(year)s are not closed yet (closed through %(closed)s): close December first."
    )


class InvalidDocument(ValidationFailed):
    code = "rat.invalid_document"
    message = _("The document must be a PDF or a photo (JPEG, PNG or WebP) of at most 5 MB.")


class NotAMember(ValidationFailed):
    code = "rat.not_a_member"
    message = _("Only an active member of the cooperative can attend and vote.")


class AlreadyAttending(Conflict):
    code = "rat.already_attending"
    message = _("This member's attendance is already recorded.")


class NotOnline(Conflict):
    code = "rat.not_online"
    message = _("This meeting cannot be joined online.")


class NotInSession(Conflict):
    code = "rat.not_in_session"
    message = _("The meeting is not in session: attendance and votes are taken only during it.")


class DidNotAttend(Conflict):
    code = "rat.did_not_attend"
    message = _("Only a member recorded as present can vote.")


class AlreadyVoted(Conflict):
    code = "rat.already_voted"
    message = _("This member has already voted on this resolution: one member, one vote.")


class ResolutionClosed(Conflict):
    code = "rat.resolution_closed"
    message = _("Voting on this resolution is closed.")


class InvalidChoice(ValidationFailed):
    code = "rat.invalid_choice"
    message = _("Choose agree, disagree or abstain.")


class InvalidResolution(ValidationFailed):
    code = "rat.invalid_resolution"
    message = _("Some fields of the resolution are not valid.")


class NoQuorum(Conflict):
    code = "rat.no_quorum"
    message = _(
        "No quorum: %(present)s of %(members)s members are present, %(required)s are needed. Nothing can be decided."
    )


class ResolutionsOpen(Conflict):
    code = "rat.resolutions_open"
    message = _("Close every resolution before closing the meeting.")


class NoShuProposal(Conflict):
    code = "rat.no_shu_proposal"
    message = _("There is no SHU proposal of %(year)s to approve.")
