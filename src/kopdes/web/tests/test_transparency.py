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
    assert "BEGIN PUBLIC KEY" in html
    latest = Checkpoint.objects.get(cooperative=published, date=D2)
    assert latest.root_hash[:16] in html
    assert latest.note.split("\n")[0] in html  # the signed note is shown
    assert "kopdes.id/koperasi/" in html  # each cooperative's key is named after its origin
    assert coop_b.name in html and "No checkpoint yet." in html
    assert reverse("web:transparency_cooperative", args=[published.village_id]) in html
    for person in place_a.people.values():  # no personal data
        assert person.full_name not in html
        assert person.phone not in html
    assert "Setoran" not in html  # nor entry contents


def test_the_portal_gives_aggregates_per_kecamatan_and_cooperative(client, published, coop_b):
    """Issue 15.7: per kecamatan the cooperatives, their active members and the RAT held and
    reported; per cooperative its active members and its RAT's state. No person."""
    from kopdes.savings.tests.factories import make_member

    make_member(published)
    make_member(published)
    make_member(coop_b)
    html = client.get("/transparansi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The cooperatives by kecamatan" in html
    districts = {c.village.district.name for c in (published, coop_b)}
    for name in districts:
        assert name in html
    section = html.split('id="by-district"')[1].split("</section>")[0]
    assert section.count("<tr>") == 1 + len(districts)
    if len(districts) == 2:
        assert '<td class="num" data-label="Active members">2</td>' in section
    else:
        assert '<td class="num" data-label="Active members">3</td>' in section
    rows = html.split('id="latest-checkpoints"')[1]
    assert "RAT 20" in rows and '<td class="num">2</td>' in rows


def test_search(client, published, coop_b):
    html = client.get("/transparansi/", {"q": "Teluknaga"}).content.decode()
    assert coop_b.name in html and published.name not in html


def test_queries_do_not_grow_with_cooperatives_or_checkpoints(
    client, published, coop_b, django_assert_max_num_queries
):
    client.get("/transparansi/")  # the signing key is read once per process
    with django_assert_max_num_queries(32):  # the checkpoints' 6, the aggregates' (dashboard) 26
        client.get("/transparansi/")
    with django_assert_max_num_queries(6):
        client.get(f"/transparansi/{published.village_id}/verifikasi/")


def test_verify_page_lists_checkpoints_newest_first(client, published):
    response = client.get(reverse("web:transparency_verify", args=[published.village_id]))
    assert response.status_code == 200
    html = response.content.decode()
    d2, d1 = Checkpoint.objects.filter(cooperative=published).order_by("-date")
    assert html.index(d2.note.split("\n")[2]) < html.index(d1.note.split("\n")[2])
    assert f"<pre>{d2.note}</pre>" in html.replace("&#x27;", "'")
    assert "Rp1.750.000" in html  # D1's debit total
    assert checkpoints.origin(published) in html
    assert signing.log_verifier_key(checkpoints.origin(published)) in html
    assert reverse("web:log_checkpoints", args=[published.village_id]) in html
    assert "Setoran" not in html


def test_unknown_village_is_404(client, published):
    assert client.get("/transparansi/99.99.99.9999/").status_code == 404
    assert client.get("/transparansi/99.99.99.9999/verifikasi/").status_code == 404
    assert client.get("/transparansi/36.03.13.2001/").status_code == 200  # B: nothing yet
    assert client.get("/transparansi/36.03.13.2001/verifikasi/").status_code == 200


# -- the public one-page report -----------------------------------------------------------------


def entry(coop, day, *lines):
    return services.journal_entry_post(
        cooperative=coop, date=day, memo="Ibu Siti", lines=list(lines), source_kind="test"
    )


@pytest.fixture
def closed_march(coop_a):
    """A year of two: 2025 ended with a loss; by the end of March 2026 the members hold simpanan,
    the CSR grant arrived, and the month made a surplus. March is closed on 2 April and the
    checkpoint of that day covers it."""
    with at(date(2025, 12, 10)):
        entry(
            coop_a,
            date(2025, 12, 10),
            Line("1-102", debit=100_000_000),
            Line("3-103", credit=100_000_000),
        )
        entry(
            coop_a, date(2025, 12, 10), Line("5-203", debit=300_000), Line("1-102", credit=300_000)
        )
    with at(D1):
        entry(
            coop_a,
            D1,
            Line("1-102", debit=1_350_000),
            Line("3-101", credit=1_000_000),
            Line("3-102", credit=200_000),
            Line("2-101", credit=150_000),
        )
        entry(coop_a, D1, Line("1-102", debit=500_000), Line("4-901", credit=500_000))
    with at(date(2026, 4, 2)):
        services.period_close_through(actor=None, cooperative=coop_a, year=2026, month=3)
    with at(date(2026, 4, 3)):
        checkpoints.checkpoints_close_day(day=date(2026, 4, 2))
    return coop_a


def test_the_public_report_speaks_money_not_cryptography(client, closed_march, place_a):
    response = client.get(
        reverse("web:transparency_cooperative", args=[closed_march.village_id]),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Buku yang sudah ditutup per 31 Mar 2026" in html
    for figure in ("Rp1.000.000", "Rp200.000", "Rp150.000"):  # pokok, wajib, sukarela
        assert figure in html
    assert "Rp101.550.000" in html  # assets: 100 juta - 300.000 + 1.350.000 + 500.000
    assert "Rp100.000.000" in html  # CSR capital received
    assert "Surplus (SHU) Rp500.000" in html or "SHU Rp500.000" in html
    assert "Defisit Rp300.000" in html  # 2025 ended with a loss: a defisit, never "SHU"
    # Nothing was posted between the last entry (9 March) and the closing: the checkpoint of
    # 9 March holds every March entry, so it covers the closing.
    covering = Checkpoint.objects.get(cooperative=closed_march, date=D1)
    assert covering.root_hash[:16] in html  # tied to the signed root
    assert reverse("web:transparency_verify", args=[closed_march.village_id]) in html
    for person in place_a.people.values():  # aggregates only, no one's name or number
        assert person.full_name not in html and person.phone not in html
    assert "Ibu Siti" not in html  # nor any entry's memo
    assert "BEGIN PUBLIC KEY" not in html  # the cryptography is behind the link


def test_the_public_report_figures_are_the_signed_statements(closed_march):
    from kopdes.ledger import statements

    report = statements.public_report(
        cooperative=closed_march, as_of=date(2026, 3, 31), months_closed=4
    )
    assert report.savings == {"pokok": 1_000_000, "wajib": 200_000, "sukarela": 150_000}
    assert (report.assets, report.liabilities) == (101_550_000, 150_000)
    assert report.equity == 101_400_000 and report.balanced
    assert (report.result_to_date.amount, report.result_last_year.amount) == (500_000, -300_000)
    assert report.result_last_year.deficit and report.result_last_year.size == 300_000


def test_before_any_month_is_closed_the_report_says_so(client, published):
    html = client.get(
        reverse("web:transparency_cooperative", args=[published.village_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "No month of this cooperative's books is closed yet" in html
    assert reverse("web:transparency_verify", args=[published.village_id]) in html


def test_the_report_costs_a_fixed_number_of_queries(
    client, closed_march, django_assert_max_num_queries
):
    client.get(f"/transparansi/{closed_march.village_id}/")
    with django_assert_max_num_queries(40):
        client.get(f"/transparansi/{closed_march.village_id}/")


def test_the_public_report_can_be_recomputed_from_the_signed_trial_balance(client, closed_march):
    """The report's money figures follow from the trial balance the covering checkpoint's signed
    summary commits to: anyone can download it, check its hash, and add it up."""
    import base64
    import hashlib
    import json

    from kopdes.ledger import statements

    covering = Checkpoint.objects.get(cooperative=closed_march, date=D1)
    response = client.get(
        reverse("web:log_balances", args=[closed_march.village_id, covering.tree_size])
    )
    assert response.status_code == 200
    document = response.content
    summary = checkpoints.parse_summary_text(
        signing.open_note(covering.summary, signing.log_verifier(checkpoints.origin(closed_march)))
    )
    assert summary.balances == hashlib.sha256(document).digest()
    assert summary.root == base64.b64decode(
        client.get(reverse("web:log_checkpoints", args=[closed_march.village_id])).json()[
            "checkpoints"
        ][-1]["root"]
    )
    months = json.loads(document)["months"]

    def balance(prefix, upto="2026-03", since="0000-00"):
        return sum(
            debit - credit
            for month, accounts in months.items()
            if since <= month <= upto
            for code, (debit, credit) in accounts.items()
            if code.startswith(prefix)
        )

    report = statements.public_report(
        cooperative=closed_march, as_of=date(2026, 3, 31), months_closed=4
    )
    assert balance("1-") == report.assets
    assert -balance("2-") == report.liabilities
    assert -balance("3-101") == report.savings["pokok"]
    assert -balance("4-", since="2026-01") - balance("5-", since="2026-01") == (
        report.result_to_date.amount
    )
    assert (
        client.get(reverse("web:log_balances", args=[closed_march.village_id, 999])).status_code
        == 404
    )
