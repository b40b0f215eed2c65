"""Every write of announcements and documents, one module per job.

Callers use `from kopdes.announcements import services; services.announcement_publish(...)`."""

from kopdes.announcements.services.announcements import (
    announcement_publish,
    announcement_withdraw,
)
from kopdes.announcements.services.documents import (
    document_add,
    document_publish,
    document_supersede,
    document_unpublish,
)

__all__ = [
    "announcement_publish",
    "announcement_withdraw",
    "document_add",
    "document_publish",
    "document_supersede",
    "document_unpublish",
]
