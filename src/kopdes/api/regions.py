"""Kemendagri region codes: public (region codes are public data), read-only.

A malformed code is 422 `request.invalid`, a well-formed unknown one 404 `request.not_found`. The
code path parameter takes any text (slashes and line breaks included), so that every odd input
reaches the code parser and gets our error shape rather than the HTML 404 of the URL resolver.
"""

from django.urls import register_converter
from ninja import Field, Query, Router, Schema

from kopdes.api.base import api, errors
from kopdes.regions import selectors
from kopdes.regions.rules import SEARCH_MAX_LENGTH, SEARCH_MIN_LENGTH

router = Router(tags=["regions"])


class AnyTextConverter:
    """Any non-empty path text; Django's `path` converter stops at a line break."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyTextConverter, "regions_anytext")


class CountsOut(Schema):
    """What lies below a region; null where a level does not apply."""

    regencies: int | None = None
    districts: int | None = None
    villages: int | None = None
    desa: int | None = None
    kelurahan: int | None = None


class RegionRef(Schema):
    code: str = Field(..., description="Dotted Kemendagri code, e.g. 36.03.01.2003")
    name: str
    level: str = Field(..., description="province, regency, district or village")


class RegionOut(RegionRef):
    kind: str | None = Field(
        None, description="kabupaten/kota for a regency, desa/kelurahan for a village"
    )
    parent_code: str | None = None
    lat: float | None = Field(None, description="Centroid latitude (WGS84), where known")
    lng: float | None = Field(None, description="Centroid longitude (WGS84), where known")
    counts: CountsOut


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef] = Field(..., description="Province first, the region excluded")
    children: list[RegionOut]


class VillageOut(Schema):
    code: str
    name: str
    kind: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str


class SearchQuery(Schema):
    q: str = Field(
        ...,
        description=f"Part of a desa/kelurahan name, {SEARCH_MIN_LENGTH} to "
        f"{SEARCH_MAX_LENGTH} characters, case-insensitive",
    )
    within: str | None = Field(None, description="Only villages under this region code")


def _region(region: selectors.Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level.value,
        "kind": region.kind,
        "parent_code": region.parent_code,
        "lat": region.lat,
        "lng": region.lng,
        "counts": region.counts,
    }


@router.get(
    "/provinces",
    response={200: list[RegionOut], **errors()},
    auth=None,
    summary="All provinces with their counts",
)
def provinces(request):
    return [_region(province) for province in selectors.province_list()]


@router.get(
    "/search",
    response={200: list[VillageOut], **errors()},
    auth=None,
    summary="Find desa/kelurahan by name (at most 50, exact and prefix matches first)",
)
def search(request, filters: Query[SearchQuery]):
    return selectors.village_search(q=filters.q, within=filters.within)


@router.get(
    "/{regions_anytext:code}",
    response={200: RegionDetailOut, **errors(404)},
    auth=None,
    summary="A region at any level, with its breadcrumb and children",
)
def region(request, code: str):
    detail = selectors.region_detail(code=code)
    return {
        **_region(detail.region),
        "ancestors": [
            {"code": a.code, "name": a.name, "level": a.level.value} for a in detail.ancestors
        ],
        "children": [_region(child) for child in detail.children],
    }


api.add_router("/regions/", router)
