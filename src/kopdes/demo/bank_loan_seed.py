"""The demo's state-bank loan (PMK 49/2025) for one cooperative, booked through the funding
services as a treasurer would: a Rp1 miliar contract with one of the Himbara banks, drawn in full
into the bank, and the installments that fell due by `on` paid on their due dates.

Booked as a `ledger_seed.Agenda` (`bank_loan_agenda`): the contract and the drawing on their day,
each installment on its due date, in date order with the cooperative's other years, before the
books' plan (which reads them back for its cash simulation). `kopdes demo` gives a loan to every
BANK_LOAN_EVERY-th cooperative (`demo.seed`).

Deterministic: the bank, the contract number and the months since the first due date come from a
`random.Random` seeded by the village code.
"""

import random
from dataclasses import dataclass
from datetime import date
from functools import partial

from kopdes.cooperatives.models import Cooperative
from kopdes.core.months import shift_month
from kopdes.demo.ledger_seed import Agenda
from kopdes.funding.models import BankLoan
from kopdes.funding.services import (
    bank_loan_create,
    bank_loan_disburse,
    bank_loan_installment_pay,
)

BANKS = ("Bank Rakyat Indonesia", "Bank Negara Indonesia", "Bank Mandiri", "Bank Syariah Indonesia")
PRINCIPAL = 1_000_000_000
OPERATING = 200_000_000


@dataclass
class BankLoanSeed:
    loan: BankLoan | None = None  # once the contract is booked
    paid: int = 0  # installments paid


def bank_loan_seed_cooperative(cooperative: Cooperative, *, on: date) -> BankLoanSeed:
    """The loan of `bank_loan_agenda`, booked at once."""
    agenda = Agenda()
    seeded = bank_loan_agenda(cooperative, on=on, agenda=agenda)
    agenda.finish()
    assert seeded.loan is not None
    seeded.loan.refresh_from_db()
    return seeded


def bank_loan_agenda(cooperative: Cooperative, *, on: date, agenda: Agenda) -> BankLoanSeed:
    """A Rp1 miliar bank loan of 60 months with 6 to 8 months of grace, its first installment
    due 7 to 10 months before `on`, drawn a month before that (investment and operating parts),
    and every installment due by `on` paid from the bank on its due date: its steps on `agenda`."""
    rng = random.Random(f"kopdes-bank-loan-{cooperative.village_id}")
    months_back = rng.randint(7, 10)
    year, month = shift_month(on.year, on.month, -months_back)
    first_due_on = date(year, month, 12)
    year, month = shift_month(year, month, -1)
    drawn_on = date(year, month, 2)
    signed_on = date(year, month, 1)
    bank, number, grace = rng.choice(BANKS), rng.randint(100, 999), rng.randint(6, 8)
    seeded = BankLoanSeed()

    def pay(installment) -> None:
        bank_loan_installment_pay(
            actor=None,
            installment=installment,
            on=installment.due_on,
            idempotency_key=f"demo-bank-loan-{installment.number}",
        )
        seeded.paid += 1

    def sign_and_draw() -> None:
        loan = seeded.loan = bank_loan_create(
            actor=None,
            cooperative=cooperative,
            bank=bank,
            contract_number=f"PMK49/{cooperative.village_id}/{number}",
            ceiling=PRINCIPAL,
            operating_part=OPERATING,
            months=60,
            grace_months=grace,
            first_due_on=first_due_on,
            agreement_date=signed_on,
        )
        for amount, purpose in ((PRINCIPAL - OPERATING, "investment"), (OPERATING, "operating")):
            bank_loan_disburse(
                actor=None,
                loan=loan,
                amount=amount,
                purpose=purpose,
                on=drawn_on,
                idempotency_key=f"demo-bank-loan-{purpose}",
            )
        for installment in loan.installments.filter(due_on__lte=on).order_by("number"):
            agenda.add(installment.due_on, partial(pay, installment))

    agenda.add(drawn_on, sign_and_draw)
    return seeded
