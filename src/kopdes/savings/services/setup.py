"""Savings products and their posting rules, provisioned from the policy (AD/ART)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger import services as ledger
from kopdes.ledger.errors import InvalidLine
from kopdes.ledger.models import Account, PostingRule
from kopdes.savings import rules
from kopdes.savings.errors import (
    InvalidAmount,
    InvalidRate,
    NotSetUp,
)
from kopdes.savings.models import (
    Kind,
    SavingsProduct,
)

# -- products and posting rules ---------------------------------------------------------------


def _policy(cooperative: Cooperative, on: date | None = None):
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:  # a date before the first policy: the earliest one applies
        policy = policy_in_force(cooperative=cooperative, on=date(9999, 12, 31))
    return policy


PURCHASE_CLEARING = "1-110"  # Kliring belanja dengan simpanan (ledger.rules FIXED_ACCOUNTS)

# Posting rule descriptions are data in Bahasa Indonesia, with no code in them.
_WAY = {"cash": "tunai", "bank": "transfer bank"}


def _rule_specs(*, as_equity: bool) -> list[tuple[str, str, list[dict], str]]:
    specs: list[tuple[str, str, list[dict], str]] = []
    for kind in Kind.values:
        control = rules.control_credit_account(kind, as_equity=as_equity)
        for channel, money in (("cash", rules.OFFICE_CASH), ("bank", rules.BANK)):
            specs.append(
                (
                    "savings.deposit",
                    f"{kind}:{channel}",
                    [{"amount": "amount", "debit": money, "credit": control}],
                    f"Setoran simpanan {kind} ({_WAY[channel]})",
                )
            )
            specs.append(
                (
                    "savings.refund",
                    f"{kind}:{channel}",
                    [{"amount": "amount", "debit": control, "credit": money}],
                    f"Pengembalian simpanan {kind} saat keluar ({_WAY[channel]})",
                )
            )
            if kind == Kind.SUKARELA:
                specs.append(
                    (
                        "savings.withdraw",
                        f"{kind}:{channel}",
                        [{"amount": "amount", "debit": control, "credit": money}],
                        f"Penarikan simpanan sukarela ({_WAY[channel]})",
                    )
                )
        # Paid by QRIS from the member app: the money is owed by the payment provider until it
        # settles into the bank (1-109, kopdes.payments); never refunded or withdrawn by QRIS.
        specs.append(
            (
                "savings.deposit",
                f"{kind}:qris",
                [{"amount": "amount", "debit": rules.QRIS_CLEARING, "credit": control}],
                f"Setoran simpanan {kind} (QRIS)",
            )
        )
    specs.append(
        (
            "savings.transfer",
            "sukarela",
            [{"amount": "amount", "debit": "2-101", "credit": "2-101"}],
            "Pindah buku simpanan sukarela antaranggota",
        )
    )
    # Outlet purchases paid from sukarela (member credit) and their returns: against the clearing
    # account 1-110, which the sale's own entry clears in the same transaction.
    specs.append(
        (
            "savings.purchase",
            "sukarela",
            [{"amount": "amount", "debit": "2-101", "credit": PURCHASE_CLEARING}],
            "Belanja di gerai dibayar dari simpanan sukarela",
        )
    )
    specs.append(
        (
            "savings.purchase_return",
            "sukarela",
            [{"amount": "amount", "debit": PURCHASE_CLEARING, "credit": "2-101"}],
            "Retur belanja gerai dikembalikan ke simpanan sukarela",
        )
    )
    specs.append(
        (
            "savings.interest",
            "sukarela",
            [{"amount": "amount", "debit": rules.INTEREST_EXPENSE, "credit": "2-101"}],
            "Bunga bulanan simpanan sukarela",
        )
    )
    return specs


@transaction.atomic
def savings_setup(*, actor: Actor, cooperative: Cooperative) -> bool:
    """Provision savings in a cooperative whose chart of accounts exists (after
    `ledger.chart_create`), once: the products (from the policy in force), the liability accounts
    for pokok/wajib when the policy does not count them as equity, and the savings posting rules
    (version 1, effective from 2000-01-01 so that back-dated demo data posts too). Called where a
    cooperative is set up (`kopdes.testing.make_cooperative`, the demo seed, `kopdes savings
    setup`); the counter and month-end services only read what it made and raise NotSetUp without
    it. Idempotent and cheap when everything exists; returns whether anything was created.

    The missing rules are checked as `ledger.posting_rule_change` checks one (every account named
    exists and is postable) and created in one statement with one audit row, as
    `ledger.chart_create` creates the default rules: one call per rule cost seeding the demo's
    274 cooperatives several seconds. Raises InvalidLine if an account is missing."""
    policy = _policy(cooperative)
    have_products = set(
        SavingsProduct.objects.filter(cooperative=cooperative).values_list("kind", flat=True)
    )
    new_products = [
        SavingsProduct(
            cooperative=cooperative,
            kind=kind,
            interest_rate=min(
                policy.savings_rate_max if kind == Kind.SUKARELA else Decimal(0), rules.MAX_RATE
            ),
        )
        for kind in Kind.values
        if kind not in have_products
    ]
    specs = _rule_specs(as_equity=policy.pokok_wajib_as_equity)
    have_rules = set(
        PostingRule.objects.filter(cooperative=cooperative, event__startswith="savings.")
        .values_list("event", "key")
        .distinct()
    )
    missing = [s for s in specs if (s[0], s[1]) not in have_rules]
    if not new_products and not missing:
        return False
    if new_products:
        SavingsProduct.objects.bulk_create(new_products, ignore_conflicts=True)
    if missing:
        _rules_create(actor=actor, cooperative=cooperative, policy=policy, missing=missing)
    audit_record(
        actor=actor,
        action="savings.setup",
        object_type="savings.savingsproduct",
        cooperative_id=cooperative.pk,
        after={
            "products": [p.kind for p in new_products],
            "rules": [f"{event}/{key or '*'} v1" for event, key, _l, _d in missing],
            "effective_from": "2000-01-01",
        },
    )
    return True


def _liability_accounts(*, actor: Actor, cooperative: Cooperative) -> None:
    codes = set(
        Account.objects.filter(
            cooperative=cooperative, code__in=rules.LIABILITY_ACCOUNTS.values()
        ).values_list("code", flat=True)
    )
    for kind, code in rules.LIABILITY_ACCOUNTS.items():
        if code not in codes:
            ledger.account_add(
                actor=actor,
                cooperative=cooperative,
                code=code,
                name=f"Simpanan {kind} (liabilitas)",
                parent_code="2",
                cash_flow="financing",
            )


def _rules_create(*, actor: Actor, cooperative: Cooperative, policy, missing: list) -> None:
    if not policy.pokok_wajib_as_equity:
        _liability_accounts(actor=actor, cooperative=cooperative)
    named = {
        spec[side]
        for _e, _k, lines, _d in missing
        for spec in lines
        for side in ("debit", "credit")
    }
    postable = set(
        Account.objects.filter(
            cooperative=cooperative, code__in=named, is_header=False
        ).values_list("code", flat=True)
    )
    if named - postable:
        raise InvalidLine(
            fields={"lines": [_("Each line names an amount and two postable accounts.")]}
        )
    # (event, key) pairs without any version: each new rule is version 1.
    PostingRule.objects.bulk_create(
        [
            PostingRule(
                cooperative=cooperative,
                event=event,
                key=key,
                version=1,
                effective_from=date(2000, 1, 1),
                lines=lines,
                description=description,
            )
            for event, key, lines, description in missing
        ]
    )


def savings_policy_follow(*, actor: Actor, policy) -> None:
    """A new policy version was recorded (`cooperatives.signals.policy_changed`, in the policy's
    own transaction): the products follow it. The sukarela rate is brought into the new range;
    when pokok/wajib move between equity and liability, their deposit and refund rules get a new
    version from the policy's date (the reconciliation reads both control accounts of a kind).
    Nothing to do for a cooperative whose savings are not set up yet (its founding)."""
    cooperative = policy.cooperative
    product = (
        SavingsProduct.objects.select_for_update()
        .filter(cooperative=cooperative, kind=Kind.SUKARELA)
        .first()
    )
    if product is None:
        return
    low, high = policy.savings_rate_min, min(policy.savings_rate_max, rules.MAX_RATE)
    rate = min(max(product.interest_rate, low), high)
    changes: dict[str, Any] = {}
    if rate != product.interest_rate:
        changes["interest_rate"] = [str(product.interest_rate), str(rate)]
        product.interest_rate = rate
        product.save(update_fields=["interest_rate", "updated_at"])
    previous = (
        type(policy)
        .objects.filter(cooperative=cooperative, version__lt=policy.version)
        .order_by("-version")
        .first()
    )
    if previous is not None and previous.pokok_wajib_as_equity != policy.pokok_wajib_as_equity:
        if not policy.pokok_wajib_as_equity:
            _liability_accounts(actor=actor, cooperative=cooperative)
        for event, key, lines, description in _rule_specs(as_equity=policy.pokok_wajib_as_equity):
            if event in ("savings.deposit", "savings.refund") and not key.startswith("sukarela"):
                ledger.posting_rule_change(
                    actor=actor,
                    cooperative=cooperative,
                    event=event,
                    key=key,
                    lines=lines,
                    effective_from=policy.effective_from,
                    description=description,
                )
        changes["pokok_wajib_as_equity"] = policy.pokok_wajib_as_equity
    if changes:
        audit_record(
            actor=actor,
            action="savings.policy_follow",
            obj=product,
            after={"policy_version": policy.version, **changes},
        )


@transaction.atomic
def savings_product_update(
    *,
    actor: Actor,
    cooperative: Cooperative,
    interest_rate: Decimal,
    minimum_balance: int,
) -> SavingsProduct:
    """Set the sukarela interest rate (within the policy's range, at most 9% a year) and the
    minimum balance. Raises InvalidRate, InvalidAmount, NotSetUp."""
    policy = _policy(cooperative)
    low, high = policy.savings_rate_min, min(policy.savings_rate_max, rules.MAX_RATE)
    rate = Decimal(interest_rate)
    if not low <= rate <= high:
        raise InvalidRate(low=low, high=high, fields={"interest_rate": [_("Out of range.")]})
    if (
        not isinstance(minimum_balance, int)
        or isinstance(minimum_balance, bool)
        or not 0 <= minimum_balance <= AMOUNT_MAX
    ):
        raise InvalidAmount(fields={"minimum_balance": [_("Zero or more whole rupiah.")]})
    product = (
        SavingsProduct.objects.select_for_update()
        .filter(cooperative=cooperative, kind=Kind.SUKARELA)
        .first()
    )
    if product is None:
        raise NotSetUp()
    before = {
        "interest_rate": str(product.interest_rate),
        "minimum_balance": product.minimum_balance,
    }
    product.interest_rate, product.minimum_balance = rate, minimum_balance
    product.save(update_fields=["interest_rate", "minimum_balance", "updated_at"])
    audit_record(
        actor=actor,
        action="savings.product_update",
        obj=product,
        before=before,
        after={"interest_rate": str(rate), "minimum_balance": minimum_balance},
    )
    return product
