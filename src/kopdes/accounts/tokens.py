"""API tokens: random, shown once, stored as SHA-256, expiring, revocable; tied to the phone
they were issued on when it is known, so that disabling the phone ends them."""

import functools
import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from kopdes.accounts.models import ApiToken, Device, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(
    *, user: User, label: str = "", ttl: timedelta | None = None, device: Device | None = None
) -> tuple[str, ApiToken]:
    """Create a token for `user` (on `device`, a phone with a PIN, when known); returns the
    clear token (never stored) and its row."""
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        key_hash=_digest(token),
        prefix=token[:8],
        label=label[:100],
        expires_at=timezone.now() + (ttl or settings.KOPDES_API_TOKEN_TTL),
        device=device,
    )
    return token, row


def token_bind(*, token: str, device: Device) -> None:
    """Tie a live token of the device's person to the phone (the PIN was just set on it)."""
    ApiToken.objects.filter(
        key_hash=_digest(token), user_id=device.user_id, revoked_at__isnull=True
    ).update(device=device)


def tokens_revoke_on(devices: Iterable[int]) -> int:
    """Revoke the live tokens issued on these phones (their ids); returns how many."""
    return ApiToken.objects.filter(device_id__in=list(devices), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_user(token: str) -> User | None:
    """The active user a live token belongs to, or None (absent, expired, revoked, inactive user).

    The member app's every request asks this: one statement written once (not built by the ORM
    on each call, which cost more than the query itself: docs/benchmarks.md, member home), that
    also says whether the token's last use is older than five minutes (then it is written)."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(now - _LAST_USE), _digest(token), adapt(now), True]
    rows = list(User.objects.raw(_token_sql(), params))
    if not rows:
        return None
    user = rows[0]
    if user.token_stale:  # type: ignore[attr-defined]  # the statement's column
        ApiToken.objects.filter(pk=user.token_pk).update(last_used_at=now)  # type: ignore[attr-defined]
    return user


_LAST_USE = timedelta(minutes=5)


@functools.cache
def _token_sql() -> str:
    q = connection.ops.quote_name
    token, user = q(ApiToken._meta.db_table), q(User._meta.db_table)
    return (
        f"SELECT {user}.*, {token}.id AS token_pk, "  # noqa: S608 - our tables, fixed text
        f"CASE WHEN {token}.last_used_at IS NULL OR {token}.last_used_at < %s THEN 1 ELSE 0 END"
        f" AS token_stale FROM {token} INNER JOIN {user} ON {user}.id = {token}.user_id "
        f"WHERE {token}.key_hash = %s AND {token}.revoked_at IS NULL AND {token}.expires_at > %s"
        f" AND {user}.is_active = %s LIMIT 1"
    )


def token_revoke(*, token: str) -> bool:
    return bool(
        ApiToken.objects.filter(key_hash=_digest(token), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
