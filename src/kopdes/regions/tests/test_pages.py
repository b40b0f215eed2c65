"""The public /wilayah/ pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def get(client):
    def get(url: str, **params):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")

    return get


def test_index_lists_provinces_with_counts_without_login(get, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = get(reverse("web:regions"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("web:region_detail", args=["36"]) in body
    assert "Banten" in body
    assert "274" in body and "246" in body and "28" in body
    assert 'name="q"' in body


def test_index_search(get):
    body = get(reverse("web:regions"), q="cangkudu").content.decode()
    assert "Cangkudu" in body
    assert reverse("web:region_detail", args=["36.03.01.2003"]) in body
    assert "Balaraja" in body


def test_index_search_too_short_is_a_message_not_an_error(get):
    response = get(reverse("web:regions"), q="ab")
    assert response.status_code == 200
    assert "Type at least 3 characters." in response.content.decode()


def test_index_search_with_control_characters(get):
    response = get(reverse("web:regions"), q="abc\x00")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Control characters are not allowed." in body
    assert "\x00" not in body


def test_index_search_without_match(get):
    body = get(reverse("web:regions"), q="zzzzz").content.decode()
    assert "No desa or kelurahan is named like" in body


def test_regency_page_lists_kecamatan_with_counts(get, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = get(reverse("web:region_detail", args=["36.03"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Kabupaten Tangerang</h1>" in body
    assert 'href="/wilayah/36/"' in body  # breadcrumb up to Banten
    assert body.count('href="/wilayah/36.03.') == 29
    assert "Balaraja" in body and "Mekar Baru" in body


def test_district_page_lists_villages_with_kind(get):
    body = get(reverse("web:region_detail", args=["36.03.28"])).content.decode()
    assert "Kecamatan Kelapa Dua" in body
    assert body.count('href="/wilayah/36.03.28.') == 6
    assert "Kelurahan" in body and "Desa" in body


def test_village_page_shows_lineage_and_centroid(get, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = get(reverse("web:region_detail", args=["36.03.01.2003"]))
    body = response.content.decode()
    assert "<h1>Desa Cangkudu</h1>" in body
    for href in ('href="/wilayah/36.03.01/"', 'href="/wilayah/36.03/"', 'href="/wilayah/36/"'):
        assert href in body
    assert "-6.228146, 106.431620" in body
    assert "3603012003" in body


def test_centroid_is_not_localised_in_bahasa(client):
    body = client.get(
        reverse("web:region_detail", args=["36.03.01.2003"]), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "-6.228146, 106.431620" in body


def test_search_within_a_region(get):
    body = get(reverse("web:region_detail", args=["36.03.01"]), q="suka").content.decode()
    assert "Sukamurni" in body


def test_digits_only_code_redirects_to_the_dotted_address(get):
    response = get("/wilayah/3603012003/", q="x")
    assert response.status_code == 301
    assert response["Location"] == "/wilayah/36.03.01.2003/?q=x"


@pytest.mark.parametrize(
    "code",
    [
        "99",
        "36.04",
        "36.03.01.2999",
        "abc",
        "36.70",
        "9" * 500,
        "%00",
        "%E2%98%83",
        "36.03.01.0001",
    ],
)
def test_bad_or_unknown_code_is_the_normal_404_page(get, code):
    response = get(f"/wilayah/{code}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_are_read_only(client):
    assert client.post(reverse("web:regions")).status_code == 405
