"""Outlet purchases paid from simpanan sukarela (member credit) and their returns.

Called by the gerai's sale and return services (kopdes.commerce) inside their own transaction:
the member's sukarela account changes under its row lock, and the entry posted here books it
against the clearing account 1-110 ("savings.purchase": Dr 2-101 with the member's sub-ledger
reference, Cr 1-110); the sale's own entry debits 1-110 in the same transaction, so 1-110 nets to
zero (docs/invariants.md). These services write no audit row of their own: the sale's (or the
return's) audit row names the purchase, and the savings transaction is the member's record.
"""

from datetime import date

from django.db import transaction

from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core.actors import Actor, actor_label
from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.savings.errors import (
    AccountClosed,
    InsufficientBalance,
    MemberCreditAboveLimit,
    MemberCreditOff,
)
from kopdes.savings.models import Kind, SavingsAccount
from kopdes.savings.services._common import (
    Txn,
    _active_member,
    _check_amount,
    _lines,
    _locked_account,
    _rule,
)


def member_credit_limit(member: Member, on: date) -> int:
    """The policy's largest purchase paid from sukarela on `on` (0: member credit is off)."""
    policy = policy_in_force(cooperative=member.cooperative, on=on) or policy_in_force(
        cooperative=member.cooperative, on=date(9999, 12, 31)
    )
    return min(policy.member_credit_limit, AMOUNT_MAX) if policy is not None else 0


def _check_credit(member: Member, amount: int, on: date) -> None:
    limit = member_credit_limit(member, on)
    if limit <= 0:
        raise MemberCreditOff()
    if amount > limit:
        raise MemberCreditAboveLimit(amount=amount, limit=limit)


@transaction.atomic
def savings_purchase_charge(
    *, actor: Actor, member: Member, amount: int, on: date, reference: str
) -> Txn:
    """Take an outlet purchase of `amount` from the member's simpanan sukarela: within the
    policy's `member_credit_limit` (0 = off) and never below the product's minimum balance.
    `reference` names the sale ("sale:<public id>"). Raises InvalidAmount, MemberNotFound,
    MemberNotActive, MemberCreditOff, MemberCreditAboveLimit, InsufficientBalance,
    AccountClosed, PeriodClosed."""
    _check_amount(amount)
    cooperative = member.cooperative
    _active_member(cooperative, member)
    _check_credit(member, amount, on)
    account = _locked_account(cooperative=cooperative, member=member, kind=Kind.SUKARELA, on=on)
    if account.status != SavingsAccount.Status.OPEN:
        raise AccountClosed()
    minimum = account.product.minimum_balance
    if account.balance - amount < minimum:
        raise InsufficientBalance(balance=account.balance, minimum=minimum, amount=amount)
    sub = str(account.public_id)
    rule = _rule(cooperative, "savings.purchase", Kind.SUKARELA, on)
    entry = ledger.journal_entry_post(
        cooperative=cooperative,
        date=on,
        memo=f"Belanja gerai dari simpanan sukarela {member.niak} ({reference})"[:300],
        lines=_lines(rule, amount, debit_sub=sub, credit_sub=""),
        source_kind="savings.purchase",
        source_id=sub,
        actor=actor,
    )
    account.balance -= amount
    account.save(update_fields=["balance"])
    return Txn.objects.create(
        cooperative=cooperative,
        account=account,
        kind=Txn.Type.PURCHASE,
        amount=amount,
        balance_after=account.balance,
        date=on,
        memo=reference[:200],
        entry=entry,
        actor_label=actor_label(actor),
    )


@transaction.atomic
def savings_purchase_refund(
    *, actor: Actor, member: Member, amount: int, on: date, reference: str
) -> Txn:
    """Put a returned outlet purchase back on the member's simpanan sukarela
    ("savings.purchase_return": Dr 1-110, Cr 2-101 with the member's sub-ledger reference); the
    return's entry credits 1-110 in the same transaction. `reference` names the return. Raises
    InvalidAmount, MemberNotFound, AccountClosed, PeriodClosed."""
    _check_amount(amount)
    cooperative = member.cooperative
    account = _locked_account(cooperative=cooperative, member=member, kind=Kind.SUKARELA, on=on)
    if account.status != SavingsAccount.Status.OPEN:
        raise AccountClosed()
    sub = str(account.public_id)
    rule = _rule(cooperative, "savings.purchase_return", Kind.SUKARELA, on)
    entry = ledger.journal_entry_post(
        cooperative=cooperative,
        date=on,
        memo=f"Retur belanja gerai ke simpanan sukarela {member.niak} ({reference})"[:300],
        lines=_lines(rule, amount, debit_sub="", credit_sub=sub),
        source_kind="savings.purchase_return",
        source_id=sub,
        actor=actor,
    )
    account.balance += amount
    account.save(update_fields=["balance"])
    return Txn.objects.create(
        cooperative=cooperative,
        account=account,
        kind=Txn.Type.PURCHASE_RETURN,
        amount=amount,
        balance_after=account.balance,
        date=on,
        memo=reference[:200],
        entry=entry,
        actor_label=actor_label(actor),
    )
