"""Funding errors: stable dotted codes (`funding.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kopdes.core.money import format_rupiah


class _RupiahParams:
    """Amounts stay integers in `details` (for the API); people read them as Rupiah."""

    message: ClassVar[Any]
    _message: Any
    params: dict[str, Any]

    def render(self) -> str:
        template = self._message if self._message is not None else self.message
        amounts = {k: format_rupiah(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return str(template) % amounts


class NotAllowed(PermissionDenied):
    code = "funding.not_allowed"
    message = _("You are not allowed to do this with the cooperative's funds.")


class SamePerson(PermissionDenied):
    """The pengawas deciding a flag is not the person who recorded the use."""

    code = "funding.same_person"
    message = _("Another person must decide this flag: you recorded the use yourself.")


class UnknownObject(NotFound):
    """A source, use, unit or entry that is not the cooperative's (or does not exist)."""

    code = "funding.not_found"
    message = _("Not found in this cooperative.")


class InvalidSource(ValidationFailed):
    """A funding source's field that is missing or out of its range (`fields` says which)."""

    code = "funding.invalid_source"
    message = _("Some fields of the funding source are not valid.")


class SourceClosed(Conflict):
    code = "funding.source_closed"
    message = _("This funding source is closed: nothing more can be received or used.")


class InvalidAmount(ValidationFailed):
    code = "funding.invalid_amount"
    message = _("Enter a whole rupiah amount above zero.")


class InvalidChannel(ValidationFailed):
    code = "funding.invalid_channel"
    message = _("Choose the bank account or the office cash.")


class InvalidDate(ValidationFailed):
    code = "funding.invalid_date"
    message = _("The date cannot be later than today (%(today)s).")


class BeyondCommitment(_RupiahParams, Conflict):
    code = "funding.beyond_commitment"
    message = _(
        "%(amount)s would bring the receipts to %(total)s, above the committed %(committed)s."
    )


class UnknownLine(ValidationFailed):
    code = "funding.unknown_line"
    message = _("Choose one of the business lines.")


class LineNotPermitted(ValidationFailed):
    code = "funding.line_not_permitted"
    message = _(
        "This fund may only be used for %(permitted)s: %(line)s is not one of its permitted lines."
    )


class InsufficientFund(_RupiahParams, Conflict):
    code = "funding.insufficient_fund"
    message = _("%(amount)s is more than what is left of this fund (%(balance)s).")


class InvalidSpendKind(ValidationFailed):
    code = "funding.invalid_spend_kind"
    message = _("Choose an asset purchase, an operating expense or working capital for a gerai.")


class UnitRequired(ValidationFailed):
    code = "funding.unit_required"
    message = _("Working capital goes to a gerai's cash box: choose the gerai.")


class EvidenceRequired(ValidationFailed):
    code = "funding.evidence_required"
    message = _("Attach the evidence (a photo of the receipt, or a document).")


class InvalidDocument(ValidationFailed):
    code = "funding.invalid_document"
    message = _("Upload a JPEG, PNG or WebP photo or a PDF of at most 2 MB.")


class EntryNotOutgoing(ValidationFailed):
    code = "funding.entry_not_outgoing"
    message = _(
        "Entry %(number)s pays no money out of the bank or a cash box, or is already a use "
        "of a fund."
    )


class AttachBeyondEntry(_RupiahParams, Conflict):
    code = "funding.attach_beyond_entry"
    message = _(
        "Entry %(number)s paid out %(paid)s, of which %(attached)s is already attributed to "
        "funds: %(amount)s more is too much."
    )


class InvalidFlagDecision(Conflict):
    code = "funding.invalid_flag_decision"
    message = _("This use is not flagged, or the flag cannot move to that state.")


# -- the state-bank loan of PMK 49/2025 (kopdes.funding.rules, services/bank_loans.py) ----------


class BankLoanInvalidAmount(ValidationFailed):
    code = "funding.bank_loan_invalid_amount"
    message = _("The amount must be a whole number of rupiah above zero.")


class BankLoanInvalidText(ValidationFailed):
    code = "funding.bank_loan_invalid_text"
    message = _("Fill this in (at most %(maximum)s characters).")


class BankLoanContractTaken(ValidationFailed):
    code = "funding.bank_loan_contract_taken"
    message = _("The cooperative already has a bank loan with contract number %(number)s.")


class BankLoanCeilingTooHigh(_RupiahParams, ValidationFailed):
    code = "funding.bank_loan_ceiling"
    message = _("The loan ceiling must be above zero and at most %(maximum)s (PMK 49/2025).")


class BankLoanOperatingPartTooHigh(_RupiahParams, ValidationFailed):
    code = "funding.bank_loan_operating_part"
    message = _(
        "The part for operating costs may not be negative, above %(maximum)s (PMK 49/2025) or "
        "above the ceiling."
    )


class BankLoanMonthsOutOfRange(ValidationFailed):
    code = "funding.bank_loan_months"
    message = _("The tenor must be a whole number of months from %(minimum)s to %(maximum)s.")


class BankLoanGraceOutOfRange(ValidationFailed):
    code = "funding.bank_loan_grace"
    message = _("The grace period must be from %(minimum)s to %(maximum)s months (PMK 49/2025).")


class BankLoanRateInvalid(ValidationFailed):
    code = "funding.bank_loan_rate"
    message = _("The interest rate must be above 0%% and at most 24%% a year.")


class BankLoanFirstDueNotTheTwelfth(ValidationFailed):
    code = "funding.bank_loan_first_due"
    message = _("The first installment falls due on the 12th of a month (PMK 49/2025).")


class BankLoanTotalTooHigh(_RupiahParams, ValidationFailed):
    code = "funding.bank_loan_total"
    message = _(
        "The cooperative's active bank loans would total %(total)s, above the limit of "
        "%(maximum)s (PMK 49/2025)."
    )


class BankLoanOverCeiling(_RupiahParams, ValidationFailed):
    code = "funding.bank_loan_over_ceiling"
    message = _(
        "This disbursement would bring the loan to %(total)s, above its ceiling %(ceiling)s."
    )


class BankLoanOverOperatingPart(_RupiahParams, ValidationFailed):
    code = "funding.bank_loan_over_operating_part"
    message = _(
        "This disbursement would bring the operating part to %(total)s, above the %(maximum)s "
        "the contract allows for operating costs."
    )


class BankLoanInvalidPurpose(ValidationFailed):
    code = "funding.bank_loan_invalid_purpose"
    message = _("Choose the purpose: investment or operating costs.")


class BankLoanNotActive(Conflict):
    code = "funding.bank_loan_not_active"
    message = _("This bank loan is closed.")


class BankLoanRepaymentStarted(Conflict):
    code = "funding.bank_loan_repayment_started"
    message = _(
        "Installments have already been paid: a further disbursement would change a schedule "
        "being repaid. Record it as a new loan."
    )


class BankLoanInstallmentAlreadyPaid(Conflict):
    code = "funding.bank_loan_installment_paid"
    message = _("Installment %(number)s was already paid on %(paid_on)s.")


class BankLoanEarlierInstallmentUnpaid(Conflict):
    code = "funding.bank_loan_earlier_unpaid"
    message = _("Pay installment %(number)s first: installments are paid in order.")


class BankLoanBankShort(_RupiahParams, Conflict):
    code = "funding.bank_loan_bank_short"
    message = _(
        "The bank account (1-102) holds %(balance)s, less than the installment of %(amount)s. "
        "Move money into the bank first."
    )
