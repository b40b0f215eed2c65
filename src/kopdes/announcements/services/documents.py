"""Documents for the members: add (PDF, PNG or JPEG by their first bytes, within the size
limit), publish, unpublish, and supersede by a newer version (both kept)."""

import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.announcements import rules
from kopdes.announcements.errors import (
    DocumentSuperseded,
    DocumentTooLarge,
    InvalidDocument,
    InvalidDocumentType,
)
from kopdes.announcements.models import Document
from kopdes.announcements.services._common import require_publisher
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot

LIMIT_MB = rules.DOCUMENT_MAX_BYTES // (1024 * 1024)


def _content(file: Any) -> tuple[bytes, str]:
    """The upload's bytes and its kind ("pdf", "png", "jpeg"), checked by its first bytes and
    its size; DocumentTooLarge or InvalidDocumentType otherwise."""
    if file is None or file == b"" or file == "":
        raise InvalidDocument(fields={"file": [_("Choose the file to upload.")]})
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > rules.DOCUMENT_MAX_BYTES:
            raise DocumentTooLarge(
                fields={"file": [str(DocumentTooLarge.message) % {"limit": LIMIT_MB}]},
                limit=LIMIT_MB,
            )
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(rules.DOCUMENT_MAX_BYTES + 1)
    if len(data) > rules.DOCUMENT_MAX_BYTES:
        raise DocumentTooLarge(
            fields={"file": [str(DocumentTooLarge.message) % {"limit": LIMIT_MB}]}, limit=LIMIT_MB
        )
    if not data:
        raise InvalidDocument(fields={"file": [_("The file is empty.")]})
    kind = rules.file_kind(data[:16])
    if kind is None:
        raise InvalidDocumentType(fields={"file": [str(InvalidDocumentType.message)]})
    return data, kind


def _clean(kind: Any, title: Any, fiscal_year: Any) -> tuple[str, str, int | None]:
    fields: dict[str, list[str]] = {}
    if kind not in Document.Kind.values:
        fields["kind"] = [_("Choose one of the kinds offered.")]
    title = rules.clean_text(title or "").replace("\n", " ")
    if not title:
        fields["title"] = [_("Write a title.")]
    elif len(title) > rules.TITLE_MAX_LENGTH:
        fields["title"] = [
            _("The title may have at most %(n)s characters.") % {"n": rules.TITLE_MAX_LENGTH}
        ]
    elif rules.has_markup(title):
        fields["title"] = [_("Write plain text: HTML tags are not allowed.")]
    year: int | None = None
    if fiscal_year not in (None, ""):
        try:
            year = int(fiscal_year)
        except (TypeError, ValueError):
            year = -1
        if not 2000 <= year <= clock.today().year:
            fields["fiscal_year"] = [
                _("The fiscal year must be from 2000 to %(year)s.") % {"year": clock.today().year}
            ]
    if fields:
        raise InvalidDocument(fields=fields)
    return str(kind), title, year


def _store(
    *,
    actor: Actor,
    cooperative: Cooperative,
    kind: str,
    title: str,
    fiscal_year: int | None,
    data: bytes,
    file_kind: str,
    published: bool,
) -> Document:
    document = Document(
        cooperative=cooperative,
        kind=kind,
        title=title,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=rules.CONTENT_TYPES[file_kind],
        fiscal_year=fiscal_year,
        published=published,
        uploaded_by_label=actor_label(actor),
        uploaded_at=clock.now(),
    )
    # Stored under MEDIA_ROOT with a random name (never served directly; the pages and the API
    # stream it to those in scope). Written after every check, so a refusal leaves no file.
    document.file.save(
        f"{uuid.uuid4().hex}.{rules.EXTENSIONS[file_kind]}", ContentFile(data), save=False
    )
    document.save(force_insert=True)
    return document


_AUDITED = ["kind", "title", "sha256", "size", "content_type", "fiscal_year", "published"]


@transaction.atomic
def document_add(
    *,
    actor: Actor,
    cooperative: Cooperative,
    kind: str,
    title: str,
    file: Any,
    fiscal_year: int | None = None,
    published: bool = False,
) -> Document:
    """Add a document (kinds ad_art, rat_result, statement, other): a PDF, PNG or JPEG of at most
    5 MB, checked by its first bytes; its SHA-256 kept. Hidden from members until published
    (`published=True` publishes it at once). PUBLISH_ANNOUNCEMENTS or the system."""
    require_publisher(actor, cooperative)
    kind, title, year = _clean(kind, title, fiscal_year)
    data, file_kind = _content(file)
    document = _store(
        actor=actor,
        cooperative=cooperative,
        kind=kind,
        title=title,
        fiscal_year=year,
        data=data,
        file_kind=file_kind,
        published=bool(published),
    )
    audit_record(
        actor=actor, action="document.add", obj=document, after=snapshot(document, _AUDITED)
    )
    return document


def _set_published(actor: Actor, document: Document, published: bool) -> Document:
    require_publisher(actor, document.cooperative)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if published and locked.superseded_by_id is not None:
        raise DocumentSuperseded()
    if locked.published == published:
        return locked
    locked.published = published
    locked.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="document.publish" if published else "document.unpublish",
        obj=locked,
        before={"published": not published},
        after={"published": published},
    )
    return locked


@transaction.atomic
def document_publish(*, actor: Actor, document: Document) -> Document:
    """Make the document visible to the members (the member app; AD/ART and RAT results also on
    the public transparency page). A superseded document is not published again."""
    return _set_published(actor, document, True)


@transaction.atomic
def document_unpublish(*, actor: Actor, document: Document) -> Document:
    """Hide the document from the members again (kept, with its history in the audit log)."""
    return _set_published(actor, document, False)


@transaction.atomic
def document_supersede(
    *,
    actor: Actor,
    document: Document,
    title: str,
    file: Any,
    fiscal_year: int | None = None,
) -> Document:
    """Replace `document` by a new version of the same kind (a new AD/ART): the new one is added,
    published when the old one was, and the old one points to it (`superseded_by`); both are
    kept. Returns the new document."""
    cooperative = document.cooperative
    require_publisher(actor, cooperative)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.superseded_by_id is not None:
        raise DocumentSuperseded()
    kind, title, year = _clean(locked.kind, title, fiscal_year)
    data, file_kind = _content(file)
    new = _store(
        actor=actor,
        cooperative=cooperative,
        kind=kind,
        title=title,
        fiscal_year=year,
        data=data,
        file_kind=file_kind,
        published=locked.published,
    )
    locked.superseded_by = new
    locked.save(update_fields=["superseded_by"])
    audit_record(
        actor=actor,
        action="document.supersede",
        obj=locked,
        after={"superseded_by": str(new.public_id), **snapshot(new, _AUDITED)},
    )
    return new
