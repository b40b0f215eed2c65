"""Every write of the funding sources, one module per job: `sources` (sources and their
documents), `receipts` (money received), `uses` (spending, attaching another entry, the
pengawas' follow-up of a flagged use), `bank_loans` (the state-bank loan of PMK 49/2025: the
contract, drawings, installments, the cash warning).

Callers use `from kopdes.funding import services; services.fund_receive(...)`."""

from kopdes.funding.services.bank_loans import (
    bank_loan_create,
    bank_loan_disburse,
    bank_loan_installment_pay,
    bank_loan_warnings,
    warning_days,
)
from kopdes.funding.services.receipts import fund_receive
from kopdes.funding.services.sources import (
    funding_document_add,
    funding_source_close,
    funding_source_create,
    funding_source_update,
)
from kopdes.funding.services.uses import fund_attach, fund_flag_decide, fund_spend

__all__ = [
    "bank_loan_create",
    "bank_loan_disburse",
    "bank_loan_installment_pay",
    "bank_loan_warnings",
    "fund_attach",
    "fund_flag_decide",
    "fund_receive",
    "fund_spend",
    "funding_document_add",
    "funding_source_close",
    "funding_source_create",
    "funding_source_update",
    "warning_days",
]
