"""Announcements (pengumuman) and the documents members may read (AD/ART, RAT results, statements).

Nothing here is ever deleted: an announcement is withdrawn with a reason, a document is
unpublished or superseded by a newer one (both kept). People are stored as labels, like the
other tenant rows of the lower layers (ADR 0024-news-announcements).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.announcements.rules import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from kopdes.core.models import TenantModel


class Document(TenantModel):
    """A file the cooperative keeps for its members: PDF, PNG or JPEG, checked by its first bytes,
    stored privately under MEDIA_ROOT (never served directly) with its SHA-256."""

    class Kind(models.TextChoices):
        AD_ART = "ad_art", _("AD/ART (articles and by-laws)")
        RAT_RESULT = "rat_result", _("RAT result")
        STATEMENT = "statement", _("Financial statement")
        OTHER = "other", _("Other document")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=40)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    published = models.BooleanField(_("visible to members"), default=False)
    uploaded_by_label = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )

    class Meta:
        ordering = ["cooperative_id", "-uploaded_at", "-id"]
        verbose_name = _("document")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="announcements_document_content_type",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["ad_art", "rat_result", "statement", "other"]),
                name="announcements_document_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "published", "kind"],
                name="announcements_doc_coop_pub_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Announcement(TenantModel):
    """A pengumuman for the members: plain text (no HTML), shown from `publish_on` (a future day
    is a scheduled one) until withdrawn. `source` names what published it (e.g. "rat:<meeting
    id>"); one announcement per source and cooperative, so publishing again is idempotent."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        RAT = "rat", _("Annual meeting (RAT)")
        DOCUMENT = "document", _("Document")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    publish_on = models.DateField(_("published on"))
    source = models.CharField(_("source"), max_length=100, blank=True, default="")
    request_hash = models.CharField(max_length=64, blank=True, default="")
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("document"),
    )
    created_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by_label = models.CharField(max_length=200, blank=True, default="")
    withdrawn_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["cooperative_id", "-publish_on", "-created_at", "-id"]
        verbose_name = _("announcement")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "source"],
                condition=~Q(source=""),
                name="announcements_announcement_source_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["general", "rat", "document"]),
                name="announcements_announcement_kind",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="announcements_announcement_withdrawn_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "-publish_on"], name="announcements_ann_coop_day_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
