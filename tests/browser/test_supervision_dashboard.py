"""The supervision dashboard in Chromium at 360 px and 1366 px with content (two cooperatives
with members, a health predicate, business lines against the village's commodities): the
overview with its map and charts and the table fit the screen and pass axe, one h1, and the
kecamatan on the map links to the table filtered to it. (The whole sweep, test_pages.py, opens
them too.)"""

from __future__ import annotations

from browser.test_pages import check_pages
from django.urls import reverse

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
    urls = {
        "supervision": reverse("web:supervision"),
        "supervision_table": reverse("web:supervision_table"),
    }

    def on_page(name, tab):
        if name == "supervision":
            assert tab.locator("[role=img]").count() == 5
            assert tab.locator("#map-values a").count() >= 2
        else:
            assert tab.locator("#cooperatives tbody tr").count() == 2

    def after(tab):
        tab.goto(urls["supervision"])
        tab.locator("#map-values a", has_text="Teluknaga").click()
        tab.wait_for_url("**/pantau/koperasi/?kecamatan=36.03.13")
        assert tab.locator("#cooperatives tbody tr").count() == 1

    check_pages(browser, live_server, dinas, urls, on_page=on_page, after=after)
