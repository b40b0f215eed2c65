"""Every write to membership: registration, self-registration, approval (NIAK), rejection,
status changes, KK history, contact details and the KTP photo.

Each service is one transaction that writes its audit row (NIK, KK and phone numbers are masked
by `audit_record`). Invariants held twice, here with a clear error and in the database as a
named constraint: a NIK at most once per cooperative (`members_member_nik_once`), an active member
has a number (`members_member_active_has_number`), NIAKs unique per cooperative, NIK and phone
shapes. NIAKs are gapless because they come from the ledger's `Sequence` row "niak", taken under
a row lock only at the moment a member becomes active.
"""

import unicodedata
import uuid
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import active_grants
from kopdes.accounts.models import Role, User
from kopdes.accounts.rules import InvalidPhone, normalize_phone
from kopdes.accounts.services import role_assign
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.core.errors import NotFound
from kopdes.ledger.models import Sequence
from kopdes.members import rules
from kopdes.members.errors import (
    AlreadyRequested,
    InvalidKtpPhoto,
    InvalidMember,
    NikTaken,
    NoCooperativeHere,
    OutsideVillage,
    RequestNotPending,
    StatusChangeNotAllowed,
    SupervisorCannotRequest,
    UnknownVillage,
)
from kopdes.members.models import Member, MemberKK, MemberStatusChange
from kopdes.members.selectors import known_regions
from kopdes.regions.models import Village
from kopdes.regions.rules import InvalidRegionCode, parse_code

NIAK_SEQUENCE = "niak"
MEMBER_FIELDS = [
    "number",
    "full_name",
    "nik",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "domicile",
    "phone",
    "occupation",
    "kk_number",
    "marital_status",
    "status",
    "requested_on",
    "joined_on",
    "ended_on",
    "nik_warnings",
]


def village_by_code(code: str) -> Village:
    """A village from a dotted or digits-only code. Raises UnknownVillage."""
    try:
        parsed = parse_code(str(code or ""))
    except InvalidRegionCode:
        parsed = None
    village = Village.objects.filter(code=parsed.dotted).first() if parsed else None
    if village is None or parsed is None or parsed.village is None:
        raise UnknownVillage(
            fields={"domicile_code": [str(UnknownVillage.message) % {"code": code}]},
            code=str(code),
        )
    return village


def _domicile(cooperative: Cooperative, domicile_code: str | None) -> Village:
    """The membership rule: the domicile must be the cooperative's own desa/kelurahan."""
    village = cooperative.village if not domicile_code else village_by_code(domicile_code.strip())
    if village.pk != cooperative.village_id:
        raise OutsideVillage(village=str(cooperative.village), domicile=str(village))
    return village


def _nik_findings(
    *, cooperative: Cooperative, nik: str, sex: str, birth_date: date | None, known=None
) -> rules.NikCheck:
    return rules.nik_check(nik, sex=sex, birth_date=birth_date, known=known or known_regions())


def _clean_person(
    *,
    cooperative: Cooperative,
    full_name: str,
    nik: str,
    sex: str,
    birth_date: date | None,
    birth_place: str,
    address: str,
    phone: str,
    occupation: str,
    kk_number: str,
    known: rules.KnownRegions | None = None,
    marital_status: str = "",
    on: date | None = None,
) -> tuple[dict[str, Any], list[dict]]:
    """Check and normalise a person's data. Returns (clean values, NIK warnings); raises
    InvalidMember with every field's problems at once."""
    errors: dict[str, list[str]] = {}
    for key, value in (
        ("full_name", full_name),
        ("birth_place", birth_place),
        ("address", address),
        ("occupation", occupation),
    ):
        if value and any(
            unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in str(value)
        ):
            errors[key] = [_("Remove the control characters from this text.")]
    full_name = " ".join((full_name or "").split())
    if "full_name" in errors:
        pass
    elif not full_name:
        errors["full_name"] = [_("Enter the full name as on the KTP.")]
    elif len(full_name) > 150:
        errors["full_name"] = [_("The name is too long (at most 150 characters).")]
    if sex not in (rules.FEMALE, rules.MALE):
        errors["sex"] = [_("Choose female or male.")]
    if birth_date is None:
        errors["birth_date"] = [_("Enter the date of birth.")]
    elif birth_date > clock.today():
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    elif birth_date.year < 1900:
        errors["birth_date"] = [_("The date of birth is too far in the past.")]
    if marital_status and marital_status not in rules.MARITAL_STATUSES:
        errors["marital_status"] = [_("Choose a marital status as on the KTP.")]
    elif (
        birth_date is not None
        and "birth_date" not in errors
        and not rules.capable_of_legal_acts(
            birth_date=birth_date, marital_status=marital_status, on=on or clock.today()
        )
    ):
        errors["birth_date"] = [
            _(
                "A member must be capable of legal acts (UU 25/1992 art. 18): 17 years or "
                "older, or married."
            )
        ]
    address = " ".join((address or "").split())
    if "address" in errors:
        pass
    elif not address:
        errors["address"] = [_("Enter the address (street, RT/RW).")]
    elif len(address) > 300:
        errors["address"] = [_("The address is too long (at most 300 characters).")]
    nik = rules.nik_normalize(nik)
    check = _nik_findings(
        cooperative=cooperative,
        nik=nik,
        sex=sex,
        birth_date=birth_date if "birth_date" not in errors else None,
        known=known,
    )
    if check.errors:
        errors["nik"] = [issue.message for issue in check.errors]
    e164 = ""
    if phone and str(phone).strip():
        try:
            e164 = normalize_phone(str(phone))
        except InvalidPhone:
            errors["phone"] = [str(InvalidPhone.message)]
    kk_number = rules.kk_normalize(kk_number)
    if kk_number and not rules.kk_is_valid(kk_number):
        errors["kk_number"] = [_("A KK number has exactly 16 digits.")]
    birth_place = " ".join((birth_place or "").split())[:100]
    occupation = " ".join((occupation or "").split())[:100]
    if errors:
        raise InvalidMember(fields=errors)
    warnings = [issue.as_dict() for issue in check.warnings]
    clean = {
        "full_name": full_name,
        "nik": nik,
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": birth_place,
        "address": address,
        "phone": e164,
        "occupation": occupation,
        "kk_number": kk_number,
        "marital_status": marital_status,
    }
    return clean, warnings


def _check_nik_free(*, cooperative: Cooperative, nik: str, exclude: int | None = None) -> None:
    taken = Member.objects.filter(cooperative=cooperative, nik=nik).exclude(
        status=Member.Status.REJECTED
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    existing = taken.first()
    if existing is not None:
        raise NikTaken()


def _photo_content(photo: Any) -> tuple[bytes, str]:
    """Read an upload (a Django File, bytes) and check its type by magic bytes and its size."""
    if isinstance(photo, (bytes, bytearray)):
        data = bytes(photo)
    else:
        size = getattr(photo, "size", None)
        if size is not None and size > rules.KTP_PHOTO_MAX_BYTES:
            raise InvalidKtpPhoto(
                fields={"ktp_photo": [_("The KTP photo is larger than 2 MB: take a smaller one.")]}
            )
        if hasattr(photo, "seek"):
            photo.seek(0)
        data = photo.read(rules.KTP_PHOTO_MAX_BYTES + 1)
    if len(data) > rules.KTP_PHOTO_MAX_BYTES:
        raise InvalidKtpPhoto(
            fields={"ktp_photo": [_("The KTP photo is larger than 2 MB: take a smaller one.")]}
        )
    kind = rules.image_type(data[:16])
    if kind is None:
        raise InvalidKtpPhoto(
            fields={"ktp_photo": [_("The KTP photo must be a JPEG, PNG or WebP image.")]}
        )
    return data, kind


def _store_photo(member: Member, data: bytes, kind: str) -> None:
    """Store under MEDIA_ROOT with a random name (MEDIA_ROOT is never served; the member's KTP
    page streams it to authorised roles). The replaced file is removed once the change commits.
    Called after every check has passed, so a refusal leaves no file behind."""
    old = member.ktp_photo.name if member.ktp_photo else ""
    extension = "jpg" if kind == "jpeg" else kind
    member.ktp_photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    if old:
        storage = member.ktp_photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def _status_row(
    member: Member, *, actor: Actor, from_status: str, to_status: str, on: date, reason: str = ""
) -> MemberStatusChange:
    return MemberStatusChange.objects.create(
        cooperative_id=member.cooperative_id,
        member=member,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason,
        actor_label=actor_label(actor),
    )


def niak_take(*, cooperative: Cooperative, count: int = 1) -> int:
    """Reserve `count` consecutive NIAKs; returns the first. The caller holds the transaction.

    The sequence row lock serialises approvals and imports per cooperative, so numbers are
    gapless and never given twice (the unique constraint is the backstop).
    """
    sequence, _created = Sequence.objects.select_for_update().get_or_create(
        cooperative=cooperative, name=NIAK_SEQUENCE
    )
    first = sequence.last_value + 1
    Sequence.objects.filter(pk=sequence.pk).update(last_value=sequence.last_value + count)
    return first


def _create(
    *,
    actor: Actor,
    cooperative: Cooperative,
    user: Any,
    full_name: str,
    nik: str,
    sex: str,
    birth_date: date | None,
    birth_place: str,
    address: str,
    domicile_code: str | None,
    phone: str,
    occupation: str,
    kk_number: str,
    ktp_photo: Any,
    requested_on: date | None,
    action: str,
    marital_status: str = "",
) -> Member:
    clean, warnings = _clean_person(
        cooperative=cooperative,
        full_name=full_name,
        nik=nik,
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place,
        address=address,
        phone=phone,
        occupation=occupation,
        kk_number=kk_number,
        marital_status=marital_status,
        on=requested_on,
    )
    photo = _photo_content(ktp_photo) if ktp_photo else None
    domicile = _domicile(cooperative, domicile_code)
    _check_nik_free(cooperative=cooperative, nik=clean["nik"])
    on = requested_on or clock.today()
    member = Member(
        cooperative=cooperative,
        user=user,
        domicile=domicile,
        status=Member.Status.REQUESTED,
        requested_on=on,
        nik_warnings=warnings,
        **clean,
    )
    if photo:
        _store_photo(member, *photo)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent registration of the same NIK won the race
        if member.ktp_photo:
            member.ktp_photo.storage.delete(member.ktp_photo.name)
        raise NikTaken() from None
    _status_row(member, actor=actor, from_status="", to_status=Member.Status.REQUESTED, on=on)
    if clean["kk_number"]:
        MemberKK.objects.create(
            cooperative_id=cooperative.pk,
            member=member,
            kk_number=clean["kk_number"],
            valid_from=on,
        )
    audit_record(actor=actor, action=action, obj=member, after=snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def member_register(
    *,
    actor: Actor,
    cooperative: Cooperative,
    full_name: str,
    nik: str,
    sex: str,
    birth_date: date | None,
    birth_place: str = "",
    address: str,
    domicile_code: str | None = None,
    phone: str = "",
    occupation: str = "",
    kk_number: str = "",
    ktp_photo: Any = None,
    approve: bool = False,
    on: date | None = None,
    marital_status: str = "",
) -> Member:
    """An officer registers a person (status requested, or active at once with `approve=True`).

    `domicile_code` defaults to the cooperative's own desa/kelurahan. NIK findings that are only
    warnings (kecamatan not in today's list, date part vs birth date) are stored in
    `nik_warnings`. Nothing is said about the NIK in other cooperatives (outside the officer's
    scope), and NikTaken names nobody. Raises InvalidMember (fields), OutsideVillage,
    UnknownVillage, NikTaken, InvalidKtpPhoto; nothing is saved when any is raised.
    """
    member = _create(
        actor=actor,
        cooperative=cooperative,
        user=None,
        full_name=full_name,
        nik=nik,
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place,
        address=address,
        domicile_code=domicile_code,
        phone=phone,
        occupation=occupation,
        kk_number=kk_number,
        ktp_photo=ktp_photo,
        requested_on=on,
        action="member.register",
        marital_status=marital_status,
    )
    if approve:
        member = member_approve(actor=actor, member=member, on=on)
    return member


@transaction.atomic
def member_request(
    *,
    actor: User,
    village_code: str | None = None,
    cooperative: Cooperative | None = None,
    full_name: str,
    nik: str,
    sex: str,
    birth_date: date | None,
    birth_place: str = "",
    address: str,
    domicile_code: str | None = None,
    phone: str = "",
    occupation: str = "",
    kk_number: str = "",
    ktp_photo: Any = None,
    marital_status: str = "",
) -> Member:
    """A logged-in person (`actor`) asks to join the cooperative of `village_code` (or
    `cooperative`) from the member app: a requested membership linked to their account, pending
    an officer's approval. `phone` defaults to the account's. Raises SupervisorCannotRequest
    (any account with a live supervision grant, read-only or not), NoCooperativeHere,
    AlreadyRequested, and the errors of member_register (NikTaken names nobody).
    """
    if actor is not None and active_grants(actor).exists():
        raise SupervisorCannotRequest()
    if cooperative is None:
        village = village_by_code(village_code or "")
        cooperative = Cooperative.objects.select_related("village").filter(village=village).first()
        if cooperative is None:
            raise NoCooperativeHere(code=village.code)
    if (
        Member.objects.filter(cooperative=cooperative, user=actor)
        .exclude(status=Member.Status.REJECTED)
        .exists()
    ):
        raise AlreadyRequested()
    return _create(
        actor=actor,
        cooperative=cooperative,
        user=actor,
        full_name=full_name,
        nik=nik,
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place,
        address=address,
        domicile_code=domicile_code,
        phone=phone or getattr(actor, "phone", ""),
        occupation=occupation,
        kk_number=kk_number,
        ktp_photo=ktp_photo,
        requested_on=None,
        action="member.request",
        marital_status=marital_status,
    )


def _locked(member: Member) -> Member:
    return (
        Member.objects.select_for_update()
        .select_related("cooperative")
        .get(pk=member.pk, cooperative_id=member.cooperative_id)
    )


@transaction.atomic
def member_approve(*, actor: Actor, member: Member, on: date | None = None) -> Member:
    """Approve a requested membership: the next NIAK (gapless), joined on `on` (default today).

    Raises StatusChangeNotAllowed when the member is not in status requested.
    """
    # Lock the member first, then the sequence: the same order everywhere, so no deadlock.
    locked = _locked(member)
    if locked.status != Member.Status.REQUESTED:
        raise StatusChangeNotAllowed(
            current=locked.get_status_display(), target=Member.Status.ACTIVE.label
        )
    on = on or clock.today()
    before = snapshot(locked, MEMBER_FIELDS)
    locked.number = niak_take(cooperative=locked.cooperative)
    locked.status = Member.Status.ACTIVE
    locked.joined_on = on
    locked.save(update_fields=["number", "status", "joined_on", "updated_at"])
    _status_row(
        locked, actor=actor, from_status=Member.Status.REQUESTED, to_status=locked.status, on=on
    )
    audit_record(
        actor=actor,
        action="member.approve",
        obj=locked,
        before=before,
        after=snapshot(locked, MEMBER_FIELDS),
    )
    if locked.user is not None:
        # A member who asked from the app gets the anggota role, so the app and /me show the
        # cooperative to them.
        held = Role.objects.filter(
            cooperative=locked.cooperative,
            user=locked.user,
            kind=Role.Kind.ANGGOTA,
            ended_on__isnull=True,
        ).exists()
        if not held:
            role_assign(
                actor=actor,
                cooperative=locked.cooperative,
                user=locked.user,
                kind=Role.Kind.ANGGOTA,
                started_on=on,
            )
    return locked


@transaction.atomic
def member_reject(*, actor: Actor, member: Member, reason: str, on: date | None = None) -> Member:
    """Turn down a request, with the reason (told to the person). The NIK becomes free again for
    a later request. Raises InvalidMember (no reason), StatusChangeNotAllowed."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidMember(fields={"reason": [_("Give the reason for the rejection.")]})
    locked = _locked(member)
    if locked.status != Member.Status.REQUESTED:
        raise StatusChangeNotAllowed(
            current=locked.get_status_display(), target=Member.Status.REJECTED.label
        )
    on = on or clock.today()
    before = snapshot(locked, MEMBER_FIELDS)
    locked.status = Member.Status.REJECTED
    locked.ended_on = on
    locked.save(update_fields=["status", "ended_on", "updated_at"])
    _status_row(
        locked,
        actor=actor,
        from_status=Member.Status.REQUESTED,
        to_status=locked.status,
        on=on,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="member.reject",
        obj=locked,
        before=before,
        after=snapshot(locked, MEMBER_FIELDS),
        reason=reason,
    )
    return locked


@transaction.atomic
def member_status_change(
    *, actor: Actor, member: Member, status: str, on: date, reason: str
) -> Member:
    """End an active membership: resigned, deceased or expelled, on `on`, with the reason.

    Only active -> resigned/deceased/expelled is allowed here (approval and rejection have their
    own services). Resignation with refunds is the savings service's job; it calls this once
    the refunds are posted, in its own transaction. Raises InvalidMember (no reason, date before
    joining or in the future), StatusChangeNotAllowed.
    """
    locked = _locked(member)
    if locked.status != Member.Status.ACTIVE or status not in Member.ENDED:
        target = dict(Member.Status.choices).get(status, status)
        raise StatusChangeNotAllowed(current=locked.get_status_display(), target=target)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason.")]
    if on is None:
        errors["on"] = [_("Enter the date.")]
    elif locked.joined_on and on < locked.joined_on:
        errors["on"] = [_("The date cannot be before the member joined.")]
    elif on > clock.today():
        errors["on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidMember(fields=errors)
    before = snapshot(locked, MEMBER_FIELDS)
    previous = locked.status
    locked.status = status
    locked.ended_on = on
    locked.save(update_fields=["status", "ended_on", "updated_at"])
    _status_row(locked, actor=actor, from_status=previous, to_status=status, on=on, reason=reason)
    audit_record(
        actor=actor,
        action=f"member.{status}",
        obj=locked,
        before=before,
        after=snapshot(locked, MEMBER_FIELDS),
        reason=reason,
    )
    return locked


@transaction.atomic
def member_update_kk(
    *, actor: Actor, member: Member, kk_number: str, valid_from: date | None = None
) -> Member:
    """Record a new KK number (a family moved or split); the old one stays in the history.
    Raises InvalidMember."""
    kk = rules.kk_normalize(kk_number)
    if not rules.kk_is_valid(kk):
        raise InvalidMember(fields={"kk_number": [_("A KK number has exactly 16 digits.")]})
    valid_from = valid_from or clock.today()
    locked = _locked(member)
    if kk == locked.kk_number:
        return locked
    before = snapshot(locked, ["kk_number"])
    locked.kk_number = kk
    locked.save(update_fields=["kk_number", "updated_at"])
    MemberKK.objects.create(
        cooperative_id=locked.cooperative_id, member=locked, kk_number=kk, valid_from=valid_from
    )
    audit_record(
        actor=actor,
        action="member.kk_change",
        obj=locked,
        before=before,
        after=snapshot(locked, ["kk_number"]),
    )
    return locked


@transaction.atomic
def member_update_contact(
    *,
    actor: Actor,
    member: Member,
    phone: str | None = None,
    address: str | None = None,
    occupation: str | None = None,
) -> Member:
    """Change the phone number (stored E.164), address (within the same desa/kelurahan) or
    occupation; None leaves a field as it is. Raises InvalidMember."""
    errors: dict[str, list[str]] = {}
    locked = _locked(member)
    before = snapshot(locked, ["phone", "address", "occupation"])
    if phone is not None:
        try:
            locked.phone = normalize_phone(phone) if phone.strip() else ""
        except InvalidPhone:
            errors["phone"] = [str(InvalidPhone.message)]
    if address is not None:
        address = " ".join(address.split())
        if not address:
            errors["address"] = [_("Enter the address (street, RT/RW).")]
        elif len(address) > 300:
            errors["address"] = [_("The address is too long (at most 300 characters).")]
        locked.address = address
    if occupation is not None:
        locked.occupation = " ".join(occupation.split())[:100]
    if errors:
        raise InvalidMember(fields=errors)
    locked.save(update_fields=["phone", "address", "occupation", "updated_at"])
    audit_record(
        actor=actor,
        action="member.contact_change",
        obj=locked,
        before=before,
        after=snapshot(locked, ["phone", "address", "occupation"]),
    )
    return locked


@transaction.atomic
def member_set_ktp_photo(*, actor: Actor, member: Member, photo: Any) -> Member:
    """Store the KTP photo: JPEG, PNG or WebP by its magic bytes, at most 2 MB, kept privately
    under MEDIA_ROOT (never served directly). Raises InvalidKtpPhoto."""
    data, kind = _photo_content(photo)
    locked = _locked(member)
    _store_photo(locked, data, kind)
    locked.save(update_fields=["ktp_photo", "updated_at"])
    audit_record(
        actor=actor,
        action="member.ktp_photo",
        obj=locked,
        after={"ktp_photo": "stored", "type": kind, "bytes": len(data)},
    )
    return locked


def member_request_ktp_photo(*, actor: User, member: Member, photo: Any) -> Member:
    """The member app adds the KTP photo to the person's own pending request (`actor` is the
    request's account): `member_set_ktp_photo`'s checks. Raises RequestNotPending, NotFound
    (another person's membership), InvalidKtpPhoto."""
    if member.user_id != actor.pk:
        raise NotFound()
    if member.status != Member.Status.REQUESTED:
        raise RequestNotPending()
    if not photo:
        raise InvalidKtpPhoto(fields={"ktp_photo": [_("Choose the photo of the KTP.")]})
    return member_set_ktp_photo(actor=actor, member=member, photo=photo)
