"""The demo's coaching (pembinaan, docs/coaching.md), recorded by the regency's Dinas examiner
through the coaching services: a training session held for the cooperatives of the first
kecamatan with their attendance (officers by name and role) and one planned for the next;
mentoring visits in the first VISITED cooperatives (held ones with findings, a planned one, a
cancelled one); the findings spread over open, overdue (past deadline) and closed, with
follow-up notes by the cooperative and the Dinas.

Cheap (about sixty service calls) and safe to run again: nothing is added once the first
cooperative has a mentoring visit."""

from dataclasses import dataclass
from datetime import timedelta

from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.supervision import coaching
from kopdes.supervision.models import MentoringVisit

VISITED = 8  # the first cooperatives (by village code) with mentoring visits and findings
ATTENDING = 6  # of the first kecamatan's cooperatives, those whose attendance is recorded

# (finding, recommendation, owner role, days from the visit to the deadline, outcome)
FINDINGS = [
    (
        "Kas di tangan melebihi batas harian",
        "Setorkan kas ke rekening bank koperasi setiap hari kerja; simpan bukti setoran.",
        "bendahara",
        14,
        "closed",
    ),
    (
        "Buku anggota belum diperbarui",
        "Perbarui buku daftar anggota dan cocokkan dengan simpanan pokok yang diterima.",
        "sekretaris",
        21,
        "overdue",
    ),
    (
        "Rapat pengurus tidak dinotulenkan",
        "Buat notulen setiap rapat pengurus dan tanda tangani bersama pengawas.",
        "ketua",
        75,
        "open",
    ),
]


@dataclass
class CoachingSeedResult:
    sessions: int = 0
    visits: int = 0
    findings: int = 0  # raised; among them the open, overdue and closed below
    open: int = 0
    overdue: int = 0
    closed: int = 0


def coaching_seed(cooperatives: list[Cooperative], examiner: User | None) -> CoachingSeedResult:
    result = CoachingSeedResult()
    if not cooperatives or MentoringVisit.objects.filter(cooperative=cooperatives[0]).exists():
        return result
    today = clock.today()
    _trainings(cooperatives, examiner, today, result)
    for index, cooperative in enumerate(cooperatives[:VISITED]):
        _visits(index, cooperative, examiner, today, result)
    return result


def _trainings(cooperatives, examiner, today, result: CoachingSeedResult) -> None:
    first = cooperatives[0].village.district_id
    kecamatan = [c for c in cooperatives if c.village.district_id == first]
    held = coaching.training_session_plan(
        actor=examiner,
        cooperatives=kecamatan,
        title="Pelatihan pembukuan dan pelaporan koperasi",
        planned_on=today - timedelta(days=20),
        place="Aula Kantor Kecamatan",
        topics="Jurnal harian, buku kas, laporan bulanan ke Dinas, persiapan RAT",
        trainer="Bidang Kelembagaan, Dinas Koperasi dan UKM Kabupaten Tangerang",
    )
    coaching.training_session_hold(actor=examiner, session=held)
    result.sessions += 1
    officers: dict[int, list[dict[str, str]]] = {}
    for role in (
        Role.objects.filter(
            cooperative__in=kecamatan[:ATTENDING],
            kind__in=["ketua", "bendahara", "manajer"],
            ended_on__isnull=True,
        )
        .select_related("user")
        .order_by("cooperative_id", "id")
    ):
        officers.setdefault(role.cooperative_id, []).append(
            {"name": role.user.full_name, "role": role.get_kind_display()}
        )
    for participation in held.participations.filter(cooperative__in=kecamatan[:ATTENDING]).order_by(
        "cooperative__village_id"
    ):
        coaching.training_attendance_record(
            actor=examiner,
            participation=participation,
            attendees=officers.get(participation.cooperative_id, [])[:2],
        )
    second = [c for c in cooperatives if c.village.district_id != first][:10] or kecamatan
    coaching.training_session_plan(
        actor=examiner,
        cooperatives=second,
        title="Pelatihan pengelolaan gerai sembako",
        planned_on=today + timedelta(days=25),
        place="Gedung Serbaguna Kecamatan",
        topics="Stok opname, harga jual, pencatatan penjualan",
        trainer="Pendamping koperasi Kementerian Koperasi",
    )
    result.sessions += 1


def _holder(cooperative, kind: str) -> User | None:
    role = (
        Role.objects.filter(cooperative=cooperative, kind=kind, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    return role.user if role is not None else None


def _visits(index: int, cooperative, examiner, today, result: CoachingSeedResult) -> None:
    visitors = "Tim pembina Dinas Koperasi dan UKM Kabupaten Tangerang"
    day = today - timedelta(days=40 + 3 * index)
    visit = coaching.visit_plan(
        actor=examiner,
        cooperative=cooperative,
        planned_on=day,
        topics="Tata kelola kas, buku anggota dan rapat pengurus",
        visitors=visitors,
    )
    coaching.visit_record(
        actor=examiner,
        visit=visit,
        done_on=day,
        notes="Pengurus hadir lengkap; buku kas dan buku anggota diperiksa bersama bendahara.",
    )
    result.visits += 1
    for number, (title, recommendation, owner, days, outcome) in enumerate(FINDINGS):
        if (index + number) % 3 == 2:  # not every finding everywhere
            continue
        finding = coaching.finding_raise(
            actor=examiner,
            cooperative=cooperative,
            visit=visit,
            title=title,
            recommendation=recommendation,
            owner_role=owner,
            deadline=day + timedelta(days=days),
            raised_on=day,
        )
        result.findings += 1
        holder = _holder(cooperative, owner)
        if outcome == "overdue" and holder is not None:
            coaching.finding_follow_up(
                actor=holder,
                finding=finding,
                note="Sedang dikerjakan; mohon tambahan waktu dua minggu.",
                on=day + timedelta(days=10),
            )
        if outcome in ("closed", "overdue"):
            coaching.finding_follow_up(
                actor=examiner,
                finding=finding,
                note="Koperasi sudah mulai menindaklanjuti; bukti diminta saat kunjungan berikut.",
                on=day + timedelta(days=7),
            )
        if outcome == "closed":
            coaching.finding_close(
                actor=examiner,
                finding=finding,
                note="Bukti tindak lanjut diterima dan diperiksa: temuan ditutup.",
                on=day + timedelta(days=days - 2),
            )
            result.closed += 1
        elif finding.is_overdue(today):
            result.overdue += 1
        else:
            result.open += 1
    if index % 4 == 1:
        coaching.visit_plan(
            actor=examiner,
            cooperative=cooperative,
            planned_on=today + timedelta(days=7 + index),
            topics="Tindak lanjut temuan dan persiapan RAT",
            visitors=visitors,
        )
        result.visits += 1
    elif index % 4 == 3:
        cancelled = coaching.visit_plan(
            actor=examiner,
            cooperative=cooperative,
            planned_on=today - timedelta(days=5),
            topics="Pemeriksaan stok gerai",
            visitors=visitors,
        )
        coaching.visit_cancel(
            actor=examiner, visit=cancelled, reason="Pengurus berhalangan; dijadwalkan ulang."
        )
        result.visits += 1
