"""Logging in through the real form in Chromium, on a cheap Android phone's screen and a desktop's.

Screenshots go to /tmp (kopdes-login*.png) for a person to judge the layout.
"""

import pytest
from browser.lazy_expect import expect

from kopdes.accounts.models import User

PASSWORD = "S3cure-pass-123"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def person():
    return User.objects.create_user("+6281234567890", PASSWORD, full_name="Siti Rahmawati")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_login_with_the_form(page, person, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    suffix = "" if screen == "phone" else "-desktop"
    # An explicit safe `next`, so the test does not depend on the home page.
    response = page.goto("/masuk/?next=/akun/bahasa/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.screenshot(path=f"/tmp/kopdes-login-form{suffix}.png", full_page=True)

    # A malformed number is refused with a message next to the field.
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/masuk/'] button[type=submit]")
    expect(page.locator("input[name=phone]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_be_visible()
    page.screenshot(path=f"/tmp/kopdes-login-error{suffix}.png", full_page=True)

    # The national form of the number works.
    page.fill("input[name=phone]", "0812 3456 7890")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/masuk/'] button[type=submit]")
    expect(page).to_have_url("/akun/bahasa/")
    expect(page.locator(".user-menu .user-name")).to_have_text("Siti Rahmawati")
    page.screenshot(path=f"/tmp/kopdes-login{suffix}.png", full_page=True)

    # The user menu opens without any script of ours, and logging out is a POST.
    page.click(".user-menu summary")
    page.screenshot(path=f"/tmp/kopdes-login-menu{suffix}.png")
    page.click(".user-menu button[type=submit]")
    expect(page).to_have_url("/masuk/")
    expect(page.locator(".user-menu")).to_have_count(0)

    # Nothing was blocked by the Content Security Policy, and no script failed.
    assert page.console_errors == []


def test_language_switch_on_the_login_page(page):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/masuk/")
    page.click(".language-switch button[value=en]")
    expect(page).to_have_url("/masuk/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-switch button[value=en]")).to_be_disabled()
    assert page.console_errors == []
