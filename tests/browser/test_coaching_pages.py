"""The coaching pages in Chromium at 360 px and 1366 px with content (a visit held with an
open finding and its follow-up, a training held with its attendance, an overdue finding in
another cooperative), seen by the examiner: no page wider than the screen, no serious axe
violation, one h1. (The whole sweep, test_pages.py, opens them too.)"""

from __future__ import annotations

from datetime import timedelta

from browser.test_pages import check_pages
from django.urls import reverse

from kopdes import testing
from kopdes.core import clock
from kopdes.supervision import coaching
from kopdes.supervision.tests.factories import make_coaching


def test_coaching_pages_fit_and_pass_axe(browser, live_server):
    place = testing.persona_place("A")
    other = testing.persona_place("B")
    coached = make_coaching(place.cooperative)
    past = clock.today() - timedelta(days=30)
    coaching.finding_raise(
        actor=None,
        cooperative=other.cooperative,
        title="Laporan bulanan belum dikirim ke Dinas",
        recommendation="Kirim laporan bulanan paling lambat tanggal 10.",
        owner_role="sekretaris",
        owner_name="Ibu Sekretaris dengan nama yang cukup panjang",
        raised_on=past,
        deadline=past + timedelta(days=5),
    )
    examiner = testing.make_supervisor(
        agency="dinas", organisation="Dinas Pembina", region_prefix="36.03", read_only=False
    )
    coop = place.cooperative.public_id
    urls = {
        "coaching_overview": reverse("web:coaching_overview"),
        "coaching": reverse("web:coaching", args=[coop]),
        "coaching_finding": reverse("web:coaching_finding", args=[coop, coached.finding.public_id]),
        "coaching_visit": reverse("web:coaching_visit", args=[coop, coached.visit.public_id]),
        "coaching_training": reverse(
            "web:coaching_training", args=[coop, coached.participation.public_id]
        ),
        "coaching_finding_new": reverse("web:coaching_finding_new", args=[coop]),
        "coaching_training_new": reverse("web:coaching_training_new"),
    }

    def on_page(name, tab):
        if name == "coaching_overview":
            assert tab.get_by_text("Lewat batas waktu").count() >= 1
            assert tab.get_by_role("heading", name="Temuan terbuka").count() == 1

    check_pages(browser, live_server, examiner, urls, on_page=on_page)
