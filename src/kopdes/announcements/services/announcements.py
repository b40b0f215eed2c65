"""Publishing and withdrawing announcements (pengumuman)."""

from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from kopdes.announcements import rules
from kopdes.announcements.errors import (
    AlreadyWithdrawn,
    InvalidAnnouncement,
    InvalidKind,
    InvalidPublishDate,
    ReasonRequired,
)
from kopdes.announcements.models import Announcement, Document
from kopdes.announcements.services._common import require_publisher
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot


def _clean(title: Any, body: Any) -> tuple[str, str]:
    title = rules.clean_text(title or "").replace("\n", " ")
    body = rules.clean_text(body or "")
    fields: dict[str, list[str]] = {}
    if not title:
        fields["title"] = [_("Write a title.")]
    elif len(title) > rules.TITLE_MAX_LENGTH:
        fields["title"] = [
            _("The title may have at most %(n)s characters.") % {"n": rules.TITLE_MAX_LENGTH}
        ]
    elif rules.has_markup(title):
        fields["title"] = [_("Write plain text: HTML tags are not allowed.")]
    if not body:
        fields["body"] = [_("Write the text of the announcement.")]
    elif len(body) > rules.BODY_MAX_LENGTH:
        fields["body"] = [
            _("The text may have at most %(n)s characters.") % {"n": rules.BODY_MAX_LENGTH}
        ]
    elif rules.has_markup(body):
        fields["body"] = [_("Write plain text: HTML tags are not allowed.")]
    if fields:
        raise InvalidAnnouncement(fields=fields)
    return title, body


def announcement_publish(
    *,
    actor: Actor,
    cooperative: Cooperative,
    title: str,
    body: str,
    kind: str = "general",
    document: Document | None = None,
    publish_on: date | None = None,
    source: str = "",
) -> Announcement:
    """Publish an announcement to the members from `publish_on` (default today; a later day
    schedules it). PUBLISH_ANNOUNCEMENTS or the system. Plain text only.

    `source` (e.g. "rat:<meeting public id>") makes it idempotent through `core.idempotency`:
    publishing the same source again with the same content returns the first announcement; the
    same source with other content is refused (`idempotency.key_reused`)."""
    require_publisher(actor, cooperative)
    if kind not in Announcement.Kind.values:
        raise InvalidKind(fields={"kind": [str(InvalidKind.message)]})
    title, body = _clean(title, body)
    today = clock.today()
    if publish_on is not None and publish_on < today:
        raise InvalidPublishDate(fields={"publish_on": [str(InvalidPublishDate.message)]})
    if document is not None and document.cooperative_id != cooperative.pk:
        raise InvalidAnnouncement(
            fields={"document": [_("Choose a document of this cooperative.")]}
        )
    if kind == Announcement.Kind.DOCUMENT and document is None:
        raise InvalidAnnouncement(fields={"document": [_("Choose the document to announce.")]})
    source = (source or "").strip()
    request = {
        "operation": "announcement_publish",
        "kind": kind,
        "title": title,
        "body": body,
        "document": str(document.public_id) if document is not None else None,
        "publish_on": publish_on.isoformat() if publish_on is not None else None,
    }

    def run(fingerprint: str) -> Announcement:
        announcement = Announcement.objects.create(
            cooperative=cooperative,
            kind=kind,
            title=title,
            body=body,
            publish_on=publish_on or today,
            source=source,
            request_hash=fingerprint,
            document=document,
            created_by_label=actor_label(actor),
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="announcement.publish",
            obj=announcement,
            after=snapshot(announcement, ["kind", "title", "publish_on", "source", "document"]),
        )
        return announcement

    # The source is the idempotency key (the one mechanism, core.idempotency): `once` looks
    # the key up as `idempotency_key`, here the announcement's source.
    rows = cast(
        "QuerySet[Announcement]",
        Announcement.objects.filter(cooperative=cooperative).annotate(idempotency_key=F("source")),
    )
    return idempotency.once(rows, key=source or None, request=request, run=run)


@transaction.atomic
def announcement_withdraw(*, actor: Actor, announcement: Announcement, reason: str) -> Announcement:
    """Withdraw an announcement with a reason (audited): it disappears for the members and stays
    on the staff list, marked withdrawn. Never deleted."""
    require_publisher(actor, announcement.cooperative)
    reason = rules.clean_text(reason or "")
    if not reason:
        raise ReasonRequired(fields={"reason": [str(ReasonRequired.message)]})
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if locked.withdrawn_at is not None:
        raise AlreadyWithdrawn()
    locked.withdrawn_at = clock.now()
    locked.withdrawn_by_label = actor_label(actor)
    locked.withdrawn_reason = reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by_label", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action="announcement.withdraw",
        obj=locked,
        after={"withdrawn": True},
        reason=reason,
    )
    return locked
