"""Accounts for members of the register: activation by a code to the phone on record or by a
printed activation code, with the NIK and date of birth (ADR 0031)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from kopdes.accounts import otp
from kopdes.accounts.errors import AlreadyActive, InvalidPerson, OtpInvalid, OtpTooManyAttempts
from kopdes.accounts.models import OneTimeCode, User
from kopdes.accounts.tests.test_otp import last_code
from kopdes.accounts.tokens import token_user
from kopdes.core.models import AuditEvent
from kopdes.members import activation, services
from kopdes.members.errors import (
    ActivationCodeExpired,
    ActivationCodeInvalid,
    ActivationMismatch,
    ActivationNotAllowed,
)
from kopdes.members.models import ActivationCode, Member
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

BORN = date(1984, 5, 6)
PASSWORD = "Sawah-Hijau-2026"


def member(place, n=1, *, phone="0813 8800 0001", district="360301") -> Member:
    return services.member_register(
        actor=place.sekretaris,
        cooperative=place.cooperative,
        approve=True,
        full_name="Dewi Lestari",
        nik=nik_make(district_digits=district, sex="F", birth_date=BORN, serial=n),
        sex="F",
        birth_date=BORN,
        address="Kp. Cangkudu RT 01/RW 02",
        phone=phone,
    )


def activate_by_otp(m: Member, **extra):
    otp.otp_request(phone=m.phone, purpose="activate", address=None, eligible=True)
    fields = {
        "phone": m.phone,
        "code": last_code(m.phone),
        "nik": m.nik,
        "birth_date": BORN,
        "password": PASSWORD,
        "device": "HP Dewi",
        "address": None,
    }
    fields.update(extra)
    return activation.member_activate_by_otp(**fields)


def test_activation_by_otp_makes_the_account_and_links_the_membership(place_a):
    m = member(place_a)
    user, token, _expires = activate_by_otp(m)
    m.refresh_from_db()
    assert m.user == user and token_user(token) == user
    assert (user.phone, user.full_name, user.nik) == (m.phone, m.full_name, m.nik)
    assert user.check_password(PASSWORD)
    audit = AuditEvent.objects.get(action="member.activate")
    assert audit.cooperative_id == place_a.cooperative.pk and m.phone not in str(audit.after)


def test_an_activate_code_goes_only_to_a_number_in_the_register(place_a):
    m = member(place_a)
    activation.otp_request(phone="+6281388009999", purpose="activate", address=None)
    assert not OneTimeCode.objects.exists()
    activation.otp_request(phone=m.phone, purpose="activate", address=None)
    assert OneTimeCode.objects.filter(phone=m.phone, purpose="activate").exists()


def test_every_membership_of_the_person_is_linked(place_a, place_b):
    a = member(place_a)
    other = services.member_register(  # the same person (NIK) in another cooperative
        actor=place_b.sekretaris,
        cooperative=place_b.cooperative,
        full_name=a.full_name,
        nik=a.nik,
        sex="F",
        birth_date=BORN,
        address="Teluknaga",
        phone="",
    )
    user, _token, _expires = activate_by_otp(a)
    other.refresh_from_db()
    assert other.user == user


def test_a_wrong_nik_or_birth_date_is_a_mismatch_and_counts(place_a):
    m = member(place_a)
    with pytest.raises(ActivationMismatch):
        activate_by_otp(m, nik=m.nik[:-1] + "9")
    code = OneTimeCode.objects.get(phone=m.phone)
    assert code.attempts == 1 and code.used_at is None
    with pytest.raises(ActivationMismatch):
        activation.member_activate_by_otp(
            phone=m.phone,
            code=last_code(m.phone),
            nik=m.nik,
            birth_date=BORN + timedelta(days=1),
            password=PASSWORD,
            device="",
            address=None,
        )
    assert not User.objects.filter(phone=m.phone).exists()


def test_mismatches_burn_the_code(place_a):
    m = member(place_a)
    otp.otp_request(phone=m.phone, purpose="activate", address=None, eligible=True)
    code = last_code(m.phone)
    for _attempt in range(5):
        with pytest.raises(ActivationMismatch):
            activation.member_activate_by_otp(
                phone=m.phone,
                code=code,
                nik="3603010000000000",
                birth_date=BORN,
                password=PASSWORD,
                device="",
                address=None,
            )
    with pytest.raises(OtpTooManyAttempts):
        activation.member_activate_by_otp(
            phone=m.phone,
            code=code,
            nik=m.nik,
            birth_date=BORN,
            password=PASSWORD,
            device="",
            address=None,
        )


def test_a_weak_password_is_refused_and_the_code_stays_usable(place_a):
    m = member(place_a)
    otp.otp_request(phone=m.phone, purpose="activate", address=None, eligible=True)
    code = last_code(m.phone)
    with pytest.raises(InvalidPerson):
        activation.member_activate_by_otp(
            phone=m.phone,
            code=code,
            nik=m.nik,
            birth_date=BORN,
            password="12345678",
            device="",
            address=None,
        )
    activation.member_activate_by_otp(
        phone=m.phone,
        code=code,
        nik=m.nik,
        birth_date=BORN,
        password=PASSWORD,
        device="",
        address=None,
    )
    with pytest.raises(OtpInvalid):
        activation.member_activate_by_otp(
            phone=m.phone,
            code=code,
            nik=m.nik,
            birth_date=BORN,
            password=PASSWORD,
            device="",
            address=None,
        )


def test_already_active(place_a):
    m = member(place_a)
    activate_by_otp(m)
    with pytest.raises(AlreadyActive):
        activate_by_otp(m)


def test_an_existing_account_without_a_password_is_linked_not_duplicated(place_a):
    person = User.objects.create_user(phone="+6281388000001", password=None, full_name="Dewi L.")
    m = member(place_a)
    user, _token, _expires = activate_by_otp(m)
    assert user == person and User.objects.filter(phone=m.phone).count() == 1
    m.refresh_from_db()
    assert m.user == person


def test_activation_code_issue_and_use(place_a):
    m = member(place_a, phone="")
    code, row = activation.activation_code_issue(actor=place_a.sekretaris, member=m)
    assert (
        len(code) == 11
        and code[5] == "-"
        and set(code.replace("-", "")) <= set(activation.ALPHABET)
    )
    assert code.replace("-", "") not in row.code_hash
    assert (row.expires_at - timezone.now()).days in (29, 30)
    audit = AuditEvent.objects.get(action="member.activation_code_issue")
    assert code not in str(audit.after) and code.replace("-", "") not in str(audit.after)
    user, token, _expires = activation.member_activate_by_code(
        activation_code=code.lower().replace("-", " "),
        phone="0813 8800 0777",
        nik=m.nik,
        birth_date=BORN,
        password=PASSWORD,
        device="",
        address=None,
    )
    m.refresh_from_db()
    assert m.user == user and user.phone == "+6281388000777" and m.phone == "+6281388000777"
    assert token_user(token) == user
    with pytest.raises(ActivationCodeInvalid):  # used once
        activation.member_activate_by_code(
            activation_code=code,
            phone="0813 8800 0777",
            nik=m.nik,
            birth_date=BORN,
            password=PASSWORD,
            device="",
            address=None,
        )
    with pytest.raises(AlreadyActive):
        activation.activation_code_issue(actor=place_a.sekretaris, member=m)


def test_a_new_code_replaces_the_old_and_codes_expire(place_a):
    m = member(place_a)
    old, _row = activation.activation_code_issue(actor=place_a.sekretaris, member=m)
    new, _row = activation.activation_code_issue(actor=place_a.sekretaris, member=m)
    assert ActivationCode.objects.filter(member=m).count() == 1
    fields = {
        "phone": m.phone,
        "nik": m.nik,
        "birth_date": BORN,
        "password": PASSWORD,
        "device": "",
        "address": None,
    }
    with pytest.raises(ActivationCodeInvalid):
        activation.member_activate_by_code(activation_code=old, **fields)
    with (
        time_machine.travel(timezone.now() + timedelta(days=31)),
        pytest.raises(ActivationCodeExpired),
    ):
        activation.member_activate_by_code(activation_code=new, **fields)


def test_a_code_with_wrong_details_is_a_mismatch_five_times_then_invalid(place_a):
    m = member(place_a)
    code, _row = activation.activation_code_issue(actor=place_a.sekretaris, member=m)
    fields = {
        "phone": m.phone,
        "birth_date": BORN,
        "password": PASSWORD,
        "device": "",
        "address": None,
    }
    for _attempt in range(5):
        with pytest.raises(ActivationMismatch):
            activation.member_activate_by_code(
                activation_code=code, nik="3603010000000000", **fields
            )
    with pytest.raises(ActivationCodeInvalid):
        activation.member_activate_by_code(activation_code=code, nik=m.nik, **fields)


def test_no_code_for_an_ended_membership(place_a):
    m = member(place_a)
    services.member_status_change(
        actor=place_a.ketua,
        member=m,
        status="deceased",
        on=timezone.localdate(),
        reason="Meninggal",
    )
    with pytest.raises(ActivationNotAllowed):
        activation.activation_code_issue(actor=place_a.sekretaris, member=m)


def test_accounts_opened_in_bulk_link_an_existing_account(place_a):
    officer = member(place_a, 1, phone=place_a.bendahara.phone)  # the bendahara is a member too
    other = member(place_a, 2, phone="081388000002")
    users = User.objects.count()
    opened = activation.member_accounts_open(
        actor=None, cooperative_id=place_a.cooperative.pk, password_hash=place_a.bendahara.password
    )
    assert opened >= 2 and User.objects.count() == users + opened - 1
    officer.refresh_from_db()
    other.refresh_from_db()
    assert officer.user == place_a.bendahara and other.user.phone == "+6281388000002"
    assert (
        activation.member_accounts_open(
            actor=None,
            cooperative_id=place_a.cooperative.pk,
            password_hash=place_a.bendahara.password,
        )
        == 0
    )
