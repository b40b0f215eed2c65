"""The public transparency portal: no login, no personal data, a fixed number of queries."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kopdes.ledger import checkpoints, services, signing
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, amount, day):
    return services.journal_entry_post(
        cooperative=coop,
        date=day,
        memo="Setoran Ketua A",
        lines=[Line("1-102", debit=amount), Line("3-103", credit=amount)],
        source_kind="test",
    )


@pytest.fixture
def published(coop_a, coop_b):
    with at(D1):
        post(coop_a, 1_500_000, D1)
        post(coop_a, 250_000, D1)
    with at(D2):
        post(coop_a, 10_000, D2)
    with at(D3):
        checkpoints.checkpoints_close_day(day=D2)
    return coop_a


def test_portal_is_public_and_lists_the_latest_checkpoints(client, published, coop_b, place_a):
    response = client.get("/transparansi/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    key = signing.platform_key()
    assert key.verifier_key in html
    assert "BEGIN PUBLIC KEY" in html
    latest = Checkpoint.objects.get(cooperative=published, date=D2)
    assert latest.root_hash[:16] in html
    assert latest.note.split("\n")[0] in html  # the signed note is shown
    assert "kopdes.id/ledger" in html
    assert coop_b.name in html and "No checkpoint yet." in html
    assert reverse("web:transparency_cooperative", args=[published.village_id]) in html
    for person in place_a.people.values():  # no personal data
        assert person.full_name not in html
        assert person.phone not in html
    assert "Setoran" not in html  # nor entry contents


def test_search(client, published, coop_b):
    html = client.get("/transparansi/", {"q": "Teluknaga"}).content.decode()
    assert coop_b.name in html and published.name not in html


def test_queries_do_not_grow_with_cooperatives_or_checkpoints(
    client, published, coop_b, django_assert_max_num_queries
):
    client.get("/transparansi/")  # the signing key is read once per process
    with django_assert_max_num_queries(6):
        client.get("/transparansi/")
    with django_assert_max_num_queries(6):
        client.get(f"/transparansi/{published.village_id}/")


def test_cooperative_page_lists_checkpoints_newest_first(client, published):
    response = client.get(reverse("web:transparency_cooperative", args=[published.village_id]))
    assert response.status_code == 200
    html = response.content.decode()
    d2, d1 = Checkpoint.objects.filter(cooperative=published).order_by("-date")
    assert html.index(d2.note.split("\n")[2]) < html.index(d1.note.split("\n")[2])
    assert f"<pre>{d2.note}</pre>" in html.replace("&#x27;", "'")
    assert "Rp1.750.000" in html  # D1's debit total
    assert checkpoints.origin(published) in html
    assert "Setoran" not in html


def test_unknown_village_is_404(client, published):
    assert client.get("/transparansi/99.99.99.9999/").status_code == 404
    assert client.get("/transparansi/36.03.13.2001/").status_code == 200  # B: nothing yet
