"""The early-warning pages in Chromium at 360 px and 1366 px with content (warnings of several
kinds in the list, a warning with its follow-up form and history, the thresholds page with the
examiner's form): no page wider than the screen, no serious axe violation, one h1."""

from __future__ import annotations

from datetime import date

from browser.test_pages import check_pages
from django.urls import reverse

from kopdes import testing
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import EarlyWarning
from kopdes.supervision.services import warning_acknowledge, warnings_scan


def test_warning_pages_fit_and_pass_axe(browser, live_server):
    place = testing.persona_place("A")
    savings.savings_deposit(
        actor=None,
        cooperative=place.cooperative,
        member=make_member(place.cooperative),
        kind="sukarela",
        amount=25_000_000,
        on=date(2026, 3, 2),
    )
    warnings_scan(actor=None, cooperatives=[place.cooperative], on=date(2026, 7, 1))
    examiner = testing.make_supervisor(
        agency="dinas", organisation="Dinas Penilai", region_prefix="36.03", read_only=False
    )
    warning = EarlyWarning.objects.filter(cooperative=place.cooperative).first()
    warning_acknowledge(actor=examiner, warning=warning, note="Dicek")
    urls = {
        "warnings": reverse("web:warnings"),
        "cooperative_warnings": reverse(
            "web:cooperative_warnings", args=[place.cooperative.public_id]
        ),
        "warning_detail": reverse(
            "web:warning_detail", args=[place.cooperative.public_id, warning.public_id]
        ),
        "warning_thresholds": reverse("web:warning_thresholds"),
    }

    def on_page(name, tab):
        if name == "warnings":
            assert tab.get_by_text("Kas di tangan melebihi batas").count() >= 1

    check_pages(browser, live_server, examiner, urls, on_page=on_page)
