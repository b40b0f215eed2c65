"""Every write of loans, one module per job (docs/architecture.md). `close`: the daily close
(days past due, collectibility, denda), the month-end provision and the collectibility scheme."""

from kopdes.loans.services.close import (
    CloseResult,
    allowance_balance,
    loans_close_day,
    loans_collectibility_configure,
    loans_provision_post,
    scheme_for,
)

__all__ = [
    "CloseResult",
    "allowance_balance",
    "loans_close_day",
    "loans_collectibility_configure",
    "loans_provision_post",
    "scheme_for",
]
