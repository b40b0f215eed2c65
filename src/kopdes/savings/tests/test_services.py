from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kopdes.cooperatives.services import policy_change
from kopdes.core.errors import IdempotencyConflict
from kopdes.ledger.models import JournalEntry, JournalLine
from kopdes.members.models import Member
from kopdes.savings import selectors, services
from kopdes.savings.errors import (
    InsufficientBalance,
    InvalidAmount,
    InvalidMonth,
    MemberNotActive,
    MemberNotFound,
    NotWithdrawable,
    SameAccount,
)
from kopdes.savings.models import Bill, SavingsAccount, SavingsProduct, SavingsTransaction
from kopdes.savings.tests.factories import make_member

D = date(2026, 4, 2)


def lines_of(entry):
    return [
        (ln.account.code, ln.debit, ln.credit, ln.subledger_kind, ln.subledger_id)
        for ln in JournalLine.objects.filter(entry=entry)
        .select_related("account")
        .order_by("line_no")
    ]


def assert_reconciled(cooperative):
    for row in selectors.reconciliation(cooperative=cooperative):
        assert row.difference == 0, row
    assert selectors.subledger_mismatches(cooperative=cooperative) == []


@pytest.fixture
def member(coop_a):
    return make_member(coop_a, name="Siti Aminah")


@pytest.fixture
def other(coop_a):
    return make_member(coop_a, name="Budi Santoso")


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


@pytest.mark.parametrize(
    ("kind", "channel", "debit", "credit"),
    [
        ("pokok", "cash", "1-101-01", "3-101"),
        ("wajib", "cash", "1-101-01", "3-102"),
        ("sukarela", "cash", "1-101-01", "2-101"),
        ("sukarela", "bank", "1-102", "2-101"),
    ],
)
def test_deposit_exact_lines(place_a, member, kind, channel, debit, credit):
    txn = deposit(place_a, member, kind, 50_000, channel=channel)
    sub = str(txn.account.public_id)
    assert lines_of(txn.entry) == [
        (debit, 50_000, 0, "savings", sub),
        (credit, 0, 50_000, "savings", sub),
    ]
    assert txn.balance_after == 50_000 and txn.receipt_number == 1
    assert str(txn.entry).startswith("JU-") and len(txn.entry.short_hash) == 12
    assert_reconciled(place_a.cooperative)


def test_liability_accounts_when_policy_says_not_equity(place_a, member):
    policy_change(
        actor=place_a.ketua,
        cooperative=place_a.cooperative,
        effective_from=date(2026, 1, 1),
        reason="RAT 2026",
        pokok_wajib_as_equity=False,
    )
    txn = deposit(place_a, member, "wajib", 20_000)
    assert [ln[0] for ln in lines_of(txn.entry)] == ["1-101-01", "2-112"]
    assert_reconciled(place_a.cooperative)
    from kopdes.ledger.models import Account

    # The balance sheet shows the account's name: "Liabilitas", never "kewajiban" (SAK EP).
    assert Account.objects.get(cooperative=place_a.cooperative, code="2-112").name == (
        "Simpanan wajib (liabilitas)"
    )


def test_withdraw_and_transfer_exact_lines(place_a, member, other):
    deposit(place_a, member, amount=300_000)
    out = services.savings_withdraw(
        actor=place_a.kasir, cooperative=place_a.cooperative, member=member, amount=120_000, on=D
    )
    sub = str(out.account.public_id)
    assert lines_of(out.entry) == [
        ("2-101", 120_000, 0, "savings", sub),
        ("1-101-01", 0, 120_000, "savings", sub),
    ]
    moved = services.savings_transfer(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        member=member,
        to_member=other,
        amount=80_000,
        on=D,
    )
    target = SavingsAccount.objects.get(member=other, kind="sukarela")
    assert lines_of(moved.entry) == [
        ("2-101", 80_000, 0, "savings", sub),
        ("2-101", 0, 80_000, "savings", str(target.public_id)),
    ]
    assert moved.counterpart.account == target and target.balance == 80_000
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 100_000
    assert list(
        SavingsTransaction.objects.filter(cooperative=place_a.cooperative)
        .exclude(receipt_number=None)
        .order_by("receipt_number")
        .values_list("receipt_number", flat=True)
    ) == [1, 2, 3]
    assert_reconciled(place_a.cooperative)


def test_refusals_save_nothing(place_a, member, other):
    deposit(place_a, member, amount=100_000)
    entries = JournalEntry.objects.count()
    coop = place_a.cooperative
    with pytest.raises(InsufficientBalance):
        services.savings_withdraw(
            actor=place_a.kasir, cooperative=coop, member=member, amount=100_001, on=D
        )
    with pytest.raises(NotWithdrawable):
        services.savings_withdraw(
            actor=place_a.kasir, cooperative=coop, member=member, kind="wajib", amount=1, on=D
        )
    for bad in (0, -5, 1.5, "10"):
        with pytest.raises(InvalidAmount):
            deposit(place_a, member, amount=bad)
    with pytest.raises(SameAccount):
        services.savings_transfer(
            actor=place_a.kasir, cooperative=coop, member=member, to_member=member, amount=1, on=D
        )
    with pytest.raises(InsufficientBalance):
        services.savings_transfer(
            actor=place_a.kasir,
            cooperative=coop,
            member=member,
            to_member=other,
            amount=200_000,
            on=D,
        )
    Member.objects.filter(pk=other.pk).update(status="requested", number=None)
    other.refresh_from_db()
    with pytest.raises(MemberNotActive):
        deposit(place_a, other)
    assert JournalEntry.objects.count() == entries
    assert SavingsTransaction.objects.count() == 1
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 100_000


def test_minimum_balance(place_a, member):
    deposit(place_a, member, amount=100_000)
    services.savings_product_update(
        actor=place_a.bendahara,
        cooperative=place_a.cooperative,
        interest_rate=Decimal("3"),
        minimum_balance=25_000,
    )
    with pytest.raises(InsufficientBalance):
        services.savings_withdraw(
            actor=place_a.kasir, cooperative=place_a.cooperative, member=member, amount=80_000, on=D
        )
    services.savings_withdraw(
        actor=place_a.kasir, cooperative=place_a.cooperative, member=member, amount=75_000, on=D
    )


def test_rate_out_of_policy_range_refused(place_a):
    from kopdes.savings.errors import InvalidRate

    with pytest.raises(InvalidRate):
        services.savings_product_update(
            actor=place_a.bendahara,
            cooperative=place_a.cooperative,
            interest_rate=Decimal("9.5"),
            minimum_balance=0,
        )


def test_other_cooperatives_member_refused(place_a, place_b):
    stranger = make_member(place_b.cooperative)
    with pytest.raises(MemberNotFound):
        deposit(place_a, stranger)


def test_balance_check_constraint(place_a, member):
    txn = deposit(place_a, member, amount=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavingsAccount.objects.filter(pk=txn.account_id).update(balance=-1)


def test_idempotent_deposit(place_a, member):
    first = deposit(place_a, member, amount=70_000, idempotency_key="k-1")
    again = deposit(place_a, member, amount=70_000, idempotency_key="k-1")
    assert again.pk == first.pk
    assert SavingsTransaction.objects.count() == 1 and JournalEntry.objects.count() == 1
    with pytest.raises(IdempotencyConflict):
        deposit(place_a, member, amount=71_000, idempotency_key="k-1")


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "bank"},
        {"on": date(2026, 4, 3)},
        {"memo": "another memo"},
        {"kind": "wajib"},
    ],
    ids=["channel", "date", "memo", "kind"],
)
def test_same_key_another_request_is_a_conflict(place_a, member, change):
    """The probe's case: a retry with the same key but another channel or date got the first
    transaction back. Any difference in the request is another request."""
    first = deposit(place_a, member, amount=70_000, idempotency_key="k-1", memo="")
    request = {"amount": 70_000, "idempotency_key": "k-1", "memo": "", **change}
    with pytest.raises(IdempotencyConflict) as raised:
        deposit(place_a, member, **request)
    assert raised.value.code == "idempotency.key_reused" and raised.value.status == 409
    assert list(SavingsTransaction.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_deposit_cannot_reuse_a_withdrawals_key(place_a, member):
    deposit(place_a, member, amount=100_000)
    services.savings_withdraw(
        actor=None,
        cooperative=place_a.cooperative,
        member=member,
        amount=10_000,
        on=D,
        idempotency_key="w",
    )
    with pytest.raises(IdempotencyConflict):
        deposit(place_a, member, amount=10_000, idempotency_key="w")
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 90_000


def test_bills_oldest_first_and_rapel(place_a, member, other):
    coop = place_a.cooperative
    for month in ("2026-01", "2026-02", "2026-03"):
        services.savings_bills_create(actor=place_a.bendahara, cooperative=coop, month=month)
    again = services.savings_bills_create(
        actor=place_a.bendahara, cooperative=coop, month="2026-03"
    )
    assert again.created_now == 0
    # 3 wajib bills + 1 pokok bill each
    assert Bill.objects.filter(member=member).count() == 4
    # rapel: two and a half months of wajib at once
    txn = deposit(place_a, member, "wajib", 50_000)
    assert txn.kind == "bill_payment"
    bills = {
        b.period: (b.paid_amount, b.status)
        for b in Bill.objects.filter(member=member, kind="wajib")
    }
    assert bills == {
        "2026-01": (20_000, "paid"),
        "2026-02": (20_000, "paid"),
        "2026-03": (10_000, "partial"),
    }
    deposit(place_a, member, "pokok", 50_000)
    assert Bill.objects.get(member=member, kind="pokok").status == "paid"
    stats = selectors.collection(cooperative=coop)
    assert (stats.billed, stats.paid) == (2 * (3 * 20_000 + 50_000), 100_000)
    assert stats.rate == Decimal("45.5")
    rows = selectors.arrears(cooperative=coop)
    assert [(r.full_name, r.outstanding) for r in rows] == [
        ("Budi Santoso", 110_000),
        ("Siti Aminah", 10_000),
    ]


def test_bill_month_checked(place_a):
    with pytest.raises(InvalidMonth):
        services.savings_bills_create(actor=None, cooperative=place_a.cooperative, month="2099-01")
    with pytest.raises(InvalidMonth):
        services.savings_bills_create(actor=None, cooperative=place_a.cooperative, month="Jan")


def test_interest_daily_balance_allocated(place_a, member, other):
    coop = place_a.cooperative
    services.savings_product_update(
        actor=place_a.bendahara, cooperative=coop, interest_rate=Decimal("3"), minimum_balance=0
    )
    deposit(place_a, member, amount=1_000_000, on=date(2026, 3, 20))
    deposit(place_a, other, amount=500_000, on=date(2026, 4, 16))
    run = services.savings_interest_post(actor=place_a.bendahara, cooperative=coop, month="2026-04")
    assert run.total == 3082 and run.count == 2  # the hand-computed example of test_rules
    credits = dict(
        SavingsTransaction.objects.filter(kind="interest").values_list(
            "account__member__full_name", "amount"
        )
    )
    assert credits == {"Siti Aminah": 2466, "Budi Santoso": 616}
    entry = JournalEntry.objects.get(source_kind="savings.interest")
    assert entry.date == date(2026, 4, 30)
    lines = lines_of(entry)
    assert lines[0] == ("5-501", 3082, 0, "", "")
    assert sum(ln[2] for ln in lines[1:]) == 3082
    again = services.savings_interest_post(
        actor=place_a.bendahara, cooperative=coop, month="2026-04"
    )
    assert (
        again.pk == run.pk
        and JournalEntry.objects.filter(source_kind="savings.interest").count() == 1
    )
    # May: the April interest dated 30 April is part of May's opening balance
    services.savings_interest_post(actor=place_a.bendahara, cooperative=coop, month="2026-05")
    may = dict(
        SavingsTransaction.objects.filter(kind="interest", date=date(2026, 5, 31)).values_list(
            "account__member__full_name", "amount"
        )
    )
    assert sum(may.values()) == round(Decimal(31 * (1_002_466 + 500_616)) * 3 / 100 / 365)
    assert_reconciled(coop)


def test_interest_needs_an_ended_month(place_a):
    with pytest.raises(InvalidMonth):
        services.savings_interest_post(actor=None, cooperative=place_a.cooperative, month="2099-01")


def test_resignation_refunds_and_closes(place_a, member):
    coop = place_a.cooperative
    deposit(place_a, member, "pokok", 50_000)
    deposit(place_a, member, "wajib", 60_000)
    deposit(place_a, member, "sukarela", 25_000)
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-05")
    refunds = services.member_resign(
        actor=place_a.bendahara,
        cooperative=coop,
        member=member,
        on=date(2026, 6, 1),
        reason="Pindah ke luar desa",
    )
    assert sorted((t.account.kind, t.amount) for t in refunds) == [
        ("pokok", 50_000),
        ("sukarela", 25_000),
        ("wajib", 60_000),
    ]
    entry = refunds[0].entry
    codes = [(ln[0], ln[1], ln[2]) for ln in lines_of(entry)]
    assert sorted(codes) == sorted(
        [
            ("3-101", 50_000, 0),
            ("1-101-01", 0, 50_000),
            ("3-102", 60_000, 0),
            ("1-101-01", 0, 60_000),
            ("2-101", 25_000, 0),
            ("1-101-01", 0, 25_000),
        ]
    )
    member.refresh_from_db()
    assert member.status == "resigned" and member.ended_on == date(2026, 6, 1)
    assert set(SavingsAccount.objects.filter(member=member).values_list("status", "balance")) == {
        ("closed", 0)
    }
    assert not Bill.objects.filter(member=member, status__in=["unpaid", "partial"]).exists()
    assert_reconciled(coop)
    with pytest.raises(MemberNotActive):
        services.member_resign(
            actor=None, cooperative=coop, member=member, on=date(2026, 6, 2), reason="x"
        )


def test_resignation_refused_with_a_loan(place_a, member, monkeypatch):
    from kopdes.savings.errors import LoanOutstanding

    deposit(place_a, member, "pokok", 50_000)
    monkeypatch.setattr(services.resignation, "member_has_outstanding_loan", lambda member: True)
    with pytest.raises(LoanOutstanding):
        services.member_resign(
            actor=None, cooperative=place_a.cooperative, member=member, on=D, reason="x"
        )
    assert SavingsAccount.objects.get(member=member).status == "open"
    assert selectors.member_has_outstanding_loan(member=member) is False


def test_statement_running_balance(place_a, member):
    deposit(place_a, member, amount=100_000, on=date(2026, 3, 1))
    deposit(place_a, member, amount=50_000, on=date(2026, 4, 5))
    services.savings_withdraw(
        actor=None,
        cooperative=place_a.cooperative,
        member=member,
        amount=30_000,
        on=date(2026, 4, 9),
    )
    statement = {
        s.kind: s
        for s in selectors.member_statement(
            member=member, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)
        )
    }
    s = statement["sukarela"]
    assert (s.opening, s.credits, s.debits, s.closing) == (100_000, 50_000, 30_000, 120_000)
    assert [r.balance for r in s.rows] == [150_000, 120_000]


def test_products_created_from_policy(place_a, member):
    deposit(place_a, member)
    products = {p.kind: p for p in SavingsProduct.objects.filter(cooperative=place_a.cooperative)}
    assert set(products) == {"pokok", "wajib", "sukarela"}
    assert products["sukarela"].interest_rate == Decimal("4")


def test_payment_settles_only_bills_due_by_its_month(place_a, member):
    coop = place_a.cooperative
    for month in ("2026-03", "2026-04"):
        services.savings_bills_create(actor=None, cooperative=coop, month=month)
    deposit(place_a, member, "wajib", 40_000, on=date(2026, 3, 5))
    assert dict(
        Bill.objects.filter(member=member, kind="wajib").values_list("period", "status")
    ) == {"2026-03": "paid", "2026-04": "unpaid"}
    assert SavingsAccount.objects.get(member=member, kind="wajib").balance == 40_000


def test_idempotent_withdraw_and_transfer(place_a, member, other):
    coop = place_a.cooperative
    deposit(place_a, member, amount=100_000)
    kw = {"actor": None, "cooperative": coop, "member": member, "on": D}
    first = services.savings_withdraw(**kw, amount=10_000, idempotency_key="w")
    assert services.savings_withdraw(**kw, amount=10_000, idempotency_key="w").pk == first.pk
    moved = services.savings_transfer(**kw, to_member=other, amount=5_000, idempotency_key="t")
    again = services.savings_transfer(**kw, to_member=other, amount=5_000, idempotency_key="t")
    assert again.pk == moved.pk
    with pytest.raises(IdempotencyConflict):
        services.savings_withdraw(**kw, amount=5_000, idempotency_key="t")  # key of the transfer
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 85_000
    assert JournalEntry.objects.count() == 3
    assert_reconciled(coop)


def test_interest_skips_an_account_closed_in_the_month(place_a, member, other):
    coop = place_a.cooperative
    deposit(place_a, member, amount=1_000_000, on=date(2026, 2, 1))
    deposit(place_a, other, amount=1_000_000, on=date(2026, 2, 1))
    services.member_resign(
        actor=place_a.bendahara,
        cooperative=coop,
        member=member,
        on=date(2026, 3, 15),
        reason="Pindah",
    )
    run = services.savings_interest_post(actor=None, cooperative=coop, month="2026-03")
    closed = SavingsAccount.objects.get(member=member, kind="sukarela")
    assert closed.status == "closed" and closed.balance == 0
    assert not SavingsTransaction.objects.filter(account=closed, kind="interest").exists()
    assert run.count == 1
    credited = SavingsTransaction.objects.get(kind="interest")
    assert credited.account.member == other and credited.amount == run.total > 0
    assert_reconciled(coop)
