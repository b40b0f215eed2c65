"""The health assessment pages in Chromium at 360 px and 1366 px with content (an assessment
with every component, the questionnaire and "Nilai ulang" shown to the examiner; the method
page with its form): no page wider than the screen, no serious axe violation, one h1. (The
whole sweep, test_pages.py, opens them too, empty.)"""

from __future__ import annotations

from browser.test_pages import VIEWPORTS, axe_source, check, login_cookie
from django.urls import reverse
from security import probe

from kopdes import testing
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.services import health_assess


def test_health_pages_fit_and_pass_axe(browser, live_server):
    place = testing.persona_place("A")
    testing.close_shu_books(place, make_member(place.cooperative))
    examiner = testing.make_supervisor(
        agency="dinas", organisation="Dinas Penilai", region_prefix="36.03", read_only=False
    )
    health_assess(actor=examiner, cooperative=place.cooperative, year=2025)
    pages = {p.name.removeprefix("web:"): p for p in probe.staff_pages()}
    urls = {
        "health": reverse("web:health", args=[place.cooperative.public_id]),
        "health_method": reverse("web:health_method"),
    }
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_cookies([login_cookie(live_server.url, examiner)])
    tab = context.new_page()
    problems: list[str] = []
    try:
        for name, url in urls.items():
            tab.set_viewport_size(VIEWPORTS["phone"])
            response = tab.goto(url)
            assert response is not None and response.status == 200, (name, response)
            assert tab.locator("h1").count() == 1
            if name == "health":
                assert tab.get_by_text("Jatidiri Koperasi").count() == 1
                assert tab.get_by_role("button", name="Nilai ulang").count() == 1
            tab.evaluate(axe_source())
            for size in VIEWPORTS:
                tab.set_viewport_size(VIEWPORTS[size])
                problems += check(tab, pages[name], url, size)
                tab.screenshot(path=f"/tmp/kopdes-{name}-{size}.png", full_page=True)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
