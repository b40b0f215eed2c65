"""The health assessment pages in Chromium at 360 px and 1366 px with content (an assessment
with every component, the questionnaire and "Nilai ulang" shown to the examiner; the method
page with its form): no page wider than the screen, no serious axe violation, one h1. (The
whole sweep, test_pages.py, opens them too, empty.)"""

from __future__ import annotations

from browser.test_pages import check_pages
from django.urls import reverse

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
    urls = {
        "health": reverse("web:health", args=[place.cooperative.public_id]),
        "health_method": reverse("web:health_method"),
    }

    def on_page(name, tab):
        if name == "health":
            assert tab.get_by_text("Jatidiri Koperasi").count() == 1
            assert tab.get_by_role("button", name="Nilai ulang").count() == 1

    check_pages(browser, live_server, examiner, urls, on_page=on_page)
