"""Restructuring (loans.services.restructure): a request by one officer, a decision by another;
approval replaces the unpaid installments, keeps the old schedule, counts the restructure."""

from datetime import date
from decimal import Decimal

import pytest

from kopdes.core.models import AuditEvent
from kopdes.ledger.models import JournalEntry
from kopdes.loans import services
from kopdes.loans.errors import (
    InvalidDecision,
    LoanNotActive,
    NotAllowed,
    ReasonMissing,
    RestructureInvalid,
    RestructureNotPending,
    RestructurePending,
    RestructureSamePerson,
)
from kopdes.loans.models import Loan, LoanEvent, LoanRestructure
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.savings.tests.factories import make_member


@pytest.fixture
def loan(place_a, coop_a):
    member = make_member(coop_a, name="Siti Aminah")
    # 1,200,000 over 4 months, flat 12%: 300,000 + 12,000 due on the 10th of Feb..May 2026.
    return make_active_loan(place_a, member, principal=1_200_000, months=4, start=date(2026, 1, 10))


def ask(place, loan, actor=None, **kw):
    values = {"months": 6, "annual_rate": Decimal("9"), "grace_months": 1, "reason": "Gagal panen"}
    values.update(kw)
    return services.loan_restructure_request(actor=actor or place.bendahara, loan=loan, **values)


def test_approved_restructure_replaces_the_unpaid_installments(place_a, loan):
    services.loan_repay(actor=place_a.kasir, loan=loan, amount=312_000, on=date(2026, 2, 10))
    services.loan_repay(actor=place_a.kasir, loan=loan, amount=50_000, on=date(2026, 3, 12))
    # installment 2: jasa 12,000 and 38,000 of pokok paid; 262,000 of pokok left in it.
    request = ask(place_a, loan)
    assert request.status == LoanRestructure.Status.PENDING
    entries = JournalEntry.objects.count()
    decided = services.loan_restructure_decide(
        actor=place_a.ketua,
        restructure=request,
        decision="approve",
        reason="Disetujui rapat",
        on=date(2026, 4, 1),
    )
    assert decided.status == LoanRestructure.Status.APPROVED
    assert JournalEntry.objects.count() == entries  # nothing posted
    loan.refresh_from_db()
    assert loan.restructured_count == 1 and loan.annual_rate == Decimal("9")
    assert loan.outstanding_principal == 1_200_000 - 300_000 - 38_000
    rows = list(loan.installments.order_by("number"))
    # 1 settled, 2 closed at what was paid; 3 and 4 replaced by six new ones (one of grace).
    assert [(r.number, r.principal, r.interest, r.paid_on is not None) for r in rows[:2]] == [
        (1, 300_000, 12_000, True),
        (2, 38_000, 12_000, True),
    ]
    new = rows[2:]
    assert [r.number for r in new] == [3, 4, 5, 6, 7, 8]
    assert new[0].due_date == date(2026, 5, 1) and new[0].principal == 0  # grace: jasa only
    assert sum(r.principal for r in new) == loan.outstanding_principal
    event = LoanEvent.objects.get(loan=loan, kind="restructure")
    assert [row["number"] for row in event.data["old_schedule"]] == [1, 2, 3, 4]
    assert event.data["carried_interest"] == 0
    audit = AuditEvent.objects.get(action="loans.restructure")
    assert audit.reason == "Disetujui rapat" and audit.after["restructured_count"] == 1
    # the loan is paid on the new schedule
    services.loan_repay(actor=place_a.kasir, loan=loan, amount=new[0].interest, on=date(2026, 5, 1))


def test_jasa_already_due_is_carried_into_the_first_new_installment(place_a, loan):
    request = ask(place_a, loan, grace_months=0)
    services.loan_restructure_decide(
        actor=place_a.ketua,
        restructure=request,
        decision="approve",
        reason="ok",
        on=date(2026, 3, 15),
    )
    first_new = loan.installments.order_by("number").first()
    # installments 1 and 2 were due and unpaid: their 24,000 of jasa moves into the new first.
    plain = round(Decimal(1_200_000) * Decimal("9") / 1200)
    assert first_new.number == 1 and first_new.interest == plain + 24_000


def test_the_one_who_asked_cannot_decide(place_a, loan):
    request = ask(place_a, loan, actor=place_a.ketua)
    with pytest.raises(RestructureSamePerson) as refused:
        services.loan_restructure_decide(
            actor=place_a.ketua, restructure=request, decision="approve", reason="ok"
        )
    assert refused.value.code == "loans.restructure_same_person"
    request.refresh_from_db()
    assert request.status == LoanRestructure.Status.PENDING


def test_roles(place_a, loan):
    with pytest.raises(NotAllowed):
        ask(place_a, loan, actor=place_a.kasir)
    request = ask(place_a, loan)
    for who in (place_a.kasir, place_a.pengawas, place_a.sekretaris):
        with pytest.raises(NotAllowed):
            services.loan_restructure_decide(
                actor=who, restructure=request, decision="approve", reason="x"
            )


def test_one_pending_request_per_loan(place_a, loan):
    ask(place_a, loan)
    with pytest.raises(RestructurePending):
        ask(place_a, loan, actor=place_a.manajer)


def test_rejection_changes_nothing(place_a, loan):
    request = ask(place_a, loan)
    before = list(loan.installments.values_list("number", "principal", "interest"))
    decided = services.loan_restructure_decide(
        actor=place_a.manajer, restructure=request, decision="reject", reason="Belum perlu"
    )
    assert decided.status == LoanRestructure.Status.REJECTED
    assert list(loan.installments.values_list("number", "principal", "interest")) == before
    assert Loan.objects.get(pk=loan.pk).restructured_count == 0
    with pytest.raises(RestructureNotPending):
        services.loan_restructure_decide(
            actor=place_a.ketua, restructure=request, decision="approve", reason="x"
        )
    assert AuditEvent.objects.filter(action="loans.restructure_reject").count() == 1


def test_refusals(place_a, loan):
    with pytest.raises(ReasonMissing):
        ask(place_a, loan, reason="  ")
    with pytest.raises(RestructureInvalid) as bad:
        ask(place_a, loan, months=0, annual_rate=Decimal("30"), grace_months=2)
    assert set(bad.value.fields) == {"months", "annual_rate", "grace_months"}
    request = ask(place_a, loan)
    with pytest.raises(InvalidDecision):
        services.loan_restructure_decide(
            actor=place_a.ketua, restructure=request, decision="maybe", reason="x"
        )
    with pytest.raises(ReasonMissing):
        services.loan_restructure_decide(
            actor=place_a.ketua, restructure=request, decision="approve", reason=""
        )
    assert not LoanRestructure.objects.exclude(status="pending").exists()


def test_a_paid_loan_is_not_restructured(place_a, loan):
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.PAID, outstanding_principal=0)
    with pytest.raises(LoanNotActive):
        ask(place_a, loan)
