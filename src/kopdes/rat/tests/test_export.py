"""The SIMKOPDES export: the rat_koperasi columns, in CSV and JSON alike, and the command."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from kopdes import testing
from kopdes.core import clock
from kopdes.rat import export, services
from kopdes.savings.tests.factories import make_member

DAY = datetime(2026, 3, 20, 10, tzinfo=ZoneInfo("Asia/Jakarta"))

COLUMNS = [
    "rat_sample_id",
    "koperasi_ref",
    "jenis_sektor_koperasi",
    "urutan_rat",
    "tahun_buku",
    "tahun_rencana_kerja",
    "tahun_rencana_anggaran",
    "tanggal_rat",
    "jumlah_peserta_rat",
    "status_rat",
    "tahap_rat",
    "laporan_posisi_keuangan",
    "laporan_hasil_usaha",
    "rapb_posisi_keuangan",
    "rapb_hasil_usaha",
    "dibuat_pada",
    "diperbarui_pada",
]


def test_export_columns_in_csv_and_json(place_a):
    members = [make_member(place_a.cooperative) for _ in range(2)]
    rat = testing.make_rat(place_a, members[0])
    with clock.as_of(DAY):
        services.attendance_record(actor=place_a.ketua, meeting=rat.meeting, member=members[1])
        services.resolution_close(actor=place_a.ketua, resolution=rat.resolution)
        services.meeting_close(actor=place_a.ketua, meeting=rat.meeting)
        services.minutes_generate(actor=place_a.ketua, meeting=rat.meeting)
    rows = export.simkopdes_rows(place_a.cooperative, 2025)
    assert len(rows) == 1
    parsed = list(csv.DictReader(io.StringIO(export.as_csv(rows))))
    assert list(parsed[0]) == COLUMNS
    assert [list(r) for r in json.loads(export.as_json(rows))] == [COLUMNS]
    row = parsed[0]
    assert row["tahun_buku"] == "2025" and row["tahun_rencana_kerja"] == "2026"
    assert row["tanggal_rat"] == "2026-03-20" and row["jumlah_peserta_rat"] == "2"
    assert (row["status_rat"], row["tahap_rat"], row["urutan_rat"]) == ("Reported", "9", "1")
    assert row["jenis_sektor_koperasi"] == "KDKMP"
    assert row["rat_sample_id"] == rat.meeting.public_id.hex[:10].upper()
    assert export.simkopdes_rows(place_a.cooperative, 2024) == []


def test_the_command_prints_the_rows(place_a, capsys):
    testing.make_rat(place_a, make_member(place_a.cooperative))
    call_command(
        "rat",
        "export",
        "--cooperative",
        place_a.cooperative.village_id,
        "--year",
        "2025",
        "--format",
        "json",
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["status_rat"] for r in rows] == ["Drafted"] and rows[0]["tahap_rat"] == "6"
