"""Kabupaten Tangerang is always loaded: its 29 kecamatan (with outlines) and 274 villages."""

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Province = apps.get_model("regions", "Province")
    Regency = apps.get_model("regions", "Regency")
    District = apps.get_model("regions", "District")
    Village = apps.get_model("regions", "Village")
    Province.objects.update_or_create(code="36", defaults={"name": "Banten"})
    Regency.objects.update_or_create(
        code="36.03", defaults={"province_id": "36", "name": "Kabupaten Tangerang", "kind": "kabupaten"}
    )
    outlines = json.loads((DATA / "kab_tangerang_kecamatan.geojson").read_text(encoding="utf-8"))
    for feature in outlines["features"]:
        props = feature["properties"]
        District.objects.update_or_create(
            code=props["code"],
            defaults={
                "regency_id": "36.03",
                "name": props["name"],
                "lat": Decimal(str(props["centroid_lat"])),
                "lng": Decimal(str(props["centroid_lng"])),
                "boundary": feature["geometry"],
            },
        )
    with (DATA / "wilayah_kab_tangerang.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    Village.objects.bulk_create(
        [
            Village(
                code=row["code"],
                district_id=row["district_code"],
                name=row["name"],
                kind=row["kind"],
                lat=Decimal(row["lat"]),
                lng=Decimal(row["lng"]),
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("regions", "Village").objects.filter(code__startswith="36.03.").delete()
    apps.get_model("regions", "District").objects.filter(code__startswith="36.03.").delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
