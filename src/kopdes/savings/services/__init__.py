"""Every write of simpanan, one module per job: `setup` (products and posting rules from the
policy), `counter` (deposits, withdrawals, transfers), `collective` (a day's collected simpanan
as one entry, the setoran kolektif), `month_end` (wajib bills, sukarela interest), `resignation`
(refund and close), `credits` (money owed to members credited to sukarela in one run: the SHU),
`correction` (maker-checker reversal of a counter transaction: the only
place savings reverses an entry) and `qris` (simpanan paid by QRIS from the member app: the
request, and the handlers that book it when the payment's signed notification arrives).

Each service runs in one database transaction that updates the member's account (the
sub-ledger) and posts the journal entry that books it through the ledger's posting rules, so the
accounts always reconcile with the GL control accounts (selectors.reconciliation). Money-moving
services take an idempotency key (core.idempotency): the same key with the same request returns
the first transaction; with a different request it raises IdempotencyConflict.

Lock order, everywhere: the correction row (corrections only), member row (resignation only),
savings accounts by primary key, bills, the receipt sequence, then the ledger's journal sequence
(inside ledger.services). A fixed order means two services never wait for each other in a cycle.
"""

from kopdes.savings.services._common import (
    CHANNELS,
    INTEREST_LINES_PER_ENTRY,
    RECEIPT_SEQUENCE,
    SUBLEDGER,
    TXN_COLUMNS,
)
from kopdes.savings.services.collective import (
    COLLECTIVE_MAX_LINES,
    CollectiveDeposit,
    savings_collective_deposit,
)
from kopdes.savings.services.correction import (
    savings_correction_approve,
    savings_correction_reject,
    savings_correction_request,
)
from kopdes.savings.services.counter import (
    savings_counter_check,
    savings_deposit,
    savings_transfer,
    savings_withdraw,
)
from kopdes.savings.services.credits import sukarela_credit_from
from kopdes.savings.services.month_end import savings_bills_create, savings_interest_post
from kopdes.savings.services.purchases import (
    member_credit_limit,
    savings_purchase_charge,
    savings_purchase_refund,
)
from kopdes.savings.services.qris import QRIS_KINDS, savings_qris_request
from kopdes.savings.services.resignation import member_resign
from kopdes.savings.services.setup import (
    savings_policy_follow,
    savings_product_update,
    savings_setup,
)

__all__ = [
    "CHANNELS",
    "COLLECTIVE_MAX_LINES",
    "INTEREST_LINES_PER_ENTRY",
    "QRIS_KINDS",
    "RECEIPT_SEQUENCE",
    "SUBLEDGER",
    "TXN_COLUMNS",
    "CollectiveDeposit",
    "member_credit_limit",
    "member_resign",
    "savings_bills_create",
    "savings_collective_deposit",
    "savings_correction_approve",
    "savings_correction_reject",
    "savings_correction_request",
    "savings_counter_check",
    "savings_deposit",
    "savings_interest_post",
    "savings_policy_follow",
    "savings_product_update",
    "savings_purchase_charge",
    "savings_purchase_refund",
    "savings_qris_request",
    "savings_setup",
    "savings_transfer",
    "savings_withdraw",
    "sukarela_credit_from",
]
