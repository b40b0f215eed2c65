"""Simpanan paid by QRIS from the member app: the intent, the provider's signed notification,
the deposit booked into 1-109 (docs/adr/0019-qris-gateway.md)."""

from datetime import date

import pytest
import time_machine

from kopdes.core.errors import IdempotencyConflict, NotFound
from kopdes.ledger.models import AccountMonth, JournalLine, PostingRule
from kopdes.payments import gateway as gateways
from kopdes.payments import services as payments
from kopdes.payments.errors import BadSignature, NoMerchant
from kopdes.payments.models import PaymentIntent
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings import selectors, services
from kopdes.savings.errors import AmountAboveLimit, InvalidAmount, InvalidKind, MemberNotActive
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

MOMENT = "2026-04-02 10:00:00+07:00"


def balance(cooperative, code):
    rows = AccountMonth.objects.filter(cooperative=cooperative, account__code=code)
    return sum(r.debit - r.credit for r in rows)


def sukarela(member):
    account = SavingsAccount.objects.filter(member=member, kind="sukarela").first()
    return account.balance if account else 0


def assert_reconciled(cooperative):
    for row in selectors.reconciliation(cooperative=cooperative):
        assert row.difference == 0, row
    assert selectors.subledger_mismatches(cooperative=cooperative) == []


@pytest.fixture
def member(coop_a):
    make_merchant(coop_a)
    return make_member(coop_a)


@time_machine.travel(MOMENT, tick=False)
def test_qris_deposit_end_to_end(member, coop_a, place_a):
    intent = services.savings_qris_request(actor=None, member=member, kind="deposit", amount=75_000)
    assert intent.purpose == "savings.deposit" and intent.member == member
    # Nothing is booked before the provider's notification: a QR proves nothing.
    assert sukarela(member) == 0 and balance(coop_a, "1-109") == 0
    # A forged notification changes nothing.
    body, headers = gateways.simulator().notification(
        provider_reference="X", bill_number=intent.bill_number, amount=75_000
    )
    with pytest.raises(BadSignature):
        payments.payment_notification_receive(
            provider="simulator", body=body, headers={**headers, "X-Kopdes-Signature": "00"}
        )
    assert sukarela(member) == 0 and balance(coop_a, "1-109") == 0
    payments.payment_simulate_paid(intent)
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PAID
    assert sukarela(member) == 75_000
    assert balance(coop_a, "1-109") == 75_000
    txn = SavingsTransaction.objects.get(account__member=member)
    assert (txn.channel, txn.amount, txn.date) == ("qris", 75_000, date(2026, 4, 2))
    lines = sorted(
        (ln.account.code, ln.debit, ln.credit)
        for ln in JournalLine.objects.filter(entry=txn.entry).select_related("account")
    )
    assert lines == [("1-109", 75_000, 0), ("2-101", 0, 75_000)]
    assert_reconciled(coop_a)
    # The replay of the same notification books nothing more.
    payments.payment_simulate_paid(intent)
    assert sukarela(member) == 75_000 and SavingsTransaction.objects.count() == 1
    # The provider settles into the bank: 1-109 back to zero.
    payments.qris_settle(actor=place_a.bendahara, cooperative=coop_a, amount=75_000)
    assert balance(coop_a, "1-109") == 0


@time_machine.travel(MOMENT, tick=False)
def test_qris_bill_payment_settles_the_bill(member, coop_a):
    services.savings_bills_create(actor=None, cooperative=coop_a, month="2026-04")
    bill = Bill.objects.filter(member=member, kind="wajib").get()
    intent = services.savings_qris_request(
        actor=None, member=member, kind="bill", bill_id=bill.public_id
    )
    assert intent.amount == bill.outstanding and intent.purpose == "savings.bill"
    payments.payment_simulate_paid(intent)
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID
    assert balance(coop_a, "1-109") == intent.amount
    assert_reconciled(coop_a)
    with pytest.raises(NotFound):  # paid: no longer open
        services.savings_qris_request(
            actor=None, member=member, kind="bill", bill_id=bill.public_id
        )


def test_qris_request_refusals(member, coop_a, coop_b):
    with pytest.raises(InvalidKind):
        services.savings_qris_request(actor=None, member=member, kind="withdraw", amount=1)
    for amount in (0, -5, None, "100"):
        with pytest.raises(InvalidAmount):
            services.savings_qris_request(actor=None, member=member, kind="deposit", amount=amount)
    with pytest.raises(AmountAboveLimit):
        services.savings_qris_request(actor=None, member=member, kind="deposit", amount=10**12)
    other = make_member(coop_b)
    services.savings_bills_create(actor=None, cooperative=coop_b, month="2026-04")
    foreign_bill = Bill.objects.filter(member=other).first()
    for bill_id in (foreign_bill.public_id, "nonsense", None):
        with pytest.raises(NotFound):
            services.savings_qris_request(actor=None, member=member, kind="bill", bill_id=bill_id)
    with pytest.raises(NoMerchant):
        services.savings_qris_request(actor=None, member=other, kind="deposit", amount=1_000)
    member.status = member.Status.RESIGNED
    member.save(update_fields=["status"])
    with pytest.raises(MemberNotActive):
        services.savings_qris_request(actor=None, member=member, kind="deposit", amount=1_000)
    assert PaymentIntent.objects.count() == 0


def test_qris_request_is_idempotent(member):
    first = services.savings_qris_request(
        actor=None, member=member, kind="deposit", amount=10_000, idempotency_key="k-1"
    )
    again = services.savings_qris_request(
        actor=None, member=member, kind="deposit", amount=10_000, idempotency_key="k-1"
    )
    assert again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        services.savings_qris_request(
            actor=None, member=member, kind="deposit", amount=20_000, idempotency_key="k-1"
        )
    # two deposits without a key are two payments
    a = services.savings_qris_request(actor=None, member=member, kind="deposit", amount=5_000)
    b = services.savings_qris_request(actor=None, member=member, kind="deposit", amount=5_000)
    assert a.pk != b.pk and a.status == b.status == "pending"


def test_setup_makes_the_qris_rules(coop_a):
    keys = set(
        PostingRule.objects.filter(
            cooperative=coop_a, event="savings.deposit", key__endswith=":qris"
        ).values_list("key", flat=True)
    )
    assert keys == {"pokok:qris", "wajib:qris", "sukarela:qris"}
    rule = PostingRule.objects.get(cooperative=coop_a, event="savings.deposit", key="sukarela:qris")
    assert rule.lines == [{"amount": "amount", "debit": "1-109", "credit": "2-101"}]


def test_the_counter_takes_no_qris(member, coop_a):
    from kopdes.savings.errors import InvalidChannel

    with pytest.raises(InvalidChannel):
        services.savings_deposit(
            actor=None,
            cooperative=coop_a,
            member=member,
            kind="sukarela",
            amount=1_000,
            channel="qris",
        )
