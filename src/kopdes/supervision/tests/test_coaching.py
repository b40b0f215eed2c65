"""Coaching (pembinaan): the state machine of visits and trainings, findings followed up until
the Dinas closes them, who may do what, and one audit row per write."""

from datetime import date, timedelta

import pytest

from kopdes.core import clock
from kopdes.core.models import AuditEvent
from kopdes.supervision import coaching
from kopdes.supervision.errors import (
    CoachingInvalid,
    CoachingNotPlanned,
    FindingClosed,
    NotCoach,
    NotFindingOwner,
    TrainingNotHeld,
)
from kopdes.supervision.models import CoachingStatus, Finding, FindingFollowUp, MentoringVisit


def _audits(action):
    return AuditEvent.objects.filter(action=action)


def _finding(examiner, cooperative, **kwargs):
    fields = {
        "title": "Kas di tangan melebihi batas",
        "recommendation": "Setorkan kas ke bank setiap hari",
        "owner_role": "bendahara",
        "deadline": clock.today() + timedelta(days=30),
        **kwargs,
    }
    return coaching.finding_raise(actor=examiner, cooperative=cooperative, **fields)


def test_a_visit_is_planned_then_held_once(examiner, coop_a):
    visit = coaching.visit_plan(
        actor=examiner,
        cooperative=coop_a,
        planned_on=clock.today() + timedelta(days=3),
        topics="Pembukuan kas",
        visitors="Tim Dinas",
    )
    assert visit.status == CoachingStatus.PLANNED
    with pytest.raises(CoachingInvalid) as caught:
        coaching.visit_record(
            actor=examiner, visit=visit, done_on=clock.today() + timedelta(days=1), notes="x"
        )
    assert "done_on" in caught.value.fields
    held = coaching.visit_record(actor=examiner, visit=visit, done_on=clock.today(), notes="Baik")
    assert held.status == CoachingStatus.HELD and held.done_on == clock.today()
    with pytest.raises(CoachingNotPlanned) as caught:
        coaching.visit_cancel(actor=examiner, visit=held, reason="Hujan")
    assert caught.value.code == "supervision.coaching_not_planned"
    assert _audits("coaching.visit_plan").get().cooperative_id == coop_a.pk
    assert _audits("coaching.visit_record").count() == 1
    assert not _audits("coaching.visit_cancel").exists()


def test_a_cancelled_visit_needs_a_reason_and_takes_no_finding(examiner, coop_a):
    visit = coaching.visit_plan(
        actor=examiner, cooperative=coop_a, planned_on=clock.today(), topics="RAT", visitors="A"
    )
    with pytest.raises(CoachingInvalid):
        coaching.visit_cancel(actor=examiner, visit=visit, reason="  ")
    cancelled = coaching.visit_cancel(actor=examiner, visit=visit, reason="Ketua sakit")
    assert cancelled.status == CoachingStatus.CANCELLED
    assert _audits("coaching.visit_cancel").get().reason == "Ketua sakit"
    with pytest.raises(CoachingInvalid) as caught:
        _finding(examiner, coop_a, visit=cancelled)
    assert "visit" in caught.value.fields
    assert not Finding.objects.exists()


def test_a_finding_is_followed_up_and_closed_by_the_dinas(examiner, place_a):
    coop = place_a.cooperative
    finding = _finding(examiner, coop)
    assert finding.status == Finding.Status.OPEN and not finding.is_overdue(clock.today())
    by_coop = coaching.finding_follow_up(
        actor=place_a.bendahara, finding=finding, note="Sudah disetor sebagian"
    )
    by_dinas = coaching.finding_follow_up(actor=examiner, finding=finding, note="Dicek")
    assert by_coop.side == FindingFollowUp.Side.COOPERATIVE
    assert by_dinas.side == FindingFollowUp.Side.DINAS
    with pytest.raises(NotCoach):
        coaching.finding_close(actor=place_a.ketua, finding=finding, note="Selesai")
    closed = coaching.finding_close(actor=examiner, finding=finding, note="Selesai")
    assert closed.status == Finding.Status.CLOSED and closed.closed_on == clock.today()
    with pytest.raises(FindingClosed) as caught:
        coaching.finding_follow_up(actor=place_a.ketua, finding=finding, note="lagi")
    assert caught.value.code == "supervision.finding_closed"
    with pytest.raises(FindingClosed):
        coaching.finding_close(actor=examiner, finding=finding, note="lagi")
    for action in ("finding_raise", "finding_close"):
        assert _audits(f"coaching.{action}").count() == 1
    assert _audits("coaching.finding_follow_up").count() == 2


def test_overdue_and_bad_findings(examiner, coop_a):
    past = clock.today() - timedelta(days=40)
    late = _finding(examiner, coop_a, raised_on=past, deadline=past + timedelta(days=10))
    assert late.is_overdue(clock.today())
    with pytest.raises(CoachingInvalid) as caught:
        _finding(examiner, coop_a, owner_role="", owner_name="", deadline=past)
    assert {"owner_name", "deadline"} <= set(caught.value.fields)
    with pytest.raises(CoachingInvalid):
        _finding(examiner, coop_a, owner_role="lurah")
    assert Finding.objects.count() == 1


@pytest.mark.parametrize("who", ["dinas", "kejaksaan", "camat_balaraja", "csr_a", "outsider"])
def test_only_the_examiner_records_coaching(request, coop_a, examiner, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotCoach):
        coaching.visit_plan(
            actor=actor, cooperative=coop_a, planned_on=clock.today(), topics="x", visitors="y"
        )
    with pytest.raises(NotCoach):
        _finding(actor, coop_a)
    finding = _finding(examiner, coop_a)
    with pytest.raises(NotFindingOwner):
        coaching.finding_follow_up(actor=actor, finding=finding, note="x")
    assert not MentoringVisit.objects.exists()
    assert not FindingFollowUp.objects.exists()


@pytest.mark.parametrize("role", ["kasir", "anggota", "pengawas"])
def test_staff_and_members_do_not_follow_up(place_a, examiner, role):
    finding = _finding(examiner, place_a.cooperative)
    with pytest.raises(NotFindingOwner):
        coaching.finding_follow_up(actor=place_a.people[role], finding=finding, note="x")


def test_a_training_for_many_cooperatives_and_its_attendance(examiner, coop_a, coop_b, place_a):
    session = coaching.training_session_plan(
        actor=examiner,
        cooperatives=[coop_a, coop_b],
        title="Pembukuan dasar",
        planned_on=clock.today(),
        place="Aula Kecamatan",
        topics="Jurnal, neraca",
        trainer="Ibu Rina",
    )
    participation = session.participations.get(cooperative=coop_a)
    with pytest.raises(TrainingNotHeld):
        coaching.training_attendance_record(
            actor=examiner, participation=participation, attendees=[{"name": "A", "role": "k"}]
        )
    coaching.training_session_hold(actor=examiner, session=session)
    with pytest.raises(CoachingInvalid) as caught:
        coaching.training_attendance_record(
            actor=examiner,
            participation=participation,
            attendees=[{"name": "Siti 3603014107900007", "role": "ketua"}],
        )
    assert "attendees" in caught.value.fields
    with pytest.raises(NotCoach):
        coaching.training_attendance_record(
            actor=place_a.ketua, participation=participation, attendees=[]
        )
    done = coaching.training_attendance_record(
        actor=examiner,
        participation=participation,
        attendees=[{"name": "Ketua A", "role": "ketua"}, {"name": "", "role": ""}],
    )
    assert done.attended and done.attendees == [{"name": "Ketua A", "role": "ketua"}]
    assert not session.participations.get(cooperative=coop_b).attended
    assert _audits("coaching.training_plan").get().cooperative_id is None
    assert _audits("coaching.training_attendance").get().cooperative_id == coop_a.pk
    with pytest.raises(CoachingNotPlanned):
        coaching.training_session_cancel(actor=examiner, session=session, reason="x")


def test_a_regional_examiner_cannot_plan_a_training_outside_their_kecamatan(coop_a, coop_b):
    from kopdes import testing

    balaraja = testing.make_supervisor(
        agency="dinas", organisation="Kec. Balaraja", region_prefix="36.03.01", read_only=False
    )
    with pytest.raises(NotCoach):
        coaching.training_session_plan(
            actor=balaraja,
            cooperatives=[coop_a, coop_b],
            title="x",
            planned_on=date(2026, 1, 5),
            place="x",
            topics="x",
            trainer="x",
        )
    assert coaching.visit_plan(
        actor=balaraja, cooperative=coop_a, planned_on=clock.today(), topics="x", visitors="y"
    )


def test_who_sees_the_coaching(coop_a, coop_b, csr_a, dinas, place_a):
    """Officers of the cooperative and every supervisor in scope see it, the ministry's national
    grant too; a CSR partner does not, even with another supervisor's grant elsewhere."""
    from kopdes import testing
    from kopdes.accounts.access import Capability, capabilities, coaching_cooperatives

    ministry = testing.make_supervisor(agency="kementerian", organisation="Kemenkop")
    province = testing.make_supervisor(agency="provinsi", organisation="Banten", region_prefix="36")
    for person in (ministry, province, dinas, place_a.pengawas):
        assert Capability.VIEW_COACHING in capabilities(person, coop_a), person
        assert Capability.MANAGE_COACHING not in capabilities(person, coop_a), person
    assert Capability.VIEW_COACHING not in capabilities(csr_a, coop_a)
    assert capabilities(csr_a, coop_a) == {Capability.VIEW_CSR_REPORT}  # issue 15.1
    assert not coaching_cooperatives(csr_a).exists()
    assert set(coaching_cooperatives(place_a.ketua)) == {coop_a}
    assert {coop_a, coop_b} <= set(coaching_cooperatives(ministry))
    assert Capability.FOLLOW_UP_FINDINGS in capabilities(place_a.manajer, coop_a)
    assert Capability.FOLLOW_UP_FINDINGS not in capabilities(place_a.kasir, coop_a)
