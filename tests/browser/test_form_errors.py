"""A refused form in Chromium: the error summary takes the focus, each field's aria-describedby
names its error element, and the summary's links lead to the fields (issue 9, item 9)."""

from browser.lazy_expect import expect
from django.conf import settings
from django.test import Client

from kopdes import testing

VIEWPORT = {"width": 360, "height": 740}


def _log_in(context, live_server, person) -> None:
    """The session of a Django test client, handed to the browser as its cookie."""
    client = Client()
    client.force_login(person)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_refused_form_focuses_its_summary_and_links_its_errors(page, context, live_server):
    # Built for this test (a place fixture would run it with the session's places, before the
    # transactional tests).
    place_a = testing.persona_place("A")
    page.set_viewport_size(VIEWPORT)
    _log_in(context, live_server, place_a.ketua)
    page.goto(f"/app/{place_a.cooperative.public_id}/kebijakan/")
    page.fill("input[name=simpanan_pokok_amount]", "-5")
    page.fill("textarea[name=reason]", "")
    page.locator("form:has(textarea[name=reason]) button[type=submit]").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("kesalahan")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")

    described = page.locator("input[name=simpanan_pokok_amount]").get_attribute("aria-describedby")
    assert described
    for element_id in described.split():
        assert page.evaluate(f"!!document.getElementById({element_id!r})"), element_id
    expect(page.locator(f"#{described.split()[-1]}")).to_be_visible()

    page.locator(".error-summary a[href='#id_simpanan_pokok_amount']").click()
    assert page.evaluate("document.activeElement.name") == "simpanan_pokok_amount"
    page.screenshot(path="/tmp/kopdes-form-errors-phone.png", full_page=True)
    # The refused POST answers 400 (Chromium logs that); nothing else failed, no script blocked.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
