"""Login, logout, password change and language preference pages."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from kopdes.accounts.models import User
from kopdes.core.models import AuditEvent

PHONE = "+6281234567890"
PASSWORD = "S3cure-pass-123"
IP = {"REMOTE_ADDR": "10.1.2.3"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> User:
    return User.objects.create_user(PHONE, PASSWORD, full_name="Test")


def login(client, phone: str, password: str = PASSWORD, **extra):
    return client.post(reverse("web:login"), {"phone": phone, "password": password, **extra}, **IP)


def field_codes(response, field: str) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


class _InlineFinder(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block."""

    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.script_srcs: list[str] = []
        self.style_attributes = 0
        self.style_elements = 0
        self.event_handlers = 0
        self.input_names: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.script_srcs.append(src)
            else:
                self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "input":
            self.input_names.append(dict(attrs).get("name"))
        self.style_attributes += "style" in names
        self.event_handlers += any(name.startswith("on") for name in names)


def parse(response) -> _InlineFinder:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return finder


# Login ------------------------------------------------------------------------------------------


def test_login_page_has_phone_and_password_fields(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    page = parse(response)
    assert "phone" in page.input_names
    assert "password" in page.input_names
    assert "csrfmiddlewaretoken" in page.input_names


@pytest.mark.parametrize(
    "typed", ["081234567890", "6281234567890", "+6281234567890", "0812-3456-7890"]
)
def test_login_accepts_each_phone_form(client, person, typed):
    response = login(client, typed, next="/akun/bahasa/")
    assert response.status_code == 302
    assert response.url == "/akun/bahasa/"
    assert client.session["_auth_user_id"] == str(person.pk)


def test_login_without_next_goes_to_login_redirect_url(client, person, settings):
    settings.LOGIN_REDIRECT_URL = "web:password_change"
    response = login(client, PHONE)
    assert response.status_code == 302
    assert response.url == reverse("web:password_change")


def test_login_remembers_the_persons_language_on_the_device(client, person):
    person.language = "en"
    person.save()
    response = login(client, PHONE, next="/akun/bahasa/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("typed", ["12345", "0712345678", "+6512345678901", "08abc"])
def test_login_with_a_malformed_phone_gets_a_field_error(client, person, typed):
    response = login(client, typed)
    assert response.status_code == 200
    assert field_codes(response, "phone") == ["account.invalid_phone"]
    assert "_auth_user_id" not in client.session


def test_malformed_phone_message_is_clear_in_english(client, person):
    response = client.post(
        reverse("web:login"),
        {"phone": "12345", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        **IP,
    )
    assert "Enter an Indonesian mobile number" in response.content.decode()


def test_wrong_password_and_unknown_phone_get_the_same_generic_error(client, person):
    wrong_password = login(client, PHONE, "not-the-password")
    unknown_phone = login(client, "081299999999", "not-the-password")
    assert wrong_password.status_code == unknown_phone.status_code == 200
    for response in (wrong_password, unknown_phone):
        form = response.context["form"]
        assert [e.code for e in form.non_field_errors().as_data()] == ["invalid_login"]
        assert not form.errors.get("phone")
    assert (
        wrong_password.context["form"].non_field_errors()
        == unknown_phone.context["form"].non_field_errors()
    )
    assert "_auth_user_id" not in client.session


def test_inactive_account_gets_the_generic_error(client, person):
    person.is_active = False
    person.save()
    response = login(client, PHONE)
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "invalid_login"
    ]


def test_lockout_after_five_failures(client, person):
    for _ in range(settings.KOPDES_LOGIN_FAILURE_LIMIT - 1):
        assert login(client, PHONE, "wrong").status_code == 200
    # The fifth failure makes the number wait (429 Too Many Requests, the lockout page).
    locked = login(client, PHONE, "wrong")
    assert locked.status_code in (403, 429)
    assert "web/locked_out.html" in [t.name for t in locked.templates]
    # Even the right password is refused while locked, whichever way the number is written.
    again = login(client, "081234567890", PASSWORD)
    assert again.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_lockout_page_says_when_to_try_again(client, person):
    for _ in range(settings.KOPDES_LOGIN_FAILURE_LIMIT):
        response = client.post(
            reverse("web:login"),
            {"phone": PHONE, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
            **IP,
        )
    # The first wait is a minute; it doubles with each further failure (test_throttle.py).
    assert "Try again in 1 minute" in response.content.decode()


def test_lockout_is_per_phone_number(client, person):
    for _ in range(settings.KOPDES_LOGIN_FAILURE_LIMIT):
        login(client, PHONE, "wrong")
    other = User.objects.create_user("+6281200000001", PASSWORD, full_name="Other")
    response = login(client, other.phone, next="/akun/bahasa/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_ignores_unsafe_next(client, person, settings, unsafe):
    settings.LOGIN_REDIRECT_URL = "web:password_change"
    response = login(client, PHONE, next=unsafe)
    assert response.status_code == 302
    assert response.url == reverse("web:password_change")


def test_login_page_keeps_a_safe_next_in_the_form(client):
    response = client.get(reverse("web:login"), {"next": "/akun/sandi/"})
    assert 'name="next" value="/akun/sandi/"' in response.content.decode()


# Security headers and CSP -----------------------------------------------------------------------


def test_login_page_has_csp_and_nothing_inline(client):
    response = client.get(reverse("web:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    page = parse(response)
    assert page.inline_scripts == 0
    assert page.style_attributes == 0
    assert page.style_elements == 0
    assert page.event_handlers == 0
    assert any(src.endswith("vendor/htmx.org/htmx.min.js") for src in page.script_srcs)


def test_pages_for_a_logged_in_person_have_nothing_inline(client, person):
    client.force_login(person)
    for name in ("web:password_change", "web:language"):
        page = parse(client.get(reverse(name)))
        assert (page.inline_scripts, page.style_attributes, page.event_handlers) == (0, 0, 0)


def test_layout_shows_the_persons_name_and_a_post_logout_form(client, person):
    client.force_login(person)
    html = client.get(reverse("web:language")).content.decode()
    assert "Test" in html
    assert f'<form method="post" action="{reverse("web:logout")}">' in html


# Logout -----------------------------------------------------------------------------------------


def test_logout_by_get_is_refused(client, person):
    client.force_login(person)
    response = client.get(reverse("web:logout"))
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(person.pk)


def test_logout_by_post(client, person):
    client.force_login(person)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response.url == reverse("web:login")
    assert "_auth_user_id" not in client.session


# Password change --------------------------------------------------------------------------------


def test_password_change_needs_login(client):
    response = client.get(reverse("web:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_password_change_with_wrong_old_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("web:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "An0ther-pass-456",
            "new_password2": "An0ther-pass-456",
        },
    )
    assert response.status_code == 200
    assert field_codes(response, "old_password") == ["password_incorrect"]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_password_change_keeps_the_session(client, person, settings):
    settings.LOGIN_REDIRECT_URL = "web:language"
    client.force_login(person)
    response = client.post(
        reverse("web:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "An0ther-pass-456",
            "new_password2": "An0ther-pass-456",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("An0ther-pass-456")
    # Still logged in on the next page, and told it worked.
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["user"] == person
    assert [m.level_tag for m in page.context["messages"]] == ["success"]
    assert AuditEvent.objects.filter(action="person.change_password", actor_id=person.pk).exists()


# Language ---------------------------------------------------------------------------------------


def test_language_preference_is_saved_and_audited(client, person):
    client.force_login(person)
    response = client.post(reverse("web:language"), {"language": "en"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    event = AuditEvent.objects.get(action="person.set_language")
    assert (event.actor_id, event.before, event.after) == (
        person.pk,
        {"language": "id"},
        {"language": "en"},
    )
    # The next page is in English, whatever the browser asks for.
    page = client.get(reverse("web:language"), HTTP_ACCEPT_LANGUAGE="id")
    assert '<html lang="en">' in page.content.decode()


def test_language_preference_rejects_other_languages(client, person):
    client.force_login(person)
    response = client.post(reverse("web:language"), {"language": "fr"})
    assert response.status_code == 400
    assert field_codes(response, "language") == ["invalid_choice"]
    person.refresh_from_db()
    assert person.language == "id"
    assert not AuditEvent.objects.filter(action="person.set_language").exists()


def test_anonymous_language_switch_sets_the_cookie_only(client):
    response = client.post(reverse("web:language"), {"language": "en", "next": "/masuk/"})
    assert response.status_code == 302
    assert response.url == "/masuk/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("web:login"))
    assert '<html lang="en">' in page.content.decode()
    assert not AuditEvent.objects.exists()


def test_language_switch_ignores_unsafe_next(client):
    response = client.post(
        reverse("web:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("web:login")


def test_language_switch_refuses_other_methods(client):
    assert client.put(reverse("web:language")).status_code == 405


def _production_settings(**extra) -> str:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "KOPDES_ENV": "production",
        "KOPDES_SECRET_KEY": "x" * 64,
        "KOPDES_PAYMENT_SIMULATOR_SECRET": "y" * 40,
        "KOPDES_ALLOWED_HOSTS": "kopdes.example.go.id",
        **extra,
    }
    code = (
        "from kopdes.settings import base as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.KOPDES_TRUSTED_PROXIES)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or done.stderr


def test_the_language_cookie_is_secure_in_production():
    assert _production_settings(KOPDES_TRUSTED_PROXIES="127.0.0.1") == "True True ['127.0.0.1']"


def test_a_bad_trusted_proxy_stops_the_start():
    assert "KOPDES_TRUSTED_PROXIES" in _production_settings(KOPDES_TRUSTED_PROXIES="proxy.local")
