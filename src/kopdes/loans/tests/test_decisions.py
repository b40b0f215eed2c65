"""Approval: maker-checker with distinct persons, the pengawas co-signature, the related-party
limit of own capital, every decision audited with its reason."""

from datetime import date

import pytest

from kopdes.accounts.models import Role
from kopdes.core.models import AuditEvent
from kopdes.ledger.services import post_event
from kopdes.loans import selectors, services
from kopdes.loans.errors import (
    AlreadyDecided,
    InvalidDecision,
    NotAllowed,
    NotPending,
    OwnLoan,
    ReasonMissing,
    RelatedPartyLimit,
    SameApprover,
    SameOfficer,
)
from kopdes.loans.models import LoanDecision
from kopdes.loans.tests.factories import D, at, make_applied_loan
from kopdes.savings.tests.factories import make_member


def decide(actor, loan, decision="approve", reason="Usaha layak"):
    with at(D):
        return services.loan_decide(actor=actor, loan=loan, decision=decision, reason=reason)


def add_capital(cooperative, amount, on=D):
    post_event(
        cooperative=cooperative,
        event="capital.csr_received",
        amounts={"amount": amount},
        date=on,
        memo="Hibah CSR",
    )


def test_the_pengurus_approves_a_loan_below_the_threshold(place_a):
    loan = make_applied_loan(place_a)
    loan = decide(place_a.ketua, loan)
    assert (loan.status, loan.decided_on) == ("approved", D)
    decision = LoanDecision.objects.get(loan=loan)
    assert (decision.role, decision.decision, decision.actor_id) == (
        "pengurus",
        "approve",
        place_a.ketua.pk,
    )
    event = AuditEvent.objects.get(action="loans.approve", object_id=str(loan.public_id))
    assert event.reason == "Usaha layak" and event.after["status"] == "approved"


def test_the_person_who_applied_cannot_decide(place_a):
    loan = make_applied_loan(place_a, actor=place_a.bendahara)
    with pytest.raises(SameOfficer) as caught:
        decide(place_a.bendahara, loan)
    assert caught.value.code == "loans.same_officer"
    assert decide(place_a.manajer, loan).status == "approved"


@pytest.mark.parametrize("who", ["kasir", "sekretaris", "anggota"])
def test_only_ketua_bendahara_or_manajer_decide_for_the_pengurus(place_a, who):
    loan = make_applied_loan(place_a)
    with pytest.raises(NotAllowed):
        decide(getattr(place_a, who), loan)


def test_another_cooperatives_officer_cannot_decide(place_a, place_b):
    loan = make_applied_loan(place_a)
    with pytest.raises(NotAllowed):
        decide(place_b.ketua, loan)


def test_a_reason_and_a_known_decision(place_a):
    loan = make_applied_loan(place_a)
    with pytest.raises(ReasonMissing):
        decide(place_a.ketua, loan, reason="  ")
    with pytest.raises(InvalidDecision):
        decide(place_a.ketua, loan, decision="maybe")
    assert not LoanDecision.objects.filter(loan=loan).exists()


def test_above_the_threshold_the_pengawas_co_signs_as_a_third_person(place_a):
    loan = make_applied_loan(place_a, principal=15_000_000)
    assert loan.needs_pengawas
    loan = decide(place_a.ketua, loan)
    assert loan.status == "applied"
    with pytest.raises(AlreadyDecided):
        decide(place_a.manajer, loan)
    loan = decide(place_a.kepala_desa, loan, reason="Agunan cukup")
    assert loan.status == "approved"
    assert set(LoanDecision.objects.filter(loan=loan).values_list("role", flat=True)) == {
        "pengurus",
        "pengawas",
    }


def test_the_pengawas_may_sign_first(place_a):
    loan = make_applied_loan(place_a, principal=15_000_000)
    assert decide(place_a.pengawas, loan).status == "applied"
    assert decide(place_a.bendahara, loan).status == "approved"


def test_the_pengawas_has_no_say_below_the_threshold(place_a):
    loan = make_applied_loan(place_a)
    with pytest.raises(NotAllowed):
        decide(place_a.pengawas, loan)


def test_one_refusal_rejects_and_ends_the_application(place_a):
    loan = make_applied_loan(place_a, principal=15_000_000)
    decide(place_a.ketua, loan)
    loan = decide(place_a.pengawas, loan, decision="reject", reason="Penghasilan tidak cukup")
    assert loan.status == "rejected"
    assert AuditEvent.objects.get(action="loans.reject").reason == "Penghasilan tidak cukup"
    with pytest.raises(NotPending):
        decide(place_a.bendahara, loan)


def test_nobody_decides_on_their_own_loan(place_a):
    own = make_member(place_a.cooperative, user=place_a.manajer)
    loan = make_applied_loan(place_a, member=own)
    with pytest.raises(OwnLoan):
        decide(place_a.manajer, loan)


def test_one_person_cannot_sign_both_sides(place_a):
    """Someone who is both a pengurus and a pengawas (an error in the roles, but possible)
    still gives one signature only (the role services refuse such roles; written directly)."""
    Role.objects.create(
        cooperative=place_a.cooperative,
        user=place_a.ketua,
        kind="pengawas",
        started_on=date(2025, 7, 21),
    )
    loan = make_applied_loan(place_a, principal=15_000_000)
    decide(place_a.ketua, loan)
    with pytest.raises(SameApprover):
        decide(place_a.ketua, loan)
    assert decide(place_a.pengawas, loan).status == "approved"


def test_related_party_loans_need_both_and_stay_within_the_limit_of_own_capital(place_a):
    coop = place_a.cooperative
    officer = make_member(coop, user=place_a.sekretaris)
    # No own capital yet: any related-party loan is above 10% of it.
    loan = make_applied_loan(place_a, member=officer, principal=2_000_000, actor=place_a.manajer)
    with pytest.raises(RelatedPartyLimit) as caught:
        decide(place_a.ketua, loan)
    assert caught.value.code == "loans.related_party_limit"
    assert not LoanDecision.objects.filter(loan=loan).exists()
    # 50 jt of own capital: the limit is 5 jt.
    add_capital(coop, 50_000_000)
    assert selectors.own_capital(coop, D) == 50_000_000
    decide(place_a.ketua, loan)
    assert decide(place_a.pengawas, loan).status == "approved"
    assert selectors.related_party_exposure(coop) == 2_000_000
    second = make_applied_loan(place_a, member=officer, principal=3_000_001, actor=place_a.manajer)
    with pytest.raises(RelatedPartyLimit) as caught:
        decide(place_a.ketua, second)
    assert caught.value.params["limit"] == 5_000_000
    assert "di atas 10% modal sendiri" in caught.value.render()  # not "1E+1%"
    third = make_applied_loan(place_a, member=officer, principal=3_000_000, actor=place_a.manajer)
    decide(place_a.ketua, third)
    assert decide(place_a.pengawas, third).status == "approved"
    # A refusal is always possible, whatever the limit.
    assert decide(place_a.ketua, second, decision="reject", reason="Di atas batas").status == (
        "rejected"
    )


def test_own_capital_is_read_on_its_day(place_a):
    coop = place_a.cooperative
    add_capital(coop, 10_000_000, on=date(2026, 1, 15))
    add_capital(coop, 5_000_000, on=date(2026, 3, 10))
    assert selectors.own_capital(coop, date(2026, 1, 14)) == 0
    assert selectors.own_capital(coop, date(2026, 3, 9)) == 10_000_000
    assert selectors.own_capital(coop, date(2026, 3, 10)) == 15_000_000
