"""Funding errors: stable dotted codes (`funding.<failure>`, one per kind of failure) for the API,
translated messages for people."""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, ValidationFailed
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
