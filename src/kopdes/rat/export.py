"""The RAT export for SIMKOPDES, the ministry's system: one row per RAT shaped like its
`rat_koperasi` table (docs/simkopdes.md says what each column holds and where it comes from).
The same columns in CSV and in JSON."""

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger import statements
from kopdes.ledger.selectors import closed_through
from kopdes.rat import selectors
from kopdes.rat.models import Attendance, Meeting

COLUMNS = (
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
)
SECTOR = "KDKMP"  # Koperasi Desa/Kelurahan Merah Putih
# Kopdes's progress of a RAT on SIMKOPDES's 1-9 scale (docs/simkopdes.md).
STAGES: dict[str, int] = {
    Meeting.Status.DRAFT.value: 1,
    Meeting.Status.ANNOUNCED.value: 3,
    Meeting.Status.HELD.value: 6,
    Meeting.Status.CLOSED.value: 8,
}
MINUTES_STAGE = 9


def _stamp(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _money_json(values: dict[str, int]) -> str:
    return json.dumps(values, separators=(", ", ": "))


def _reports(cooperative: Cooperative, year: int) -> tuple[str | None, str | None]:
    """The year's balance sheet and income statement in a few figures, from the closed books
    only (None while December of the year is open)."""
    closed = closed_through(cooperative=cooperative)
    if closed is None or closed < date(year, 12, 31):
        return None, None
    period = statements.ReportPeriod.whole_year(year)
    sheet = statements.balance_sheet(cooperative=cooperative, period=period)
    result = statements.income_statement(cooperative=cooperative, period=period)
    position = _money_json(
        {
            "total_aset": sheet.total_assets[0],
            "total_kewajiban": sheet.total_liabilities[0],
            "total_ekuitas": sheet.equity.total,
        }
    )
    income = _money_json(
        {
            "pendapatan": result.total_income[0],
            "beban": result.cost_of_sales.total + result.total_expenses[0],
            "shu": result.shu[0],
        }
    )
    return position, income


def simkopdes_rows(cooperative: Cooperative, year: int | None = None) -> list[dict[str, Any]]:
    """One row per RAT of the cooperative (of fiscal year `year`, or all), oldest first; a
    cancelled meeting and a RALB are not RATs."""
    rats = list(
        Meeting.objects.filter(cooperative=cooperative, kind=Meeting.Kind.RAT)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
    )
    held = [m for m in rats if selectors.held_on(m) is not None]
    order = {m.pk: n for n, m in enumerate(held, start=1)}
    reports: dict[int, tuple[str | None, str | None]] = {}
    rows = []
    for meeting in rats:
        if year is not None and meeting.fiscal_year != year:
            continue
        if meeting.fiscal_year not in reports:
            reports[meeting.fiscal_year] = _reports(cooperative, meeting.fiscal_year)
        position, income = reports[meeting.fiscal_year]
        day = selectors.held_on(meeting) or timezone.localdate(meeting.scheduled_at)
        stage = STAGES.get(str(meeting.status), 1)
        if meeting.status == Meeting.Status.CLOSED and meeting.minutes_sha256:
            stage = MINUTES_STAGE
        rows.append(
            {
                "rat_sample_id": meeting.public_id.hex[:10].upper(),
                "koperasi_ref": cooperative.registry_number or cooperative.village_id,
                "jenis_sektor_koperasi": SECTOR,
                "urutan_rat": str(order[meeting.pk]) if meeting.pk in order else "",
                "tahun_buku": meeting.fiscal_year,
                "tahun_rencana_kerja": meeting.fiscal_year + 1,
                "tahun_rencana_anggaran": meeting.fiscal_year + 1,
                "tanggal_rat": day.isoformat(),
                "jumlah_peserta_rat": Attendance.objects.filter(meeting=meeting).count(),
                "status_rat": "Reported" if stage == MINUTES_STAGE else "Drafted",
                "tahap_rat": str(stage),
                "laporan_posisi_keuangan": position,
                "laporan_hasil_usaha": income,
                "rapb_posisi_keuangan": None,
                "rapb_hasil_usaha": None,
                "dibuat_pada": _stamp(meeting.created_at),
                "diperbarui_pada": _stamp(meeting.updated_at),
            }
        )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
    return out.getvalue()


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps([{k: row[k] for k in COLUMNS} for row in rows], indent=2)
