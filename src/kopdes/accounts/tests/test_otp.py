"""One-time codes: hashed, expiring, limited attempts, throttled sends, and the same answer for
every number (ADR 0031)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kopdes.accounts import otp
from kopdes.accounts.errors import OtpExpired, OtpInvalid, OtpTooManyAttempts, Throttled
from kopdes.accounts.models import OneTimeCode
from kopdes.core.messaging import outbox
from kopdes.core.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db

PHONE = "+6281377700001"


def last_code(phone: str = PHONE) -> str:
    message = OutboxMessage.objects.filter(phone=phone).order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found is not None, message.text
    return found.group(1)


def test_a_code_is_sent_stored_hashed_and_used_once():
    otp.otp_request(phone="0813 7770 0001", purpose="register", address="10.0.0.1", eligible=None)
    code = last_code()
    row = OneTimeCode.objects.get(phone=PHONE)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert timedelta(minutes=4) < row.expires_at - timezone.now() <= timedelta(minutes=5)
    audit = AuditEvent.objects.get(action="auth.otp_send")
    assert code not in str(audit.after) and PHONE not in str(audit.after)
    checked = otp.otp_check(phone=PHONE, purpose="register", code=code, address="10.0.0.1")
    otp.otp_use(checked)
    with pytest.raises(OtpInvalid):
        otp.otp_check(phone=PHONE, purpose="register", code=code, address="10.0.0.1")


def test_the_code_is_for_its_purpose_and_a_new_one_replaces_it():
    otp.otp_request(phone=PHONE, purpose="register", address=None, eligible=None)
    first = last_code()
    with pytest.raises(OtpInvalid):
        otp.otp_check(phone=PHONE, purpose="activate", code=first, address=None)
    otp.otp_issue(phone=PHONE, purpose="register")
    second = last_code()
    assert OneTimeCode.objects.filter(phone=PHONE).count() == 1
    if first != second:
        with pytest.raises(OtpInvalid):
            otp.otp_check(phone=PHONE, purpose="register", code=first, address=None)
    assert otp.otp_check(phone=PHONE, purpose="register", code=second, address=None)


def test_a_code_expires_after_five_minutes():
    otp.otp_issue(phone=PHONE, purpose="register")
    code = last_code()
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)),
        pytest.raises(OtpExpired),
    ):
        otp.otp_check(phone=PHONE, purpose="register", code=code, address=None)


def test_five_wrong_attempts_burn_the_code():
    otp.otp_issue(phone=PHONE, purpose="register")
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(4):
        with pytest.raises(OtpInvalid):
            otp.otp_check(phone=PHONE, purpose="register", code=wrong, address=None)
    with pytest.raises(OtpTooManyAttempts):
        otp.otp_check(phone=PHONE, purpose="register", code=wrong, address=None)
    with pytest.raises(OtpTooManyAttempts):  # the right code no longer helps
        otp.otp_check(phone=PHONE, purpose="register", code=code, address=None)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "١٢٣٤٥٦", "abcdef"])
def test_malformed_codes_are_wrong_codes(typed):
    otp.otp_issue(phone=PHONE, purpose="register")
    with pytest.raises(OtpInvalid):
        otp.otp_check(phone=PHONE, purpose="register", code=typed, address=None)
    assert OneTimeCode.objects.get(phone=PHONE).attempts == 1


def test_sends_are_throttled_per_number_whether_or_not_it_is_known(settings):
    settings.KOPDES_OTP_PHONE_LIMIT = 3
    for _send in range(3):
        otp.otp_request(phone=PHONE, purpose="pin_reset", address=None, eligible=None)
    with pytest.raises(Throttled):
        otp.otp_request(phone=PHONE, purpose="pin_reset", address=None, eligible=None)
    assert OutboxMessage.objects.count() == 0  # no account: nothing went out, same answers


def test_sends_are_throttled_per_address(settings):
    settings.KOPDES_OTP_ADDRESS_LIMIT = 2
    for n in range(2):
        otp.otp_request(
            phone=f"+628137770010{n}", purpose="register", address="10.9.9.9", eligible=None
        )
    with pytest.raises(Throttled):
        otp.otp_request(
            phone="+6281377700109", purpose="register", address="10.9.9.9", eligible=None
        )
    otp.otp_request(phone="+6281377700109", purpose="register", address="10.9.9.8", eligible=None)


def test_pin_reset_codes_go_only_to_accounts_and_register_notices_an_existing_one(place_a):
    phone = place_a.anggota.phone
    otp.otp_request(phone=phone, purpose="pin_reset", address=None, eligible=None)
    assert OneTimeCode.objects.filter(phone=phone, purpose="pin_reset").exists()
    otp.otp_request(phone=phone, purpose="register", address=None, eligible=None)
    assert not OneTimeCode.objects.filter(phone=phone, purpose="register").exists()
    notice = OutboxMessage.objects.filter(phone=phone).order_by("-id").first()
    assert notice is not None and notice.purpose == "register_notice"
    assert not re.search(r"\d{6}", notice.text)


def test_the_outbox_lists_the_latest_first_and_the_log_masks_the_number(caplog):
    caplog.set_level("INFO")
    otp.otp_issue(phone=PHONE, purpose="register")
    otp.otp_issue(phone=PHONE, purpose="pin_reset")
    assert [m.purpose for m in outbox()] == ["otp.pin_reset", "otp.register"]
    assert PHONE not in caplog.text and "+62813****0001" in caplog.text
