"""The supervision dashboard in Chromium at 360 px and 1366 px with content (two cooperatives
with members, a health predicate, business lines against the village's commodities): the
overview with its map and charts and the table fit the screen and pass axe, one h1, and the
kecamatan on the map links to the table filtered to it. (The whole sweep, test_pages.py, opens
them too.)"""

from __future__ import annotations

from browser.test_pages import VIEWPORTS, axe_source, check, login_cookie
from django.urls import reverse
from security import probe

from kopdes import testing
from kopdes.cooperatives.models import VillageProfile
from kopdes.savings.tests.factories import make_member


def test_dashboard_pages_fit_and_pass_axe(browser, live_server):
    a = testing.persona_place("A")
    b = testing.persona_place("B")
    for _ in range(2):
        make_member(a.cooperative)
    make_member(b.cooperative)
    VillageProfile.objects.update_or_create(
        cooperative=a.cooperative, defaults={"leading_commodities": ["Padi", "Ikan bandeng"]}
    )
    dinas = testing.make_supervisor(agency="dinas", organisation="Dinas", region_prefix="36.03")
    pages = {p.name.removeprefix("web:"): p for p in probe.staff_pages()}
    urls = {
        "supervision": reverse("web:supervision"),
        "supervision_table": reverse("web:supervision_table"),
    }
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_cookies([login_cookie(live_server.url, dinas)])
    tab = context.new_page()
    problems: list[str] = []
    try:
        for name, url in urls.items():
            tab.set_viewport_size(VIEWPORTS["phone"])
            response = tab.goto(url)
            assert response is not None and response.status == 200, (name, response)
            assert tab.locator("h1").count() == 1
            if name == "supervision":
                assert tab.locator("[role=img]").count() == 5
                assert tab.locator("#map-values a").count() >= 2
            else:
                assert tab.locator("#cooperatives tbody tr").count() == 2
            tab.evaluate(axe_source())
            for size in VIEWPORTS:
                tab.set_viewport_size(VIEWPORTS[size])
                problems += check(tab, pages[name], url, size)
                tab.screenshot(path=f"/tmp/kopdes-{name}-{size}.png", full_page=True)
        tab.goto(urls["supervision"])
        tab.locator("#map-values a", has_text="Teluknaga").click()
        tab.wait_for_url("**/pantau/koperasi/?kecamatan=36.03.13")
        assert tab.locator("#cooperatives tbody tr").count() == 1
    finally:
        context.close()
    assert not problems, "\n".join(problems)
