"""Token login for the member app, logout, and who am I."""

from datetime import date, datetime
from functools import partial
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from kopdes.accounts import devices
from kopdes.accounts.otp import LIFETIME
from kopdes.accounts.selectors import grants_of, roles_of
from kopdes.accounts.services import api_login_allowed, user_authenticate
from kopdes.accounts.tokens import token_revoke
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.audit import audit_record
from kopdes.core.errors import ValidationFailed
from kopdes.members import activation

router = Router(tags=["auth"])


class LoginIn(Schema):
    phone: str
    password: str
    device: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime


class RoleOut(Schema):
    cooperative: CooperativeRef
    kind: str
    label: str
    since: date


class GrantOut(Schema):
    agency: str
    organisation: str
    region_prefix: str
    read_only: bool
    cooperatives: list[CooperativeRef]


class MeOut(Schema):
    id: UUID
    full_name: str
    phone: str
    language: str
    roles: list[RoleOut]
    supervision: list[GrantOut]


@router.post("/auth/login", auth=None, response={200: TokenOut, **errors(401, 403, 429)})
def login(request, payload: LoginIn):
    """Exchange a phone number (08…, 628… or +628…) and password for a bearer token.

    Throttled (429 `auth.locked_out`): after five failures for one number, from anywhere, each
    attempt waits longer (a minute, doubling, at most 15 minutes); many failures from one
    address block it for 15 minutes. 403 `auth.password_change_required` after a password reset
    until the person has changed the temporary password on the website.
    """
    user = user_authenticate(
        phone=payload.phone, password=payload.password, address=getattr(request, "client_ip", None)
    )
    api_login_allowed(user)
    token, row = devices.sign_in(user=user, device=payload.device)
    return {"token": token, "expires_at": row.expires_at}


@router.post("/auth/logout", response={204: None, **errors(401)})
def logout(request):
    """Revoke the token used for this request."""
    token_revoke(token=request.api_token)
    audit_record(actor=request.user, action="auth.token_revoke", obj=request.user)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request):
    """The person, their roles in cooperatives and their supervision scopes."""
    user = request.user
    return {
        "id": user.public_id,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "roles": [
            {
                "cooperative": cooperative_ref(r.cooperative),
                "kind": r.kind,
                "label": r.get_kind_display(),
                "since": r.started_on,
            }
            for r in roles_of(user=user)
        ],
        "supervision": [
            {
                "agency": g.agency,
                "organisation": g.organisation,
                "region_prefix": g.region_prefix,
                "read_only": g.read_only,
                "cooperatives": [cooperative_ref(c) for c in g.cooperatives.all()],
            }
            for g in grants_of(user=user)
        ],
    }


# --- the member app's accounts (ADR 0031) ---------------------------------------------------

PHONE = Field(..., max_length=20, description="08…, 628… or +628…")
OTP = Field(..., max_length=10, description="The 6-digit code of the message")
PIN = Field(..., max_length=10, description="6 digits, not one repeated nor a sequence")
DEVICE = Field("", max_length=100, description="A label for this phone, e.g. its model")


class OtpIn(Schema):
    phone: str = PHONE
    purpose: str = Field(..., pattern="^(activate|register|pin_reset)$")


class OtpOut(Schema):
    message: str
    expires_in: int = Field(..., description="Seconds a code stays valid")


class ActivateIn(Schema):
    phone: str = PHONE
    otp: str = Field("", max_length=10, description="The code sent to the phone on record")
    activation_code: str = Field(
        "", max_length=20, description="Instead of `otp`: the code the cooperative printed"
    )
    nik: str = Field(..., max_length=20)
    birth_date: date
    password: str = Field(..., max_length=128)
    device: str = DEVICE


class RegisterIn(Schema):
    phone: str = PHONE
    otp: str = OTP
    full_name: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)
    device: str = DEVICE


class PinIn(Schema):
    pin: str = PIN
    device: str = DEVICE


class DeviceOut(Schema):
    device_id: UUID
    device_key: str = Field(..., description="Shown once: keep it on the phone only")


class UnlockIn(Schema):
    device_id: str = Field(..., max_length=64)
    device_key: str = Field(..., max_length=200)
    pin: str = PIN


class PinResetIn(Schema):
    phone: str = PHONE
    otp: str = OTP
    pin: str = PIN
    device: str = DEVICE


class DeviceTokenOut(TokenOut):
    device_id: UUID
    device_key: str


def _address(request) -> str | None:
    return getattr(request, "client_ip", None)


@router.post("/auth/otp", auth=None, response={202: OtpOut, **errors(429)})
def otp_request(request, payload: OtpIn):
    """Ask for a one-time code by WhatsApp/SMS for `activate` (a member in a cooperative's
    register, to the number on record), `register` (a new account) or `pin_reset`.

    Always 202 with the same body, whether or not the number is known or a code went out
    (nothing tells who is registered). 422 for a malformed number or purpose; 429
    `throttle.too_many_attempts` after too many requests for the number or from the address.
    A code is valid 5 minutes, 5 wrong attempts burn it, a new one replaces it.
    """
    activation.otp_request(phone=payload.phone, purpose=payload.purpose, address=_address(request))
    return Status(
        202,
        {
            "message": _(
                "If this number can receive a code, it was sent. It is valid for 5 minutes."
            ),
            "expires_in": int(LIFETIME.total_seconds()),
        },
    )


@router.post("/auth/activate", auth=None, response={201: TokenOut, **errors(400, 409, 429)})
def activate(request, payload: ActivateIn):
    """Activate the account of a member already in a cooperative's register, with `otp` (the
    code sent to the phone on record: `POST /auth/otp` with purpose `activate`) or
    `activation_code` (printed by the cooperative; then `phone` becomes the account's number).
    The NIK and date of birth must match the member. Every membership of the person (same NIK)
    is linked to the account; 201 with a bearer token, as `/auth/login`.

    400 `auth.otp_invalid`, `auth.otp_expired`, `auth.activation_code_invalid`,
    `auth.activation_code_expired`, `auth.activation_mismatch` (NIK or date of birth: the same
    whether or not the number is known); 409 `auth.already_active` (sign in with the password);
    422 `account.invalid` (the password, Django's validators), `request.invalid`; 429
    `auth.otp_too_many_attempts`, `throttle.too_many_attempts`.
    """
    if payload.activation_code:
        activate_with = partial(
            activation.member_activate_by_code, activation_code=payload.activation_code
        )
    elif payload.otp:
        activate_with = partial(activation.member_activate_by_otp, code=payload.otp)
    else:
        raise ValidationFailed(
            fields={"otp": [_("Give the code sent to the phone, or the activation code.")]}
        )
    _user, token, expires = activate_with(
        phone=payload.phone,
        nik=payload.nik,
        birth_date=payload.birth_date,
        password=payload.password,
        device=payload.device,
        address=_address(request),
    )
    return Status(201, {"token": token, "expires_at": expires})


@router.post("/auth/register", auth=None, response={201: TokenOut, **errors(400, 409, 429)})
def register(request, payload: RegisterIn):
    """Create an account with the code sent to the phone (`POST /auth/otp`, purpose
    `register`); 201 with a bearer token. Then `POST /members/requests` asks to join the
    cooperative of one's desa/kelurahan.

    400 `auth.otp_invalid`, `auth.otp_expired`; 409 `account.phone_taken`; 422
    `account.invalid` (name, password); 429 `auth.otp_too_many_attempts`,
    `throttle.too_many_attempts`.
    """
    _user, token, expires = devices.account_register(
        phone=payload.phone,
        code=payload.otp,
        full_name=payload.full_name,
        password=payload.password,
        device=payload.device,
        address=_address(request),
    )
    return Status(201, {"token": token, "expires_at": expires})


@router.post("/auth/pin", response={201: DeviceOut, **errors(401)})
def pin_set(request, payload: PinIn):
    """Set a 6-digit PIN for daily sign-in on this phone (after a password sign-in, whose token
    is then this phone's: disabling the phone ends it): 201 with the device's id and key, shown
    once; keep both on the phone. 422 `auth.pin_invalid` (not 6
    digits), `auth.pin_trivial` (one digit repeated, a sequence such as 123456 or 121212)."""
    device, key = devices.pin_set(
        user=request.user, pin=payload.pin, device=payload.device, token=request.api_token
    )
    return Status(201, {"device_id": device.public_id, "device_key": key})


@router.post("/auth/pin/unlock", auth=None, response={200: TokenOut, **errors(401, 403, 429)})
def pin_unlock(request, payload: UnlockIn):
    """Exchange the device id, its key and the PIN for a bearer token.

    401 `auth.device_invalid` (unknown device or wrong key: sign in with the password),
    `auth.pin_wrong` (`details.remaining`: attempts left); 403 `auth.device_locked` after five
    wrong PINs (sign in with the password and set a PIN again),
    `auth.password_change_required`; 429 `throttle.too_many_attempts` (the address).
    """
    _device, token, expires = devices.pin_unlock(
        device_id=payload.device_id,
        device_key=payload.device_key,
        pin=payload.pin,
        address=_address(request),
    )
    return {"token": token, "expires_at": expires}


@router.post("/auth/pin/reset", auth=None, response={201: DeviceTokenOut, **errors(400, 403, 429)})
def pin_reset(request, payload: PinResetIn):
    """A forgotten PIN: the code sent to the phone (`POST /auth/otp`, purpose `pin_reset`) and
    a new PIN; every earlier device of the person is disabled. 201 with the new device's id and
    key and a bearer token. 400 `auth.otp_invalid`, `auth.otp_expired`; 422 `auth.pin_invalid`,
    `auth.pin_trivial`; 403 `auth.password_change_required`; 429 as `/auth/otp`."""
    device, key, token, expires = devices.pin_reset(
        phone=payload.phone,
        code=payload.otp,
        pin=payload.pin,
        device=payload.device,
        address=_address(request),
    )
    return Status(
        201,
        {"device_id": device.public_id, "device_key": key, "token": token, "expires_at": expires},
    )


class MyDeviceOut(Schema):
    id: UUID
    label: str = Field(description="The label the app gave the phone (its model)")
    created_at: datetime
    last_used_at: datetime | None
    disabled_at: datetime | None
    active: bool = Field(description="The PIN unlocks on this phone")


def _my_device(row) -> dict:
    return {
        "id": row.public_id,
        "label": row.label,
        "created_at": row.created_at,
        "last_used_at": row.last_used_at,
        "disabled_at": row.disabled_at,
        "active": row.disabled_at is None,
    }


@router.get("/me/devices", response={200: list[MyDeviceOut], **errors(401)})
def my_devices(request):
    """The caller's phones with a PIN (the ones in use first): what the app's Akun tab lists."""
    return [_my_device(row) for row in devices.device_list(user=request.user)]


@router.post("/me/devices/{device_id}/disable", response={200: MyDeviceOut, **errors(401, 404)})
def my_device_disable(request, device_id: UUID):
    """Disable one of the caller's phones: its PIN no longer unlocks, that phone signs in with
    the password again. Disabling a disabled phone answers the same. 404 `request.not_found`
    for an unknown id or another person's phone."""
    return _my_device(devices.device_disable(actor=request.user, device_id=str(device_id)))


api.add_router("/", router)
