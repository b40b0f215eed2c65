"""Demo announcements: an AD/ART PDF made by the PDF helper and published, two announcements
(one shown, one scheduled), deterministic and idempotent."""

import random
from datetime import date

import pytest

from kopdes.announcements import selectors
from kopdes.announcements.models import Announcement, Document
from kopdes.demo.announcements_seed import GENERAL, announcements_seed_cooperative

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 30)


def test_the_ad_art_and_two_announcements_through_the_services(place_a):
    coop = place_a.cooperative
    seeded = announcements_seed_cooperative(coop, on=ON)
    document = seeded.document
    assert document.kind == "ad_art" and document.published
    assert document.content_type == "application/pdf"
    with document.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert document.uploaded_by_label == str(place_a.sekretaris)
    first, second = seeded.announcements
    assert first.document == document and first.publish_on == ON
    assert second.publish_on > ON
    assert list(selectors.announcements_visible(coop, on=ON)) == [first]
    assert list(selectors.public_documents(coop)) == [document]
    # Again: nothing new (idempotent), the same scenario (deterministic).
    again = announcements_seed_cooperative(coop, on=ON)
    assert again.document == document
    assert [a.pk for a in again.announcements] == [first.pk, second.pk]
    assert Announcement.objects.filter(cooperative=coop).count() == 2
    assert Document.objects.filter(cooperative=coop).count() == 1


def test_the_general_announcement_is_drawn_from_the_village_code(place_a, place_b):
    for place in (place_a, place_b):
        coop = place.cooperative
        rng = random.Random(f"announcements:{coop.village_id}")
        title, _text = rng.choice(GENERAL)
        days = rng.randint(3, 7)
        general = announcements_seed_cooperative(coop, on=ON).announcements[1]
        assert general.title == title
        assert (general.publish_on - ON).days == days
        assert general.source == "demo:general"
