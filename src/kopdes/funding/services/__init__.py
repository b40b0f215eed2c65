"""Funding services (re-exported here): see each module."""

from kopdes.funding.services.bank_loans import (
    bank_loan_create,
    bank_loan_disburse,
    bank_loan_installment_pay,
    bank_loan_warnings,
    warning_days,
)

__all__ = [
    "bank_loan_create",
    "bank_loan_disburse",
    "bank_loan_installment_pay",
    "bank_loan_warnings",
    "warning_days",
]
