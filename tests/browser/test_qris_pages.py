"""The QRIS pages in Chromium at 360 px and 1366 px with content (a stored QRIS drawn as a QR, a
pending and a paid payment, a notification): no page wider than the screen, no serious axe
violation, one h1. (The whole sweep, test_pages.py, opens them too; this one fills them first.)"""

from __future__ import annotations

from browser.test_pages import VIEWPORTS, axe_source, check, login_cookie
from security import probe

from kopdes import testing
from kopdes.payments.services import payment_simulate_paid
from kopdes.payments.tests.factories import make_member

PAGES = ("commerce_qris", "commerce_qris_settle", "commerce_simulator")


def test_qris_pages_fit_and_pass_axe(browser, live_server):
    place = testing.persona_place("A")
    paid = testing.make_qris(place, make_member(place.cooperative))
    payment_simulate_paid(paid)
    testing.make_qris(place, make_member(place.cooperative))  # one still pending
    pages = {p.name.removeprefix("web:"): p for p in probe.staff_pages()}
    side = probe.Side(place=place)
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_cookies([login_cookie(live_server.url, place.bendahara)])
    tab = context.new_page()
    problems: list[str] = []
    try:
        for name in PAGES:
            url = probe.url_for(pages[name], side)
            tab.set_viewport_size(VIEWPORTS["phone"])
            response = tab.goto(url)
            assert response is not None and response.status == 200, (name, response)
            assert tab.locator("h1").count() == 1
            if name == "commerce_qris":
                assert tab.locator(".qris-code svg").count() == 1
            tab.evaluate(axe_source())
            for size in VIEWPORTS:
                tab.set_viewport_size(VIEWPORTS[size])
                problems += check(tab, pages[name], url, size)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
