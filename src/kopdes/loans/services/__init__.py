"""Every write of loans, one module per job."""

from kopdes.loans.services.repayment import (
    loan_dues,
    loan_payoff,
    loan_payoff_quote,
    loan_repay,
    loan_repay_check,
)
from kopdes.loans.services.restructure import loan_restructure_decide, loan_restructure_request

__all__ = [
    "loan_dues",
    "loan_payoff",
    "loan_payoff_quote",
    "loan_repay",
    "loan_repay_check",
    "loan_restructure_decide",
    "loan_restructure_request",
]
