"""The health assessment on a cooperative's closed books: the inputs, the questionnaire, the
history, the refusals and who may assess."""

from decimal import Decimal

import pytest

from kopdes import testing
from kopdes.core.models import AuditEvent
from kopdes.savings.tests.factories import make_member
from kopdes.supervision import services
from kopdes.supervision.errors import NotExaminer, UnknownQuestion, YearNotClosed
from kopdes.supervision.models import Assessment


@pytest.fixture
def closed_2025(place_a):
    """Place A with 2025 closed: Rp100.000 of simpanan wajib and Rp1.000.000 of jasa pinjaman
    (member income into the bank)."""
    testing.close_shu_books(place_a, make_member(place_a.cooperative))
    return place_a.cooperative


def _component(assessment, key):
    return next(c for c in assessment.components if c["key"] == key)


def test_the_assessment_reads_the_closed_books_and_explains_each_component(closed_2025, examiner):
    assessment = services.health_assess(actor=examiner, cooperative=closed_2025, year=2025)
    assert assessment.inputs["total_assets"] == 1_100_000
    assert assessment.inputs["own_capital"] == 1_100_000
    assert assessment.inputs["member_income"] == 1_000_000
    capital = _component(assessment, "modal_sendiri_aset")
    assert capital["note"] == (
        "modal sendiri Rp1.100.000 / total aset Rp1.100.000 = 100,00 % → nilai 25 "
        "\u00d7 bobot 6,00 = 1,50"
    )
    participation = _component(assessment, "partisipasi_bruto")
    assert participation["value"] == 100 and participation["points"] == "10.00"
    management = _component(assessment, "kuesioner_manajemen")
    assert management["value"] == 0 and "kuesioner belum diisi" in management["note"]
    assert not assessment.questionnaire_filled
    assert assessment.score == sum(Decimal(c["points"]) for c in assessment.components)
    assert assessment.is_current and assessment.assessed_by_label == str(examiner)
    event = AuditEvent.objects.get(action="health.assess", object_id=str(assessment.public_id))
    assert event.cooperative_id == closed_2025.pk and event.after["year"] == 2025


def test_the_questionnaire_counts_and_history_is_kept(closed_2025, examiner):
    first = services.health_assess(actor=examiner, cooperative=closed_2025, year=2025)
    services.management_answers_fill(
        actor=examiner,
        cooperative=closed_2025,
        year=2025,
        answers={f"m{i}": True for i in range(1, 9)},  # 8 of 10
    )
    second = services.health_assess(actor=None, cooperative=closed_2025, year=2025)
    assert second.questionnaire_filled
    assert _component(second, "kuesioner_manajemen")["value"] == 80
    assert second.score == first.score + Decimal("12.00")
    rows = Assessment.objects.filter(cooperative=closed_2025, year=2025)
    assert rows.count() == 2
    assert list(rows.filter(is_current=True)) == [second]


def test_an_unknown_question_is_refused(closed_2025, examiner):
    with pytest.raises(UnknownQuestion):
        services.management_answers_fill(
            actor=examiner, cooperative=closed_2025, year=2025, answers={"zz": True}
        )


def test_a_year_not_closed_is_refused_with_its_code(place_a, examiner):
    with pytest.raises(YearNotClosed) as caught:
        services.health_assess(actor=examiner, cooperative=place_a.cooperative, year=2026)
    assert caught.value.code == "supervision.year_not_closed"
    assert "2026" in caught.value.render()
    assert not Assessment.objects.filter(cooperative=place_a.cooperative).exists()


@pytest.mark.parametrize(
    "who", ["dinas", "kejaksaan", "camat_balaraja", "csr_a", "outsider", "ketua"]
)
def test_only_the_dinas_examiner_assesses(request, closed_2025, place_a, who):
    actor = place_a.ketua if who == "ketua" else request.getfixturevalue(who)
    with pytest.raises(NotExaminer):
        services.health_assess(actor=actor, cooperative=closed_2025, year=2025)
    with pytest.raises(NotExaminer):
        services.management_answers_fill(
            actor=actor, cooperative=closed_2025, year=2025, answers={"m1": True}
        )
    assert not Assessment.objects.filter(cooperative=closed_2025).exists()


def test_a_dinas_grant_for_another_region_cannot_assess(place_b, examiner):
    examiner_elsewhere = testing.make_supervisor(
        agency="dinas", organisation="Kecamatan Balaraja", region_prefix="36.03.01", read_only=False
    )
    testing.close_shu_books(place_b, make_member(place_b.cooperative))
    with pytest.raises(NotExaminer):
        services.health_assess(actor=examiner_elsewhere, cooperative=place_b.cooperative, year=2025)
    assert services.health_assess(actor=examiner, cooperative=place_b.cooperative, year=2025)


def test_a_method_revision_is_checked_and_versioned(examiner, dinas, kejaksaan):
    from kopdes.supervision.errors import MethodInvalid
    from kopdes.supervision.methods import RATIO_METHOD
    from kopdes.supervision.selectors import method_in_force

    for reader in (dinas, kejaksaan):
        with pytest.raises(NotExaminer):
            services.health_method_revise(actor=reader, kind="ratio", rules_data=RATIO_METHOD)
    with pytest.raises(MethodInvalid):
        services.health_method_revise(actor=examiner, kind="ratio", rules_data={"aspects": []})
    revised = services.health_method_revise(
        actor=examiner, kind="ratio", rules_data=RATIO_METHOD, note="uji"
    )
    assert revised.version == 2 and method_in_force().pk == revised.pk
