"""Loan products: within the policy's rate range and never above 24%, each refusal its code."""

from decimal import Decimal

import pytest

from kopdes.core.models import AuditEvent
from kopdes.loans import services
from kopdes.loans.errors import (
    InvalidMethod,
    InvalidProduct,
    NotAllowed,
    ProductNameTaken,
    RateOutsidePolicy,
)
from kopdes.loans.models import LoanProduct
from kopdes.loans.tests.factories import make_product

BASE = {
    "name": "Pinjaman Musiman",
    "method": "anuitas",
    "annual_rate": Decimal("15"),
    "tenor_min": 3,
    "tenor_max": 36,
    "max_amount": 20_000_000,
}


def create(place, **fields):
    return services.loan_product_create(
        actor=place.ketua, cooperative=place.cooperative, **{**BASE, **fields}
    )


def test_a_product_gets_the_defaults_and_is_audited(place_a):
    product = create(place_a)
    assert product.allocation_order == ["denda", "jasa", "pokok"]
    assert (product.admin_fee_percent, product.penalty_method, product.early_payoff) == (
        0,
        "per_day",
        "interest_to_date",
    )
    assert product.max_savings_multiple is None and product.active
    event = AuditEvent.objects.get(action="loans.product_create", object_id=str(product.public_id))
    assert event.after["annual_rate"] == "15" and event.actor_id == place_a.ketua.pk


@pytest.mark.parametrize("rate", [Decimal("5.99"), Decimal("18.01"), Decimal("25"), "x", 12.5])
def test_the_rate_must_lie_within_the_policy(place_a, rate):
    # The default policy allows 6% to 18% a year.
    with pytest.raises(RateOutsidePolicy) as caught:
        create(place_a, annual_rate=rate)
    assert caught.value.code == "loans.rate_outside_policy"
    assert "annual_rate" in caught.value.fields
    assert not LoanProduct.objects.filter(cooperative=place_a.cooperative).exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"tenor_min": 12, "tenor_max": 6}, "tenor_max"),
        ({"tenor_min": 0}, "tenor_min"),
        ({"admin_fee_percent": Decimal("101")}, "admin_fee_percent"),
        ({"provisi_percent": Decimal("-1")}, "provisi_percent"),
        ({"penalty_method": "weekly"}, "penalty_method"),
        ({"penalty_amount": -5}, "penalty_amount"),
        ({"grace_months_max": 36}, "grace_months_max"),
        ({"max_savings_multiple": Decimal("0")}, "max_savings_multiple"),
        ({"max_amount": 0}, "max_amount"),
        ({"early_payoff": "never"}, "early_payoff"),
        ({"allocation_order": ["pokok", "jasa"]}, "allocation_order"),
        ({"allocation_order": ["pokok", "pokok", "jasa"]}, "allocation_order"),
        ({"requires_collateral": "yes"}, "requires_collateral"),
        ({"name": "  "}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_each_bad_field_is_named(place_a, fields, bad):
    with pytest.raises(InvalidProduct) as caught:
        create(place_a, **fields)
    assert caught.value.code == "loans.invalid_product"
    assert bad in caught.value.fields


def test_the_method_is_one_the_schedule_engine_knows(place_a):
    with pytest.raises(InvalidMethod):
        create(place_a, method="balon")


def test_names_are_unique_per_cooperative(place_a, place_b):
    create(place_a)
    with pytest.raises(ProductNameTaken):
        create(place_a)
    assert create(place_b).name == BASE["name"]


def test_only_managers_of_loans_make_products(place_a):
    with pytest.raises(NotAllowed):
        services.loan_product_create(actor=place_a.kasir, cooperative=place_a.cooperative, **BASE)
    with pytest.raises(NotAllowed):
        services.loan_product_create(
            actor=place_a.sekretaris, cooperative=place_a.cooperative, **BASE
        )


def test_an_update_changes_only_what_it_names_and_is_audited(place_a):
    product = make_product(place_a.cooperative)
    updated = services.loan_product_update(
        actor=place_a.bendahara,
        product=product,
        annual_rate=Decimal("10.5"),
        requires_guarantor=True,
        max_savings_multiple=Decimal("3"),
    )
    assert (updated.annual_rate, updated.requires_guarantor, updated.tenor_max) == (
        Decimal("10.5"),
        True,
        24,
    )
    event = AuditEvent.objects.get(action="loans.product_update")
    assert event.before == {
        "annual_rate": "12.00",
        "requires_guarantor": False,
        "max_savings_multiple": None,
    }


def test_a_refused_update_leaves_the_product_as_it_was(place_a):
    product = make_product(place_a.cooperative)
    with pytest.raises(RateOutsidePolicy):
        services.loan_product_update(actor=place_a.ketua, product=product, annual_rate=30)
    with pytest.raises(InvalidProduct):
        services.loan_product_update(actor=place_a.ketua, product=product, tenor_max=0)
    product.refresh_from_db()
    assert (product.annual_rate, product.tenor_max) == (Decimal("12"), 24)
    assert not AuditEvent.objects.filter(action="loans.product_update").exists()
