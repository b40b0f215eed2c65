"""The SHU pages: years and the simulation, a year with its shares, the RAT approval, posting
by a second person, payment, and a member's statement (page and PDF)."""

from django.urls import reverse

from kopdes import testing
from kopdes.savings.tests.factories import make_member
from kopdes.shu.models import ShuYear


def _url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def test_the_shu_flow_through_the_pages(client, place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Siti Aminah")
    testing.make_shu_year(place_a, member)
    client.force_login(place_a.ketua)
    page = client.get(_url("shu_years", coop))
    assert page.status_code == 200 and b"2025" in page.content
    # A new simulation of the same year, from the form.
    answer = client.post(_url("shu_years", coop), {"year": "2025"})
    assert answer.status_code == 302 and answer["Location"] == _url("shu_year", coop, 2025)
    page = client.get(_url("shu_year", coop, 2025))
    assert page.status_code == 200
    assert "Siti Aminah" in page.content.decode()
    statement = client.get(_url("shu_statement", coop, 2025, member.public_id))
    text = statement.content.decode()
    assert statement.status_code == 200 and "JMA" in text and "JUA" in text
    pdf = client.get(_url("shu_statement", coop, 2025, member.public_id) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    answer = client.post(_url("shu_approve", coop, 2025), {"resolution": "RAT/2026/03"})
    assert answer.status_code == 302
    # The ketua simulated: the ketua's posting is refused on the page, the bendahara's goes.
    refused = client.post(_url("shu_post", coop, 2025), {})
    assert refused.status_code == 400
    client.force_login(place_a.bendahara)
    posted = client.post(_url("shu_post", coop, 2025), {})
    body = posted.content.decode()
    assert posted.status_code == 302, (
        posted.status_code,
        body[body.find("error-summary") :][:1500],
    )
    answer = client.post(_url("shu_pay", coop, 2025), {"channel": "sukarela", "niak": ""})
    assert answer.status_code == 302
    assert ShuYear.objects.get(cooperative=coop, year=2025).status == "paid"


def test_a_cash_payment_needs_a_member(client, place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Budi")
    year = testing.make_shu_year(place_a, member)
    from kopdes.shu import services

    services.shu_approve(actor=place_a.ketua, shu_year=year, resolution="RAT-1")
    services.shu_post(actor=place_a.bendahara, shu_year=year)
    client.force_login(place_a.bendahara)
    refused = client.post(_url("shu_pay", coop, 2025), {"channel": "cash", "niak": ""})
    assert refused.status_code == 400
    answer = client.post(_url("shu_pay", coop, 2025), {"channel": "cash", "niak": member.niak})
    assert answer.status_code == 302
    assert ShuYear.objects.get(pk=year.pk).status == "paid"


def test_a_kasir_cannot_open_the_shu_and_a_pengawas_reads_without_forms(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    assert client.get(_url("shu_years", coop)).status_code == 404
    client.force_login(place_a.pengawas)
    page = client.get(_url("shu_years", coop))
    assert page.status_code == 200 and b'name="year"' not in page.content
    assert client.post(_url("shu_years", coop), {"year": "2025"}).status_code == 404


def test_the_beranda_tile_shows_last_years_shu_to_who_manages_it(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    tiles = {t.key: t for t in client.get(_url("cooperative_home", coop)).context["tiles"]}
    assert tiles["shu"].todo and tiles["shu"].value == "Belum disimulasikan"
    testing.make_shu_year(place_a, make_member(coop, name="Siti"))
    tiles = {t.key: t for t in client.get(_url("cooperative_home", coop)).context["tiles"]}
    assert tiles["shu"].value == "Disimulasikan" and tiles["shu"].url == _url("shu_years", coop)
    client.force_login(place_a.kasir)
    tiles = {t.key for t in client.get(_url("cooperative_home", coop)).context["tiles"]}
    assert "shu" not in tiles
