"""The member app's daily sign-in: a PIN on a device (ADR 0031).

After a password sign-in (or an activation) the app sets a 6-digit PIN (`pin_set`): the server
keeps a new `Device` with a random device key (returned once; only its SHA-256 is stored) and the
PIN hashed like a password. `pin_unlock` takes the device id, its key and the PIN and gives a
bearer token; five wrong PINs disable the device (the password is needed again). A forgotten PIN
is reset with a one-time code to the phone (`pin_reset`): every earlier device of the person is
disabled and a new one made. Trivial PINs are refused (`rules.pin_check`). Every change is
audited, never the PIN, code or key. Registration with a code is `account_register`.

The person sees their phones with a PIN (`device_list`) and disables one they lost or no longer
use (`device_disable`): only their own; another person's device is not found.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts import otp, throttle
from kopdes.accounts.errors import (
    DeviceInvalid,
    DeviceLocked,
    OtpInvalid,
    Throttled,
    WrongPin,
)
from kopdes.accounts.models import ApiToken, Device, User
from kopdes.accounts.rules import normalize_phone, pin_check
from kopdes.accounts.services import api_login_allowed, user_register
from kopdes.accounts.tokens import token_bind, token_issue, tokens_revoke_on
from kopdes.core.audit import audit_record
from kopdes.core.errors import NotFound

PIN_ATTEMPTS = 5


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sign_in(*, user: User, device: str = "", phone: Device | None = None) -> tuple[str, ApiToken]:
    """A bearer token for `user` (the app's `device` label; `phone`, the device row, when the
    token is for a phone with a PIN), audited as `auth.token_issue` (the password login, a PIN
    unlock, an activation, a registration)."""
    token, row = token_issue(user=user, label=device or _("member app"), device=phone)
    audit_record(
        actor=user, action="auth.token_issue", obj=user, after={"token_prefix": row.prefix}
    )
    return token, row


def _device_new(*, user: User, pin: str, label: str) -> tuple[Device, str]:
    key = secrets.token_urlsafe(32)
    device = Device.objects.create(
        user=user,
        label=label[:100],
        key_hash=_key_digest(key),
        pin_hash=make_password(pin),
    )
    return device, key


@transaction.atomic
def pin_set(
    *, user: User, pin: str, device: str = "", token: str | None = None
) -> tuple[Device, str]:
    """Set a PIN on a new device of `user` (signed in with the password, `token` the sign-in's
    bearer token, then tied to the phone): returns the device and its key (shown once). Raises
    InvalidPin, TrivialPin."""
    pin_check(pin)
    row, key = _device_new(user=user, pin=pin, label=device)
    if token:
        token_bind(token=token, device=row)
    audit_record(
        actor=user, action="device.pin_set", obj=row, after={"label": row.label, "device": True}
    )
    return row, key


def _refuse_while_waiting(address: str | None) -> None:
    wait = throttle.wait_seconds(throttle.login_address(), address)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))


def pin_unlock(
    *, device_id: str, device_key: str, pin: str, address: str | None
) -> tuple[Device, str, datetime]:
    """Unlock with the PIN: returns the device, a bearer token and its expiry. An unknown
    device, a wrong key or a disabled device's key all answer DeviceInvalid (nothing told);
    a wrong PIN WrongPin (with the attempts left), the fifth DeviceLocked (the device is
    disabled). Failures count as failed logins of the address."""
    _refuse_while_waiting(address)
    by_address = throttle.login_address()
    try:
        public_id = uuid.UUID(str(device_id))
    except ValueError:
        public_id = None
    row = (
        Device.objects.select_related("user").filter(public_id=public_id).first()
        if public_id
        else None
    )
    if (
        row is None
        or not hmac.compare_digest(row.key_hash, _key_digest(str(device_key or "")))
        or not row.user.is_active
    ):
        throttle.hit(by_address, address)
        raise DeviceInvalid()
    if row.disabled_at is not None:
        raise DeviceLocked()
    if not check_password(str(pin or ""), row.pin_hash):
        throttle.hit(by_address, address)
        Device.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
        row.refresh_from_db(fields=["failed_attempts"])
        if row.failed_attempts >= PIN_ATTEMPTS:
            _disable(row)
            raise DeviceLocked()
        raise WrongPin(remaining=PIN_ATTEMPTS - row.failed_attempts)
    api_login_allowed(row.user)
    with transaction.atomic():
        row.failed_attempts = 0
        row.last_used_at = timezone.now()
        row.save(update_fields=["failed_attempts", "last_used_at"])
        token, token_row = sign_in(user=row.user, device=row.label, phone=row)
    return row, token, token_row.expires_at


@transaction.atomic
def _disable(row: Device) -> None:
    """Five wrong PINs: the phone is locked and its sessions end (whoever guesses may hold it)."""
    updated = Device.objects.filter(pk=row.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now()
    )
    if updated:
        revoked = tokens_revoke_on([row.pk])
        audit_record(
            actor=row.user,
            action="device.locked",
            obj=row,
            after={"failed_attempts": row.failed_attempts, "tokens_revoked": revoked},
        )


def pin_reset(
    *, phone: str, code: str, pin: str, device: str, address: str | None
) -> tuple[Device, str, str, datetime]:
    """A forgotten PIN: the one-time code sent for `pin_reset` proves the phone; every earlier
    device of the person is disabled, a new one made. Returns the device, its key, a token and
    its expiry. Raises InvalidPin, TrivialPin, the OTP errors, PasswordChangeRequired."""
    pin_check(pin)
    e164 = normalize_phone(phone)
    code_row = otp.otp_check(phone=e164, purpose=otp.Purpose.PIN_RESET, code=code, address=address)
    user = User.objects.filter(phone=e164, is_active=True).first()
    if user is None:  # deactivated since the code went out
        raise OtpInvalid()
    api_login_allowed(user)
    with transaction.atomic():
        otp.otp_use(code_row)
        earlier = Device.objects.filter(user=user, disabled_at__isnull=True)
        phones = list(earlier.values_list("pk", flat=True))
        disabled = earlier.update(disabled_at=timezone.now())
        revoked = tokens_revoke_on(phones)
        row, key = _device_new(user=user, pin=pin, label=device)
        audit_record(
            actor=user,
            action="device.pin_reset",
            obj=row,
            after={"label": row.label, "devices_disabled": disabled, "tokens_revoked": revoked},
        )
        token, token_row = sign_in(user=user, device=row.label, phone=row)
    return row, key, token, token_row.expires_at


def account_register(
    *, phone: str, code: str, full_name: str, password: str, device: str, address: str | None
) -> tuple[User, str, datetime]:
    """Self-registration from the member app: the one-time code sent for `register` proves the
    phone; the account is made with the password (Django's validators) and signed in. Asking to
    join a cooperative comes next (`POST /api/v1/members/requests`). Raises the OTP errors and
    `user_register`'s (InvalidPerson, PhoneTaken); a refusal after the code leaves it usable."""
    e164 = normalize_phone(phone)
    code_row = otp.otp_check(phone=e164, purpose=otp.Purpose.REGISTER, code=code, address=address)
    with transaction.atomic():
        otp.otp_use(code_row)
        user = user_register(actor=None, phone=e164, password=password, full_name=full_name)
        token, token_row = sign_in(user=user, device=device)
    return user, token, token_row.expires_at


def device_list(*, user: User) -> QuerySet[Device]:
    """The person's phones with a PIN, the ones in use first, the newest first."""
    return Device.objects.filter(user=user).order_by(
        F("disabled_at").desc(nulls_first=True), "-created_at", "-id"
    )


@transaction.atomic
def device_disable(*, actor: User, device_id: str) -> Device:
    """Disable one of `actor`'s own phones: its PIN no longer unlocks (the password is needed on
    that phone again) and the sessions opened on it end (their tokens revoked: a lost phone
    keeps nothing open). Disabling a disabled phone changes nothing (and writes no audit row).
    Raises NotFound for an unknown id or another person's device (the same answer)."""
    try:
        public_id = uuid.UUID(str(device_id))
    except ValueError:
        raise NotFound() from None
    row = Device.objects.select_for_update().filter(user=actor, public_id=public_id).first()
    if row is None:
        raise NotFound()
    if row.disabled_at is None:
        row.disabled_at = timezone.now()
        row.save(update_fields=["disabled_at"])
        revoked = tokens_revoke_on([row.pk])
        audit_record(
            actor=actor,
            action="device.disable",
            obj=row,
            before={"disabled_at": None},
            after={
                "label": row.label,
                "disabled_at": row.disabled_at.isoformat(),
                "tokens_revoked": revoked,
            },
        )
    return row
