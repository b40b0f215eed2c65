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


class ExportPeriodInvalid(ValidationFailed):
    code = "supervision.export_period_invalid"
    message = _(
        "The period is not valid: give the months from and to as YYYY-MM (from not after to, "
        "at most %(months)s months), or a fiscal year."
    )


class ExportNotAllowed(PermissionDenied):
    code = "supervision.export_not_allowed"
    message = _(
        "Only the Kejaksaan and the Dinas Koperasi examiner supervising this cooperative may "
        "export its evidence."
    )


class UnknownTable(ValidationFailed):
    code = "supervision.unknown_table"
    message = _("There is no SIMKOPDES table %(table)s: choose one of %(tables)s.")


# -- early warnings -----------------------------------------------------------------------------


class WarningNotOpen(Conflict):
    code = "supervision.warning_not_open"
    message = _("Only an open warning can be acknowledged; this one is %(state)s.")


class WarningClosed(Conflict):
    code = "supervision.warning_closed"
    message = _("This warning is %(state)s: there is nothing more to follow up.")


class ResolutionNoteRequired(ValidationFailed):
    code = "supervision.resolution_note_required"
    message = _("Write what was done about the warning before resolving it.")


class NotWarningExaminer(PermissionDenied):
    code = "supervision.not_warning_examiner"
    message = _("Only the Dinas Koperasi supervising this cooperative follows up its warnings.")


class ThresholdsInvalid(ValidationFailed):
    code = "supervision.thresholds_invalid"
    message = _("The thresholds are not valid: %(problems)s")


class ScopeNotExamined(PermissionDenied):
    code = "supervision.scope_not_examined"
    message = _("You may set thresholds only for the regions you supervise as examiner.")


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
