"""Writes to the region tree: loading the Kemendagri codes from the package's data files.

Both loaders read and check the whole file first, then compare it with what is stored and write
only the difference, in one transaction and in bulk (no query per row): new codes are inserted,
codes whose name (or kind, or for Tangerang the centroid/outline) differs are upserted. So a second
run writes nothing, and a run that fails writes nothing. Rows are never deleted: cooperatives
refer to villages, and a code that disappears from a decree is a decision for a person.
"""

import csv
import gzip
import json
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from kopdes.core.audit import audit_record
from kopdes.regions import rules
from kopdes.regions.errors import RegionFileMalformed, RegionFileMissing
from kopdes.regions.models import District, Province, Regency, Village
from kopdes.regions.rules import Level

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_FILE = DATA_DIR / "wilayah_indonesia_desa.csv.gz"
TANGERANG_VILLAGES_FILE = DATA_DIR / "wilayah_kab_tangerang.csv"
TANGERANG_OUTLINES_FILE = DATA_DIR / "kab_tangerang_kecamatan.geojson"

NATIONAL_COLUMNS = (
    "code",
    "district_code",
    "district_name",
    "name",
    "kind",
    "regency_code",
    "regency_name",
    "province_code",
    "province_name",
)
TANGERANG_COLUMNS = ("code", "district_code", "district_name", "name", "kind", "lat", "lng")
NAME_MAX_LENGTH = 100  # the models' CharField(max_length=100)
BATCH_SIZE = 2000  # rows per INSERT; Django lowers it to SQLite's 999-parameter limit by itself

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is a level ("provinces" ... "villages"), called per batch."""


@dataclass(frozen=True, slots=True)
class LevelResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class LoadResult:
    source: str
    provinces: LevelResult = field(default_factory=LevelResult)
    regencies: LevelResult = field(default_factory=LevelResult)
    districts: LevelResult = field(default_factory=LevelResult)
    villages: LevelResult = field(default_factory=LevelResult)
    seconds: float = 0.0

    def levels(self) -> dict[str, LevelResult]:
        return {
            "provinces": self.provinces,
            "regencies": self.regencies,
            "districts": self.districts,
            "villages": self.villages,
        }

    @property
    def created(self) -> int:
        return sum(level.created for level in self.levels().values())

    @property
    def updated(self) -> int:
        return sum(level.updated for level in self.levels().values())

    @property
    def rows(self) -> int:
        return sum(level.total for level in self.levels().values())


@dataclass(slots=True)
class _Tree:
    """What a file says, per level: code -> field values (attnames, ready for the model)."""

    provinces: dict[str, dict[str, Any]] = field(default_factory=dict)
    regencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    districts: dict[str, dict[str, Any]] = field(default_factory=dict)
    villages: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Malformed(Exception):
    """Raised inside a reader; turned into RegionFileMalformed with the path and line."""


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise _Malformed(f"empty {what}")
    if len(value) > NAME_MAX_LENGTH:
        raise _Malformed(f"{what} longer than {NAME_MAX_LENGTH} characters")
    if not value.isprintable():  # NUL and other control characters (PostgreSQL refuses NUL)
        raise _Malformed(f"{what} {value[:20]!r} has control characters")
    return value


def _same(table: dict[str, dict[str, Any]], code: str, values: dict[str, Any], what: str) -> None:
    """Record a parent region met on a village row; every row must name it the same way."""
    known = table.get(code)
    if known is None:
        table[code] = values
    elif known != values:
        raise _Malformed(f"{what} {code} is named differently on two rows")


def _village_code(text: str) -> str:
    """The text if it is a dotted village code, so that its parents are its prefixes
    (`text[:8]` the district, `[:5]` the regency, `[:2]` the province)."""
    try:
        code = rules.parse_code(text)
    except rules.InvalidRegionCode as exc:
        raise _Malformed(f"{text[:20]!r} is not a village code ({exc})") from None
    if code.level != Level.VILLAGE or code.dotted != text:
        raise _Malformed(f"{text[:20]!r} is not a dotted village code PP.KK.CC.TSSS")
    return text


def _village_row(row: dict[str, str], tree: _Tree) -> str:
    """Check a row's code, parent and kind against the coding rule; record the village and its
    district. Returns the village code."""
    code = _village_code(row["code"])
    district = code[:8]
    if row["district_code"] != district:
        raise _Malformed(f"district_code {row['district_code'][:20]!r} is not the parent of {code}")
    kind = rules.village_kind(code)
    if row["kind"] != kind:
        raise _Malformed(f"kind {row['kind'][:20]!r} does not match code {code} ({kind})")
    if code in tree.villages:
        raise _Malformed(f"village {code} appears twice")
    tree.villages[code] = {
        "district_id": district,
        "name": _name(row["name"], "name"),
        "kind": kind,
    }
    _same(
        tree.districts,
        district,
        {"regency_id": code[:5], "name": _name(row["district_name"], "district_name")},
        "district",
    )
    return code


def _read_csv(
    handle: Iterable[str], columns: tuple[str, ...], each: Callable[[dict], None], state: dict
) -> None:
    """Check the header, then hand each row to `each` as a dict; `state["line"]` follows the
    reader (the physical line, so quoted line breaks do not shift it)."""
    reader = csv.reader(handle, strict=True)
    header = next(reader, None)
    state["line"] = reader.line_num
    if header is None or tuple(h.strip() for h in header) != columns:
        raise _Malformed(f"the header must be {','.join(columns)}")
    for values in reader:
        state["line"] = reader.line_num
        if len(values) != len(columns):
            raise _Malformed(f"{len(values)} columns instead of {len(columns)}")
        each(dict(zip(columns, values, strict=True)))
    if reader.line_num < 2:
        raise _Malformed("no rows")


def _reading(path: Path, read: Callable[[dict], _Tree]) -> _Tree:
    """Run a reader, turning every way a file can be bad into one clear error."""
    if not path.is_file():
        raise RegionFileMissing(path=str(path))
    state = {"line": 0}
    try:
        return read(state)
    except _Malformed as exc:
        raise RegionFileMalformed(path=str(path), line=state["line"], reason=str(exc)) from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise RegionFileMalformed(
            path=str(path), line=state["line"], reason=f"{type(exc).__name__}: {exc}"
        ) from None


def _read_national(path: Path) -> _Tree:
    def read(state: dict) -> _Tree:
        tree = _Tree()

        def each(row: dict[str, str]) -> None:
            code = _village_row(row, tree)
            regency, province = code[:5], code[:2]
            if row["regency_code"] != regency or row["province_code"] != province:
                raise _Malformed(f"regency_code/province_code are not the parents of {code}")
            _same(
                tree.regencies,
                regency,
                {
                    "province_id": province,
                    "name": _name(row["regency_name"], "regency_name"),
                    "kind": rules.regency_kind(regency),
                },
                "regency",
            )
            _same(
                tree.provinces,
                province,
                {"name": _name(row["province_name"], "province_name")},
                "province",
            )

        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            _read_csv(handle, NATIONAL_COLUMNS, each, state)
        return tree

    return _reading(path, read)


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Malformed(f"{what} {text[:20]!r} is not a number") from None
    if not value.is_finite() or abs(value) > 180:
        raise _Malformed(f"{what} {text[:20]!r} is not a coordinate")
    return value.quantize(Decimal("0.000001"))


def _read_tangerang(villages_path: Path, outlines_path: Path) -> _Tree:
    tree = _Tree(
        provinces={"36": {"name": "Banten"}},
        regencies={
            "36.03": {
                "province_id": "36",
                "name": "Kabupaten Tangerang",
                "kind": Regency.Kind.KABUPATEN,
            }
        },
    )

    def read_villages(state: dict) -> _Tree:
        def each(row: dict[str, str]) -> None:
            code = _village_row(row, tree)
            if not code.startswith("36.03."):
                raise _Malformed(f"{code} is not in Kabupaten Tangerang (36.03)")
            tree.villages[code].update(
                lat=_decimal(row["lat"], "lat"), lng=_decimal(row["lng"], "lng")
            )

        with villages_path.open(encoding="utf-8", newline="") as handle:
            _read_csv(handle, TANGERANG_COLUMNS, each, state)
        return tree

    def read_outlines(state: dict) -> _Tree:
        document = json.loads(outlines_path.read_text(encoding="utf-8"))
        try:
            features = list(document["features"])
            for number, feature in enumerate(features, start=1):
                state["line"] = number  # the feature's position: GeoJSON has no line numbers
                props = feature["properties"]
                district = tree.districts.get(props["code"])
                if district is None:
                    raise _Malformed(
                        f"outline for {str(props['code'])[:20]!r}, which has no villages"
                    )
                district.update(
                    lat=_decimal(str(props["centroid_lat"]), "centroid_lat"),
                    lng=_decimal(str(props["centroid_lng"]), "centroid_lng"),
                    boundary=feature["geometry"],
                )
        except (KeyError, TypeError, IndexError) as exc:
            raise _Malformed(f"not a FeatureCollection of kecamatan outlines ({exc!r})") from None
        missing = [code for code, district in tree.districts.items() if "boundary" not in district]
        if missing:
            raise _Malformed(f"no outline for kecamatan {', '.join(missing[:5])}")
        return tree

    _reading(villages_path, read_villages)
    return _reading(outlines_path, read_outlines)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sync(
    model: type[Province] | type[Regency] | type[District] | type[Village],
    wanted: dict[str, dict[str, Any]],
    compared: list[str],
    *,
    stage: str,
    progress: Progress | None,
) -> LevelResult:
    """Insert the codes that are missing and upsert those whose `compared` fields differ.

    Only `compared` fields are ever overwritten, so the national file (which has no centroids)
    leaves Tangerang's lat/lng/boundary as they are.
    """
    stored = {
        code: values
        for code, *values in model.objects.values_list("code", *compared).iterator(
            chunk_size=BATCH_SIZE
        )
    }
    new, changed = [], []
    for code, values in wanted.items():
        current = stored.get(code)
        if current is None:
            new.append(model(code=code, **values))
        elif current != [values[name] for name in compared]:
            changed.append(model(code=code, **values))
    total, done = len(new) + len(changed), 0
    if progress:
        progress(stage, 0, total)
    for batch in _chunks(new, BATCH_SIZE):
        # ignore_conflicts: a concurrent load that inserted the same code first is not an error.
        model.objects.bulk_create(batch, ignore_conflicts=True)
        done += len(batch)
        if progress:
            progress(stage, done, total)
    for batch in _chunks(changed, BATCH_SIZE):
        model.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["code"], update_fields=compared
        )
        done += len(batch)
        if progress:
            progress(stage, done, total)
    return LevelResult(
        created=len(new), updated=len(changed), unchanged=len(wanted) - len(new) - len(changed)
    )


def _write(
    tree: _Tree,
    *,
    source: str,
    action: str,
    started: float,
    progress: Progress | None,
    district_fields: list[str],
    village_fields: list[str],
) -> LoadResult:
    with transaction.atomic():
        result = LoadResult(
            source=source,
            provinces=_sync(
                Province, tree.provinces, ["name"], stage="provinces", progress=progress
            ),
            regencies=_sync(
                Regency, tree.regencies, ["name", "kind"], stage="regencies", progress=progress
            ),
            districts=_sync(
                District, tree.districts, district_fields, stage="districts", progress=progress
            ),
            villages=_sync(
                Village, tree.villages, village_fields, stage="villages", progress=progress
            ),
        )
        if result.created or result.updated:
            # One audit row per load, not per region: the rows are public reference data, and
            # the file named in `source` is the record of what they say.
            audit_record(
                actor=None,
                action=action,
                object_type="regions.region",
                object_id=Path(source).name,
                after={
                    name: {"created": level.created, "updated": level.updated}
                    for name, level in result.levels().items()
                },
            )
    return replace(result, seconds=time.perf_counter() - started)


def regions_load_national(
    *, path: Path | str | None = None, progress: Progress | None = None
) -> LoadResult:
    """Load every province, regency, district and village of the national file (default: the
    packaged `wilayah_indonesia_desa.csv.gz`, 83,762 villages).

    Idempotent: a second run creates and changes nothing. Names (and kinds) that differ from the
    file are updated; lat/lng/boundary are never touched (the file has none), nor are rows absent
    from the file deleted. One transaction: a bad file writes nothing.
    Raises RegionFileMissing, RegionFileMalformed (with the line).
    """
    started = time.perf_counter()
    path = Path(path) if path is not None else NATIONAL_FILE
    tree = _read_national(path)
    return _write(
        tree,
        source=str(path),
        action="regions.load_national",
        started=started,
        progress=progress,
        district_fields=["name"],
        village_fields=["name", "kind"],
    )


def regions_load_tangerang(
    *,
    villages_path: Path | str | None = None,
    outlines_path: Path | str | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load Kabupaten Tangerang as migration 0002 does: 29 kecamatan with centroid and outline,
    274 villages with centroid. Idempotent; restores names, centroids and outlines that differ
    from the files. Raises RegionFileMissing, RegionFileMalformed."""
    started = time.perf_counter()
    villages_path = Path(villages_path) if villages_path is not None else TANGERANG_VILLAGES_FILE
    outlines_path = Path(outlines_path) if outlines_path is not None else TANGERANG_OUTLINES_FILE
    tree = _read_tangerang(villages_path, outlines_path)
    return _write(
        tree,
        source=str(villages_path),
        action="regions.load_tangerang",
        started=started,
        progress=progress,
        district_fields=["name", "lat", "lng", "boundary"],
        village_fields=["name", "kind", "lat", "lng"],
    )
