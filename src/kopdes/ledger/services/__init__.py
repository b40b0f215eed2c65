"""Every write of the books, one module per job: `posting` (the hot path: `journal_entry_post`,
its bulk form for month-end runs, `post_event` through the posting rules, and
`journal_entry_reverse` for corrections), `chart` (the chart of accounts and the posting rules),
`periods` (close, reopen, year-end) and `manual` (manual journals, maker-checker).

Callers keep using `from kopdes.ledger import services as ledger; ledger.journal_entry_post(...)`:
this package re-exports the public API.
"""

from kopdes.ledger.services.chart import (
    account_add,
    account_close,
    account_remove,
    chart_create,
    posting_rule_change,
)
from kopdes.ledger.services.manual import manual_journal_decide, manual_journal_draft
from kopdes.ledger.services.periods import (
    period_close,
    period_close_through,
    period_reopen,
    year_end_close,
)
from kopdes.ledger.services.posting import (
    JOURNAL_SEQUENCE,
    EntryDraft,
    Line,
    event_lines,
    journal_entries_post_bulk,
    journal_entry_post,
    journal_entry_reverse,
    post_event,
    posting_rule_in_force,
)

__all__ = [
    "JOURNAL_SEQUENCE",
    "EntryDraft",
    "Line",
    "account_add",
    "account_close",
    "account_remove",
    "chart_create",
    "event_lines",
    "journal_entries_post_bulk",
    "journal_entry_post",
    "journal_entry_reverse",
    "manual_journal_decide",
    "manual_journal_draft",
    "period_close",
    "period_close_through",
    "period_reopen",
    "post_event",
    "posting_rule_change",
    "posting_rule_in_force",
    "year_end_close",
]
