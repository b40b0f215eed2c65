"""Announcements and documents in the member app: `GET /me/announcements`, `GET /me/documents`
and `GET /me/documents/{document_id}` (the file).

Members read what the officers published for them in the cooperatives where they are an active
member (Member.user): announcements from their day (a scheduled one is not there yet) until
withdrawn, newest first; published documents (AD/ART, RAT results, statements). Another
cooperative's document, or one not published, is the same 404 `request.not_found` as an id that
does not exist.
"""

from datetime import date, datetime
from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from kopdes.announcements import access, selectors
from kopdes.announcements.models import Announcement, Document
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.errors import NotFound
from kopdes.members.models import Member
from kopdes.members.selectors import memberships_of

router = Router(tags=["announcements"])


def _cooperatives(user):
    """The cooperatives where the caller is an active member (ids, as a subquery)."""
    return memberships_of(user=user).filter(status=Member.Status.ACTIVE).values("cooperative")


class DocumentOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0b7f0a52-7f3c-4d5e-8a61-2c9d8e4f1a20",
                    "cooperative": {
                        "id": "5d1b8b40-2f0e-4c61-9d3e-7a2f1c0b9e11",
                        "name": "Koperasi Desa Merah Putih Cangkudu",
                        "village_code": "36.03.01.2003",
                    },
                    "kind": "ad_art",
                    "kind_label": "AD/ART (Anggaran Dasar dan Anggaran Rumah Tangga)",
                    "title": "AD/ART 2025",
                    "fiscal_year": 2025,
                    "content_type": "application/pdf",
                    "size": 48213,
                    "sha256": "9f2c…",
                    "uploaded_at": "2026-11-20T09:30:00+07:00",
                    "superseded_by": None,
                }
            ]
        }
    }

    id: UUID
    cooperative: CooperativeRef
    kind: str = Field(description="ad_art, rat_result, statement or other")
    kind_label: str
    title: str
    fiscal_year: int | None
    content_type: str = Field(description="application/pdf, image/png or image/jpeg")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the file, hex: recompute it to check the copy")
    uploaded_at: datetime
    superseded_by: UUID | None = Field(
        description="The newer version that replaces this one (a new AD/ART), if any"
    )


class AnnouncementOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "7e5a3c10-1b2d-4e8f-9a0b-3c4d5e6f7a8b",
                    "cooperative": {
                        "id": "5d1b8b40-2f0e-4c61-9d3e-7a2f1c0b9e11",
                        "name": "Koperasi Desa Merah Putih Cangkudu",
                        "village_code": "36.03.01.2003",
                    },
                    "kind": "rat",
                    "kind_label": "Rapat Anggota Tahunan (RAT)",
                    "title": "Undangan RAT tahun buku 2025",
                    "body": "RAT diadakan Sabtu, 14 Maret 2026, pukul 09.00 di balai desa.",
                    "publish_on": "2026-02-20",
                    "document": None,
                }
            ]
        }
    }

    id: UUID
    cooperative: CooperativeRef
    kind: str = Field(description="general, rat or document")
    kind_label: str
    title: str
    body: str = Field(description="Plain text (no HTML); lines separated by \\n")
    publish_on: date = Field(description="The day it is shown from")
    document: DocumentOut | None = Field(description="The document it announces, if published")


def _document(document: Document) -> dict:
    return {
        "id": document.public_id,
        "cooperative": cooperative_ref(document.cooperative),
        "kind": document.kind,
        "kind_label": document.get_kind_display(),
        "title": document.title,
        "fiscal_year": document.fiscal_year,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
        "superseded_by": document.superseded_by.public_id if document.superseded_by else None,
    }


def _announcement(announcement: Announcement) -> dict:
    document = announcement.document
    return {
        "id": announcement.public_id,
        "cooperative": cooperative_ref(announcement.cooperative),
        "kind": announcement.kind,
        "kind_label": announcement.get_kind_display(),
        "title": announcement.title,
        "body": announcement.body,
        "publish_on": announcement.publish_on,
        "document": _document(document) if document is not None and document.published else None,
    }


class Paging(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class AnnouncementPage(Schema):
    count: int
    items: list[AnnouncementOut]


class DocumentPage(Schema):
    count: int
    items: list[DocumentOut]


@router.get("/me/announcements", response={200: AnnouncementPage, **errors(401)})
def my_announcements(request, paging: Query[Paging]):
    """The announcements of the caller's cooperatives (active memberships): shown from their
    day (a scheduled one appears on its day), not withdrawn, newest first, paginated."""
    rows = selectors.announcements_visible(_cooperatives(request.user)).select_related(
        "cooperative__village", "document__superseded_by", "document__cooperative__village"
    )
    return {
        "count": rows.count(),
        "items": [_announcement(a) for a in rows[paging.offset : paging.offset + paging.limit]],
    }


@router.get("/me/documents", response={200: DocumentPage, **errors(401)})
def my_documents(request, paging: Query[Paging]):
    """The documents published to the members of the caller's cooperatives (AD/ART, RAT
    results, statements), newest first, paginated; a superseded version names its successor."""
    rows = selectors.documents_published(_cooperatives(request.user)).select_related(
        "cooperative__village"
    )
    return {
        "count": rows.count(),
        "items": [_document(d) for d in rows[paging.offset : paging.offset + paging.limit]],
    }


@router.get(
    "/me/documents/{document_id}",
    response={200: None, **errors(401, 404)},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file (application/pdf, image/png or image/jpeg)",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def my_document(request, document_id: UUID):
    """The file of a published document of the caller's cooperative, with its content type
    (its SHA-256 is in `GET /me/documents`). 404 `request.not_found` for a document that is not
    published, of another cooperative, or absent."""
    document = access.member_document(
        cooperatives=_cooperatives(request.user), public_id=document_id
    )
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise NotFound() from None
    response = HttpResponse(content, content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="dokumen-{document.public_id}"'
    response["X-Content-SHA256"] = document.sha256
    return response


api.add_router("/", router)
