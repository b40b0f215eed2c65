from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, DomainError, ValidationFailed


class UnbalancedEntry(ValidationFailed):
    code = "ledger.unbalanced"
    message = _("Debits (%(debit)s) and credits (%(credit)s) must be equal.")


class InvalidLine(ValidationFailed):
    code = "ledger.invalid_line"
    message = _(
        "Each line needs a positive whole-rupiah amount on exactly one side; an entry needs at least two lines."
    )


class UnknownAccount(ValidationFailed):
    code = "ledger.unknown_account"
    message = _("The cooperative has no account %(codes)s.")


class AccountNotPostable(ValidationFailed):
    code = "ledger.account_not_postable"
    message = _("Account %(code)s is closed or a header and takes no postings.")


class PeriodClosed(DomainError):
    code = "ledger.period_closed"
    status = 409
    message = _("The period %(period)s is closed; date the entry in an open period.")


class AlreadyReversed(Conflict):
    code = "ledger.already_reversed"
    message = _("Entry %(number)s has already been reversed.")


class NoPostingRule(ValidationFailed):
    code = "ledger.no_posting_rule"
    message = _("No posting rule for %(event)s / %(key)s on %(date)s.")


class AccountInUse(Conflict):
    code = "ledger.account_in_use"
    message = _("Account %(code)s has postings: it can be closed, not removed.")


class ApprovalRefused(DomainError):
    code = "ledger.same_maker_checker"
    status = 403
    message = _("A second officer must approve: the maker cannot approve their own journal.")


class InvalidMonth(ValidationFailed):
    code = "ledger.invalid_month"
    message = _("Months run from 1 to 12.")


class PeriodNotEnded(Conflict):
    code = "ledger.period_not_ended"
    message = _("Only a month that has ended can be closed.")


class YearNotEnded(Conflict):
    code = "ledger.year_not_ended"
    message = _("A year can be closed only after it has ended (after 31 December).")


class PeriodOutOfOrder(Conflict):
    code = "ledger.period_out_of_order"
    message = _("Close the earlier months first.")


class PeriodNotClosed(Conflict):
    code = "ledger.period_not_closed"
    message = _("That period is not closed.")


class ReopenReasonMissing(ValidationFailed):
    code = "ledger.reopen_reason_missing"
    message = _("Give the reason for reopening.")


class ReopenNotAllowed(DomainError):
    code = "ledger.reopen_not_ketua"
    status = 403
    message = _("Only the ketua may reopen a period.")


class JournalNotAllowed(DomainError):
    code = "ledger.journal_not_allowed"
    status = 403
    message = _(
        "Only the bendahara or manajer drafts a manual journal, and only the ketua, bendahara or "
        "manajer approves one."
    )


class JournalAlreadyDecided(Conflict):
    code = "ledger.journal_already_decided"
    message = _("This journal was already decided.")


class InvalidAccount(ValidationFailed):
    code = "ledger.invalid_account"
    message = _("The account cannot be added as given.")


class InvalidMemo(ValidationFailed):
    code = "ledger.invalid_memo"
    message = _("Describe the entry in at most 300 characters.")


class UnknownUnit(ValidationFailed):
    code = "ledger.unknown_unit"
    message = _("Unknown business unit %(codes)s.")


class InvalidPostingRule(ValidationFailed):
    code = "ledger.invalid_posting_rule"
    message = _("Each line names an amount and two postable accounts.")


class AmountTooLarge(ValidationFailed):
    code = "ledger.amount_too_large"
    message = _("An amount may be at most %(limit)s rupiah.")


class SubledgerEntry(Conflict):
    code = "ledger.subledger_entry"
    message = _(
        "Entry %(number)s belongs to the %(kind)s sub-ledger: correct it there, so the member's "
        "account is corrected with it."
    )


class SubledgerMismatch(Conflict):
    code = "ledger.subledger_mismatch"
    message = _("Entry %(number)s does not belong (only) to the %(kind)s sub-ledger.")


class ControlAccount(ValidationFailed):
    code = "ledger.control_account"
    message = _(
        "Account %(codes)s is the control account of a sub-ledger: only its sub-ledger posts to "
        "it, not a manual journal."
    )


class ReversalBeforeEntry(ValidationFailed):
    code = "ledger.reversal_before_entry"
    message = _("A reversal cannot be dated before the entry it reverses (%(date)s).")


class FutureDate(ValidationFailed):
    code = "ledger.future_date"
    message = _("A manual journal cannot be dated after today (%(today)s).")


class TooManyLines(ValidationFailed):
    code = "ledger.too_many_lines"
    message = _("A manual journal has at most %(limit)s lines; this one has %(count)s.")


# -- checkpoints ---------------------------------------------------------------------------------


class DayNotOver(Conflict):
    code = "ledger.day_not_over"
    message = _("The day %(day)s has not ended yet; checkpoints close days that are over.")


class CheckpointOutOfOrder(Conflict):
    code = "ledger.checkpoint_out_of_order"
    message = _(
        "Checkpoints are made in date order: the last one is for %(last)s, so %(day)s cannot be added."
    )


class CheckpointInconsistent(Conflict):
    """The journal no longer extends the last signed checkpoint: entries were altered or removed
    behind the application's back. A log never signs a history inconsistent with one it signed."""

    code = "ledger.checkpoint_inconsistent"
    message = _(
        "The journal no longer matches the checkpoint signed for %(last)s (tree size %(size)s): "
        "nothing was signed. Supervisors now see this cooperative's ledger as failing verification."
    )


class CheckpointsRefused(Conflict):
    """`checkpoints_close_day` signed the other cooperatives but refused these."""

    code = "ledger.checkpoints_refused"
    message = _(
        "Checkpoints refused for %(cooperatives)s: their journal no longer matches a checkpoint "
        "signed before. %(made)s other cooperatives were checkpointed."
    )


class NotCheckpointed(Conflict):
    code = "ledger.not_checkpointed"
    message = _(
        "Entry %(number)s is not in a signed checkpoint yet; checkpoints are made after each day ends."
    )


# -- the public log (tlog-tiles and proofs at /transparansi/<code>/log/) -------------------------


class LogNotPublished(DomainError):
    code = "ledger.log_not_published"
    status = 404
    message = _("This cooperative has no signed checkpoint yet.")


class TileNotFound(DomainError):
    """Not a tile path, an entry bundle (entries are never published), or a tile beyond the
    latest signed tree."""

    code = "ledger.tile_not_found"
    status = 404
    message = _(
        "No such tile: %(path)s. Tiles are tile/<L>/<N>[.p/<W>] within the latest signed tree "
        "(size %(size)s); entries are not published."
    )


class LogBadSize(DomainError):
    code = "ledger.log_bad_size"
    status = 400
    message = _(
        "Give old and new as whole numbers with 0 <= old <= new <= %(size)s, the latest signed "
        "tree size."
    )


class LogBadIndex(DomainError):
    code = "ledger.log_bad_index"
    status = 400
    message = _(
        "Give index and size as whole numbers with 0 <= index < size <= %(size)s, the latest "
        "signed tree size."
    )
