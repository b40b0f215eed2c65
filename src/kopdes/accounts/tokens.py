"""API tokens: random, shown once, stored as SHA-256, expiring, revocable."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kopdes.accounts.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(
    *, user: User, label: str = "", ttl: timedelta | None = None
) -> tuple[str, ApiToken]:
    """Create a token for `user`; returns the clear token (never stored) and its row."""
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        key_hash=_digest(token),
        prefix=token[:8],
        label=label[:100],
        expires_at=timezone.now() + (ttl or settings.KOPDES_API_TOKEN_TTL),
    )
    return token, row


def token_user(token: str) -> User | None:
    """The active user a live token belongs to, or None (absent, expired, revoked, inactive user)."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_digest(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def token_revoke(*, token: str) -> bool:
    return bool(
        ApiToken.objects.filter(key_hash=_digest(token), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
