"""Writes about people: registration, roles with the organ rules, employees, supervision grants.

Each service is one transaction and writes its audit row; NIK, KK and phone numbers are masked
in the audit log.
"""

import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import date

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import identify_hasher, is_password_usable
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts import throttle
from kopdes.accounts.errors import (
    CannotResetPassword,
    InvalidCredentials,
    InvalidGrant,
    InvalidPerson,
    InvalidRole,
    LockedOut,
    PasswordChangeRequired,
    PengawasChairNotVillageHead,
    PengawasHandlesMoney,
    PengurusAndPengawas,
    PhoneTaken,
    RoleAlreadyHeld,
    SeatTaken,
    SelfAppointment,
    VillageOfficialAsPengurus,
)
from kopdes.accounts.models import ApiToken, Employee, Role, SupervisionGrant, User, VillageOffice
from kopdes.accounts.rules import normalize_phone
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record, audit_records, snapshot
from kopdes.core.errors import ValidationFailed
from kopdes.regions.models import District, Province, Regency, Village

PERSON_FIELDS = [
    "phone",
    "full_name",
    "nik",
    "kk_number",
    "language",
    "village_office",
    "is_active",
]
SINGLE_SEATS = {
    "ketua",
    "sekretaris",
    "bendahara",
    "wakil_usaha",
    "wakil_anggota",
    "ketua_pengawas",
}
# Roles that handle cash or keep the books: never held by a pengawas (separation of duties).
MONEY_ROLES = frozenset({"bendahara", "kasir", "manajer"})


def _person_errors(
    *, full_name: str, nik: str, kk_number: str, village_office: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not full_name.strip() or len(full_name) > 150:
        errors["full_name"] = [_("Enter the full name (at most 150 characters).")]
    if nik and not re.fullmatch(r"\d{16}", nik):
        errors["nik"] = [_("A NIK has exactly 16 digits.")]
    if kk_number and not re.fullmatch(r"\d{16}", kk_number):
        errors["kk_number"] = [_("A KK number has exactly 16 digits.")]
    if village_office and village_office not in VillageOffice.values:
        errors["village_office"] = [_("Unknown village office.")]
    return errors


def _usable_hash(encoded: str) -> bool:
    """`encoded` is a usable password hash of one of the configured hashers."""
    try:
        identify_hasher(encoded)
    except ValueError:
        return False
    return is_password_usable(encoded)


@transaction.atomic
def user_register(
    *,
    actor: Actor,
    phone: str,
    password: str | None,
    full_name: str,
    nik: str = "",
    kk_number: str = "",
    village_office: str = "",
    language: str = "id",
    password_hash: str | None = None,
) -> User:
    """Register a person who may log in. Raises InvalidPhone, PhoneTaken, InvalidPerson.

    `password=None` creates an account that cannot log in until a password is set.
    `password_hash` (instead of `password`) is for trusted bulk callers that register many
    accounts with one password, hashed once by them with `make_password` (the demo: hashing
    the documented demo password with argon2 for each of its 2,200 accounts would take
    minutes). It must be the encoding of a configured hasher; it is not checked against the
    password validators, so it never comes from a form or the API.
    """
    user = _new_user(
        phone=phone,
        password=password,
        full_name=full_name,
        nik=nik,
        kk_number=kk_number,
        village_office=village_office,
        language=language,
        password_hash=password_hash,
    )
    if User.objects.filter(phone=user.phone).exists():
        raise PhoneTaken()
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise PhoneTaken() from None
    audit_record(
        actor=actor, action="person.register", obj=user, after=snapshot(user, PERSON_FIELDS)
    )
    return user


def _new_user(
    *,
    phone: str,
    password: str | None,
    full_name: str,
    nik: str,
    kk_number: str,
    village_office: str,
    language: str,
    password_hash: str | None,
) -> User:
    """The unsaved person of `user_register`, checked (InvalidPhone, InvalidPerson); no
    password set yet."""
    e164 = normalize_phone(phone)
    errors = _person_errors(
        full_name=full_name, nik=nik, kk_number=kk_number, village_office=village_office
    )
    if language not in ("id", "en"):
        errors["language"] = [_("Choose Bahasa Indonesia or English.")]
    user = User(
        phone=e164,
        full_name=full_name.strip(),
        nik=nik,
        kk_number=kk_number,
        village_office=village_office,
        language=language,
    )
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if password_hash is not None and (password is not None or not _usable_hash(password_hash)):
        errors["password"] = [_("Give either a password or the hash of one.")]
    if errors:
        raise InvalidPerson(fields=errors)
    return user


@transaction.atomic
def users_register(
    *, actor: Actor, people: Sequence[Mapping[str, str]], password_hash: str
) -> list[User]:
    """`user_register(actor=actor, password=None, password_hash=password_hash, **person)` for
    each of `people` (phone, full_name and optionally nik, kk_number, village_office, language),
    at once: all or none. For trusted bulk callers (the demo's boards): one query for the phones
    taken, one INSERT of the people and one of their `person.register` audit rows; the rows are
    the ones the single calls would write. A phone given twice, or already taken: PhoneTaken."""
    users = [
        _new_user(
            phone=person["phone"],
            password=None,
            full_name=person["full_name"],
            nik=person.get("nik", ""),
            kk_number=person.get("kk_number", ""),
            village_office=person.get("village_office", ""),
            language=person.get("language", "id"),
            password_hash=password_hash,
        )
        for person in people
    ]
    phones = [user.phone for user in users]
    if len(set(phones)) < len(phones) or User.objects.filter(phone__in=phones).exists():
        raise PhoneTaken()
    for user in users:
        user.password = password_hash
    try:
        with transaction.atomic():
            User.objects.bulk_create(users)
    except IntegrityError:
        raise PhoneTaken() from None
    audit_records(
        actor=actor,
        action="person.register",
        objs=users,
        afters=[snapshot(user, PERSON_FIELDS) for user in users],
    )
    return users


@transaction.atomic
def user_set_language(*, actor: Actor, user: User, language: str) -> User:
    if language not in ("id", "en"):
        raise InvalidPerson(fields={"language": [_("Choose Bahasa Indonesia or English.")]})
    before = snapshot(user, ["language"])
    user.language = language
    user.save(update_fields=["language"])
    audit_record(
        actor=actor,
        action="person.set_language",
        obj=user,
        before=before,
        after={"language": language},
    )
    return user


@transaction.atomic
def role_assign(
    *, actor: Actor, cooperative: Cooperative, user: User, kind: str, started_on: date | None = None
) -> Role:
    """Give `user` a role in `cooperative`, enforcing the organ rules of docs/domain.md §1.

    Refuses: a village official or BPD member as pengurus (VillageOfficialAsPengurus); one person
    as both pengurus and pengawas (PengurusAndPengawas); a pengawas chair who is not the Kepala
    Desa/Lurah (PengawasChairNotVillageHead); a taken single seat (SeatTaken); a role already held;
    a pengawas in a cash or bookkeeping role, or the reverse (PengawasHandlesMoney); anyone giving
    themselves a role (SelfAppointment; only the system, `actor=None`, seeds founders).
    Flags, without refusing, a pengurus and a pengawas on the same KK (related parties).
    A role dated in the future gives its rights only from `started_on`.
    """
    if kind not in Role.Kind.values:
        raise InvalidRole(fields={"kind": [_("Unknown role.")]})
    if actor is not None and actor.pk == user.pk and kind != Role.Kind.ANGGOTA:
        raise SelfAppointment()
    # Lock the cooperative row so two assignments to one cooperative run one after the other.
    Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
    current = list(
        Role.objects.filter(cooperative=cooperative, ended_on__isnull=True).select_related("user")
    )
    role, flagged = _role_checked(current, cooperative=cooperative, user=user, kind=kind)
    for other in flagged:
        other.save(update_fields=["flag"])
    role.started_on = started_on or timezone.localdate()
    role.save(force_insert=True)
    audit_record(actor=actor, action="role.assign", obj=role, after=snapshot(role))
    return role


def _role_checked(
    current: list[Role], *, cooperative: Cooperative, user: User, kind: str
) -> tuple[Role, list[Role]]:
    """The organ rules of `role_assign` for one seat against the roles `current` (held now, with
    their users): the new role (unsaved, its flag set) and the current roles whose flag was set
    now (to be saved). Raises what `role_assign` raises."""
    held = {r.kind for r in current if r.user_id == user.pk}
    person = str(user)
    if kind in held:
        raise RoleAlreadyHeld(person=person)
    if kind in Role.PENGURUS and user.village_office:
        raise VillageOfficialAsPengurus(person=person)
    if kind == Role.Kind.KETUA_PENGAWAS and user.village_office != VillageOffice.HEAD:
        raise PengawasChairNotVillageHead(person=person)
    is_pengurus, is_pengawas = kind in Role.PENGURUS, kind in Role.PENGAWAS_KINDS
    if (is_pengurus and held & set(Role.PENGAWAS_KINDS)) or (
        is_pengawas and held & set(Role.PENGURUS)
    ):
        raise PengurusAndPengawas(person=person)
    if (kind in MONEY_ROLES and held & set(Role.PENGAWAS_KINDS)) or (
        is_pengawas and held & MONEY_ROLES
    ):
        money_role = kind if kind in MONEY_ROLES else sorted(held & MONEY_ROLES)[0]
        raise PengawasHandlesMoney(person=person, role=Role.Kind(money_role).label)
    if kind in SINGLE_SEATS:
        holder = next((r for r in current if r.kind == kind), None)
        if holder is not None:
            raise SeatTaken(role=Role.Kind(kind).label, holder=str(holder.user))
    flag = ""
    flagged: list[Role] = []
    if user.kk_number and (is_pengurus or is_pengawas):
        other_side = Role.PENGAWAS_KINDS if is_pengurus else Role.PENGURUS
        related = [
            r
            for r in current
            if r.kind in other_side and r.user.kk_number == user.kk_number and r.user_id != user.pk
        ]
        if related:
            flag = _("Same KK as %(names)s: related pengurus and pengawas.") % {
                "names": ", ".join(sorted({str(r.user) for r in related}))
            }
            for other in related:
                if not other.flag:
                    other.flag = _("Same KK as %(name)s: related pengurus and pengawas.") % {
                        "name": person
                    }
                    flagged.append(other)
    return Role(cooperative=cooperative, user=user, kind=kind, flag=flag), flagged


@transaction.atomic
def roles_assign(
    *,
    actor: Actor,
    cooperative: Cooperative,
    seats: Sequence[tuple[User, str]],
    started_on: date | None = None,
) -> list[Role]:
    """Give several roles in `cooperative` at once, `seats` = [(user, kind), ...] in order: a
    founding meeting electing its board, an import of officers. The same as `role_assign` for
    each seat in turn, all or nothing: each seat is checked by the same organ rules against the
    roles held and the seats before it in `seats` (a seat given twice is SeatTaken, one person as
    pengurus and pengawas is PengurusAndPengawas, the same KK on both sides is flagged), and the
    same rows are written (the roles, one `role.assign` audit row each, the flags). One lock of
    the cooperative, one read of its current roles, one insert of the roles and one of their audit
    rows, instead of one of each per seat. Raises what `role_assign` raises; nothing is saved
    when a seat is refused."""
    seats = list(seats)
    for user, kind in seats:
        if kind not in Role.Kind.values:
            raise InvalidRole(fields={"kind": [_("Unknown role.")]})
        if actor is not None and actor.pk == user.pk and kind != Role.Kind.ANGGOTA:
            raise SelfAppointment()
    if not seats:
        return []
    Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
    current = list(
        Role.objects.filter(cooperative=cooperative, ended_on__isnull=True).select_related("user")
    )
    day = started_on or timezone.localdate()
    new: list[Role] = []
    flags: list[str] = []  # each role's flag when it was given (its audit row's), as one by one
    flagged: dict[int, Role] = {}  # roles held before the call whose flag was set now
    for user, kind in seats:
        role, others = _role_checked(current, cooperative=cooperative, user=user, kind=kind)
        role.started_on = day
        flagged.update((id(other), other) for other in others if other.pk is not None)
        current.append(role)
        new.append(role)
        flags.append(role.flag)
    for other in flagged.values():
        other.save(update_fields=["flag"])
    Role.objects.bulk_create(new)
    audit_records(
        actor=actor,
        action="role.assign",
        objs=new,
        afters=[{**snapshot(role), "flag": flag} for role, flag in zip(new, flags, strict=True)],
    )
    return new


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@transaction.atomic
def officer_appoint(
    *,
    actor: User,
    cooperative: Cooperative,
    phone: str,
    full_name: str,
    kind: str,
    started_on: date | None = None,
    village_office: str = "",
) -> Role:
    """Appoint an officer: find the person by phone number, registering them (without a password)
    when new, then assign the role (`role_assign`'s rules), all in one transaction.

    The full name is always required: a person who already has an account is taken only when the
    name matches it (case and spacing aside), so the form never tells an officer whose a phone
    number is. Raises InvalidPhone, InvalidPerson and everything `role_assign` raises; nothing is
    saved when anything is refused.
    """
    e164 = normalize_phone(phone)
    if not full_name.strip():
        raise InvalidPerson(fields={"full_name": [_("Enter the full name.")]})
    person = User.objects.filter(phone=e164).first()
    if person is None:
        person = user_register(
            actor=actor,
            phone=e164,
            password=None,
            full_name=full_name,
            village_office=village_office,
        )
    elif not _same_name(person.full_name, full_name):
        raise InvalidPerson(
            fields={
                "full_name": [_("The name does not match this phone number's account: check both.")]
            }
        )
    return role_assign(
        actor=actor, cooperative=cooperative, user=person, kind=kind, started_on=started_on
    )


@transaction.atomic
def role_end(*, actor: Actor, role: Role, ended_on: date | None = None, reason: str = "") -> Role:
    """End a role on `ended_on` (default today). A role that has not started yet (dated in the
    future) is cancelled instead: it ends on its own start date and never gave any right.
    Ending a role that started before `ended_on` on a date before its start is refused."""
    today = timezone.localdate()
    ended_on = ended_on or today
    if role.ended_on is not None:
        return role
    action = "role.end"
    if role.started_on > today and ended_on <= role.started_on:
        ended_on, action = role.started_on, "role.cancel"
    elif ended_on < role.started_on:
        raise InvalidRole(fields={"ended_on": [_("A role cannot end before it started.")]})
    before = snapshot(role)
    role.ended_on = ended_on
    role.save(update_fields=["ended_on"])
    audit_record(
        actor=actor, action=action, obj=role, before=before, after=snapshot(role), reason=reason
    )
    return role


@transaction.atomic
def employee_record(
    *,
    actor: Actor,
    cooperative: Cooperative,
    full_name: str,
    job_title: str,
    started_on: date,
    status: str = Employee.Status.ACTIVE,
    phone: str = "",
    user: User | None = None,
) -> Employee:
    """Record a karyawan, whether or not they log in."""
    errors: dict[str, list[str]] = {}
    if not full_name.strip():
        errors["full_name"] = [_("Enter the full name.")]
    if not job_title.strip():
        errors["job_title"] = [_("Enter the job title.")]
    if status not in Employee.Status.values:
        errors["status"] = [_("Unknown status.")]
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise InvalidPerson(fields=errors)
    employee = Employee.objects.create(
        cooperative=cooperative,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        started_on=started_on,
        status=status,
        phone=phone,
        user=user,
    )
    audit_record(actor=actor, action="employee.record", obj=employee, after=snapshot(employee))
    return employee


def _region_exists(prefix: str) -> bool:
    by_depth: dict[int, type[Province] | type[Regency] | type[District] | type[Village]] = {
        1: Province,
        2: Regency,
        3: District,
        4: Village,
    }
    model = by_depth.get(len(prefix.split(".")))
    return model is not None and model.objects.filter(code=prefix).exists()


@transaction.atomic
def supervision_grant(
    *,
    actor: Actor,
    user: User,
    agency: str,
    organisation: str,
    region_prefix: str = "",
    cooperatives: list[Cooperative] | None = None,
    read_only: bool = True,
) -> SupervisionGrant:
    """Give an outside supervisor read access to a region or, for a CSR partner, to the
    cooperatives it funds. Kejaksaan grants are always read-only."""
    errors: dict[str, list[str]] = {}
    if agency not in SupervisionGrant.Agency.values:
        errors["agency"] = [_("Unknown agency.")]
    if not organisation.strip():
        errors["organisation"] = [_("Name the organisation.")]
    if agency == SupervisionGrant.Agency.CSR:
        if region_prefix:
            errors["region_prefix"] = [
                _("A CSR partner sees the cooperatives it funds, not a region.")
            ]
        if not cooperatives:
            errors["cooperatives"] = [_("Choose the cooperatives this partner funds.")]
    else:
        if cooperatives:
            errors["cooperatives"] = [_("Region grants cover every cooperative in the region.")]
        if agency != SupervisionGrant.Agency.MINISTRY and not region_prefix:
            errors["region_prefix"] = [_("Give the region code this grant covers.")]
        elif region_prefix and not _region_exists(region_prefix):
            errors["region_prefix"] = [
                _("No region has the code %(code)s.") % {"code": region_prefix}
            ]
    if agency == SupervisionGrant.Agency.KEJAKSAAN:
        read_only = True
    if errors:
        raise InvalidGrant(fields=errors)
    grant = SupervisionGrant.objects.create(
        user=user,
        agency=agency,
        organisation=organisation.strip(),
        region_prefix=region_prefix,
        read_only=read_only,
    )
    if cooperatives:
        grant.cooperatives.set(cooperatives)
    audit_record(
        actor=actor,
        action="supervision.grant",
        obj=grant,
        after={**snapshot(grant), "cooperatives": [str(c.public_id) for c in cooperatives or []]},
    )
    return grant


@transaction.atomic
def supervision_revoke(
    *, actor: Actor, grant: SupervisionGrant, reason: str = ""
) -> SupervisionGrant:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="supervision.revoke", obj=grant, reason=reason)
    return grant


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def user_change_password(*, actor: Actor, user: User, new_password: str) -> User:
    """Set a new password (validated by Django's password validators). Every API token of the
    person is revoked (a stolen token dies with the old password), and a reset's duty to change
    the password is fulfilled. The audit row records the change, never the password or its hash."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidPerson(fields={"new_password1": list(exc.messages)}) from None
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(user)
    audit_record(
        actor=actor, action="person.change_password", obj=user, after={"tokens_revoked": revoked}
    )
    return user


def password_reset_allowed(*, actor: User | None, cooperative: Cooperative, user: User) -> bool:
    """Whether `actor` may reset `user`'s password: the ketua of `cooperative`, for an officer
    (pengurus, pengawas, manajer, kasir) of that cooperative, never for themselves, a supervisor
    or an administrator."""
    if actor is None or actor.pk == user.pk or user.is_superuser:
        return False
    today = timezone.localdate()
    roles = Role.objects.filter(cooperative=cooperative, ended_on__isnull=True)
    is_ketua = roles.filter(user=actor, kind=Role.Kind.KETUA, started_on__lte=today).exists()
    is_officer = roles.filter(user=user).exclude(kind=Role.Kind.ANGGOTA).exists()
    supervisor = SupervisionGrant.objects.filter(user=user, revoked_at__isnull=True).exists()
    return is_ketua and is_officer and not supervisor


@transaction.atomic
def user_reset_password(*, actor: User, cooperative: Cooperative, user: User) -> str:
    """The ketua resets an officer's forgotten password: returns a one-time temporary password
    (shown once to the ketua, never stored in clear or logged); the officer must change it at
    the next login, and their API tokens are revoked. Raises CannotResetPassword."""
    if not password_reset_allowed(actor=actor, cooperative=cooperative, user=user):
        raise CannotResetPassword()
    temporary = "-".join(secrets.token_hex(2).upper() for _part in range(4))
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(user)
    throttle.clear(throttle.login_account(), user.phone)
    audit_record(
        actor=actor,
        action="person.reset_password",
        obj=user,
        cooperative_id=cooperative.pk,
        after={"tokens_revoked": revoked, "must_change_password": True},
    )
    return temporary


def user_authenticate(*, phone: str, password: str, address: str | None) -> User:
    """Log in with a phone number and password, for the pages and the API alike.

    Two throttles, counted separately (kopdes.accounts.throttle): failures for the phone number
    from anywhere (a growing delay) and failures from the address for any number (password
    spraying). Raises InvalidPhone, LockedOut (429, also for the right password while the wait
    lasts) or InvalidCredentials (401: wrong password, unknown number and inactive account look
    the same).
    """
    e164 = normalize_phone(phone)
    by_account, by_address = throttle.login_account(), throttle.login_address()
    wait = max(throttle.wait_seconds(by_account, e164), throttle.wait_seconds(by_address, address))
    if wait:
        raise LockedOut(minutes=max(1, -(-wait // 60)))
    user = authenticate(None, phone=e164, password=password)
    if user is None:
        wait = max(throttle.hit(by_account, e164), throttle.hit(by_address, address))
        if wait:
            raise LockedOut(minutes=max(1, -(-wait // 60)))
        raise InvalidCredentials()
    throttle.clear(by_account, e164)
    return user


def api_login_allowed(user: User) -> None:
    """A person whose password was reset changes it on the website before the app gets a token."""
    if user.must_change_password:
        raise PasswordChangeRequired()


def password_check(*, user: User, password: str) -> bool:
    """Check `user`'s current password (the password change's old password), throttled like a
    login for the account. Raises LockedOut while the wait lasts; False for a wrong password."""
    limit = throttle.password_check()
    wait = throttle.wait_seconds(limit, str(user.pk))
    if wait:
        raise LockedOut(minutes=max(1, -(-wait // 60)))
    if user.check_password(password):
        throttle.clear(limit, str(user.pk))
        return True
    wait = throttle.hit(limit, str(user.pk))
    if wait:
        raise LockedOut(minutes=max(1, -(-wait // 60)))
    return False
