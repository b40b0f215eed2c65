"""The one throttling mechanism: logins, the old password on the password change, one-time
reset codes, one-time codes (OTP) and the member app's self-registration all count attempts
here (ADR 0004). Failed codes, PINs and activations count as failed logins of the address.

A `Limit` lets `free` attempts through; each further attempt makes the key wait, `delay` at
first, doubling each time up to `max_delay` (a fixed block is `delay == max_delay`). A key that
stays quiet for `window` starts again from zero; a success may `clear` it. Counters live in the
database (`ThrottleCounter`), so every worker process sees the same counts, and the key is
stored as an HMAC under the secret key (phone numbers and addresses are never stored in clear).
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kopdes.accounts.errors import Throttled
from kopdes.accounts.models import ThrottleCounter


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    free: int
    window: timedelta
    delay: timedelta
    max_delay: timedelta

    def wait_after(self, count: int) -> timedelta:
        """How long the key must wait after its `count`-th attempt (zero while free)."""
        if count < self.free:
            return timedelta(0)
        doublings = min(count - self.free, 30)
        return min(self.delay * (2**doublings), self.max_delay)


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=getattr(settings, name, default))


def _limit(scope: str, free: int, window: timedelta, delay: timedelta, max_delay: timedelta):
    return Limit(scope=scope, free=free, window=window, delay=delay, max_delay=max_delay)


def login_account() -> Limit:
    """Failed logins for one phone number, from anywhere: a growing delay, never a long lock, so
    nobody can keep a ketua out by failing on purpose for long."""
    return _limit(
        "login.account",
        settings.KOPDES_LOGIN_FAILURE_LIMIT,
        timedelta(hours=24),
        timedelta(minutes=1),
        _minutes("KOPDES_LOGIN_MAX_DELAY_MINUTES", 15),
    )


def login_address() -> Limit:
    """Failed logins from one address, whatever the phone number (password spraying)."""
    return _limit(
        "login.address",
        settings.KOPDES_LOGIN_ADDRESS_LIMIT,
        timedelta(minutes=15),
        timedelta(minutes=15),
        timedelta(minutes=15),
    )


def password_check() -> Limit:
    """Wrong old passwords on the password change, and wrong one-time reset codes, per account."""
    return _limit(
        "password.account",
        settings.KOPDES_LOGIN_FAILURE_LIMIT,
        timedelta(hours=24),
        timedelta(minutes=1),
        _minutes("KOPDES_LOGIN_MAX_DELAY_MINUTES", 15),
    )


def member_request_account() -> Limit:
    """Self-registrations from one account (every attempt counts, success or not)."""
    return _limit(
        "member_request.account",
        settings.KOPDES_MEMBER_REQUEST_LIMIT,
        timedelta(hours=24),
        timedelta(hours=1),
        timedelta(hours=24),
    )


def member_request_address() -> Limit:
    """Self-registrations from one address (every attempt counts)."""
    return _limit(
        "member_request.address",
        settings.KOPDES_MEMBER_REQUEST_ADDRESS_LIMIT,
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=1),
    )


def loan_simulation_address() -> Limit:
    """Public loan simulations (the API's and the public page's) from one address (every one
    counts): after the free ones a minute's wait, doubling up to 15 minutes; quiet for 10
    minutes, the count starts again."""
    return _limit(
        "loan_simulation.address",
        settings.KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT,
        timedelta(minutes=10),
        timedelta(minutes=1),
        timedelta(minutes=15),
    )


def payment_notify_address() -> Limit:
    """Refused payment notifications (a forged signature, an unreadable body, an unknown
    provider) from one address: after the free ones the address waits a minute, doubling up to
    15 minutes; quiet for 10 minutes, the count starts again. Genuine notifications are not
    counted, so a busy provider is never slowed down by its own traffic."""
    return _limit(
        "payment_notify.address",
        settings.KOPDES_PAYMENT_NOTIFY_ADDRESS_LIMIT,
        timedelta(minutes=10),
        timedelta(minutes=1),
        timedelta(minutes=15),
    )


def otp_phone() -> Limit:
    """One-time codes sent to one phone number (every request counts, whether or not a code
    goes out, so the answer says nothing about the number): after the free ones in an hour,
    5 minutes' wait, doubling up to an hour."""
    return _limit(
        "otp.phone",
        settings.KOPDES_OTP_PHONE_LIMIT,
        timedelta(hours=1),
        timedelta(minutes=5),
        timedelta(hours=1),
    )


def otp_address() -> Limit:
    """One-time code requests from one address, whatever the number: then an hour's block."""
    return _limit(
        "otp.address",
        settings.KOPDES_OTP_ADDRESS_LIMIT,
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=1),
    )


def _hash(limit: Limit, key: str) -> str:
    message = f"{limit.scope}\x00{key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def wait_seconds(limit: Limit, key: str | None) -> int:
    """Seconds `key` must still wait under `limit` (0: it may try now). No key, no limit."""
    if not key:
        return 0
    row = ThrottleCounter.objects.filter(scope=limit.scope, key_hash=_hash(limit, key)).first()
    now = timezone.now()
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, math.ceil((row.blocked_until - now).total_seconds()))


def hit(limit: Limit, key: str | None) -> int:
    """Count one attempt for `key`; returns the seconds it must now wait (0 while free)."""
    if not key:
        return 0
    now = timezone.now()
    key_hash = _hash(limit, key)
    with transaction.atomic():
        row = (
            ThrottleCounter.objects.select_for_update()
            .filter(scope=limit.scope, key_hash=key_hash)
            .first()
        )
        if row is None:
            _prune(now)
            try:
                with transaction.atomic():
                    row = ThrottleCounter.objects.create(
                        scope=limit.scope, key_hash=key_hash, count=0, last_at=now
                    )
            except IntegrityError:  # a concurrent first attempt created it
                row = ThrottleCounter.objects.select_for_update().get(
                    scope=limit.scope, key_hash=key_hash
                )
        if now - row.last_at > limit.window:
            row.count = 0
        row.count += 1
        row.last_at = now
        wait = limit.wait_after(row.count)
        row.blocked_until = now + wait if wait else None
        row.save(update_fields=["count", "last_at", "blocked_until"])
    return math.ceil(wait.total_seconds())


STALE_AFTER = timedelta(days=2)  # longer than every window and every wait


def _prune(now) -> None:
    """Forget counters nobody has touched for a while (run when a new key first shows up, so
    the table holds only recent keys)."""
    ThrottleCounter.objects.filter(last_at__lt=now - STALE_AFTER).delete()


def clear(limit: Limit, key: str | None) -> None:
    """Forget `key`'s attempts (after a successful login, say)."""
    if key:
        ThrottleCounter.objects.filter(scope=limit.scope, key_hash=_hash(limit, key)).delete()


def attempt(limit: Limit, key: str | None) -> None:
    """Count one attempt for `key`, or refuse it (429 `throttle.too_many_attempts`, nothing
    counted) while the key must still wait."""
    wait = wait_seconds(limit, key)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))
    hit(limit, key)


def refuse_while_waiting(limit: Limit, key: str | None) -> None:
    """Refuse (429 `throttle.too_many_attempts`) while `key` must still wait; count nothing
    (the caller `hit`s only the attempts that fail, like a login's wrong passwords)."""
    wait = wait_seconds(limit, key)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))
