"""The demo's bank loan: booked through the services, deterministic, reconciled to 2-201."""

from datetime import date

import pytest

from kopdes.demo import bank_loan_seed
from kopdes.demo.bank_loan_seed import BANKS, PRINCIPAL, bank_loan_seed_cooperative
from kopdes.funding import selectors

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 30)


def test_a_drawn_loan_with_the_installments_due_paid(coop_a):
    seeded = bank_loan_seed_cooperative(coop_a, on=ON)
    loan = seeded.loan
    assert loan.ceiling == PRINCIPAL
    assert sum(i.principal for i in loan.installments.all()) == PRINCIPAL
    due = loan.installments.filter(due_on__lte=ON)
    assert seeded.paid == due.count() >= 7
    assert not due.filter(paid_on__isnull=True).exists()
    assert not loan.installments.filter(due_on__gt=ON, paid_on__isnull=False).exists()
    owed, on_2_201 = selectors.bank_loans_reconcile(coop_a)
    assert (
        owed
        == on_2_201
        == PRINCIPAL - sum(i.principal for i in loan.installments.filter(paid_on__isnull=False))
    )


def test_the_same_village_gets_the_same_loan(coop_a, coop_b):
    a = bank_loan_seed_cooperative(coop_a, on=ON).loan
    b = bank_loan_seed_cooperative(coop_b, on=ON).loan
    assert a.contract_number.startswith(f"PMK49/{coop_a.village_id}/")
    assert b.contract_number.startswith(f"PMK49/{coop_b.village_id}/")
    for loan, coop in ((a, coop_a), (b, coop_b)):
        rng = bank_loan_seed.random.Random(f"kopdes-bank-loan-{coop.village_id}")
        months_back = rng.randint(7, 10)
        assert (ON.year * 12 + ON.month) - (
            loan.first_due_on.year * 12 + loan.first_due_on.month
        ) == months_back
        assert loan.bank_name == rng.choice(BANKS)
        assert loan.bank_name in BANKS
