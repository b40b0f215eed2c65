"""Loading region codes: the national file in bulk, Kabupaten Tangerang for re-seeding."""

import csv
import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest

from kopdes.core.models import AuditEvent
from kopdes.regions import services
from kopdes.regions.errors import RegionFileMalformed, RegionFileMissing
from kopdes.regions.models import District, Province, Regency, Village
from kopdes.regions.services import NATIONAL_COLUMNS, LevelResult

pytestmark = pytest.mark.django_db

# Three villages in a made-up province, and one Tangerang village under its real name.
ROWS = [
    [
        "99.01.01.1001",
        "99.01.01",
        "Kecamatan Satu",
        "Kota Lama",
        "kelurahan",
        "99.01",
        "Kabupaten Uji",
        "99",
        "Provinsi Uji",
    ],
    [
        "99.01.01.2002",
        "99.01.01",
        "Kecamatan Satu",
        "Sukamaju, Hilir",
        "desa",
        "99.01",
        "Kabupaten Uji",
        "99",
        "Provinsi Uji",
    ],
    [
        "99.71.01.1001",
        "99.71.01",
        "Kecamatan Kota",
        "Tengah",
        "kelurahan",
        "99.71",
        "Kota Uji",
        "99",
        "Provinsi Uji",
    ],
    [
        "36.03.01.2003",
        "36.03.01",
        "Balaraja",
        "Cangkudu",
        "desa",
        "36.03",
        "Kabupaten Tangerang",
        "36",
        "Banten",
    ],
]


def write_national(path: Path, rows=ROWS, header=NATIONAL_COLUMNS) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8")))
    return path


def region_rows() -> tuple:
    return (
        Province.objects.count(),
        Regency.objects.count(),
        District.objects.count(),
        Village.objects.count(),
    )


@pytest.mark.slow
def test_national_file_loads_all_of_indonesia_once():
    """The real file: 38 / 514 / 7,285 / 83,762; a second run changes nothing; Tangerang keeps
    its centroids and outlines (the national file has none)."""
    stages: dict[str, tuple[int, int]] = {}
    first = services.regions_load_national(
        progress=lambda stage, done, total: stages.__setitem__(stage, (done, total))
    )

    assert region_rows() == (38, 514, 7285, 83762)
    assert Village.objects.filter(kind="desa").count() == 75266
    assert Village.objects.filter(kind="kelurahan").count() == 8496
    assert Regency.objects.filter(kind="kota").count() == 98
    # Tangerang (1 province, 1 regency, 29 districts, 274 villages) was already there.
    assert first.provinces == LevelResult(created=37, updated=0, unchanged=1)
    assert first.regencies == LevelResult(created=513, updated=0, unchanged=1)
    assert first.districts == LevelResult(created=7256, updated=0, unchanged=29)
    assert first.villages == LevelResult(created=83488, updated=0, unchanged=274)
    assert stages["villages"] == (83488, 83488)
    assert first.rows == 38 + 514 + 7285 + 83762
    assert first.seconds > 0  # reported to the operator; speed is measured in bench/, not here
    assert Regency.objects.get(code="31.01").name == "Kabupaten Administrasi Kepulauan Seribu"
    assert Village.objects.get(code="12.07.28.1007").name == "Lubuk Pakam I,II"
    assert Village.objects.get(code="91.03.01.3007").kind == "desa"  # Desa Adat Yoboi

    cangkudu = Village.objects.get(code="36.03.01.2003")
    assert (cangkudu.lat, cangkudu.lng) == (Decimal("-6.228146"), Decimal("106.431620"))
    balaraja = District.objects.get(code="36.03.01")
    assert balaraja.boundary["type"] in ("Polygon", "MultiPolygon")
    assert balaraja.lat is not None
    assert Village.objects.filter(lat__isnull=False).count() == 274
    assert District.objects.filter(boundary__isnull=False).count() == 29
    audits = AuditEvent.objects.filter(action="regions.load_national")
    assert audits.count() == 1
    assert audits.get().after["villages"] == {"created": 83488, "updated": 0}

    second = services.regions_load_national()
    assert (second.created, second.updated) == (0, 0)
    assert second.villages == LevelResult(unchanged=83762)
    assert region_rows() == (38, 514, 7285, 83762)
    assert audits.count() == 1  # nothing changed, nothing to audit
    cangkudu.refresh_from_db()
    assert cangkudu.lat == Decimal("-6.228146")


def test_small_file_creates_then_updates_only_names(tmp_path):
    path = write_national(tmp_path / "regions.csv.gz")
    result = services.regions_load_national(path=path)
    assert (
        result.provinces.created,
        result.regencies.created,
        result.districts.created,
        result.villages.created,
    ) == (1, 2, 2, 3)
    assert result.villages.unchanged == 1
    assert Regency.objects.get(code="99.01").kind == "kabupaten"
    assert Regency.objects.get(code="99.71").kind == "kota"
    assert Village.objects.get(code="99.01.01.2002").name == "Sukamaju, Hilir"

    renamed = [row[:] for row in ROWS]
    renamed[0][3] = "Kota Baru"
    renamed[3][3] = "Cangkudu Baru"
    renamed[3][2] = "Balaraja Raya"
    for row in renamed[:3]:
        row[8] = "Provinsi Uji Coba"
    result = services.regions_load_national(path=write_national(path, renamed))
    assert result.provinces == LevelResult(updated=1, unchanged=1)
    assert result.districts == LevelResult(updated=1, unchanged=2)
    assert result.villages == LevelResult(updated=2, unchanged=2)
    assert result.created == 0
    cangkudu = Village.objects.get(code="36.03.01.2003")
    assert cangkudu.name == "Cangkudu Baru"
    assert cangkudu.lat == Decimal("-6.228146")  # the national file has no centroid: kept
    balaraja = District.objects.get(code="36.03.01")
    assert balaraja.name == "Balaraja Raya"
    assert balaraja.boundary is not None
    assert Province.objects.get(code="99").name == "Provinsi Uji Coba"


def test_missing_file(tmp_path):
    with pytest.raises(RegionFileMissing) as caught:
        services.regions_load_national(path=tmp_path / "absent.csv.gz")
    assert caught.value.code == "regions.file_missing"


def _row(**changes) -> list[str]:
    row = dict(zip(NATIONAL_COLUMNS, ROWS[1], strict=True))
    row.update(changes)
    return list(row.values())


@pytest.mark.parametrize(
    ("rows", "header", "line", "reason"),
    [
        ([_row(code="99.01.01.x002")], NATIONAL_COLUMNS, 2, "not a village code"),
        ([_row(code="9901012002")], NATIONAL_COLUMNS, 2, "dotted village code"),
        ([_row(code="99.01.01")], NATIONAL_COLUMNS, 2, "dotted village code"),
        ([_row(kind="kelurahan")], NATIONAL_COLUMNS, 2, "does not match"),
        ([_row(district_code="99.01.02")], NATIONAL_COLUMNS, 2, "not the parent"),
        ([_row(regency_code="99.02")], NATIONAL_COLUMNS, 2, "not the parents"),
        ([_row(), _row()], NATIONAL_COLUMNS, 3, "appears twice"),
        ([ROWS[0], _row(district_name="Lain")], NATIONAL_COLUMNS, 3, "named differently"),
        ([ROWS[0], _row(regency_name="Lain")], NATIONAL_COLUMNS, 3, "named differently"),
        ([_row(name="  ")], NATIONAL_COLUMNS, 2, "empty name"),
        ([_row(name="x" * 101)], NATIONAL_COLUMNS, 2, "longer than 100"),
        ([_row(name="Suka\x00maju")], NATIONAL_COLUMNS, 2, "control characters"),
        ([_row()[:-1]], NATIONAL_COLUMNS, 2, "8 columns"),
        ([_row()], NATIONAL_COLUMNS[:-1], 1, "header"),
        ([], NATIONAL_COLUMNS, 1, "no rows"),
    ],
)
def test_malformed_file_writes_nothing(tmp_path, rows, header, line, reason):
    before = region_rows()
    path = write_national(tmp_path / "bad.csv.gz", rows, header)
    with pytest.raises(RegionFileMalformed) as caught:
        services.regions_load_national(path=path)
    assert reason in caught.value.params["reason"]
    assert caught.value.params["line"] == line
    assert caught.value.code == "regions.file_malformed"
    assert region_rows() == before


@pytest.mark.parametrize(
    "content",
    [
        b"not gzip at all",
        gzip.compress(b"code,district_code")[:-6],
        gzip.compress(b"\xff\xfe\x00"),
        b"",
    ],
)
def test_unreadable_file_is_malformed(tmp_path, content):
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(content)
    with pytest.raises(RegionFileMalformed):
        services.regions_load_national(path=path)


def test_tangerang_reload_is_idempotent_and_restores_changes():
    first = services.regions_load_tangerang()
    assert (first.created, first.updated) == (0, 0)
    assert first.villages == LevelResult(unchanged=274)
    assert first.districts == LevelResult(unchanged=29)

    Village.objects.filter(code="36.03.01.2003").update(name="Salah", lat=None)
    District.objects.filter(code="36.03.02").update(boundary=None, lat=Decimal("1"))
    Village.objects.filter(code="36.03.33.2008").delete()
    result = services.regions_load_tangerang()
    assert result.villages == LevelResult(created=1, updated=1, unchanged=272)
    assert result.districts == LevelResult(updated=1, unchanged=28)
    cangkudu = Village.objects.get(code="36.03.01.2003")
    assert (cangkudu.name, cangkudu.lat) == ("Cangkudu", Decimal("-6.228146"))
    assert District.objects.get(code="36.03.02").boundary is not None
    assert AuditEvent.objects.filter(action="regions.load_tangerang").count() == 1

    again = services.regions_load_tangerang()
    assert (again.created, again.updated) == (0, 0)


def test_tangerang_files_are_checked(tmp_path):
    broken = tmp_path / "outlines.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}')
    with pytest.raises(RegionFileMalformed):
        services.regions_load_tangerang(outlines_path=broken)
    with pytest.raises(RegionFileMissing):
        services.regions_load_tangerang(villages_path=tmp_path / "absent.csv")
