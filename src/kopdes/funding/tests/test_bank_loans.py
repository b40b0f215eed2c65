"""The state-bank loan's services: the contract's limits, drawings through `fund_receive`, the
installments posted and reconciled to 2-201, the cash warning, and the pages' tenancy."""

from datetime import date

import pytest
from django.urls import reverse

from kopdes import testing
from kopdes.core.errors import DomainError, IdempotencyConflict, PermissionDenied
from kopdes.core.models import AuditEvent
from kopdes.funding import daily, selectors
from kopdes.funding.models import (
    BankLoan,
    BankLoanInstallment,
    BankLoanWarning,
    FundingSource,
    FundReceipt,
)
from kopdes.funding.services import (
    bank_loan_create,
    bank_loan_disburse,
    bank_loan_installment_pay,
    bank_loan_warnings,
)
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalLine
from kopdes.ledger.selectors import account_balances

pytestmark = pytest.mark.django_db

BILLION = 1_000_000_000
DRAWN_ON = date(2026, 4, 1)
FIRST_DUE = date(2026, 5, 12)  # a Tuesday


def _terms(**change):
    terms = {
        "bank": "Bank Rakyat Indonesia",
        "contract_number": "B.123/KUR/2026",
        "ceiling": BILLION,
        "operating_part": 200_000_000,
        "months": 60,
        "grace_months": 6,
        "first_due_on": FIRST_DUE,
        "agreement_date": date(2026, 3, 20),
    }
    return {**terms, **change}


def _loan(place, **change) -> BankLoan:
    return bank_loan_create(
        actor=place.bendahara, cooperative=place.cooperative, **_terms(**change)
    )


def _drawn(place, amount=BILLION, **change) -> BankLoan:
    loan = _loan(place, **change)
    bank_loan_disburse(
        actor=place.bendahara, loan=loan, amount=amount, purpose="investment", on=DRAWN_ON
    )
    return loan


def _code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


def test_a_contract_is_a_funding_source_of_kind_bank_loan(place_a):
    loan = _loan(place_a)
    assert loan.source.kind == FundingSource.Kind.BANK_LOAN
    assert loan.source.amount == BILLION
    assert loan.rate == 6
    assert not loan.installments.exists()  # nothing drawn, nothing owed
    assert AuditEvent.objects.filter(action="funding.bank_loan_create").count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ceiling": 3 * BILLION + 1}, "funding.bank_loan_ceiling"),
        ({"operating_part": 500_000_001}, "funding.bank_loan_operating_part"),
        (
            {"ceiling": 100_000_000, "operating_part": 100_000_001},
            "funding.bank_loan_operating_part",
        ),
        ({"months": 73}, "funding.bank_loan_months"),
        ({"grace_months": 5}, "funding.bank_loan_grace"),
        ({"grace_months": 9}, "funding.bank_loan_grace"),
        ({"first_due_on": date(2026, 5, 11)}, "funding.bank_loan_first_due"),
    ],
)
def test_terms_outside_pmk_49_are_refused_and_nothing_is_saved(place_a, change, code):
    assert _code(lambda: _loan(place_a, **change)) == code
    assert not BankLoan.objects.filter(cooperative=place_a.cooperative).exists()
    assert not FundingSource.objects.filter(cooperative=place_a.cooperative).exists()


def test_the_cooperatives_bank_loans_total_at_most_rp3_miliar(place_a):
    _loan(place_a, ceiling=2 * BILLION)
    code = _code(lambda: _loan(place_a, contract_number="B.124", ceiling=BILLION + 1))
    assert code == "funding.bank_loan_total"
    assert _loan(place_a, contract_number="B.125", ceiling=BILLION).ceiling == BILLION
    # Rp3 miliar reached: not one rupiah more.
    assert (
        _code(lambda: _loan(place_a, contract_number="B.126", ceiling=1, operating_part=0))
        == "funding.bank_loan_total"
    )


def test_a_contract_number_is_recorded_once(place_a):
    _loan(place_a, ceiling=BILLION)
    assert _code(lambda: _loan(place_a, ceiling=BILLION)) == "funding.bank_loan_contract_taken"


def test_only_the_ketua_and_bendahara_record_a_bank_loan(place_a):
    with pytest.raises(PermissionDenied):
        bank_loan_create(actor=place_a.kasir, cooperative=place_a.cooperative, **_terms())
    assert _loan(place_a).pk


def test_a_drawing_posts_fund_received_and_builds_the_schedule(place_a):
    loan = _drawn(place_a)
    receipt = FundReceipt.objects.get(source=loan.source)
    lines = {
        line.account.code: (line.debit, line.credit)
        for line in JournalLine.objects.filter(entry=receipt.entry).select_related("account")
    }
    assert lines == {"1-102": (BILLION, 0), "2-201": (0, BILLION)}
    installments = list(loan.installments.order_by("number"))
    assert len(installments) == 60
    assert sum(i.principal for i in installments) == BILLION
    assert installments[0].interest == 5_000_000 and installments[0].principal == 0
    assert installments[6].principal + installments[6].interest == 21_176_861
    assert installments[0].due_on == date(2026, 5, 12)
    assert selectors.bank_loans_reconcile(place_a.cooperative) == (BILLION, BILLION)


def test_a_second_drawing_rebuilds_the_schedule_within_the_limits(place_a):
    loan = _drawn(place_a, amount=600_000_000)
    assert sum(i.principal for i in loan.installments.all()) == 600_000_000
    bank_loan_disburse(
        actor=place_a.bendahara, loan=loan, amount=200_000_000, purpose="operating", on=DRAWN_ON
    )
    assert sum(i.principal for i in loan.installments.all()) == 800_000_000
    assert loan.installments.count() == 60
    over = _code(
        lambda: bank_loan_disburse(
            actor=place_a.bendahara, loan=loan, amount=1, purpose="operating", on=DRAWN_ON
        )
    )
    assert over == "funding.bank_loan_over_operating_part"
    over = _code(
        lambda: bank_loan_disburse(
            actor=place_a.bendahara,
            loan=loan,
            amount=200_000_001,
            purpose="investment",
            on=DRAWN_ON,
        )
    )
    assert over == "funding.bank_loan_over_ceiling"
    assert FundReceipt.objects.filter(source=loan.source).count() == 2  # nothing half-saved


def test_a_drawing_is_idempotent(place_a):
    loan = _loan(place_a)
    first = bank_loan_disburse(
        actor=place_a.bendahara,
        loan=loan,
        amount=BILLION,
        purpose="investment",
        on=DRAWN_ON,
        idempotency_key="draw-1",
    )
    again = bank_loan_disburse(
        actor=place_a.bendahara,
        loan=loan,
        amount=BILLION,
        purpose="investment",
        on=DRAWN_ON,
        idempotency_key="draw-1",
    )
    assert again.pk == first.pk
    assert FundReceipt.objects.filter(source=loan.source).count() == 1


def _entry_lines(installment) -> dict:
    """(debit, credit) per account of the installment's entry."""
    out: dict[str, tuple[int, int]] = {}
    for line in JournalLine.objects.filter(entry=installment.paid_entry).select_related("account"):
        debit, credit = out.get(line.account.code, (0, 0))
        out[line.account.code] = (debit + line.debit, credit + line.credit)
    return out


def test_installments_post_principal_to_2_201_and_interest_to_5_501(place_a):
    loan = _drawn(place_a)
    rows = list(loan.installments.order_by("number"))
    for installment in rows[:7]:
        paid = bank_loan_installment_pay(
            actor=place_a.bendahara, installment=installment, on=installment.due_on
        )
        assert paid.paid_on == installment.due_on
    grace = BankLoanInstallment.objects.get(pk=rows[0].pk)
    assert _entry_lines(grace) == {"5-501": (5_000_000, 0), "1-102": (0, 5_000_000)}
    first_annuity = BankLoanInstallment.objects.get(pk=rows[6].pk)
    assert _entry_lines(first_annuity) == {
        "2-201": (16_176_861, 0),
        "5-501": (5_000_000, 0),
        "1-102": (0, 21_176_861),
    }
    owed, on_2_201 = selectors.bank_loans_reconcile(place_a.cooperative)
    assert owed == on_2_201 == BILLION - 16_176_861
    balances = account_balances(cooperative=place_a.cooperative, codes=["1-102", "5-501"])
    assert balances["5-501"] == 7 * 5_000_000
    assert balances["1-102"] == BILLION - 6 * 5_000_000 - 21_176_861


def test_refused_payments(place_a):
    loan = _drawn(place_a)
    first, second = loan.installments.order_by("number")[:2]
    assert (
        _code(lambda: bank_loan_installment_pay(actor=place_a.bendahara, installment=second))
        == "funding.bank_loan_earlier_unpaid"
    )
    assert (
        _code(
            lambda: bank_loan_installment_pay(
                actor=place_a.bendahara, installment=first, on=date(2099, 5, 12)
            )
        )
        == "funding.invalid_date"
    )
    bank_loan_installment_pay(actor=place_a.bendahara, installment=first, on=first.due_on)
    assert (
        _code(lambda: bank_loan_installment_pay(actor=place_a.bendahara, installment=first))
        == "funding.bank_loan_installment_paid"
    )
    with pytest.raises(PermissionDenied):
        bank_loan_installment_pay(actor=place_a.kasir, installment=second)
    # The bank drained (the money taken to the office cash): the installment is refused.
    ledger.post_event(
        cooperative=place_a.cooperative,
        event="cash.bank_withdrawal",
        amounts={"amount": BILLION - 5_000_000},
        date=DRAWN_ON,
        memo="Tarik tunai",
    )
    assert (
        _code(lambda: bank_loan_installment_pay(actor=place_a.bendahara, installment=second))
        == "funding.bank_loan_bank_short"
    )
    assert BankLoanInstallment.objects.get(pk=second.pk).paid_on is None
    # No drawing once repayment started.
    assert (
        _code(
            lambda: bank_loan_disburse(
                actor=place_a.bendahara, loan=loan, amount=1, purpose="investment", on=DRAWN_ON
            )
        )
        == "funding.bank_loan_repayment_started"
    )


def test_paying_is_idempotent_through_the_ledger(place_a):
    loan = _drawn(place_a)
    first = loan.installments.get(number=1)
    paid = bank_loan_installment_pay(
        actor=place_a.bendahara, installment=first, on=first.due_on, idempotency_key="pay-1"
    )
    again = bank_loan_installment_pay(
        actor=place_a.bendahara, installment=first, on=first.due_on, idempotency_key="pay-1"
    )
    assert again.paid_entry_id == paid.paid_entry_id
    with pytest.raises(IdempotencyConflict):
        bank_loan_installment_pay(
            actor=place_a.bendahara,
            installment=first,
            on=date(2026, 5, 13),
            idempotency_key="pay-1",
        )
    assert JournalLine.objects.filter(account__code="5-501").count() == 1


def _drain(place, amount):
    """Take `amount` out of the bank and spend it from the office cash."""
    for event, memo in (("cash.bank_withdrawal", "Tarik"), ("expense.cash", "Belanja")):
        ledger.post_event(
            cooperative=place.cooperative,
            event=event,
            key="5-209" if event == "expense.cash" else "",
            amounts={"amount": amount},
            date=DRAWN_ON,
            memo=memo,
        )


def test_the_warning_is_raised_once_and_only_when_cash_is_short(place_a, settings):
    settings.KOPDES_BANK_LOAN_WARNING_DAYS = 7
    coop = place_a.cooperative
    loan = _drawn(place_a)
    # Eight days before: outside the window.
    assert bank_loan_warnings(coop, date(2026, 5, 4)) == []
    # Within the window but the bank holds the money: no warning.
    assert bank_loan_warnings(coop, date(2026, 5, 5)) == []
    _drain(place_a, BILLION - 4_000_000)  # Rp4.000.000 left, the installment is Rp5.000.000
    raised = bank_loan_warnings(coop, date(2026, 5, 5))
    assert [(w.installment.number, w.amount, w.needed, w.cash) for w in raised] == [
        (1, 5_000_000, 5_000_000, 4_000_000)
    ]
    assert bank_loan_warnings(coop, date(2026, 5, 6)) == []  # once per installment
    outcome = daily.run(day=date(2026, 5, 7), village=None)
    assert not outcome.failures
    assert BankLoanWarning.objects.filter(loan=loan).count() == 1
    assert [w.pk for w in selectors.open_bank_loan_warnings(coop)] == [raised[0].pk]
    # Paid (money brought back into the bank): the warning is no longer open.
    ledger.post_event(
        cooperative=coop,
        event="capital.csr_received",
        amounts={"amount": 2_000_000},
        date=DRAWN_ON,
        memo="Modal",
    )
    bank_loan_installment_pay(
        actor=place_a.bendahara, installment=raised[0].installment, on=date(2026, 5, 12)
    )
    assert selectors.open_bank_loan_warnings(coop) == []


def test_the_warning_shows_on_the_beranda_and_the_loan_pages(client, place_a, dinas):
    coop = place_a.cooperative
    loan = _drawn(place_a)
    home = reverse("web:cooperative_home", args=[coop.public_id])
    client.force_login(place_a.bendahara)
    assert 'id="tile-bank_loan_warnings"' not in client.get(home).content.decode()
    _drain(place_a, BILLION - 4_000_000)
    bank_loan_warnings(coop, date(2026, 5, 5))
    assert 'id="tile-bank_loan_warnings"' in client.get(home).content.decode()
    client.force_login(place_a.kasir)  # no MANAGE_FUNDING: no tile
    assert 'id="tile-bank_loan_warnings"' not in client.get(home).content.decode()
    # The pengawas and a supervisor read the warning on the bank loans page and the loan page.
    for person in (place_a.pengawas, dinas):
        client.force_login(person)
        for url in (
            reverse("web:funding_bank_loans", args=[coop.public_id]),
            reverse("web:funding_bank_loan", args=[coop.public_id, loan.public_id]),
        ):
            page = client.get(url)
            assert page.status_code == 200, (person, url)
            assert 'id="warnings-title"' in page.content.decode()
            assert "Rp4.000.000" in page.content.decode()  # the cash when warned


def test_the_loan_pages_are_404_for_another_cooperative(client, place_a, place_b):
    loan = _drawn(place_a)
    installment = loan.installments.get(number=1)
    coop = place_a.cooperative
    urls = [
        reverse("web:funding_bank_loan", args=[coop.public_id, loan.public_id]),
        reverse("web:funding_bank_loan_disburse", args=[coop.public_id, loan.public_id]),
        reverse(
            "web:funding_bank_loan_pay",
            args=[coop.public_id, loan.public_id, installment.public_id],
        ),
    ]
    for url in urls:
        testing.assert_cross_tenant(client, place_b.bendahara, url)
    # Place B's own address with place A's loan: also 404.
    mixed = reverse("web:funding_bank_loan", args=[place_b.cooperative.public_id, loan.public_id])
    testing.assert_cross_tenant(client, place_b.bendahara, mixed)
    client.force_login(place_a.bendahara)
    page = client.get(urls[0])
    assert page.status_code == 200
    assert "21.176.861" in page.content.decode()


def test_the_pages_record_draw_and_pay(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    new = reverse("web:funding_bank_loan_new", args=[coop.public_id])
    form = client.get(new)
    assert form.status_code == 200
    refused = client.post(
        new,
        {
            "bank": "BNI",
            "contract_number": "K-1",
            "agreement_date": "2026-03-20",
            "ceiling": "3.500.000.000",
            "operating_part": "0",
            "rate": "6",
            "months": "60",
            "grace_months": "6",
            "first_due_on": "2026-05-12",
        },
    )
    assert refused.status_code == 400
    assert "Rp3.000.000.000" in refused.content.decode()
    assert not BankLoan.objects.filter(cooperative=coop).exists()
    saved = client.post(
        new,
        {
            "bank": "BNI",
            "contract_number": "K-1",
            "agreement_date": "2026-03-20",
            "ceiling": "1.000.000.000",
            "operating_part": "0",
            "rate": "6",
            "months": "60",
            "grace_months": "6",
            "first_due_on": "2026-05-12",
        },
    )
    loan = BankLoan.objects.get(cooperative=coop)
    assert saved.status_code == 302
    page = reverse("web:funding_bank_loan", args=[coop.public_id, loan.public_id])
    assert saved["Location"] == page
    assert "21.176.861" in client.get(page).content.decode()  # the preview on the ceiling
    draw = reverse("web:funding_bank_loan_disburse", args=[coop.public_id, loan.public_id])
    assert client.get(draw).status_code == 200
    drawn = client.post(
        draw,
        {
            "amount": "1.000.000.000",
            "purpose": "investment",
            "on": "2026-04-01",
            "idempotency_key": "k1",
        },
    )
    assert drawn.status_code == 302
    first = loan.installments.get(number=1)
    pay = reverse(
        "web:funding_bank_loan_pay", args=[coop.public_id, loan.public_id, first.public_id]
    )
    assert "Rp5.000.000" in client.get(pay).content.decode()
    paid = client.post(pay, {"on": "2026-05-12", "idempotency_key": "p1"})
    assert paid.status_code == 302
    assert BankLoanInstallment.objects.get(pk=first.pk).paid_on == date(2026, 5, 12)
    again = client.post(pay, {"on": "2026-05-12", "idempotency_key": "p2"})
    assert again.status_code == 400  # already paid, said on the page
    assert "sudah dibayar" in again.content.decode()
