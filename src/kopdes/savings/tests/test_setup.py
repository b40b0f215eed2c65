"""Savings are provisioned when a cooperative is set up; the services only read what was made;
the products follow the policy; every failure has its own dotted code."""

import inspect
from datetime import date
from decimal import Decimal

import pytest

from kopdes import testing
from kopdes.cooperatives.services import policy_change
from kopdes.core.errors import DomainError
from kopdes.core.models import AuditEvent
from kopdes.ledger.models import PostingRule
from kopdes.regions.models import Village
from kopdes.savings import errors, services
from kopdes.savings.models import SavingsAccount, SavingsProduct, SavingsTransaction
from kopdes.savings.tests.factories import make_member

D = date(2026, 4, 2)


def test_every_savings_error_has_its_own_dotted_code():
    classes = [
        c
        for _n, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, DomainError) and c.__module__ == errors.__name__
    ]
    codes = [c.code for c in classes]
    assert all(code.startswith("savings.") for code in codes), codes
    assert len(codes) == len(set(codes))


def test_unknown_channel_and_kind_have_their_own_codes(place_a):
    member = make_member(place_a.cooperative)
    common = {"actor": place_a.kasir, "cooperative": place_a.cooperative, "member": member}
    with pytest.raises(errors.InvalidChannel) as channel:
        services.savings_deposit(**common, kind="sukarela", amount=1_000, channel="gold", on=D)
    with pytest.raises(errors.InvalidKind) as kind:
        services.savings_deposit(**common, kind="emas", amount=1_000, on=D)
    with pytest.raises(errors.InvalidAmount) as amount:
        services.savings_deposit(**common, kind="sukarela", amount=0, on=D)
    assert (channel.value.code, kind.value.code, amount.value.code) == (
        "savings.invalid_channel",
        "savings.invalid_kind",
        "savings.invalid_amount",
    )
    assert channel.value.fields == {"channel": ["Pilih tunai atau bank."]}
    assert not SavingsTransaction.objects.exists()


@pytest.fixture
def bare(db):
    """A cooperative with its chart of accounts but whose savings were never set up."""
    village = Village.objects.exclude(code__in=["36.03.01.2003", "36.03.13.2001"]).first()
    return testing.make_cooperative(village.code, savings=False)


def test_counter_and_month_end_refuse_until_savings_are_set_up(bare):
    member = make_member(bare)
    with pytest.raises(errors.NotSetUp) as refused:
        services.savings_deposit(
            actor=None, cooperative=bare, member=member, kind="sukarela", amount=5_000, on=D
        )
    assert refused.value.code == "savings.not_set_up"
    with pytest.raises(errors.NotSetUp):
        services.savings_interest_post(actor=None, cooperative=bare, month="2026-03")
    with pytest.raises(errors.NotSetUp):
        services.savings_product_update(
            actor=None, cooperative=bare, interest_rate=Decimal(3), minimum_balance=0
        )
    # The deposit made nothing on its way: no products, rules or accounts.
    assert not SavingsProduct.objects.filter(cooperative=bare).exists()
    assert not PostingRule.objects.filter(cooperative=bare, event__startswith="savings.").exists()
    assert not SavingsAccount.objects.filter(cooperative=bare).exists()

    assert services.savings_setup(actor=None, cooperative=bare) is True
    assert services.savings_setup(actor=None, cooperative=bare) is False  # once
    assert AuditEvent.objects.filter(cooperative_id=bare.pk, action="savings.setup").count() == 1
    txn = services.savings_deposit(
        actor=None, cooperative=bare, member=member, kind="sukarela", amount=5_000, on=D
    )
    assert txn.balance_after == 5_000


def test_deposits_do_not_provision(place_a, monkeypatch):
    """The counter reads the product; it never calls the setup."""
    from kopdes.savings.services import setup

    def boom(**kwargs):
        raise AssertionError("the counter must not provision savings")

    monkeypatch.setattr(setup, "savings_setup", boom)
    member = make_member(place_a.cooperative)
    services.savings_deposit(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        member=member,
        kind="wajib",
        amount=10_000,
        on=D,
    )


def test_products_follow_the_policy(place_a):
    coop = place_a.cooperative
    product = SavingsProduct.objects.get(cooperative=coop, kind="sukarela")
    assert product.interest_rate == Decimal(4)  # the founding policy's maximum
    policy_change(
        actor=place_a.ketua,
        cooperative=coop,
        effective_from=date(2026, 1, 1),
        reason="RAT 2026",
        savings_rate_min=Decimal("0.5"),
        savings_rate_max=Decimal("2.5"),
    )
    product.refresh_from_db()
    assert product.interest_rate == Decimal("2.5")
    event = AuditEvent.objects.get(cooperative_id=coop.pk, action="savings.policy_follow")
    assert event.after["interest_rate"] == ["4.00", "2.5"]
