import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """Rows that appear in URLs carry a random UUID; integer keys never leave the database."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TenantModel(PublicIdModel):
    """A row that belongs to one cooperative (docs/invariants.md, principle 4).

    Every tenant row, child rows too, carries a non-null `cooperative`, so reads can be scoped and
    the data can later be distributed by cooperative. Subclasses lead their indexes and unique
    constraints with `cooperative`.
    """

    cooperative = models.ForeignKey(
        "cooperatives.Cooperative", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per write: append-only (database triggers refuse UPDATE and DELETE).

    People and cooperatives are referenced by id and a label, not by foreign key: the log is the
    lowest layer, and it must outlive whatever it describes.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    cooperative_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["cooperative_id", "-at"], name="core_audit_coop_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
        ]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class OutboxMessage(models.Model):
    """A text message (WhatsApp or SMS) kept by the outbox backend of `kopdes.core.messaging`
    instead of being delivered: the demo and development read the one-time codes here. The phone
    number is kept as needed to deliver; pages and logs show it masked."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    phone = models.CharField(max_length=16)
    purpose = models.CharField(max_length=40, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.purpose}"


class CooperativeVersion(models.Model):
    """A counter per cooperative that every committed write to its data increases: `audit_record`
    (every service writes one audit row per change, docs/invariants.md principle 8) bumps the
    counter of the row's cooperative once its transaction commits (kopdes.core.versions).
    Readers key their caches with it (the member app's home, ADR 0034). Referenced by id, like
    the audit log."""

    cooperative_id = models.BigIntegerField(unique=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cooperative data version")

    def __str__(self) -> str:
        return f"{self.cooperative_id}: {self.version}"
