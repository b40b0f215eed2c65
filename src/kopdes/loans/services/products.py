"""Loan products: created and changed by the pengurus within the policy the RA approved."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX
from kopdes.loans import rules, schedule
from kopdes.loans.errors import (
    InvalidMethod,
    InvalidProduct,
    ProductNameTaken,
    RateOutsidePolicy,
)
from kopdes.loans.models import (
    RATE_MAX,
    EarlyPayoff,
    LoanProduct,
    Method,
    PenaltyMethod,
    default_allocation_order,
)
from kopdes.loans.services._common import _policy, _require

# The fields a product is made of, and what `loan_product_create` assumes when one is left out.
PRODUCT_DEFAULTS: dict[str, Any] = {
    "admin_fee_percent": Decimal(0),
    "provisi_percent": Decimal(0),
    "penalty_method": PenaltyMethod.PER_DAY,
    "penalty_rate": Decimal(0),
    "penalty_amount": 0,
    "grace_months_max": 0,
    "requires_collateral": False,
    "requires_guarantor": False,
    "max_savings_multiple": None,
    "early_payoff": EarlyPayoff.INTEREST_TO_DATE,
    "active": True,
}
REQUIRED = ("name", "method", "annual_rate", "tenor_min", "tenor_max", "max_amount")
FIELDS = (*REQUIRED, *PRODUCT_DEFAULTS, "allocation_order")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, (bool, float)):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _clean(cooperative: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """Check every field of a product (the new one, or an existing one with its changes).

    A rate outside the policy's range raises RateOutsidePolicy; a method the schedule engine
    does not know InvalidMethod; everything else InvalidProduct naming each bad field."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidProduct(fields={name: [_("Unknown field.")] for name in unknown})
    if values.get("method") not in Method.values:
        raise InvalidMethod(fields={"method": [_("Choose flat, efektif or anuitas.")]})
    policy = _policy(cooperative, clock.today())
    rate = _decimal(values.get("annual_rate"))
    low, high = policy.loan_rate_min, min(policy.loan_rate_max, Decimal(RATE_MAX))
    if rate is None or not low <= rate <= high or rate != rate.quantize(Decimal("0.01")):
        raise RateOutsidePolicy(
            low=low,
            high=high,
            fields={
                "annual_rate": [_("Between %(low)s and %(high)s.") % {"low": low, "high": high}]
            },
        )
    values["annual_rate"] = rate
    errors: dict[str, list[str]] = {}
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Give the product a name of at most 100 characters.")]
    values["name"] = name
    tenor_min, tenor_max = _whole(values.get("tenor_min")), _whole(values.get("tenor_max"))
    if tenor_min is None or not 1 <= tenor_min <= schedule.MAX_MONTHS:
        errors["tenor_min"] = [_("Between 1 and %(max)s months.") % {"max": schedule.MAX_MONTHS}]
    if tenor_max is None or not 1 <= tenor_max <= schedule.MAX_MONTHS:
        errors["tenor_max"] = [_("Between 1 and %(max)s months.") % {"max": schedule.MAX_MONTHS}]
    elif tenor_min is not None and tenor_max < tenor_min:
        errors["tenor_max"] = [_("Not shorter than the shortest tenor.")]
    for field in ("admin_fee_percent", "provisi_percent", "penalty_rate"):
        number = _decimal(values.get(field))
        places = Decimal("0.001") if field == "penalty_rate" else Decimal("0.01")
        if number is None or not 0 <= number <= 100 or number != number.quantize(places):
            errors[field] = [_("A percentage from 0 to 100.")]
        else:
            values[field] = number
    if values.get("penalty_method") not in PenaltyMethod.values:
        errors["penalty_method"] = [_("Choose per day or per installment.")]
    penalty_amount = _whole(values.get("penalty_amount"))
    if penalty_amount is None or not 0 <= penalty_amount <= AMOUNT_MAX:
        errors["penalty_amount"] = [_("Whole rupiah, zero or more.")]
    grace = _whole(values.get("grace_months_max"))
    if grace is None or grace < 0 or (tenor_max is not None and grace >= tenor_max):
        errors["grace_months_max"] = [_("Zero or more months, fewer than the longest tenor.")]
    for field in ("requires_collateral", "requires_guarantor", "active"):
        if not isinstance(values.get(field), bool):
            errors[field] = [_("Yes or no.")]
    multiple = values.get("max_savings_multiple")
    if multiple is not None and multiple != "":
        number = _decimal(multiple)
        if number is None or not 0 < number <= 9999 or number != number.quantize(Decimal("0.01")):
            errors["max_savings_multiple"] = [_("Empty (no rule) or a number above zero.")]
        else:
            values["max_savings_multiple"] = number
    else:
        values["max_savings_multiple"] = None
    max_amount = _whole(values.get("max_amount"))
    if max_amount is None or not 0 < max_amount <= AMOUNT_MAX:
        errors["max_amount"] = [_("Whole rupiah above zero.")]
    if values.get("early_payoff") not in EarlyPayoff.values:
        errors["early_payoff"] = [_("Choose how an early payoff is charged.")]
    if not rules.is_allocation_order(values.get("allocation_order")):
        errors["allocation_order"] = [_("Denda, jasa and pokok, each once.")]
    if errors:
        raise InvalidProduct(fields=errors)
    return values


def _snapshot(product: LoanProduct) -> dict[str, Any]:
    return {
        field: str(value) if isinstance(value, Decimal) else value
        for field in FIELDS
        for value in [getattr(product, field)]
    }


def _save(product: LoanProduct) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        if (
            LoanProduct.objects.filter(cooperative_id=product.cooperative_id, name=product.name)
            .exclude(pk=product.pk)
            .exists()
        ):
            raise ProductNameTaken(fields={"name": [_("Already used.")]}) from None
        raise


@transaction.atomic
def loan_product_create(*, actor: Actor, cooperative: Cooperative, **fields: Any) -> LoanProduct:
    """A new loan product. Requires name, method, annual_rate, tenor_min, tenor_max and
    max_amount; the rest default to PRODUCT_DEFAULTS (no fees, no denda, no grace, no
    collateral or guarantor, no savings multiple) and allocation order denda, jasa, pokok.

    The rate must lie within the policy's loan_rate_min..loan_rate_max and never above 24%
    (RateOutsidePolicy). MANAGE_LOANS (a person; the system, actor None, when a cooperative is
    set up). Raises InvalidProduct, InvalidMethod, ProductNameTaken, NoPolicy, NotAllowed."""
    if actor is not None:
        _require(actor, cooperative, Capability.MANAGE_LOANS)
    missing = [name for name in REQUIRED if fields.get(name) in (None, "")]
    if missing:
        raise InvalidProduct(fields={name: [_("Required.")] for name in missing})
    values = {**PRODUCT_DEFAULTS, "allocation_order": default_allocation_order(), **fields}
    values = _clean(cooperative, values)
    product = LoanProduct(cooperative=cooperative, **values)
    _save(product)
    audit_record(actor=actor, action="loans.product_create", obj=product, after=_snapshot(product))
    return product


@transaction.atomic
def loan_product_update(*, actor: Actor, product: LoanProduct, **fields: Any) -> LoanProduct:
    """Change a product (only the fields given). Loans already applied for keep the terms they
    were made with (rate, method and tenor are copied onto the loan). The same checks and
    errors as `loan_product_create`."""
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    cooperative = product.cooperative
    if actor is not None:
        _require(actor, cooperative, Capability.MANAGE_LOANS)
    before = _snapshot(product)
    values = {field: getattr(product, field) for field in FIELDS}
    values.update(fields)
    values = _clean(cooperative, values)
    for field, value in values.items():
        setattr(product, field, value)
    _save(product)
    after = _snapshot(product)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit_record(
            actor=actor,
            action="loans.product_update",
            obj=product,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return product
