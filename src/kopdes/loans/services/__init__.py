"""Every write of loans, one module per job: `products` (loan products within the policy),
`applications` (an officer's or the member app's application, with guarantors and collateral),
`decisions` (maker-checker approval, the pengawas co-signature, the related-party limit),
`disbursement` (the schedule and the ledger entry), `repayment` (repayments at the counter and
early payoff), `qris` (an installment paid by QRIS from the member app), `restructure` (maker-checker rescheduling) and `close` (the daily close: days past
due, collectibility, denda; the month-end provision; the collectibility scheme).

Each service runs in one database transaction with one audit row; money-moving services change
the loan (the sub-ledger of 1-103) under its row lock in the same transaction as the journal
entry that books it, through the ledger's posting rules (`loan_event_lines`), and take an
idempotency key (core.idempotency). The daily close locks no loan: it adds denda set-based
(`penalty_due = penalty_due + x`), so a repayment at the same moment keeps its effect.

Lock order, everywhere: the cooperative row (approvals of related-party loans only), the member
(applications), the loan, the loans' sequences (numbers, receipts), then the ledger's journal
sequence (inside ledger.services).
"""

from kopdes.loans.services._common import (
    CHANNELS,
    RECEIPT_SEQUENCE,
    SUBLEDGER,
    loan_event_lines,
)
from kopdes.loans.services.applications import (
    CollateralInput,
    GuarantorInput,
    loan_application_preview,
    loan_apply,
)
from kopdes.loans.services.close import (
    CloseResult,
    allowance_balance,
    loans_close_day,
    loans_collectibility_configure,
    loans_provision_post,
    scheme_for,
)
from kopdes.loans.services.decisions import loan_decide
from kopdes.loans.services.disbursement import loan_disburse
from kopdes.loans.services.products import (
    PRODUCT_DEFAULTS,
    loan_product_create,
    loan_product_update,
)
from kopdes.loans.services.qris import loan_qris_request
from kopdes.loans.services.repayment import (
    loan_dues,
    loan_payoff,
    loan_payoff_quote,
    loan_repay,
    loan_repay_check,
)
from kopdes.loans.services.restructure import loan_restructure_decide, loan_restructure_request

__all__ = [
    "CHANNELS",
    "PRODUCT_DEFAULTS",
    "RECEIPT_SEQUENCE",
    "SUBLEDGER",
    "CloseResult",
    "CollateralInput",
    "GuarantorInput",
    "allowance_balance",
    "loan_application_preview",
    "loan_apply",
    "loan_decide",
    "loan_disburse",
    "loan_dues",
    "loan_event_lines",
    "loan_payoff",
    "loan_payoff_quote",
    "loan_product_create",
    "loan_product_update",
    "loan_qris_request",
    "loan_repay",
    "loan_repay_check",
    "loan_restructure_decide",
    "loan_restructure_request",
    "loans_close_day",
    "loans_collectibility_configure",
    "loans_provision_post",
    "scheme_for",
]
