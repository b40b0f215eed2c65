"""Region reads over Kabupaten Tangerang (migration 0002 loads it into every test database)."""

from decimal import Decimal

import pytest

from kopdes.core.errors import NotFound, ValidationFailed
from kopdes.regions import selectors
from kopdes.regions.models import District, Province, Regency, Village
from kopdes.regions.rules import Level

pytestmark = pytest.mark.django_db


def test_province_list_counts_every_level(django_assert_num_queries):
    with django_assert_num_queries(1):
        provinces = selectors.province_list()
    banten = next(p for p in provinces if p.code == "36")
    assert banten.name == "Banten"
    assert banten.level == Level.PROVINCE
    assert banten.counts == selectors.Counts(
        regencies=1, districts=29, villages=274, desa=246, kelurahan=28
    )


def test_province_list_counts_regions_without_villages_as_zero():
    Province.objects.create(code="99", name="Provinsi Uji")
    Regency.objects.create(code="99.01", province_id="99", name="Kabupaten Uji", kind="kabupaten")
    empty = next(p for p in selectors.province_list() if p.code == "99")
    assert empty.counts == selectors.Counts(
        regencies=1, districts=0, villages=0, desa=0, kelurahan=0
    )


def test_regency_detail_has_breadcrumb_children_and_counts(django_assert_num_queries):
    with django_assert_num_queries(2):
        detail = selectors.region_detail(code="36.03")
    assert detail.region.name == "Kabupaten Tangerang"
    assert detail.region.kind == "kabupaten"
    assert detail.region.parent_code == "36"
    assert [a.code for a in detail.ancestors] == ["36"]
    assert detail.region.counts == selectors.Counts(
        districts=29, villages=274, desa=246, kelurahan=28
    )
    assert len(detail.children) == 29
    assert [c.code for c in detail.children] == sorted(c.code for c in detail.children)
    balaraja = detail.children[0]
    assert (balaraja.code, balaraja.name, balaraja.level) == (
        "36.03.01",
        "Balaraja",
        Level.DISTRICT,
    )
    assert balaraja.counts == selectors.Counts(villages=9, desa=8, kelurahan=1)
    assert balaraja.lat is not None


def test_province_detail_counts_down_to_villages(django_assert_num_queries):
    with django_assert_num_queries(2):
        detail = selectors.region_detail(code="36")
    assert detail.ancestors == ()
    assert [c.code for c in detail.children] == ["36.03"]
    assert detail.children[0].counts == selectors.Counts(
        districts=29, villages=274, desa=246, kelurahan=28
    )
    assert detail.region.counts.regencies == 1


def test_district_detail_lists_its_villages():
    detail = selectors.region_detail(code="36.03.28")  # Kelapa Dua: 1 desa, 5 kelurahan
    assert detail.region.name == "Kelapa Dua"
    assert [a.code for a in detail.lineage] == ["36", "36.03", "36.03.28"]
    assert detail.region.counts == selectors.Counts(villages=6, desa=1, kelurahan=5)
    assert {c.kind for c in detail.children} == {"desa", "kelurahan"}
    assert all(c.level == Level.VILLAGE and c.parent_code == "36.03.28" for c in detail.children)


def test_village_detail_by_digits(django_assert_num_queries):
    with django_assert_num_queries(1):
        detail = selectors.region_detail(code="3603012003")
    village = detail.region
    assert (village.code, village.name, village.kind) == ("36.03.01.2003", "Cangkudu", "desa")
    assert village.lat == Decimal("-6.228146")
    assert village.lng == Decimal("106.431620")
    assert [(a.level, a.name) for a in detail.ancestors] == [
        (Level.PROVINCE, "Banten"),
        (Level.REGENCY, "Kabupaten Tangerang"),
        (Level.DISTRICT, "Balaraja"),
    ]
    assert detail.children == ()


def test_region_get_and_ancestors():
    assert selectors.region_get(code="36.03.01.1001").kind == "kelurahan"
    assert [r.code for r in selectors.region_ancestors(code="36.03.01")] == [
        "36",
        "36.03",
        "36.03.01",
    ]
    assert len(selectors.region_children(code="36.03.01")) == 9


@pytest.mark.parametrize("code", ["11", "36.04", "36.03.21", "36.03.01.2999", "3603012999"])
def test_unknown_codes_are_not_found(code):
    with pytest.raises(NotFound):
        selectors.region_detail(code=code)


@pytest.mark.parametrize("code", ["", "abc", "36.70", "36.03.01.0001", "36/03", "3" * 300])
def test_malformed_codes_fail_validation(code):
    with pytest.raises(ValidationFailed) as caught:
        selectors.region_detail(code=code)
    assert "code" in caught.value.fields


def test_search_is_case_insensitive_and_names_the_whole_lineage():
    hits = selectors.village_search(q="cANGKUDU")
    assert hits == [
        selectors.VillageHit(
            code="36.03.01.2003",
            name="Cangkudu",
            kind="desa",
            district_code="36.03.01",
            district_name="Balaraja",
            regency_code="36.03",
            regency_name="Kabupaten Tangerang",
            province_code="36",
            province_name="Banten",
        )
    ]


def test_search_puts_exact_then_prefix_matches_first():
    names = [hit.name for hit in selectors.village_search(q="balaraja")]
    assert names[0] == "Balaraja"
    Village.objects.create(
        code="36.03.01.2099", district_id="36.03.01", name="Talagasari Balaraja", kind="desa"
    )
    Village.objects.create(
        code="36.03.01.2098", district_id="36.03.01", name="Balaraja Baru", kind="desa"
    )
    names = [hit.name for hit in selectors.village_search(q="Balaraja")]
    assert names == ["Balaraja", "Balaraja Baru", "Talagasari Balaraja"]


def test_search_is_limited_to_fifty():
    assert len(selectors.village_search(q="sar", limit=10)) == 10
    # "a" occurs in almost every Tangerang name; the cap holds whatever the caller asks.
    assert len(selectors.village_search(q="ara", limit=1000)) <= selectors.SEARCH_LIMIT
    district = District.objects.get(code="36.03.01")
    Village.objects.bulk_create(
        Village(code=f"36.03.01.2{n:03d}", district=district, name=f"Desa Uji {n}", kind="desa")
        for n in range(100, 180)
    )
    assert len(selectors.village_search(q="desa uji", limit=1000)) == 50


def test_search_within_a_region():
    everywhere = {hit.code for hit in selectors.village_search(q="suka")}
    in_balaraja = {hit.code for hit in selectors.village_search(q="suka", within="36.03.01")}
    assert in_balaraja
    assert in_balaraja < everywhere
    assert all(code.startswith("36.03.01.") for code in in_balaraja)
    assert selectors.village_search(q="suka", within="3603") == selectors.village_search(q="suka")
    assert selectors.village_search(q="suka", within="11") == []


@pytest.mark.parametrize(
    ("q", "within", "field"),
    [
        ("ab", None, "q"),
        ("   ", None, "q"),
        ("a" * 101, None, "q"),
        ("abc\x00", None, "q"),
        ("suka", "xx", "within"),
    ],
)
def test_search_refuses_bad_input(q, within, field):
    with pytest.raises(ValidationFailed) as caught:
        selectors.village_search(q=q, within=within)
    assert list(caught.value.fields) == [field]


def test_search_treats_like_wildcards_as_text():
    assert selectors.village_search(q="%%%") == []
    assert selectors.village_search(q="___") == []


def test_region_stats_for_tangerang():
    stats = selectors.region_stats()
    assert stats == selectors.RegionStats(
        provinces=1,
        regencies=1,
        kabupaten=1,
        kota=0,
        districts=29,
        districts_with_outline=29,
        villages=274,
        desa=246,
        kelurahan=28,
        villages_with_centroid=274,
    )
