"""Maker-checker corrections: the journal entry and the sub-ledger are reversed together."""

from datetime import date

import pytest

from kopdes.core.models import AuditEvent
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.savings import selectors, services
from kopdes.savings.errors import (
    AlreadyCorrected,
    CorrectionNotAllowed,
    CorrectionNotPending,
    CorrectionReasonMissing,
    CorrectionSameOfficer,
    CorrectionWouldOverdraw,
    NotCorrectable,
)
from kopdes.savings.models import Bill, Correction, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member
from kopdes.savings.tests.test_services import assert_reconciled, lines_of

D = date(2026, 4, 2)


@pytest.fixture
def member(coop_a):
    return make_member(coop_a, name="Siti Aminah")


def deposit(place, member, kind="sukarela", amount=100_000, **kw):
    return services.savings_deposit(
        actor=place.kasir,
        cooperative=place.cooperative,
        member=member,
        kind=kind,
        amount=amount,
        on=kw.pop("on", D),
        **kw,
    )


def balance(member, kind="sukarela"):
    return SavingsAccount.objects.get(member=member, kind=kind).balance


def test_deposit_correction_reverses_journal_and_subledger(place_a, member):
    deposit(place_a, member, amount=40_000)
    wrong = deposit(place_a, member, amount=100_000)
    asked = services.savings_correction_request(
        actor=place_a.bendahara, transaction=wrong, reason="Salah ketik, seharusnya 10.000"
    )
    assert asked.status == Correction.Status.PENDING and balance(member) == 140_000
    done = services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    assert done.status == Correction.Status.APPROVED and done.decided_by == place_a.ketua
    assert balance(member) == 40_000
    reversal = done.reversal
    assert reversal.kind == "reversal_out" and reversal.reverses == wrong
    assert reversal.amount == 100_000 and reversal.balance_after == 40_000
    assert reversal.receipt_number is not None
    wrong.refresh_from_db()
    assert wrong.corrected
    assert reversal.entry.reverses_id == wrong.entry_id
    sub = str(wrong.account.public_id)
    assert lines_of(reversal.entry) == [
        ("1-101-01", 0, 100_000, "savings", sub),
        ("2-101", 100_000, 0, "savings", sub),
    ]
    assert_reconciled(place_a.cooperative)
    actions = set(
        AuditEvent.objects.filter(cooperative_id=place_a.cooperative.pk)
        .filter(action__startswith="savings.correction")
        .values_list("action", "reason")
    )
    assert actions == {
        ("savings.correction_request", "Salah ketik, seharusnya 10.000"),
        ("savings.correction_approve", "Salah ketik, seharusnya 10.000"),
    }
    # Once: neither a second request nor the GL reversal of the same entry goes through.
    with pytest.raises(AlreadyCorrected):
        services.savings_correction_request(
            actor=place_a.bendahara, transaction=wrong, reason="lagi"
        )


def test_withdrawal_correction_credits_back(place_a, member):
    deposit(place_a, member, amount=100_000)
    out = services.savings_withdraw(
        actor=place_a.kasir, cooperative=place_a.cooperative, member=member, amount=30_000, on=D
    )
    asked = services.savings_correction_request(
        actor=place_a.kasir, transaction=out, reason="Penarikan batal"
    )
    done = services.savings_correction_approve(actor=place_a.bendahara, correction=asked, on=D)
    assert balance(member) == 100_000 and done.reversal.kind == "reversal_in"
    assert_reconciled(place_a.cooperative)


def test_transfer_correction_reverses_both_sides(place_a, member):
    other = make_member(place_a.cooperative, name="Budi")
    deposit(place_a, member, amount=100_000)
    moved = services.savings_transfer(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        member=member,
        to_member=other,
        amount=60_000,
        on=D,
    )
    incoming = moved.counterpart
    # Asked from the incoming side: the correction is of the whole transfer.
    asked = services.savings_correction_request(
        actor=place_a.kasir, transaction=incoming, reason="Salah anggota tujuan"
    )
    assert asked.transaction == moved
    done = services.savings_correction_approve(actor=place_a.manajer, correction=asked, on=D)
    assert (balance(member), balance(other)) == (100_000, 0)
    back = SavingsTransaction.objects.filter(reverses__in=[moved, incoming])
    assert {t.kind for t in back} == {"reversal_in", "reversal_out"}
    assert done.reversal.counterpart is not None
    assert (
        SavingsTransaction.objects.filter(pk__in=[moved.pk, incoming.pk], corrected=True).count()
        == 2
    )
    assert_reconciled(place_a.cooperative)


def test_corrected_bill_payment_reopens_its_bills(place_a, member):
    coop = place_a.cooperative
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-04")
    before = {b.pk: (b.paid_amount, b.status) for b in Bill.objects.filter(member=member)}
    paid = deposit(place_a, member, kind="wajib", amount=75_000)  # two months (50.000 each)
    assert paid.kind == "bill_payment" and len(paid.bills_settled) == 2
    asked = services.savings_correction_request(
        actor=place_a.kasir, transaction=paid, reason="Uang palsu"
    )
    services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    after = {b.pk: (b.paid_amount, b.status) for b in Bill.objects.filter(member=member)}
    assert after == before
    assert balance(member, "wajib") == 0
    assert_reconciled(coop)


def test_refused_when_the_money_is_already_out(place_a, member):
    wrong = deposit(place_a, member, amount=100_000)
    asked = services.savings_correction_request(
        actor=place_a.kasir, transaction=wrong, reason="Salah"
    )
    services.savings_withdraw(
        actor=place_a.kasir, cooperative=place_a.cooperative, member=member, amount=70_000, on=D
    )
    entries = JournalEntry.objects.count()
    with pytest.raises(CorrectionWouldOverdraw) as refused:
        services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    assert refused.value.code == "savings.correction_would_overdraw"
    assert "Rp30.000" in refused.value.render()
    assert JournalEntry.objects.count() == entries and balance(member) == 30_000
    asked.refresh_from_db()
    assert asked.status == Correction.Status.PENDING
    # And a new request says so at once.
    with pytest.raises(AlreadyCorrected):
        services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    services.savings_correction_reject(
        actor=place_a.ketua, correction=asked, reason="Sudah ditarik"
    )
    with pytest.raises(CorrectionWouldOverdraw):
        services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    assert_reconciled(place_a.cooperative)


def test_maker_checker_refusals(place_a, member):
    wrong = deposit(place_a, member, amount=10_000)
    with pytest.raises(CorrectionNotAllowed) as nobody:
        services.savings_correction_request(
            actor=place_a.pengawas, transaction=wrong, reason="Salah"
        )
    assert nobody.value.code == "savings.correction_not_allowed"
    with pytest.raises(CorrectionNotAllowed):
        services.savings_correction_request(actor=None, transaction=wrong, reason="Salah")
    with pytest.raises(CorrectionReasonMissing) as blank:
        services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="  ")
    assert blank.value.code == "savings.correction_reason_missing"
    asked = services.savings_correction_request(
        actor=place_a.bendahara, transaction=wrong, reason="Salah"
    )
    with pytest.raises(CorrectionSameOfficer) as same:  # the bendahara alone
        services.savings_correction_approve(actor=place_a.bendahara, correction=asked, on=D)
    assert same.value.code == "savings.correction_same_officer"
    with pytest.raises(CorrectionSameOfficer):
        services.savings_correction_reject(actor=place_a.bendahara, correction=asked)
    with pytest.raises(CorrectionNotAllowed):  # a kasir has no approval rights
        services.savings_correction_approve(actor=place_a.kasir, correction=asked, on=D)
    with pytest.raises(CorrectionNotAllowed):  # nor another cooperative's ketua
        services.savings_correction_approve(actor=None, correction=asked, on=D)
    assert balance(member) == 10_000
    rejected = services.savings_correction_reject(
        actor=place_a.ketua, correction=asked, reason="Tidak ada bukti"
    )
    assert rejected.status == Correction.Status.REJECTED and balance(member) == 10_000
    with pytest.raises(CorrectionNotPending) as decided:
        services.savings_correction_approve(actor=place_a.manajer, correction=asked, on=D)
    assert decided.value.code == "savings.correction_not_pending"
    assert_reconciled(place_a.cooperative)


def test_other_cooperatives_officer_cannot_decide(place_a, place_b, member):
    wrong = deposit(place_a, member, amount=10_000)
    asked = services.savings_correction_request(
        actor=place_a.kasir, transaction=wrong, reason="Salah"
    )
    with pytest.raises(CorrectionNotAllowed):
        services.savings_correction_approve(actor=place_b.ketua, correction=asked, on=D)
    with pytest.raises(CorrectionNotAllowed):
        services.savings_correction_request(actor=place_b.kasir, transaction=wrong, reason="x")


def test_not_correctable_kinds(place_a, member):
    coop = place_a.cooperative
    deposit(place_a, member, amount=1_000_000, on=date(2026, 2, 1))
    services.savings_interest_post(actor=None, cooperative=coop, month="2026-02")
    interest = SavingsTransaction.objects.get(kind="interest")
    with pytest.raises(NotCorrectable) as refused:
        services.savings_correction_request(actor=place_a.kasir, transaction=interest, reason="x")
    assert refused.value.code == "savings.not_correctable"
    wrong = deposit(place_a, member, amount=5_000)
    asked = services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    with pytest.raises(NotCorrectable):  # a reversal is not corrected again
        services.savings_correction_request(
            actor=place_a.kasir,
            transaction=Correction.objects.get(pk=asked.pk).reversal,
            reason="x",
        )


def test_closed_account_is_not_corrected(place_a, member):
    wrong = deposit(place_a, member, amount=5_000)
    services.member_resign(
        actor=place_a.bendahara,
        cooperative=place_a.cooperative,
        member=member,
        on=D,
        reason="Pindah",
    )
    with pytest.raises(NotCorrectable):
        services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")


def test_reversal_lives_in_one_place(place_a, member, monkeypatch):
    """Savings reverses journal entries only through correction._reverse_entry (the integrator
    switches that one call to the ledger's sub-ledger keyword)."""
    from kopdes.savings.services import correction

    calls = []
    real = ledger.journal_entry_reverse

    def spy(**kwargs):
        calls.append(kwargs["entry"].pk)
        return real(**kwargs)

    monkeypatch.setattr(ledger, "journal_entry_reverse", spy)
    wrong = deposit(place_a, member, amount=5_000)
    asked = services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    assert calls == [wrong.entry_id]
    assert correction._reverse_entry.__doc__
    assert selectors.reconciliation(cooperative=place_a.cooperative)


def test_the_journal_alone_cannot_reverse_a_savings_entry_but_the_correction_can(place_a, member):
    """The ledger refuses a GL-only reversal of a savings entry; the correction names itself."""
    from kopdes.ledger.errors import SubledgerEntry

    wrong = deposit(place_a, member, amount=5_000)
    with pytest.raises(SubledgerEntry):
        ledger.journal_entry_reverse(entry=wrong.entry, date=D, actor=place_a.bendahara)
    asked = services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    services.savings_correction_approve(actor=place_a.ketua, correction=asked, on=D)
    assert balance(member) == 0
    assert_reconciled(place_a.cooperative)


def test_one_line_of_a_collective_deposit_is_not_corrected_by_reversing_the_sheet(place_a, member):
    """A collective entry books the whole sheet: reversing it for one member would move the
    others' money. Refused, and every account stays as it was."""
    other = make_member(place_a.cooperative, name="Budi Santoso")
    booked = services.savings_collective_deposit(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        on=D,
        channel="cash",
        lines=[(member, "sukarela", 10_000), (other, "sukarela", 20_000)],
    )
    with pytest.raises(NotCorrectable):
        services.savings_correction_request(
            actor=place_a.kasir, transaction=booked.transactions[0], reason="x"
        )
    assert (balance(member), balance(other)) == (10_000, 20_000)
    assert_reconciled(place_a.cooperative)


def test_an_entry_reversed_in_the_journal_alone_is_refused(place_a, member):
    """The probe's state: the GL entry reversed from the journal page, the account untouched. A
    correction would reverse the GL twice; it is refused with its own reason."""
    wrong = deposit(place_a, member, amount=5_000)
    # Made as data from before the ledger refused it (the GL alone, the account untouched).
    ledger.journal_entry_reverse(
        entry=wrong.entry, date=D, actor=place_a.bendahara, subledger="savings"
    )
    with pytest.raises(NotCorrectable) as refused:
        services.savings_correction_request(actor=place_a.kasir, transaction=wrong, reason="x")
    assert "sudah dibalik" in refused.value.render()
