"""Reads of the region tree. Region codes are public data, so there is no tenant scope here;
every read is bounded (one query per list, counts by annotate, never a query per row).

Selectors return frozen dataclasses, so pages and the API render the same facts the same way.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import NotFound, ValidationFailed
from kopdes.regions import rules
from kopdes.regions.models import District, Province, Regency, Village
from kopdes.regions.rules import Level, RegionCode

SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Counts:
    """What lies below a region; None where a level does not apply (a district has no regencies)."""

    regencies: int | None = None
    districts: int | None = None
    villages: int | None = None
    desa: int | None = None
    kelurahan: int | None = None


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    kind: str | None = None  # kabupaten/kota for a regency, desa/kelurahan for a village
    parent_code: str | None = None
    lat: Decimal | None = None
    lng: Decimal | None = None
    counts: Counts = field(default_factory=Counts)

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")


@dataclass(frozen=True, slots=True)
class RegionDetail:
    region: Region
    ancestors: tuple[Region, ...]  # province first, the region itself excluded
    children: tuple[Region, ...]

    @property
    def lineage(self) -> tuple[Region, ...]:
        return (*self.ancestors, self.region)


@dataclass(frozen=True, slots=True)
class VillageHit:
    code: str
    name: str
    kind: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str


CODE_HELP = _(
    "Not a region code: write PP, PP.KK, PP.KK.CC or PP.KK.CC.TSSS (digits, dots optional)."
)


def code_parse(*, code: str, field_name: str = "code") -> RegionCode:
    """The parsed code, or ValidationFailed (422) naming `field_name`."""
    try:
        return rules.parse_code(code)
    except rules.InvalidRegionCode:
        raise ValidationFailed(CODE_HELP, fields={field_name: [str(CODE_HELP)]}) from None


# Village counts under a parent, by the relation path from that parent to its villages.
def _village_counts(path: str) -> dict:
    return {
        "n_villages": Count(path),
        "n_desa": Count(path, filter=Q(**{f"{path}__kind": Village.Kind.DESA})),
        "n_kelurahan": Count(path, filter=Q(**{f"{path}__kind": Village.Kind.KELURAHAN})),
    }


def _counts(row, *, regencies: bool = False, districts: bool = False) -> Counts:
    return Counts(
        regencies=row.n_regencies if regencies else None,
        districts=row.n_districts if districts else None,
        villages=row.n_villages,
        desa=row.n_desa,
        kelurahan=row.n_kelurahan,
    )


def _sum_counts(children: tuple[Region, ...], level: Level) -> Counts:
    """A region's own counts, added up from its children's."""

    def total(name: str) -> int:
        return sum(getattr(child.counts, name) or 0 for child in children)

    if level == Level.DISTRICT:
        desa = sum(1 for child in children if child.kind == Village.Kind.DESA)
        return Counts(villages=len(children), desa=desa, kelurahan=len(children) - desa)
    if level == Level.REGENCY:
        return Counts(
            districts=len(children),
            villages=total("villages"),
            desa=total("desa"),
            kelurahan=total("kelurahan"),
        )
    if level == Level.PROVINCE:
        return Counts(
            regencies=len(children),
            districts=total("districts"),
            villages=total("villages"),
            desa=total("desa"),
            kelurahan=total("kelurahan"),
        )
    return Counts()


def _province(row: Province, counts: Counts | None = None) -> Region:
    return Region(code=row.code, name=row.name, level=Level.PROVINCE, counts=counts or Counts())


def _regency(row: Regency, counts: Counts | None = None) -> Region:
    return Region(
        code=row.code,
        name=row.name,
        level=Level.REGENCY,
        kind=row.kind,
        parent_code=row.province_id,
        counts=counts or Counts(),
    )


def _district(row: District, counts: Counts | None = None) -> Region:
    return Region(
        code=row.code,
        name=row.name,
        level=Level.DISTRICT,
        parent_code=row.regency_id,
        lat=row.lat,
        lng=row.lng,
        counts=counts or Counts(),
    )


def _village(row: Village) -> Region:
    return Region(
        code=row.code,
        name=row.name,
        level=Level.VILLAGE,
        kind=row.kind,
        parent_code=row.district_id,
        lat=row.lat,
        lng=row.lng,
    )


def province_list() -> list[Region]:
    """All provinces with their regency, district, desa and kelurahan counts (one query)."""
    rows = Province.objects.annotate(
        n_regencies=Count("regencies", distinct=True),
        n_districts=Count("regencies__districts", distinct=True),
        **_village_counts("regencies__districts__villages"),
    ).order_by("code")
    return [_province(row, _counts(row, regencies=True, districts=True)) for row in rows]


def _lineage(code: RegionCode) -> tuple[Region, ...]:
    """The region and its ancestors, province first, in one query. Raises NotFound."""
    level = code.level
    # District outlines can be large; the pages and the API do not show them.
    try:
        if level == Level.PROVINCE:
            return (_province(Province.objects.get(code=code.dotted)),)
        if level == Level.REGENCY:
            regency = Regency.objects.select_related("province").get(code=code.dotted)
            return (_province(regency.province), _regency(regency))
        if level == Level.DISTRICT:
            district = (
                District.objects.select_related("regency__province")
                .defer("boundary")
                .get(code=code.dotted)
            )
            return (
                _province(district.regency.province),
                _regency(district.regency),
                _district(district),
            )
        village = (
            Village.objects.select_related("district__regency__province")
            .defer("district__boundary")
            .get(code=code.dotted)
        )
    except (
        Province.DoesNotExist,
        Regency.DoesNotExist,
        District.DoesNotExist,
        Village.DoesNotExist,
    ):
        raise NotFound(code=code.dotted) from None
    district = village.district
    return (
        _province(district.regency.province),
        _regency(district.regency),
        _district(district),
        _village(village),
    )


def region_get(*, code: str) -> Region:
    """The region with this code at any level (dotted or digits). Raises ValidationFailed
    for a malformed code, NotFound for a well-formed one that does not exist."""
    return _lineage(code_parse(code=code))[-1]


def region_ancestors(*, code: str) -> tuple[Region, ...]:
    """The breadcrumb: province first, down to the region itself. Raises as region_get."""
    return _lineage(code_parse(code=code))


def region_children(*, code: str) -> tuple[Region, ...]:
    """The regions directly below `code`, ordered by code, each with its own counts (one query).
    A village has no children. Does not check that `code` exists: see region_detail."""
    parsed = code_parse(code=code)
    return _children(parsed)


def _children(code: RegionCode) -> tuple[Region, ...]:
    level = code.level
    if level == Level.PROVINCE:
        regencies = Regency.objects.filter(province_id=code.dotted).annotate(
            n_districts=Count("districts", distinct=True), **_village_counts("districts__villages")
        )
        return tuple(
            _regency(row, _counts(row, districts=True)) for row in regencies.order_by("code")
        )
    if level == Level.REGENCY:
        districts = (
            District.objects.filter(regency_id=code.dotted)
            .defer("boundary")
            .annotate(**_village_counts("villages"))
        )
        return tuple(_district(row, _counts(row)) for row in districts.order_by("code"))
    if level == Level.DISTRICT:
        return tuple(
            _village(row)
            for row in Village.objects.filter(district_id=code.dotted).order_by("code")
        )
    return ()


def region_detail(*, code: str) -> RegionDetail:
    """A region with its breadcrumb, its children and its own counts (two queries).
    Raises ValidationFailed for a malformed code, NotFound for an unknown one."""
    parsed = code_parse(code=code)
    lineage = _lineage(parsed)
    children = _children(parsed)
    region = lineage[-1]
    if region.level != Level.VILLAGE:
        region = replace(region, counts=_sum_counts(children, region.level))
    return RegionDetail(region=region, ancestors=lineage[:-1], children=children)


SEARCH_MESSAGES = {
    rules.InvalidSearch.TOO_SHORT: _("Type at least %(min)s characters."),
    rules.InvalidSearch.TOO_LONG: _("Type at most %(max)s characters."),
    rules.InvalidSearch.CONTROL: _("Control characters are not allowed."),
}


def search_text_parse(*, q: str) -> str:
    """The normalised search text, or ValidationFailed (422) on the field `q`."""
    try:
        return rules.normalize_search(q)
    except rules.InvalidSearch as exc:
        message = SEARCH_MESSAGES[exc.reason] % {
            "min": rules.SEARCH_MIN_LENGTH,
            "max": rules.SEARCH_MAX_LENGTH,
        }
        raise ValidationFailed(message, fields={"q": [message]}) from None


def village_search(
    *, q: str, within: str | None = None, limit: int = SEARCH_LIMIT
) -> list[VillageHit]:
    """Villages whose name contains `q` (case-insensitive), exact and prefix matches first,
    at most `limit` (capped at 50); `within` limits them to a region's code.
    Raises ValidationFailed for a too short/long `q` or a malformed `within`."""
    text = search_text_parse(q=q)
    rows = Village.objects.filter(name__icontains=text)
    if within:
        scope = code_parse(code=within, field_name="within")
        if scope.level == Level.VILLAGE:
            rows = rows.filter(code=scope.dotted)
        else:
            rows = rows.filter(code__startswith=scope.dotted + ".")
    rank = Case(
        When(name__iexact=text, then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    hits = (
        rows.annotate(rank=rank)
        .order_by("rank", "name", "code")
        .values_list(
            "code",
            "name",
            "kind",
            "district__code",
            "district__name",
            "district__regency__code",
            "district__regency__name",
            "district__regency__province__code",
            "district__regency__province__name",
        )
    )
    return [VillageHit(*row) for row in hits[: max(0, min(limit, SEARCH_LIMIT))]]


@dataclass(frozen=True, slots=True)
class RegionStats:
    provinces: int
    regencies: int
    kabupaten: int
    kota: int
    districts: int
    districts_with_outline: int
    villages: int
    desa: int
    kelurahan: int
    villages_with_centroid: int


def region_stats() -> RegionStats:
    """How many regions of each level are loaded (four queries)."""
    regencies = Regency.objects.aggregate(
        total=Count("code"),
        kabupaten=Count("code", filter=Q(kind=Regency.Kind.KABUPATEN)),
        kota=Count("code", filter=Q(kind=Regency.Kind.KOTA)),
    )
    districts = District.objects.aggregate(
        total=Count("code"), outlined=Count("code", filter=Q(boundary__isnull=False))
    )
    villages = Village.objects.aggregate(
        total=Count("code"),
        desa=Count("code", filter=Q(kind=Village.Kind.DESA)),
        kelurahan=Count("code", filter=Q(kind=Village.Kind.KELURAHAN)),
        centroid=Count("code", filter=Q(lat__isnull=False, lng__isnull=False)),
    )
    return RegionStats(
        provinces=Province.objects.count(),
        regencies=regencies["total"],
        kabupaten=regencies["kabupaten"],
        kota=regencies["kota"],
        districts=districts["total"],
        districts_with_outline=districts["outlined"],
        villages=villages["total"],
        desa=villages["desa"],
        kelurahan=villages["kelurahan"],
        villages_with_centroid=villages["centroid"],
    )
