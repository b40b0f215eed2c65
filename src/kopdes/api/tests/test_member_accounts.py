"""The member app's accounts through the API: /auth/otp (always 202), /auth/activate,
/auth/register, /auth/pin, /auth/pin/unlock, /auth/pin/reset (ADR 0031)."""

from datetime import date

import pytest

from kopdes.accounts.tests.test_otp import last_code
from kopdes.core.models import OutboxMessage
from kopdes.members import activation, services
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

BORN = date(1979, 11, 23)
PASSWORD = "Kebun-Kelapa-88"


def post(client, path, body, **headers):
    return client.post(f"/api/v1{path}", body, content_type="application/json", **headers)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def dewi(place_a):
    return services.member_register(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        approve=True,
        full_name="Dewi Sartika",
        nik=nik_make(district_digits="360301", sex="F", birth_date=BORN, serial=7),
        sex="F",
        birth_date=BORN,
        address="Kp. Cangkudu RT 01/RW 02",
        phone="081388000042",
    )


@pytest.mark.parametrize("phone", ["081388000042", "081399999999"])
@pytest.mark.parametrize("purpose", ["activate", "register", "pin_reset"])
def test_otp_always_answers_the_same_202(client, dewi, phone, purpose):
    response = post(client, "/auth/otp", {"phone": phone, "purpose": purpose})
    assert response.status_code == 202, response.content
    assert response.json()["expires_in"] == 300
    assert response.json()["message"].startswith("Jika nomor ini")
    assert set(response.json()) == {"message", "expires_in"}


def test_otp_bad_input_and_throttle(client, settings):
    assert post(client, "/auth/otp", {"phone": "12", "purpose": "register"}).status_code == 422
    bad = post(client, "/auth/otp", {"phone": "081388000042", "purpose": "login"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.invalid"
    settings.KOPDES_OTP_PHONE_LIMIT = 1
    assert (
        post(client, "/auth/otp", {"phone": "081388000077", "purpose": "register"}).status_code
        == 202
    )
    throttled = post(client, "/auth/otp", {"phone": "081388000077", "purpose": "register"})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttle.too_many_attempts"


def test_activate_with_otp_then_pin_then_unlock(client, dewi):
    post(client, "/auth/otp", {"phone": "0813-8800-0042", "purpose": "activate"})
    body = {
        "phone": "+6281388000042",
        "otp": last_code(dewi.phone),
        "nik": dewi.nik,
        "birth_date": "1979-11-23",
        "password": PASSWORD,
        "device": "Samsung A15",
    }
    response = post(client, "/auth/activate", body)
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    me = client.get("/api/v1/me/memberships", **bearer(token)).json()
    assert [m["niak"] for m in me] == [dewi.niak]
    again = post(client, "/auth/activate", body)
    assert again.status_code == 400 and again.json()["error"]["code"] == "auth.otp_invalid"
    # the daily PIN
    trivial = post(client, "/auth/pin", {"pin": "123456"}, **bearer(token))
    assert trivial.status_code == 422 and trivial.json()["error"]["code"] == "auth.pin_trivial"
    assert (
        post(client, "/auth/pin", {"pin": "4821"}, **bearer(token)).json()["error"]["code"]
        == "auth.pin_invalid"
    )
    assert post(client, "/auth/pin", {"pin": "482915"}).status_code == 401
    device = post(client, "/auth/pin", {"pin": "482915", "device": "Samsung A15"}, **bearer(token))
    assert device.status_code == 201
    unlock = {**device.json(), "pin": "482915"}
    opened = post(client, "/auth/pin/unlock", unlock)
    assert (
        opened.status_code == 200
        and client.get("/api/v1/me", **bearer(opened.json()["token"])).status_code == 200
    )
    wrong = post(client, "/auth/pin/unlock", {**unlock, "pin": "000001"})
    assert wrong.status_code == 401
    assert (
        wrong.json()["error"]["code"] == "auth.pin_wrong"
        and wrong.json()["error"]["details"]["remaining"] == 4
    )
    for _attempt in range(3):
        post(client, "/auth/pin/unlock", {**unlock, "pin": "000001"})
    locked = post(client, "/auth/pin/unlock", {**unlock, "pin": "000001"})
    assert locked.status_code == 403 and locked.json()["error"]["code"] == "auth.device_locked"
    forged = post(client, "/auth/pin/unlock", {**unlock, "device_key": "x"})
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "auth.device_invalid"
    # reset with a code
    post(client, "/auth/otp", {"phone": dewi.phone, "purpose": "pin_reset"})
    reset = post(
        client,
        "/auth/pin/reset",
        {"phone": dewi.phone, "otp": last_code(dewi.phone), "pin": "730164", "device": "Baru"},
    )
    assert reset.status_code == 201, reset.content
    assert set(reset.json()) >= {"device_id", "device_key", "token", "expires_at"}
    assert (
        post(
            client,
            "/auth/pin/unlock",
            {
                "device_id": reset.json()["device_id"],
                "device_key": reset.json()["device_key"],
                "pin": "730164",
            },
        ).status_code
        == 200
    )


def test_activate_refusals(client, dewi):
    post(client, "/auth/otp", {"phone": dewi.phone, "purpose": "activate"})
    body = {
        "phone": dewi.phone,
        "otp": last_code(dewi.phone),
        "nik": "3603010000000001",
        "birth_date": "1979-11-23",
        "password": PASSWORD,
    }
    mismatch = post(client, "/auth/activate", body)
    assert (
        mismatch.status_code == 400
        and mismatch.json()["error"]["code"] == "auth.activation_mismatch"
    )
    none = post(client, "/auth/activate", {**body, "otp": ""})
    assert none.status_code == 422 and "otp" in none.json()["error"]["fields"]
    unknown = post(client, "/auth/activate", {**body, "phone": "081399999999", "otp": "123456"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "auth.otp_invalid"


def test_activate_with_the_printed_code(client, dewi, place_a):
    code, _row = activation.activation_code_issue(actor=place_a.sekretaris, member=dewi)
    body = {
        "activation_code": code,
        "phone": "081388000043",
        "nik": dewi.nik,
        "birth_date": "1979-11-23",
        "password": PASSWORD,
    }
    wrong = post(client, "/auth/activate", {**body, "activation_code": "AAAAA-AAAAA"})
    assert (
        wrong.status_code == 400 and wrong.json()["error"]["code"] == "auth.activation_code_invalid"
    )
    assert post(client, "/auth/activate", body).status_code == 201
    code2 = post(client, "/auth/activate", body)
    assert code2.json()["error"]["code"] == "auth.activation_code_invalid"


def test_already_active_after_the_code(client, place_a):
    member = services.member_register(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        approve=True,
        full_name=place_a.anggota.full_name,
        nik=nik_make(district_digits="360301", sex="F", birth_date=BORN, serial=8),
        sex="F",
        birth_date=BORN,
        address="Kp. Cangkudu",
        phone=place_a.anggota.phone,
    )
    post(client, "/auth/otp", {"phone": member.phone, "purpose": "activate"})
    response = post(
        client,
        "/auth/activate",
        {
            "phone": member.phone,
            "otp": last_code(member.phone),
            "nik": member.nik,
            "birth_date": "1979-11-23",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "auth.already_active"


def test_register_then_ask_to_join(client):
    phone = "081377788899"
    post(client, "/auth/otp", {"phone": phone, "purpose": "register"})
    code = last_code("+6281377788899")
    weak = post(
        client,
        "/auth/register",
        {"phone": phone, "otp": code, "full_name": "Rina", "password": "rina"},
    )
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "account.invalid"
    response = post(
        client,
        "/auth/register",
        {
            "phone": phone,
            "otp": code,
            "full_name": "Rina Wati",
            "password": PASSWORD,
            "device": "Oppo",
        },
    )
    assert response.status_code == 201, response.content
    me = client.get("/api/v1/me", **bearer(response.json()["token"])).json()
    assert (me["full_name"], me["phone"]) == ("Rina Wati", "+6281377788899")
    sent = OutboxMessage.objects.get(phone="+6281377788899")
    assert "Berlaku 5 menit" in sent.text  # Bahasa Indonesia first


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media")
def test_the_request_takes_the_ktp_photo(client, place_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kopdes.accounts.tokens import token_issue

    user = place_a.anggota
    token, _row = token_issue(user=user)
    request = services.member_request(
        actor=user,
        cooperative=place_a.cooperative,
        full_name=user.full_name,
        nik=nik_make(district_digits="360301", sex="F", birth_date=BORN, serial=9),
        sex="F",
        birth_date=BORN,
        address="Kp. Cangkudu",
    )
    url = f"/api/v1/me/memberships/{request.public_id}/ktp-photo"
    text = client.post(url, {"ktp_photo": SimpleUploadedFile("ktp.jpg", b"hello")}, **bearer(token))
    assert text.status_code == 422 and text.json()["error"]["code"] == "member.invalid_ktp_photo"
    big = SimpleUploadedFile("ktp.jpg", JPEG + b"\x00" * (2 * 1024 * 1024))
    assert client.post(url, {"ktp_photo": big}, **bearer(token)).status_code in (413, 422)
    ok = client.post(url, {"ktp_photo": SimpleUploadedFile("ktp.jpg", JPEG)}, **bearer(token))
    assert ok.status_code == 200, ok.content
    request.refresh_from_db()
    assert request.ktp_photo
    other, _row = token_issue(user=place_a.kasir)
    assert (
        client.post(
            url, {"ktp_photo": SimpleUploadedFile("k.jpg", JPEG)}, **bearer(other)
        ).status_code
        == 404
    )
    services.member_approve(actor=place_a.ketua, member=request)
    late = client.post(url, {"ktp_photo": SimpleUploadedFile("ktp.jpg", JPEG)}, **bearer(token))
    assert late.status_code == 409 and late.json()["error"]["code"] == "member.request_not_pending"
