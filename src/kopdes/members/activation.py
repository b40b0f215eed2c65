"""Accounts for the members of the register (ADR 0031): a member who is in the cooperative's
register gets into the member app by proving their phone (a one-time code to the number on
record) or with an activation code the cooperative prints, plus their NIK and date of birth.

The account is found or made by phone number; every membership of the same person (the same
NIK, any cooperative) without an account is linked to it. A wrong NIK or date of birth answers
`auth.activation_mismatch` whether or not the number or member exists, and counts as a wrong
attempt of the code. Activation codes: 10 characters without look-alike letters, grouped
`XXXXX-XXXXX`, only their keyed hash kept, valid 30 days, used once, a new one replacing the old.
"""

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kopdes.accounts import otp, throttle
from kopdes.accounts.devices import sign_in
from kopdes.accounts.errors import AlreadyActive, InvalidPerson, Throttled
from kopdes.accounts.models import User
from kopdes.accounts.rules import normalize_phone
from kopdes.accounts.services import user_register, users_register
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, audit_records
from kopdes.members.errors import (
    ActivationCodeExpired,
    ActivationCodeInvalid,
    ActivationMismatch,
    ActivationNotAllowed,
)
from kopdes.members.models import ActivationCode, Member

ALPHABET = "ACDEFGHJKMNPQRTUVWXY346789"  # no 0/O, 1/I/L, 2/Z, 5/S, B/8
CODE_LENGTH = 10
CODE_DAYS = 30
CODE_ATTEMPTS = 5
ISSUABLE = (Member.Status.ACTIVE, Member.Status.REQUESTED)


def _code_digest(code: str) -> str:
    message = f"activation\x00{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_normalize(raw: str) -> str:
    """The code as typed (any case, with dashes or spaces) in its stored form."""
    return "".join(c for c in str(raw or "").upper() if c.isalnum())


def otp_request(*, phone: str, purpose: str, address: str | None) -> None:
    """`POST /api/v1/auth/otp`: a code for `activate` goes out only to a number on record in the
    register (any cooperative, not a rejected request); the other purposes as
    `accounts.otp.otp_request` decides. The caller always answers the same."""
    eligible = None
    if purpose == otp.Purpose.ACTIVATE:
        e164 = normalize_phone(phone)
        eligible = Member.objects.filter(phone=e164).exclude(status=Member.Status.REJECTED).exists()
    otp.otp_request(phone=phone, purpose=purpose, address=address, eligible=eligible)


def _has_account(member: Member) -> bool:
    return member.user is not None and member.user.has_usable_password()


@transaction.atomic
def activation_code_issue(*, actor: Actor, member: Member) -> tuple[str, ActivationCode]:
    """A new activation code for `member` (an officer prints it on a slip): returns the clear
    code (shown once, never stored) and its row; any earlier unused code is replaced. Raises
    ActivationNotAllowed (an ended or rejected membership), AlreadyActive (the member already
    signs in)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    if member.status not in ISSUABLE:
        raise ActivationNotAllowed()
    if _has_account(member):
        raise AlreadyActive()
    ActivationCode.objects.filter(member=member, used_at__isnull=True).delete()
    code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    row = ActivationCode.objects.create(
        cooperative_id=member.cooperative_id,
        member=member,
        code_hash=_code_digest(code),
        expires_at=timezone.now() + timedelta(days=CODE_DAYS),
        issued_by=actor_label(actor)[:200],
    )
    audit_record(
        actor=actor,
        action="member.activation_code_issue",
        obj=member,
        after={"expires_at": row.expires_at.isoformat()},
    )
    return f"{code[:5]}-{code[5:]}", row


def _refuse_while_waiting(address: str | None) -> None:
    wait = throttle.wait_seconds(throttle.login_address(), address)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))


def _matches(member: Member, *, nik: str, birth_date: date) -> bool:
    return hmac.compare_digest(member.nik, str(nik or "").strip()) and (
        member.birth_date == birth_date
    )


def _account_for(
    *, phone: str, member: Member, password: str, phone_on_record: bool
) -> tuple[User, list[Member]]:
    """Find or make the person's account and link their memberships (in the caller's
    transaction). Raises AlreadyActive, InvalidPerson."""
    memberships = list(
        Member.objects.select_for_update(of=("self",))
        .filter(nik=member.nik)
        .exclude(status=Member.Status.REJECTED)
        .select_related("user")
    )
    user = User.objects.select_for_update().filter(phone=phone).first()
    if user is None:
        user = next((m.user for m in memberships if m.user is not None), None)
    if user is not None and (user.has_usable_password() or not user.is_active):
        raise AlreadyActive()
    if user is None:
        user = user_register(
            actor=None, phone=phone, password=password, full_name=member.full_name, nik=member.nik
        )
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidPerson(fields={"password": list(exc.messages)}) from None
        user.set_password(password)
        user.nik = user.nik or member.nik
        user.save(update_fields=["password", "nik"])
    linked = [m for m in memberships if m.user_id in (None, user.pk)]
    Member.objects.filter(pk__in=[m.pk for m in linked]).update(user=user)
    if not phone_on_record and not member.phone:
        Member.objects.filter(pk=member.pk).update(phone=phone)
    audit_records(
        actor=user,
        action="member.activate",
        objs=linked,
        afters=[{"account": str(user.public_id), "phone": phone} for _m in linked],
    )
    return user, linked


def member_activate_by_otp(
    *,
    phone: str,
    code: str,
    nik: str,
    birth_date: date,
    password: str,
    device: str = "",
    address: str | None,
) -> tuple[User, str, datetime]:
    """Activate with the one-time code sent to the number on record: the NIK and date of birth
    must match a membership with this number. Returns the account, a bearer token and its
    expiry. Raises the OTP errors, ActivationMismatch, AlreadyActive, InvalidPerson."""
    e164 = normalize_phone(phone)
    code_row = otp.otp_check(phone=e164, purpose=otp.Purpose.ACTIVATE, code=code, address=address)
    candidates = Member.objects.filter(phone=e164).exclude(status=Member.Status.REJECTED)
    member = next((m for m in candidates if _matches(m, nik=nik, birth_date=birth_date)), None)
    if member is None:
        throttle.hit(throttle.login_address(), address)
        otp.otp_fail(code_row)
        raise ActivationMismatch()
    with transaction.atomic():
        otp.otp_use(code_row)
        user, _linked = _account_for(
            phone=e164, member=member, password=password, phone_on_record=True
        )
        token, row = sign_in(user=user, device=device)
    return user, token, row.expires_at


def member_activate_by_code(
    *,
    activation_code: str,
    phone: str,
    nik: str,
    birth_date: date,
    password: str,
    device: str = "",
    address: str | None,
) -> tuple[User, str, datetime]:
    """Activate with the code the cooperative printed: the NIK and date of birth must be the
    code's member's; `phone` becomes the account's number (and the member's, when the register
    had none). Raises ActivationCodeInvalid, ActivationCodeExpired, ActivationMismatch,
    AlreadyActive, InvalidPerson, InvalidPhone, Throttled."""
    _refuse_while_waiting(address)
    e164 = normalize_phone(phone)
    by_address = throttle.login_address()
    normalized = code_normalize(activation_code)
    row = (
        ActivationCode.objects.select_related("member")
        .filter(code_hash=_code_digest(normalized), used_at__isnull=True)
        .first()
        if len(normalized) == CODE_LENGTH
        else None
    )
    if row is None or row.attempts >= CODE_ATTEMPTS:
        throttle.hit(by_address, address)
        raise ActivationCodeInvalid()
    if row.expires_at <= timezone.now():
        raise ActivationCodeExpired()
    if row.member.status not in ISSUABLE or not _matches(
        row.member, nik=nik, birth_date=birth_date
    ):
        throttle.hit(by_address, address)
        ActivationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise ActivationMismatch()
    with transaction.atomic():
        used = ActivationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise ActivationCodeInvalid()
        user, _linked = _account_for(
            phone=e164, member=row.member, password=password, phone_on_record=False
        )
        token, token_row = sign_in(user=user, device=device)
    return user, token, token_row.expires_at


@transaction.atomic
def member_accounts_open(*, actor: Actor, cooperative_id: int, password_hash: str) -> int:
    """Give every member of a cooperative who has a phone number and no account one, at once,
    all with one password hash (`users_register`: a trusted bulk caller's, the demo's), and
    link it; a person whose number already has an account (an officer who is also a member) is
    linked, not registered twice. Returns how many memberships were linked. One
    `member.activate` audit row per membership."""
    members = list(
        Member.objects.filter(cooperative_id=cooperative_id, user__isnull=True)
        .exclude(phone="")
        .exclude(status=Member.Status.REJECTED)
        .order_by("id")
    )
    if not members:
        return 0
    accounts = {u.phone: u for u in User.objects.filter(phone__in={m.phone for m in members})}
    people = {
        m.phone: {"phone": m.phone, "full_name": m.full_name, "nik": m.nik}
        for m in members
        if m.phone not in accounts
    }
    for user in users_register(
        actor=actor, people=list(people.values()), password_hash=password_hash
    ):
        accounts[user.phone] = user
    for member in members:
        member.user = accounts[member.phone]
    Member.objects.bulk_update(members, ["user"])
    audit_records(
        actor=actor,
        action="member.activate",
        objs=members,
        afters=[{"account": str(accounts[m.phone].public_id), "phone": m.phone} for m in members],
    )
    return len(members)
