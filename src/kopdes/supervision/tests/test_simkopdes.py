"""The SIMKOPDES exports (docs/simkopdes.md): each table's columns and rows, CSV and JSON with the
same columns, masking, and who exports what (command, pages, API)."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.rat import export as rat_export
from kopdes.savings.services import savings_bills_create
from kopdes.savings.tests.factories import make_member
from kopdes.supervision import simkopdes
from kopdes.supervision.errors import UnknownTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Siti Simkopdes")
    savings_bills_create(actor=None, cooperative=coop, month="2026-02")
    testing.make_funding(place_a)
    testing.make_rat(place_a, member, minutes=True)
    return place_a, member


def _rows(name, coop):
    return list(simkopdes.rows(name, [coop]))


def test_every_table_has_simkopdes_columns_in_csv_and_json(data):
    place, _member = data
    for name, exporter in simkopdes.TABLES.items():
        text = simkopdes.render(name, [place.cooperative], "csv")
        header = next(csv.reader(io.StringIO(text)))
        assert tuple(header) == exporter.columns, name
        items = json.loads(simkopdes.render(name, [place.cooperative], "json"))
        assert all(tuple(item) == exporter.columns for item in items), name


def test_profile(data):
    place, _member = data
    (row,) = _rows("profil_koperasi", place.cooperative)
    assert row["koperasi_ref"] == place.cooperative.registry_number or place.cooperative.village_id
    assert row["nama_koperasi"] == place.cooperative.name
    assert row["bentuk_koperasi"] == "Primer"


def test_organs_are_pengurus_and_pengawas_masked(data):
    place, _member = data
    rows = _rows("pengurus_koperasi", place.cooperative)
    kinds = {(r["jabatan"], r["status"]) for r in rows}
    assert ("Ketua", "PENGURUS") in kinds and ("Ketua Pengawas", "PENGAWAS") in kinds
    assert "Manajer" not in {r["jabatan"] for r in rows}  # staff, not an organ
    ketua = next(r for r in rows if r["jabatan"] == "Ketua")
    assert ketua["nama"] == place.ketua.full_name
    assert place.ketua.phone not in json.dumps(rows)
    assert ketua["no_hp"].endswith(place.ketua.phone[-4:]) and "*" in ketua["no_hp"]


def test_members_nik_masked(data):
    place, member = data
    row = next(
        r for r in _rows("anggota_koperasi", place.cooperative) if r["nama"] == member.full_name
    )
    assert row["nik"] != member.nik and row["nik"][:4] == member.nik[:4] and "*" in row["nik"]
    assert row["status_keanggotaan"] == "Approved"
    assert row["jenis_kelamin"] in ("PEREMPUAN", "LAKI-LAKI")
    assert row["tanggal_terdaftar"] == member.joined_on.isoformat()


def test_savings_bills(data):
    place, member = data
    rows = [r for r in _rows("simpanan_anggota", place.cooperative)]
    member_ref = simkopdes.ref(member.public_id)
    mine = {r["periode_pembayaran"] for r in rows if r["anggota_ref"] == member_ref}
    assert "Simpanan Wajib - Februari 2026" in mine
    assert {r["status"] for r in rows} <= {"PAID", "UNPAID"}


def test_outlets(data):
    place, _member = data
    rows = _rows("gerai_koperasi", place.cooperative)
    assert rows and {r["status_gerai"] for r in rows} <= {"Aktif", "Belum Aktif"}
    assert all(r["jenis_gerai_ref"].startswith(("Gerai", "Apotek")) for r in rows)


def test_funding(data):
    place, _member = data
    (row,) = _rows("modal_koperasi", place.cooperative)
    assert row["tipe_sumber"] == "MITRA" and row["tipe_modal"] == "CSR"
    assert row["jumlah"] > 0 and row["tanggal_diterima"] == date(2026, 3, 2).isoformat()


def test_rat_is_the_rat_apps_export(data):
    place, _member = data
    assert _rows("rat_koperasi", place.cooperative) == rat_export.simkopdes_rows(place.cooperative)


def test_unknown_table():
    with pytest.raises(UnknownTable):
        simkopdes.get_table("aset_koperasi")


def test_the_command(data, capsys):
    place, _member = data
    call_command(
        "simkopdes",
        "export",
        "--table",
        "gerai_koperasi",
        "--cooperative",
        place.cooperative.village_id,
    )
    assert capsys.readouterr().out.startswith("gerai_ref,koperasi_ref,")
    call_command("simkopdes", "export", "--table", "profil_koperasi", "--all", "--format", "json")
    assert json.loads(capsys.readouterr().out)[0]["nama_koperasi"]


def test_who_exports_what(data, place_b, dinas, csr_a):
    place, _member = data
    coop = place.cooperative
    assert set(simkopdes.exportable(place.ketua, "anggota_koperasi")) == {coop}
    assert set(simkopdes.exportable(place.kasir, "profil_koperasi")) == set()
    assert set(simkopdes.exportable(dinas, "profil_koperasi")) >= {coop, place_b.cooperative}
    assert set(simkopdes.exportable(dinas, "anggota_koperasi")) == set()
    assert set(simkopdes.exportable(csr_a, "profil_koperasi")) == set()


def test_pages(client, data, dinas, csr_a, place_b):
    place, member = data
    page = reverse("web:simkopdes", args=[place.cooperative.public_id])
    client.force_login(place.sekretaris)
    assert client.get(page).status_code == 200
    response = client.get(page, {"table": "anggota_koperasi", "format": "csv"})
    assert response.status_code == 200 and member.full_name in response.content.decode()
    assert member.nik not in response.content.decode()
    client.force_login(place_b.ketua)
    assert client.get(page).status_code == 404
    client.force_login(dinas)
    assert client.get(page, {"table": "anggota_koperasi"}).status_code == 400  # not offered
    region = reverse("web:simkopdes_region")
    assert client.get(region).status_code == 200
    response = client.get(region, {"table": "profil_koperasi", "format": "json"})
    codes = {r["nama_koperasi"] for r in json.loads(response.content)}
    assert {place.cooperative.name, place_b.cooperative.name} <= codes
    client.force_login(csr_a)
    assert client.get(region).status_code == 404


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api(client, data, place_b, dinas):
    place, _member = data
    url = "/api/v1/supervision/simkopdes"
    rows = client.get(url, **_auth(place.ketua)).json()
    assert [r["nama_koperasi"] for r in rows] == [place.cooperative.name]
    rows = client.get(url, {"table": "anggota_koperasi"}, **_auth(dinas)).json()
    assert rows == []
    foreign = client.get(
        url, {"cooperative_id": str(place_b.cooperative.public_id)}, **_auth(place.ketua)
    )
    assert foreign.status_code == 404
    bad = client.get(url, {"table": "aset_koperasi"}, **_auth(place.ketua))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "supervision.unknown_table"
    text = client.get(url, {"table": "gerai_koperasi", "format": "csv"}, **_auth(dinas))
    assert text["Content-Type"].startswith("text/csv")
