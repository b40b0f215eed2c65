"""The PIN for daily use: set, unlock, five wrong PINs lock the phone, trivial PINs refused,
reset with a one-time code; registration with a code (ADR 0031)."""

import pytest

from kopdes.accounts import devices, otp
from kopdes.accounts.errors import (
    DeviceInvalid,
    DeviceLocked,
    InvalidPerson,
    InvalidPin,
    OtpInvalid,
    PhoneTaken,
    TrivialPin,
    WrongPin,
)
from kopdes.accounts.models import Device, User
from kopdes.accounts.rules import pin_is_trivial
from kopdes.accounts.tests.test_otp import last_code
from kopdes.accounts.tokens import token_user
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PIN = "284719"


@pytest.mark.parametrize(
    ("pin", "trivial"),
    [
        ("111111", True),
        ("123456", True),
        ("654321", True),
        ("345678", True),
        ("121212", True),
        ("123123", True),
        ("284719", False),
        ("102938", False),
        ("112233", False),
    ],
)
def test_trivial_pins(pin, trivial):
    assert pin_is_trivial(pin) is trivial


def test_set_then_unlock(place_a):
    device, key = devices.pin_set(user=place_a.anggota, pin=PIN, device="Redmi 12")
    assert key not in device.key_hash and PIN not in device.pin_hash
    _row, token, _expires = devices.pin_unlock(
        device_id=str(device.public_id), device_key=key, pin=PIN, address="10.0.0.1"
    )
    assert token_user(token) == place_a.anggota
    audits = AuditEvent.objects.filter(action__in=["device.pin_set", "auth.token_issue"])
    assert audits.count() == 2
    assert all(PIN not in str(a.after) and key not in str(a.after) for a in audits)


@pytest.mark.parametrize(
    ("pin", "error"),
    [
        ("12345", InvalidPin),
        ("12a456", InvalidPin),
        ("١٢٣٤٥٦", InvalidPin),
        ("000000", TrivialPin),
        ("987654", TrivialPin),
    ],
)
def test_bad_pins_are_refused(place_a, pin, error):
    with pytest.raises(error):
        devices.pin_set(user=place_a.anggota, pin=pin)
    assert not Device.objects.exists()


def test_a_wrong_key_or_an_unknown_device_looks_the_same(place_a):
    device, key = devices.pin_set(user=place_a.anggota, pin=PIN)
    for device_id, device_key in [
        (str(device.public_id), key + "x"),
        ("00000000-0000-0000-0000-000000000000", key),
        ("not-a-uuid", key),
    ]:
        with pytest.raises(DeviceInvalid):
            devices.pin_unlock(device_id=device_id, device_key=device_key, pin=PIN, address=None)
    device.refresh_from_db()
    assert device.failed_attempts == 0


def test_five_wrong_pins_lock_the_phone(place_a):
    device, key = devices.pin_set(user=place_a.anggota, pin=PIN)
    _row, opened, _expires = devices.pin_unlock(
        device_id=str(device.public_id), device_key=key, pin=PIN, address=None
    )
    elsewhere, _row = devices.sign_in(user=place_a.anggota)  # another phone, by password
    remaining = []
    for _attempt in range(4):
        with pytest.raises(WrongPin) as caught:
            devices.pin_unlock(
                device_id=str(device.public_id), device_key=key, pin="999990", address=None
            )
        remaining.append(caught.value.params["remaining"])
    assert remaining == [4, 3, 2, 1]
    with pytest.raises(DeviceLocked):
        devices.pin_unlock(
            device_id=str(device.public_id), device_key=key, pin="999990", address=None
        )
    with pytest.raises(DeviceLocked):  # the right PIN no longer opens it
        devices.pin_unlock(device_id=str(device.public_id), device_key=key, pin=PIN, address=None)
    device.refresh_from_db()
    assert device.disabled_at is not None
    locked = AuditEvent.objects.get(action="device.locked")
    # whoever guessed may hold the phone: the session opened on it ends, not the others
    assert token_user(opened) is None and locked.after["tokens_revoked"] == 1
    assert token_user(elsewhere) == place_a.anggota


def test_a_right_pin_resets_the_count(place_a):
    device, key = devices.pin_set(user=place_a.anggota, pin=PIN)
    with pytest.raises(WrongPin):
        devices.pin_unlock(
            device_id=str(device.public_id), device_key=key, pin="999990", address=None
        )
    devices.pin_unlock(device_id=str(device.public_id), device_key=key, pin=PIN, address=None)
    device.refresh_from_db()
    assert device.failed_attempts == 0


def test_pin_reset_with_a_code_disables_the_old_phones(place_a):
    old, old_key = devices.pin_set(user=place_a.anggota, pin=PIN)
    _row, on_old, _expires = devices.pin_unlock(
        device_id=str(old.public_id), device_key=old_key, pin=PIN, address=None
    )
    otp.otp_request(phone=place_a.anggota.phone, purpose="pin_reset", address=None, eligible=None)
    code = last_code(place_a.anggota.phone)
    with pytest.raises(TrivialPin):  # checked before the code is spent
        devices.pin_reset(
            phone=place_a.anggota.phone, code=code, pin="222222", device="", address=None
        )
    new, new_key, token, _expires = devices.pin_reset(
        phone=place_a.anggota.phone, code=code, pin="583920", device="Baru", address=None
    )
    assert token_user(token) == place_a.anggota
    assert token_user(on_old) is None  # the old phone's session ended with it
    with pytest.raises(DeviceLocked):
        devices.pin_unlock(device_id=str(old.public_id), device_key=old_key, pin=PIN, address=None)
    devices.pin_unlock(device_id=str(new.public_id), device_key=new_key, pin="583920", address=None)
    with pytest.raises(OtpInvalid):  # used once
        devices.pin_reset(
            phone=place_a.anggota.phone, code=code, pin="583920", device="", address=None
        )
    assert AuditEvent.objects.filter(action="device.pin_reset").count() == 1


def test_register_with_a_code():
    phone = "+6281377711111"
    otp.otp_request(phone=phone, purpose="register", address=None, eligible=None)
    code = last_code(phone)
    with pytest.raises(InvalidPerson):  # a weak password: refused, the code still usable
        devices.account_register(
            phone=phone, code=code, full_name="Siti", password="123", device="", address=None
        )
    user, token, _expires = devices.account_register(
        phone=phone,
        code=code,
        full_name="Siti Rahma",
        password="Padi-Menguning-7",
        device="",
        address=None,
    )
    assert user.check_password("Padi-Menguning-7") and token_user(token) == user
    assert User.objects.filter(phone=phone).count() == 1


def test_register_with_a_wrong_code_or_a_taken_number(place_a):
    with pytest.raises(OtpInvalid):
        devices.account_register(
            phone="+6281377711112",
            code="123456",
            full_name="X",
            password="Padi-Menguning-7",
            device="",
            address=None,
        )
    otp.otp_issue(phone=place_a.anggota.phone, purpose="register")  # as if sent before the account
    code = last_code(place_a.anggota.phone)
    with pytest.raises(PhoneTaken):
        devices.account_register(
            phone=place_a.anggota.phone,
            code=code,
            full_name="Y",
            password="Padi-Menguning-7",
            device="",
            address=None,
        )
