"""The verifiable ledger (docs/invariants.md, principle 3), one module per job: `building` (the canonical
documents rebuilt from the rows, the signed notes, the daily checkpoints), `verifying`
(`ledger_verify`: one check per promise), `proving` (inclusion proofs, the latest
checkpoints) and `witnessing` (the witnesses' cosignatures, `published_note`). Who may see a
proof is in ledger.access; the errors in ledger.errors.

Callers keep using `from kopdes.ledger import checkpoints; checkpoints.ledger_verify(...)`:
this package re-exports the public API.
"""

from kopdes.ledger.checkpoints.building import (
    BATCH,
    GENESIS_NOTE_HASH,
    ORIGIN_PREFIX,
    SUMMARY_SUFFIX,
    DayTotal,
    Journal,
    ParsedCheckpoint,
    ParsedSummary,
    Row,
    balances_at,
    balances_document,
    checkpoint_create,
    checkpoint_text,
    checkpoints_close_day,
    entry_document_from_rows,
    journal_rows,
    note_hash,
    origin,
    parse_checkpoint_text,
    parse_summary_text,
    summary_text,
)
from kopdes.ledger.checkpoints.proving import (
    EntryProof,
    checkpoint_covering,
    entry_proof,
    latest_checkpoints,
)
from kopdes.ledger.checkpoints.verifying import (
    CHECKS,
    MAX_PROBLEMS,
    Problem,
    Report,
    ledger_verify,
    verification_record,
)
from kopdes.ledger.checkpoints.witnessing import (
    WitnessConfig,
    WitnessRun,
    checkpoint_witness,
    checkpoints_witness,
    configured_witnesses,
    published_note,
    with_cosignatures,
)

__all__ = [
    "BATCH",
    "CHECKS",
    "GENESIS_NOTE_HASH",
    "MAX_PROBLEMS",
    "ORIGIN_PREFIX",
    "SUMMARY_SUFFIX",
    "DayTotal",
    "EntryProof",
    "Journal",
    "ParsedCheckpoint",
    "ParsedSummary",
    "Problem",
    "Report",
    "Row",
    "WitnessConfig",
    "WitnessRun",
    "balances_at",
    "balances_document",
    "checkpoint_covering",
    "checkpoint_create",
    "checkpoint_text",
    "checkpoint_witness",
    "checkpoints_close_day",
    "checkpoints_witness",
    "configured_witnesses",
    "entry_document_from_rows",
    "entry_proof",
    "journal_rows",
    "latest_checkpoints",
    "ledger_verify",
    "note_hash",
    "origin",
    "parse_checkpoint_text",
    "parse_summary_text",
    "published_note",
    "summary_text",
    "verification_record",
    "with_cosignatures",
]
