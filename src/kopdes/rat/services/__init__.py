"""Every write of the members' meetings, one module per job: `meetings` (schedule, agenda,
announce, open, close, cancel), `voting` (attendance, resolutions, votes and the decision) and
`documents` (the pack from the closed books, uploads, the minutes).

Each service runs in one transaction with one audit row, under the meeting's row lock (and the
resolution's, for votes and decisions). Lock order: the meeting, then the resolution."""

from kopdes.rat.selectors import quorum
from kopdes.rat.services.documents import (
    document_upload,
    documents_generate,
    minutes_generate,
    statement_tables,
)
from kopdes.rat.services.meetings import (
    agenda_set,
    meeting_announce,
    meeting_cancel,
    meeting_close,
    meeting_open,
    meeting_schedule,
)
from kopdes.rat.services.voting import (
    attendance_record,
    resolution_close,
    resolution_open,
    vote_cast,
)

__all__ = [
    "agenda_set",
    "attendance_record",
    "document_upload",
    "documents_generate",
    "meeting_announce",
    "meeting_cancel",
    "meeting_close",
    "meeting_open",
    "meeting_schedule",
    "minutes_generate",
    "quorum",
    "resolution_close",
    "resolution_open",
    "statement_tables",
    "vote_cast",
]
