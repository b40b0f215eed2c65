"""A cooperative's coaching for pages and matrices to show: a mentoring visit held with a
finding raised at it (open, followed up once), and a training session held with its
attendance recorded (`session` is that session). Everything through the services, as the
system."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kopdes.core import clock
from kopdes.supervision import coaching


@dataclass
class Coaching:
    visit: Any
    finding: Any
    participation: Any
    session: Any


def make_coaching(cooperative: Any, *, label: str = "") -> Coaching:
    today = clock.today()
    visit = coaching.visit_plan(
        actor=None,
        cooperative=cooperative,
        planned_on=today - timedelta(days=7),
        topics="Pembukuan kas dan bank",
        visitors="Tim pendamping Dinas",
    )
    visit = coaching.visit_record(
        actor=None, visit=visit, done_on=today - timedelta(days=7), notes="Kas harian dicatat."
    )
    finding = coaching.finding_raise(
        actor=None,
        cooperative=cooperative,
        visit=visit,
        title=f"Kas di tangan melebihi batas {label}".strip(),
        recommendation="Setorkan kas ke bank setiap hari kerja.",
        owner_role="bendahara",
        deadline=today + timedelta(days=21),
        raised_on=today - timedelta(days=7),
    )
    coaching.finding_follow_up(actor=None, finding=finding, note="Diingatkan lewat telepon.")
    session = coaching.training_session_plan(
        actor=None,
        cooperatives=[cooperative],
        title="Pelatihan pembukuan dasar",
        planned_on=today - timedelta(days=3),
        place="Aula Kecamatan",
        topics="Jurnal, buku besar, neraca",
        trainer="Ibu Rina, Dinas Koperasi",
    )
    coaching.training_session_hold(actor=None, session=session)
    participation = session.participations.get()
    participation = coaching.training_attendance_record(
        actor=None,
        participation=participation,
        attendees=[{"name": "Peserta Pelatihan", "role": "Bendahara"}],
    )
    return Coaching(visit=visit, finding=finding, participation=participation, session=session)
