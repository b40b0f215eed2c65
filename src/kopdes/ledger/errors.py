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


class PeriodNotClosable(Conflict):
    code = "ledger.period_not_closable"
    message = _("%(reason)s")


class ApprovalRefused(DomainError):
    code = "ledger.same_maker_checker"
    status = 403
    message = _("A second officer must approve: the maker cannot approve their own journal.")
