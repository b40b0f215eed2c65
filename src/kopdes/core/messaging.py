"""The messaging gateway (WhatsApp or SMS) for one-time codes and other short texts.

`KOPDES_MESSAGING_BACKEND` (settings, from the environment) names the backend: `outbox` (the
default) keeps each message in the `OutboxMessage` table, for the demo and development, which
read the codes on the outbox page (`/app/pesan-keluar/`, superusers only) or with
`kopdes outbox`; a dotted path `package.module.Class` names a provider's backend, a class with
the `MessageGateway` method. Phone numbers are never logged in clear (`mask_phone`).
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from kopdes.core.masking import mask_phone
from kopdes.core.models import OutboxMessage

logger = logging.getLogger(__name__)

OUTBOX = "outbox"


class MessageGateway(Protocol):
    """Delivers one text to one phone number (E.164). Raises on a failure to hand it over."""

    def send(self, *, phone: str, text: str, purpose: str = "") -> None: ...


class OutboxGateway:
    """Keeps the message in the database instead of delivering it."""

    def send(self, *, phone: str, text: str, purpose: str = "") -> None:
        OutboxMessage.objects.create(phone=phone, text=text, purpose=purpose[:40])


def backend_name() -> str:
    return str(getattr(settings, "KOPDES_MESSAGING_BACKEND", OUTBOX) or OUTBOX)


def outbox_active() -> bool:
    """The outbox backend is the one in use (then the outbox page and command show it)."""
    return backend_name() == OUTBOX


def gateway() -> MessageGateway:
    name = backend_name()
    if name == OUTBOX:
        return OutboxGateway()
    backend: MessageGateway = import_string(name)()
    return backend


def message_send(*, phone: str, text: str, purpose: str = "") -> None:
    """Send `text` to `phone` through the configured gateway; the log names the number masked
    and never the text (it may hold a code)."""
    gateway().send(phone=phone, text=text, purpose=purpose)
    logger.info("message %s sent to %s via %s", purpose or "-", mask_phone(phone), backend_name())


def outbox(*, limit: int = 50) -> list[OutboxMessage]:
    """The latest messages of the outbox, newest first."""
    return list(OutboxMessage.objects.order_by("-created_at", "-id")[:limit])
