"""Health assessment errors: stable dotted codes (`supervision.<failure>`), translated messages."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, PermissionDenied, ValidationFailed


class YearNotClosed(Conflict):
    code = "supervision.year_not_closed"
    message = _(
        "The books of %(year)s are not closed yet: the assessment reads the closed books of "
        "the year (tutup tahun first)."
    )


class NotExaminer(PermissionDenied):
    code = "supervision.not_examiner"
    message = _("Only the Dinas Koperasi supervising this cooperative may assess its health.")


class MethodInvalid(ValidationFailed):
    code = "supervision.method_invalid"
    message = _("The assessment method is not valid: %(problems)s")


class UnknownQuestion(ValidationFailed):
    code = "supervision.unknown_question"
    message = _("The questionnaire has no question %(key)s.")


# --- coaching (pembinaan, docs/coaching.md) ---------------------------------------------------


class NotCoach(PermissionDenied):
    code = "supervision.not_coach"
    message = _("Only the Dinas Koperasi supervising this cooperative may record its coaching.")


class NotFindingOwner(PermissionDenied):
    code = "supervision.not_follow_up"
    message = _(
        "Only the cooperative's pengurus or manajer, or the Dinas Koperasi supervising it, may "
        "follow up this finding."
    )


class CoachingNotPlanned(Conflict):
    code = "supervision.coaching_not_planned"
    message = _("This is already %(status)s: only a planned one can be held or cancelled.")


class FindingClosed(Conflict):
    code = "supervision.finding_closed"
    message = _("This finding is closed already.")


class CoachingInvalid(ValidationFailed):
    code = "supervision.coaching_invalid"
    message = _("Please check: %(problems)s")


class TrainingNotHeld(Conflict):
    code = "supervision.training_not_held"
    message = _("Record the training session as held before its attendance.")
