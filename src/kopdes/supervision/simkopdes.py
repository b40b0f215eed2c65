"""Exports for the national system SIMKOPDES, shaped like its tables (docs/simkopdes.md says what
each column holds and where it comes from): one registry of table exporters, one mechanism for
every table, CSV and JSON with the same columns in the same order.

`TABLES` maps a SIMKOPDES table name to its exporter: the columns (SIMKOPDES's own names) and a
function giving the rows of one cooperative. The RAT table is the RAT app's own export
(`rat/export.py`), registered here as it is. Personal data: NIK and phone numbers masked as
SIMKOPDES's own data holds them (`core.masking`), never a KTP file.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kopdes.accounts.access import (
    ROLE_CAPABILITIES,
    SUPERVISOR_CAPABILITIES,
    Capability,
    active_roles,
    reporting_filter,
)
from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.masking import mask_identity_number, mask_phone
from kopdes.funding.models import FundingSource, FundReceipt
from kopdes.members.models import Member
from kopdes.rat import export as rat_export
from kopdes.savings.models import Bill
from kopdes.supervision.errors import UnknownTable

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[Cooperative], Iterable[Row]]


TABLES: dict[str, Table] = {}


def table(name: str, columns: tuple[str, ...]) -> Callable:
    def register(rows: Callable[[Cooperative], Iterable[Row]]) -> Callable:
        TABLES[name] = Table(name, columns, rows)
        return rows

    return register


def get_table(name: str) -> Table:
    if name not in TABLES:
        raise UnknownTable(table=name, tables=", ".join(TABLES))
    return TABLES[name]


def koperasi_ref(cooperative: Cooperative) -> str:
    """SIMKOPDES's key of a cooperative: Kopdes holds not its code, so the Nomor Induk Koperasi
    when filled in, else the village code (one cooperative per desa), as the RAT export."""
    return cooperative.registry_number or cooperative.village_id


def ref(public_id: Any) -> str:
    """A record's id for SIMKOPDES (16 characters): the start of its Kopdes public id."""
    return public_id.hex[:16].upper()


def stamp(moment: datetime | None) -> str | None:
    """SIMKOPDES's timestamps: local time (WIB) without zone, `YYYY-MM-DD HH:MM:SS`."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


SEX = {"F": "PEREMPUAN", "M": "LAKI-LAKI"}


# -- the tables ----------------------------------------------------------------------------------


@table(
    "profil_koperasi",
    (
        "koperasi_ref",
        "nama_koperasi",
        "status_registrasi",
        "bentuk_koperasi",
        "kategori_usaha",
        "nik_koperasi",
        "alamat_lengkap",
        "kode_pos",
        "koordinat_dibulatkan",
        "modal_awal",
        "sumber_persetujuan",
        "tentang_koperasi",
        "pola_pengelolaan",
        "metode_pengisian",
        "dibuat_pada",
        "diperbarui_pada",
    ),
)
def profile_rows(cooperative: Cooperative) -> Iterator[Row]:
    yield {
        "koperasi_ref": koperasi_ref(cooperative),
        "nama_koperasi": cooperative.name,
        "status_registrasi": "Approved" if cooperative.legal_entity_number else "Requested",
        "bentuk_koperasi": "Primer",
        "kategori_usaha": "Koperasi",
        "nik_koperasi": cooperative.registry_number or None,
        "alamat_lengkap": cooperative.address or None,
        "kode_pos": None,
        "koordinat_dibulatkan": None,
        "modal_awal": None,
        "sumber_persetujuan": "AHU" if cooperative.legal_entity_number else None,
        "tentang_koperasi": None,
        "pola_pengelolaan": "Konvensional",
        "metode_pengisian": "Mandiri",
        "dibuat_pada": stamp(cooperative.created_at),
        "diperbarui_pada": stamp(cooperative.updated_at),
    }


# Kopdes's roles on SIMKOPDES's `jabatan` and `status` (PENGURUS or PENGAWAS).
ORGANS: dict[str, tuple[str, str]] = {
    "ketua": ("Ketua", "PENGURUS"),
    "wakil_usaha": ("Wakil Ketua Bidang Usaha", "PENGURUS"),
    "wakil_anggota": ("Wakil Ketua Bidang Anggota", "PENGURUS"),
    "sekretaris": ("Sekretaris", "PENGURUS"),
    "bendahara": ("Bendahara", "PENGURUS"),
    "ketua_pengawas": ("Ketua Pengawas", "PENGAWAS"),
    "pengawas": ("Anggota Pengawas", "PENGAWAS"),
}


@table(
    "pengurus_koperasi",
    (
        "pengurus_ref",
        "koperasi_ref",
        "nama",
        "jabatan",
        "status",
        "no_hp",
        "nik",
        "jenis_kelamin",
        "foto_profil",
        "email",
        "alamat",
        "kode_pos",
        "tanggal_lahir",
        "status_pendidikan",
        "periode_mulai",
        "periode_selesai",
        "file_ktp",
        "sumber_data",
        "dibuat_pada",
        "diperbarui_pada",
    ),
)
def organ_rows(cooperative: Cooperative) -> Iterator[Row]:
    roles: QuerySet[Role] = (
        Role.objects.filter(cooperative=cooperative, kind__in=list(ORGANS))
        .select_related("user")
        .order_by("started_on", "pk")
    )
    for role in roles:
        title, organ = ORGANS[role.kind]
        yield {
            "pengurus_ref": ref(role.public_id),
            "koperasi_ref": koperasi_ref(cooperative),
            "nama": role.user.full_name,
            "jabatan": title,
            "status": organ,
            "no_hp": mask_phone(role.user.phone) or None,
            "nik": mask_identity_number(role.user.nik) or None,
            "jenis_kelamin": None,
            "foto_profil": None,
            "email": None,
            "alamat": None,
            "kode_pos": None,
            "tanggal_lahir": None,
            "status_pendidikan": None,
            "periode_mulai": day(role.started_on),
            "periode_selesai": day(role.ended_on),
            "file_ktp": None,
            "sumber_data": "Kopdes",
            "dibuat_pada": None,
            "diperbarui_pada": None,
        }


MEMBER_STATUS = {
    "requested": "Requested",
    "active": "Approved",
    "rejected": "Rejected",
    "resigned": "Resigned",
    "deceased": "Deceased",
    "expelled": "Expelled",
}


@table(
    "anggota_koperasi",
    (
        "anggota_ref",
        "koperasi_ref",
        "nama",
        "nik",
        "kode_wilayah",
        "jenis_kelamin",
        "status_keanggotaan",
        "tanggal_terdaftar",
        "dibuat_pada",
        "diperbarui_pada",
        "file_ktp",
        "status_akun",
        "pekerjaan",
    ),
)
def member_rows(cooperative: Cooperative) -> Iterator[Row]:
    members = Member.objects.filter(cooperative=cooperative).order_by("number", "pk")
    for member in members.iterator(chunk_size=2000):
        yield {
            "anggota_ref": ref(member.public_id),
            "koperasi_ref": koperasi_ref(cooperative),
            "nama": member.full_name,
            "nik": mask_identity_number(member.nik),
            "kode_wilayah": member.domicile_id or cooperative.village_id,
            "jenis_kelamin": SEX.get(member.sex),
            "status_keanggotaan": MEMBER_STATUS.get(member.status, member.status),
            "tanggal_terdaftar": day(member.joined_on or member.requested_on),
            "dibuat_pada": stamp(member.created_at),
            "diperbarui_pada": stamp(member.updated_at),
            "file_ktp": None,
            "status_akun": "Punya Akun" if member.user_id else "Tidak Punya Akun",
            "pekerjaan": member.occupation or None,
        }


MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def bill_period(kind: str, period: str) -> str:
    """`Simpanan Pokok`, `Simpanan Wajib - April 2026`: SIMKOPDES's periode_pembayaran."""
    if kind == "pokok":
        return "Simpanan Pokok"
    year, month = period.split("-")
    return f"Simpanan {kind.title()} - {MONTHS[int(month) - 1]} {year}"


@table(
    "simpanan_anggota",
    (
        "simpanan_ref",
        "koperasi_ref",
        "anggota_ref",
        "periode_pembayaran",
        "jumlah_simpanan",
        "status",
        "dibuat_pada",
        "dibayar_pada",
    ),
)
def savings_bill_rows(cooperative: Cooperative) -> Iterator[Row]:
    bills = (
        Bill.objects.filter(cooperative=cooperative)
        .exclude(status=Bill.Status.CANCELLED)
        .select_related("member")
        .order_by("period", "member__number", "pk")
    )
    for bill in bills.iterator(chunk_size=2000):
        yield {
            "simpanan_ref": ref(bill.public_id),
            "koperasi_ref": koperasi_ref(cooperative),
            "anggota_ref": ref(bill.member.public_id),
            "periode_pembayaran": bill_period(bill.kind, bill.period),
            "jumlah_simpanan": bill.amount,
            "status": "PAID" if bill.status == Bill.Status.PAID else "UNPAID",
            "dibuat_pada": stamp(bill.created_at),
            "dibayar_pada": None,
        }


# Kopdes's business units on SIMKOPDES's kinds of gerai (referensi_gerai_koperasi's names).
OUTLET_KINDS = {
    "kantor": "Gerai Kantor Koperasi",
    "sembako": "Gerai Sembako",
    "simpan_pinjam": "Gerai Simpan Pinjam",
    "klinik": "Gerai Klinik Desa",
    "apotek": "Apotek Desa",
    "pergudangan": "Gerai Cold Storage/Cold Chain",
    "logistik": "Gerai Logistik",
    "lpg": "Gerai Sembako",
    "pupuk": "Gerai Sembako",
    "pertanian": "Gerai Lainnya",
    "peternakan": "Gerai Lainnya",
    "ppob": "Gerai Lainnya",
    "lainnya": "Gerai Lainnya",
}


@table(
    "gerai_koperasi",
    (
        "gerai_ref",
        "koperasi_ref",
        "jenis_gerai_ref",
        "status_gerai",
        "foto_gerai",
        "pengisi",
        "akses_internet",
        "akses_listrik",
        "status_kepemilikan_aset_gerai",
        "status_pemanfaatan_aset_gerai",
        "sumber_air_bersih",
        "jenis_bangunan",
        "koordinat_dibulatkan",
        "dibuat_pada",
        "diperbarui_pada",
    ),
)
def outlet_rows(cooperative: Cooperative) -> Iterator[Row]:
    units = BusinessUnit.objects.filter(cooperative=cooperative).order_by("code")
    for unit in units:
        yield {
            "gerai_ref": ref(unit.public_id),
            "koperasi_ref": koperasi_ref(cooperative),
            "jenis_gerai_ref": OUTLET_KINDS.get(unit.kind, "Gerai Lainnya"),
            "status_gerai": "Aktif" if unit.is_active else "Belum Aktif",
            "foto_gerai": None,
            "pengisi": "Koperasi",
            "akses_internet": None,
            "akses_listrik": None,
            "status_kepemilikan_aset_gerai": None,
            "status_pemanfaatan_aset_gerai": None,
            "sumber_air_bersih": None,
            "jenis_bangunan": None,
            "koordinat_dibulatkan": None,
            "dibuat_pada": None,
            "diperbarui_pada": None,
        }


# Kopdes's funding sources on SIMKOPDES's tipe_sumber and tipe_modal.
FUNDING_KINDS = {
    "csr": ("MITRA", "CSR"),
    "apbd_hibah": ("DONOR", "HIBAH"),
    "dana_desa": ("DONOR", "HIBAH"),
    "bank_loan": ("BANK", "PINJAMAN"),
    "other_loan": ("INVESTOR", "PINJAMAN"),
}


@table(
    "modal_koperasi",
    (
        "modal_ref",
        "koperasi_ref",
        "nomor_perjanjian",
        "tipe_sumber",
        "nama_sumber",
        "tipe_modal",
        "jumlah",
        "tanggal_diterima",
        "file_perjanjian",
        "dibuat_pada",
        "diperbarui_pada",
    ),
)
def funding_rows(cooperative: Cooperative) -> Iterator[Row]:
    """One row per receipt of a funding source (SIMKOPDES: one row per capital received)."""
    receipts = (
        FundReceipt.objects.filter(cooperative=cooperative)
        .select_related("source")
        .order_by("on", "pk")
    )
    for receipt in receipts:
        source: FundingSource = receipt.source
        kind, capital = FUNDING_KINDS.get(source.kind, ("MITRA", "HIBAH"))
        yield {
            "modal_ref": ref(receipt.public_id),
            "koperasi_ref": koperasi_ref(cooperative),
            "nomor_perjanjian": source.agreement_number or None,
            "tipe_sumber": kind,
            "nama_sumber": source.partner or source.name,
            "tipe_modal": capital,
            "jumlah": receipt.amount,
            "tanggal_diterima": day(receipt.on),
            "file_perjanjian": None,
            "dibuat_pada": stamp(receipt.created_at),
            "diperbarui_pada": stamp(receipt.created_at),
        }


@table("rat_koperasi", rat_export.COLUMNS)
def rat_rows(cooperative: Cooperative) -> list[Row]:
    return rat_export.simkopdes_rows(cooperative)


# -- one mechanism for every table ---------------------------------------------------------------


def rows(name: str, cooperatives: Iterable[Cooperative]) -> Iterator[Row]:
    exporter = get_table(name)
    for cooperative in cooperatives:
        yield from exporter.rows(cooperative)


def as_csv(name: str, data: Iterable[Row]) -> str:
    columns = get_table(name).columns
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in data:
        writer.writerow({k: "" if row[k] is None else row[k] for k in columns})
    return out.getvalue()


def as_json(name: str, data: Iterable[Row]) -> str:
    columns = get_table(name).columns
    return json.dumps([{k: row[k] for k in columns} for row in data], indent=2, ensure_ascii=False)


def render(name: str, cooperatives: Iterable[Cooperative], kind: str) -> str:
    data = rows(name, cooperatives)
    return as_json(name, data) if kind == "json" else as_csv(name, data)


# -- who exports what ----------------------------------------------------------------------------

# Tables with members' personal data need VIEW_MEMBERS (the cooperative's officers, not the
# supervisors); the others the books' reading (officers and supervisors).
PERSONAL = frozenset({"anggota_koperasi", "simpanan_anggota"})


def needed(name: str) -> Capability:
    return Capability.VIEW_MEMBERS if name in PERSONAL else Capability.VIEW_BOOKS


def exportable(user: User, name: str) -> QuerySet[Cooperative]:
    """The cooperatives whose table `name` the person may export: where a role gives the
    capability the table needs, and, for the tables without members' data, what a grant other
    than a CSR partner's covers."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    need = needed(name)
    condition = Q(
        pk__in=active_roles(user).filter(kind__in=ROLE_CAPABILITIES[need]).values("cooperative_id")
    )
    reach = reporting_filter(user) if need in SUPERVISOR_CAPABILITIES else None
    if reach is not None:
        condition |= reach
    return Cooperative.objects.filter(condition).order_by("village_id")
