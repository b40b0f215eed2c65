"""The visitors' front door and the Beranda in Chromium, on a 360 px phone and a laptop.

Screenshots go to /tmp (kopdes-landing*.png, kopdes-beranda*.png) for a person to judge.
"""

import pytest
from browser.lazy_expect import expect

from kopdes import testing

PASSWORD = "S3cure-pass-123"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 800}}


def _fits(page) -> None:
    """Nothing on the page is wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width}px wide"


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_landing_then_login_to_the_beranda(page, screen):
    suffix = "" if screen == "phone" else "-desktop"
    place_a = testing.make_place("36.03.01.2003", "A")  # a transactional test builds its own
    ketua = place_a.ketua
    ketua.set_password(PASSWORD)
    ketua.save(update_fields=["password"])
    page.set_viewport_size(VIEWPORTS[screen])

    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    for href in ("/transparansi/", "/wilayah/", "/api/v1/docs"):
        expect(page.locator(f"main a[href='{href}']")).to_have_count(1)
    _fits(page)
    page.screenshot(path=f"/tmp/kopdes-landing{suffix}.png", full_page=True)

    page.locator("main a[href='/masuk/']").click()
    page.fill("input[name=phone]", ketua.phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/masuk/'] button[type=submit]")
    beranda = f"/app/{place_a.cooperative.public_id}/beranda/"
    expect(page).to_have_url(beranda)
    expect(page.locator("h1")).to_have_text("Beranda")
    expect(page.locator(".main-nav a[aria-current='page']")).to_have_attribute("href", beranda)
    expect(page.locator("#tile-requests")).to_be_visible()
    expect(page.locator("#tile-counter")).to_have_count(0)  # the ketua does not handle cash
    _fits(page)
    page.screenshot(path=f"/tmp/kopdes-beranda{suffix}.png", full_page=True)
    assert page.console_errors == []
