"""One-time codes (OTP) sent by WhatsApp or SMS (`kopdes.core.messaging`) to prove that a person
holds a phone number: to activate a member's account, to register one, to reset the PIN
(ADR 0031).

6 digits, only their keyed hash (HMAC-SHA256 under the secret key, with the number and the
purpose) is stored; valid 5 minutes; 5 wrong attempts burn the code; used once; a new code for
the same number and purpose replaces the one before. Requests are throttled per number and per
address (`throttle.otp_phone`, `otp_address`), every request counted whether or not a code goes
out, so nothing tells whether a number is known. Failed checks count as failed logins of the
address (`throttle.login_address`).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts import throttle
from kopdes.accounts.errors import OtpExpired, OtpInvalid, OtpTooManyAttempts, Throttled
from kopdes.accounts.models import OneTimeCode, User
from kopdes.accounts.rules import normalize_phone
from kopdes.core.audit import audit_record
from kopdes.core.errors import ValidationFailed
from kopdes.core.messaging import message_send

LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
DIGITS = 6
Purpose = OneTimeCode.Purpose


class InvalidPurpose(ValidationFailed):
    code = "auth.otp_purpose_invalid"


def _digest(*, phone: str, purpose: str, code: str) -> str:
    message = f"otp\x00{phone}\x00{purpose}\x00{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _text(purpose: str, code: str) -> str:
    what = {
        Purpose.ACTIVATE: _("to activate your member account"),
        Purpose.REGISTER: _("to register"),
        Purpose.PIN_RESET: _("to reset your PIN"),
    }[Purpose(purpose)]
    return _(
        "Kopdes: your code %(what)s is %(code)s. Valid for 5 minutes. Never give this code to "
        "anyone, not even an officer."
    ) % {"what": what, "code": code}


def _refuse_while_waiting(limits: list[tuple[throttle.Limit, str | None]]) -> None:
    wait = max(throttle.wait_seconds(limit, key) for limit, key in limits)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))


def otp_request(*, phone: str, purpose: str, address: str | None, eligible: bool | None) -> None:
    """Someone asks for a code for `phone` and `purpose`. Counted per number and per address
    (429 `throttle.too_many_attempts` while either waits, the same for every number); then a code
    goes out only when `eligible` (decided by the caller for `activate`: a member with this
    number) or, when None, when the purpose fits the number's account: `register` without an
    account (a number that has one gets a notice instead of a code), `pin_reset` with an active
    one. The answer is the same either way. Raises InvalidPhone, InvalidPurpose, Throttled."""
    e164 = normalize_phone(phone)
    if purpose not in Purpose.values:
        raise InvalidPurpose(fields={"purpose": [_("Choose activate, register or pin_reset.")]})
    limits = [(throttle.otp_phone(), e164), (throttle.otp_address(), address)]
    _refuse_while_waiting(limits)
    for limit, key in limits:
        throttle.hit(limit, key)
    account = User.objects.filter(phone=e164).first()
    if eligible is None:
        if purpose == Purpose.REGISTER and account is not None:
            message_send(
                phone=e164,
                text=_(
                    "Kopdes: this number already has an account. Sign in with your password, "
                    "or reset your PIN from the app."
                ),
                purpose="register_notice",
            )
            return
        eligible = purpose == Purpose.REGISTER or (
            purpose == Purpose.PIN_RESET and account is not None and account.is_active
        )
    if eligible:
        otp_issue(phone=e164, purpose=purpose)


@transaction.atomic
def otp_issue(*, phone: str, purpose: str) -> None:
    """Make a code for `phone` (E.164) and `purpose`, replacing any live one, and send it."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    now = timezone.now()
    OneTimeCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).delete()
    row = OneTimeCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_digest(phone=phone, purpose=purpose, code=code),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    audit_record(
        actor=None,
        action="auth.otp_send",
        obj=row,
        after={"phone": phone, "purpose": purpose},
    )
    message_send(phone=phone, text=_text(purpose, code), purpose=f"otp.{purpose}")


def otp_check(*, phone: str, purpose: str, code: str, address: str | None) -> OneTimeCode:
    """The live code of `phone` (E.164) for `purpose` if `code` is it; not used yet (the caller
    uses it with `otp_use` in its transaction). Raises Throttled while the address waits,
    OtpInvalid (no live code, or another one), OtpExpired, OtpTooManyAttempts. A wrong code
    counts against the code and the address at once (committed: call it outside a transaction
    that the refusal rolls back)."""
    by_address = throttle.login_address()
    _refuse_while_waiting([(by_address, address)])
    row = (
        OneTimeCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        throttle.hit(by_address, address)
        raise OtpInvalid()
    if row.attempts >= MAX_ATTEMPTS:
        raise OtpTooManyAttempts()
    if row.expires_at <= timezone.now():
        raise OtpExpired()
    text = str(code or "").strip()
    good = len(text) == DIGITS and text.isascii() and text.isdigit()
    if not (
        good
        and hmac.compare_digest(row.code_hash, _digest(phone=phone, purpose=purpose, code=text))
    ):
        throttle.hit(by_address, address)
        if otp_fail(row) >= MAX_ATTEMPTS:
            raise OtpTooManyAttempts()
        raise OtpInvalid()
    return row


def otp_fail(row: OneTimeCode) -> int:
    """Count one wrong attempt on `row` (a wrong code, or a right code with wrong details, as a
    mismatched activation); returns the attempts so far."""
    OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    row.refresh_from_db(fields=["attempts"])
    return row.attempts


def otp_use(row: OneTimeCode) -> None:
    """Mark the checked code used, once (in the caller's transaction: a refusal after it leaves
    the code usable). A code used meanwhile by a concurrent request: OtpInvalid."""
    used = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise OtpInvalid()
