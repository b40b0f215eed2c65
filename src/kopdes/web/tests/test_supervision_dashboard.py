"""The supervision dashboard's pages: scope, the table's order and filters, the exports, the map
and the charts."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kopdes.cooperatives.models import VillageProfile
from kopdes.savings.tests.factories import make_member


@pytest.fixture
def members(place_a, place_b):
    for _ in range(3):
        make_member(place_a.cooperative)
    make_member(place_b.cooperative)
    VillageProfile.objects.update_or_create(
        cooperative=place_a.cooperative, defaults={"leading_commodities": ["Kerajinan bambu"]}
    )
    return place_a, place_b


def test_the_overview_shows_totals_map_and_charts(client, members, dinas):
    client.force_login(dinas)
    response = client.get(reverse("web:supervision"))
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="total-members">\s*4\s*<', page)
    svg = re.search(r'<svg viewBox="0 0 600 \d+" role="group" aria-label="[^"]+"', page)
    assert svg, "the map"
    assert re.search(r'<g role="img" aria-label="[^"]+"', page)
    # one outline per kecamatan of the outlines file, each with its value as a title
    assert page.count("<path d=") >= 2 * 2  # painted, and again as the link
    assert "<title>Balaraja: 3</title>" in page and "<title>Teluknaga: 1</title>" in page
    table = reverse("web:supervision_table")
    assert f'href="{table}?kecamatan=36.03.01" aria-label="Balaraja: 3"' in page
    assert 'id="map-values"' in page  # the same values as a table
    assert page.count('role="img"') == 5  # the map and four charts
    assert "<polyline" in page


def test_the_map_indicator_is_chosen_and_unknown_ones_ignored(client, members, dinas):
    client.force_login(dinas)
    page = client.get(reverse("web:supervision"), {"peta": "cooperatives"}).content.decode()
    assert "<title>Balaraja: 1</title>" in page
    page = client.get(reverse("web:supervision"), {"peta": "nope"}).content.decode()
    assert "<title>Balaraja: 3</title>" in page


def test_scope_a_kecamatan_officer_sees_their_kecamatan(client, members, camat_balaraja):
    place_a, place_b = members
    client.force_login(camat_balaraja)
    page = client.get(reverse("web:supervision_table")).content.decode()
    assert place_a.cooperative.name in page and place_b.cooperative.name not in page
    overview = client.get(reverse("web:supervision")).content.decode()
    assert re.search(r'id="total-members">\s*3\s*<', overview)
    assert "<title>Teluknaga: \u2013</title>" in overview  # drawn, without a value
    rows = list(csv.reader(io.StringIO(_get(client, "web:supervision_export_csv").decode())))
    assert [r[1] for r in rows[1:]] == [place_a.cooperative.name]


def test_an_officer_without_a_grant_gets_404(client, place_a):
    client.force_login(place_a.ketua)
    for name in (
        "web:supervision",
        "web:supervision_table",
        "web:supervision_export_csv",
        "web:supervision_export_xlsx",
    ):
        assert client.get(reverse(name)).status_code == 404


def _names(page: str) -> list[str]:
    body = page.split('id="cooperatives"', 1)[1]
    return re.findall(r'<td class="stack-first"><a href="[^"]+">([^<]+)</a>', body)


def test_the_table_sorts_and_filters(client, members, dinas):
    place_a, place_b = members
    a, b = place_a.cooperative.name, place_b.cooperative.name
    client.force_login(dinas)
    url = reverse("web:supervision_table")
    assert _names(client.get(url, {"urut": "members"}).content.decode()) == [b, a]
    assert _names(client.get(url, {"urut": "members", "arah": "turun"}).content.decode()) == [a, b]
    assert _names(client.get(url, {"kecamatan": "36.03.13"}).content.decode()) == [b]
    assert _names(client.get(url, {"q": "teluknaga"}).content.decode()) == [b]
    assert _names(client.get(url, {"q": "Balaraja"}).content.decode()) == [a]  # the kecamatan
    assert _names(client.get(url, {"indikator": "members", "min": "2"}).content.decode()) == [a]
    assert _names(client.get(url, {"predikat": "sehat"}).content.decode()) == []
    assert _names(client.get(url, {"predikat": "none", "urut": "x", "min": "y"}).content.decode())
    page = client.get(url).content.decode()
    assert "no business line for Kerajinan bambu" in page or "Kerajinan bambu" in page
    # the sort links keep the filters
    page = client.get(url, {"kecamatan": "36.03.13"}).content.decode()
    assert "?kecamatan=36.03.13&amp;urut=members" in page


def _get(client, name: str, **params) -> bytes:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content


def test_csv_and_excel_hold_exactly_the_filtered_table(client, members, dinas):
    place_a, place_b = members
    client.force_login(dinas)
    rows = list(csv.reader(io.StringIO(_get(client, "web:supervision_export_csv").decode())))
    header = rows[0]
    assert header[:5] == ["Kode desa", "Koperasi", "Desa/kelurahan", "Kecamatan", "Anggota aktif"]
    assert [(r[1], r[4]) for r in rows[1:]] == [
        (place_a.cooperative.name, "3"),
        (place_b.cooperative.name, "1"),
    ]
    filtered = _get(client, "web:supervision_export_csv", kecamatan="36.03.13").decode()
    assert place_a.cooperative.name not in filtered and place_b.cooperative.name in filtered
    book = load_workbook(io.BytesIO(_get(client, "web:supervision_export_xlsx", q="teluknaga")))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(values) if row[0] == "Kode desa")
    assert values[start][:2] == ["Kode desa", "Koperasi"]
    assert [row[1] for row in values[start + 1 :]] == [place_b.cooperative.name]
    assert values[start + 1][4] == 1  # a number cell


def test_the_api_answers_the_scope(client, members, camat_balaraja):
    from kopdes.accounts.tokens import token_issue

    place_a, place_b = members
    token, _row = token_issue(user=camat_balaraja)
    response = client.get("/api/v1/supervision/dashboard", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["cooperatives"] == 1 and body["totals"]["members"] == 3
    assert [r["cooperative"]["name"] for r in body["rows"]] == [place_a.cooperative.name]
    assert body["rows"][0]["leading_commodities"] == ["Kerajinan bambu"]
    token, _row = token_issue(user=place_b.ketua)  # no grant: an empty scope
    response = client.get("/api/v1/supervision/dashboard", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["rows"] == []
