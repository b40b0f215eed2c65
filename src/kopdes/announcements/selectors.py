"""Reads of announcements and documents for one cooperative (staff, members, the public)."""

from datetime import date

from django.db.models import QuerySet

from kopdes.announcements import rules
from kopdes.announcements.models import Announcement, Document
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock

PUBLIC_KINDS = (Document.Kind.AD_ART, Document.Kind.RAT_RESULT)


def announcements_all(cooperative: Cooperative) -> QuerySet[Announcement]:
    """Every announcement of the cooperative for its officers: scheduled, shown and withdrawn,
    the latest day first."""
    return Announcement.objects.filter(cooperative=cooperative).select_related("document")


def announcements_visible(
    cooperatives: QuerySet[Cooperative] | list[Cooperative] | Cooperative,
    *,
    on: date | None = None,
) -> QuerySet[Announcement]:
    """What members see: published by `on` (default today; a scheduled one stays hidden until
    its day), not withdrawn, newest first."""
    on = on or clock.today()
    rows = Announcement.objects.filter(publish_on__lte=on, withdrawn_at__isnull=True)
    if isinstance(cooperatives, Cooperative):
        rows = rows.filter(cooperative=cooperatives)
    else:
        rows = rows.filter(cooperative__in=cooperatives)
    return rows.select_related("document", "cooperative").order_by(
        "-publish_on", "-created_at", "-id"
    )


def latest_announcement(cooperative: Cooperative, *, on: date | None = None) -> Announcement | None:
    """The newest announcement the members see today (the Beranda's tile), or None."""
    return announcements_visible(cooperative, on=on).first()


def announcement_whatsapp_text(announcement: Announcement) -> str:
    """The announcement as one WhatsApp message (plain text: the cooperative's name, the date,
    the title and the text, under WhatsApp's length limit)."""
    return rules.whatsapp_text(
        cooperative=announcement.cooperative.name,
        day=announcement.publish_on,
        title=announcement.title,
        body=announcement.body,
    )


def documents_all(cooperative: Cooperative) -> QuerySet[Document]:
    """Every document of the cooperative for its officers, the newest first."""
    return Document.objects.filter(cooperative=cooperative).select_related("superseded_by")


def documents_published(
    cooperatives: QuerySet[Cooperative] | list[Cooperative] | Cooperative,
) -> QuerySet[Document]:
    """The documents members may read: published ones of their cooperative(s), newest first
    (a superseded version stays readable, pointing to its successor)."""
    rows = Document.objects.filter(published=True)
    if isinstance(cooperatives, Cooperative):
        rows = rows.filter(cooperative=cooperatives)
    else:
        rows = rows.filter(cooperative__in=cooperatives)
    return rows.select_related("superseded_by", "cooperative").order_by("-uploaded_at", "-id")


def public_documents(cooperative: Cooperative) -> QuerySet[Document]:
    """What the public transparency page lists: the published AD/ART and RAT results (titles,
    years and SHA-256 only: no personal data), the current AD/ART first."""
    return (
        Document.objects.filter(cooperative=cooperative, published=True, kind__in=PUBLIC_KINDS)
        .select_related("superseded_by")
        .order_by("kind", "superseded_by", "-fiscal_year", "-uploaded_at", "-id")
    )
