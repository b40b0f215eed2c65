"""The one throttle (kopdes.accounts.throttle): logins per account (growing delay) and per address
(a block), the client's address behind a trusted proxy, the old password, password resets."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kopdes import testing
from kopdes.accounts import services, throttle
from kopdes.accounts.errors import CannotResetPassword, InvalidCredentials, LockedOut
from kopdes.accounts.models import ThrottleCounter
from kopdes.accounts.tokens import token_issue, token_user
from kopdes.core.middleware import client_address, parse_trusted_proxies
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _expire_waits():
    ThrottleCounter.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))


def _fail(phone, address="198.51.100.7"):
    with pytest.raises((InvalidCredentials, LockedOut)) as info:
        services.user_authenticate(phone=phone, password="wrong-password", address=address)
    return info.value


def test_account_delay_grows_and_is_not_a_long_lock(place_a):
    phone = place_a.ketua.phone
    limit = settings.KOPDES_LOGIN_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert isinstance(_fail(phone), InvalidCredentials)
    first = _fail(phone)
    assert isinstance(first, LockedOut) and first.params["minutes"] == 1
    # Even the right password waits, from any address.
    with pytest.raises(LockedOut):
        services.user_authenticate(phone=phone, password=testing.PASSWORD, address="203.0.113.9")
    _expire_waits()
    assert _fail(phone).params["minutes"] == 2
    _expire_waits()
    assert _fail(phone).params["minutes"] == 4
    _expire_waits()
    user = services.user_authenticate(phone=phone, password=testing.PASSWORD, address="10.9.9.9")
    assert user == place_a.ketua
    # A success clears the account's count: the next failure is free again.
    assert isinstance(_fail(phone), InvalidCredentials)


def test_the_longest_wait_is_capped():
    limit = throttle.login_account()
    assert limit.wait_after(limit.free - 1) == timedelta(0)
    assert limit.wait_after(limit.free + 50) == timedelta(minutes=15)


def test_password_spraying_from_one_address_is_blocked(place_a, settings):
    settings.KOPDES_LOGIN_ADDRESS_LIMIT = 6
    people = [place_a.ketua, place_a.sekretaris, place_a.bendahara, place_a.kasir]
    errors = [_fail(p.phone, address="198.51.100.66") for p in people + people[:2]]
    assert isinstance(errors[-1], LockedOut) and errors[-1].params["minutes"] == 15
    assert all(isinstance(e, InvalidCredentials) for e in errors[:-1])
    # The address is blocked for everyone, even with the right password ...
    with pytest.raises(LockedOut):
        services.user_authenticate(
            phone=place_a.manajer.phone, password=testing.PASSWORD, address="198.51.100.66"
        )
    # ... but the accounts are not: from another address they log in.
    assert services.user_authenticate(
        phone=place_a.ketua.phone, password=testing.PASSWORD, address="203.0.113.1"
    )


def test_counters_store_no_phone_number_or_address(place_a):
    _fail(place_a.ketua.phone, address="198.51.100.23")
    stored = " ".join(f"{r.scope} {r.key_hash}" for r in ThrottleCounter.objects.all())
    assert place_a.ketua.phone[1:] not in stored and "198.51.100.23" not in stored


# The client's address ---------------------------------------------------------------------------


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    trusted = parse_trusted_proxies(["10.0.0.0/8", "::1"])
    spoof = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert client_address(spoof, trusted) == "203.0.113.5"
    via_proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.8"}
    # The client wrote 1.2.3.4 itself; our proxy appended the address it saw.
    assert client_address(via_proxy, trusted) == "198.51.100.8"
    chain = {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "198.51.100.8, 10.1.1.1"}
    assert client_address(chain, trusted) == "198.51.100.8"
    assert client_address({"REMOTE_ADDR": "10.0.0.2"}, trusted) == "10.0.0.2"
    assert client_address(via_proxy, ()) == "10.0.0.2"
    with pytest.raises(ValueError):
        parse_trusted_proxies(["not-an-address"])


def test_behind_the_proxy_one_client_cannot_block_another(client, place_a, settings):
    settings.KOPDES_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.KOPDES_LOGIN_ADDRESS_LIMIT = 3
    url = reverse("web:login")
    for _ in range(3):
        client.post(
            url,
            {"phone": place_a.kasir.phone, "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.99",
        )
    response = client.post(
        url,
        {"phone": place_a.ketua.phone, "password": testing.PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.44",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="person.change_password").first()
    assert event is None  # nothing else happened
    blocked = client.post(
        url,
        {"phone": place_a.sekretaris.phone, "password": testing.PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert blocked.status_code == 429


def test_the_audit_log_records_the_client_behind_the_proxy(client, place_a, settings):
    settings.KOPDES_TRUSTED_PROXIES = ["127.0.0.1"]
    client.force_login(place_a.ketua)
    client.post(
        reverse("web:language"),
        {"language": "en"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    event = AuditEvent.objects.get(action="person.set_language")
    assert event.ip == "203.0.113.77"


# Passwords ----------------------------------------------------------------------------------


def test_a_password_change_revokes_the_api_tokens(client, place_a):
    token, _row = token_issue(user=place_a.bendahara)
    client.force_login(place_a.bendahara)
    response = client.post(
        reverse("web:password_change"),
        {
            "old_password": testing.PASSWORD,
            "new_password1": "Baru-Sandi-2027!",
            "new_password2": "Baru-Sandi-2027!",
        },
    )
    assert response.status_code == 302
    assert token_user(token) is None
    api = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 401


def test_the_old_password_is_throttled(client, place_a):
    client.force_login(place_a.kasir)
    url = reverse("web:password_change")
    wrong = {"old_password": "nope", "new_password1": "Baru-Sandi-2027!"}
    wrong["new_password2"] = wrong["new_password1"]
    statuses = [
        client.post(url, wrong).status_code for _ in range(settings.KOPDES_LOGIN_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.KOPDES_LOGIN_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    right = {**wrong, "old_password": testing.PASSWORD}
    assert client.post(url, right).status_code == 429  # until the wait is over
    place_a.kasir.refresh_from_db()
    assert place_a.kasir.check_password(testing.PASSWORD)


def test_the_ketua_resets_an_officers_password(client, place_a):
    officer = place_a.kasir
    old_token, _row = token_issue(user=officer)
    temporary = services.user_reset_password(
        actor=place_a.ketua, cooperative=place_a.cooperative, user=officer
    )
    assert token_user(old_token) is None
    event = AuditEvent.objects.get(action="person.reset_password")
    assert temporary not in str(event.after) and event.actor_id == place_a.ketua.pk
    # The app gets no token until the temporary password is changed ...
    api = client.post(
        "/api/v1/auth/login",
        {"phone": officer.phone, "password": temporary},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "auth.password_change_required"
    # ... and every page leads to the password change.
    assert client.post(reverse("web:login"), {"phone": officer.phone, "password": temporary})
    page = client.get(reverse("web:home"))
    assert page.status_code == 302 and page.url == reverse("web:password_change")
    changed = client.post(
        reverse("web:password_change"),
        {
            "old_password": temporary,
            "new_password1": "Baru-Sandi-2027!",
            "new_password2": "Baru-Sandi-2027!",
        },
    )
    assert changed.status_code == 302
    home = client.get(reverse("web:home"))
    assert home.status_code == 302 and home.url != reverse("web:password_change")
    # The temporary password was one-time.
    officer.refresh_from_db()
    assert not officer.check_password(temporary) and not officer.must_change_password


@pytest.mark.parametrize("who", ["sekretaris", "kasir", "ketua_self", "outsider_ketua"])
def test_only_the_ketua_resets_and_only_officers_of_her_cooperative(place_a, place_b, who):
    actor, target = {
        "sekretaris": (place_a.sekretaris, place_a.kasir),
        "kasir": (place_a.kasir, place_a.bendahara),
        "ketua_self": (place_a.ketua, place_a.ketua),
        "outsider_ketua": (place_b.ketua, place_a.kasir),
    }[who]
    with pytest.raises(CannotResetPassword):
        services.user_reset_password(actor=actor, cooperative=place_a.cooperative, user=target)


def test_the_ketua_cannot_reset_a_supervisors_password(place_a, dinas):
    from kopdes.accounts.models import Role

    Role.objects.create(
        cooperative=place_a.cooperative, user=dinas, kind="manajer", started_on=timezone.localdate()
    )
    with pytest.raises(CannotResetPassword):
        services.user_reset_password(
            actor=place_a.ketua, cooperative=place_a.cooperative, user=dinas
        )


def test_old_counters_are_forgotten(place_a):
    _fail(place_a.ketua.phone, address="198.51.100.1")
    ThrottleCounter.objects.update(last_at=timezone.now() - timedelta(days=3))
    _fail(place_a.kasir.phone, address="198.51.100.2")  # new keys: the stale ones go
    assert ThrottleCounter.objects.count() == 2
