"""Request id -> announcement or document, tenant first: the same NotFound for absent and
foreign (a malformed id too)."""

from typing import Any

from kopdes.announcements.models import Announcement, Document
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id


def announcement_of(*, cooperative: Cooperative, public_id: Any) -> Announcement:
    found = (
        Announcement.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("document", "cooperative")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def document_of(*, cooperative: Cooperative, public_id: Any) -> Document:
    found = (
        Document.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("superseded_by", "cooperative")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def member_document(*, cooperatives: Any, public_id: Any) -> Document:
    """A published document of one of the member's cooperatives; NotFound for anything else
    (unpublished, another cooperative's, absent)."""
    found = (
        Document.objects.filter(
            cooperative__in=cooperatives, published=True, public_id=parse_public_id(public_id)
        )
        .select_related("cooperative")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
