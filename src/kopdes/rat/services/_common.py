"""Shared pieces of the RAT services: permissions, locks, status checks, files."""

import hashlib
from typing import Any

from django.core.files.base import ContentFile

from kopdes.accounts.access import Capability, capabilities
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.members import rules as member_rules
from kopdes.rat.errors import InvalidDocument, NotAllowed, WrongStatus
from kopdes.rat.models import Meeting

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024


def require_manager(actor: Actor, cooperative: Cooperative) -> None:
    """MANAGE_RAT in the cooperative (ketua, sekretaris); NotAllowed otherwise, whatever page or
    API calls the service."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    if Capability.MANAGE_RAT not in capabilities(actor, cooperative):  # type: ignore[arg-type]
        raise NotAllowed()


def lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("cooperative").get(pk=meeting.pk)


def require_status(meeting: Meeting, *allowed: str) -> None:
    if meeting.status not in allowed:
        raise WrongStatus(status=str(meeting.get_status_display()).lower())


def read_document(document: Any, field: str = "file") -> tuple[bytes, str]:
    """An uploaded document (a Django File or bytes), checked by its first bytes: PDF, JPEG, PNG
    or WebP, at most 5 MB. Returns (bytes, extension)."""
    if document is None or document in (b"", ""):
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    if isinstance(document, (bytes, bytearray)):
        data = bytes(document)
    else:
        if hasattr(document, "seek"):
            document.seek(0)
        data = document.read(DOCUMENT_MAX_BYTES + 1)
    if not data or len(data) > DOCUMENT_MAX_BYTES:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    kind = "pdf" if data[:5] == b"%PDF-" else member_rules.image_type(data[:16])
    if kind is None:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    return data, ("jpg" if kind == "jpeg" else kind)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)
