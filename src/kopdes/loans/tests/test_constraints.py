"""The database backstops behind the services: even raw writes cannot store a rate above 24%,
a negative or fractional amount, a balance outside 0..principal, a class outside 1..5."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from kopdes.loans.models import Collateral, Guarantor, Installment, Loan, LoanProduct
from kopdes.loans.tests.factories import make_active_loan, make_applied_loan, make_product


def refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def test_product_backstops(place_a):
    product = make_product(place_a.cooperative)
    rows = LoanProduct.objects.filter(pk=product.pk)
    refused(rows, annual_rate=25)
    refused(rows, annual_rate=-1)
    refused(rows, tenor_min=30)  # above tenor_max
    refused(rows, max_amount=0)
    refused(rows, admin_fee_percent=101)
    refused(rows, penalty_amount=-1)
    refused(rows, method="balon")


def test_loan_backstops(place_a):
    loan = make_active_loan(place_a)
    rows = Loan.objects.filter(pk=loan.pk)
    refused(rows, annual_rate=24.01)
    refused(rows, outstanding_principal=-1)
    refused(rows, outstanding_principal=F("principal") + 1)
    refused(rows, collectibility=6)
    refused(rows, collectibility=0)
    refused(rows, penalty_due=-1)
    refused(rows, grace_months=F("months"))
    refused(rows, disbursed_on=None)
    applied = Loan.objects.filter(pk=make_applied_loan(place_a).pk)
    refused(applied, outstanding_principal=1)  # no balance before the disbursement
    refused(applied, principal=0)


def test_installment_guarantor_and_collateral_backstops(place_a):
    loan = make_active_loan(place_a)
    first = Installment.objects.filter(loan=loan, number=1)
    refused(first, paid_principal=F("principal") + 1)
    refused(first, paid_interest=-1)
    refused(first, interest=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Installment.objects.create(
            cooperative=loan.cooperative,
            loan=loan,
            number=1,
            due_date=loan.disbursed_on,
            principal=1,
            interest=0,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Guarantor.objects.create(cooperative=loan.cooperative, loan=loan, name="Tanpa NIK")
    with pytest.raises(IntegrityError), transaction.atomic():
        Collateral.objects.create(
            cooperative=loan.cooperative,
            loan=loan,
            kind="emas",
            description="Cincin",
            estimated_value=1_000_000,
            recognised_value=1_000_001,
        )
