"""The counter: deposits, withdrawals and transfers, one keyed request at a time."""

from datetime import date

from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.savings.errors import (
    AccountClosed,
    InsufficientBalance,
    InvalidKind,
    NotWithdrawable,
    SameAccount,
)
from kopdes.savings.models import (
    Kind,
    SavingsAccount,
)
from kopdes.savings.services._common import (
    Txn,
    _active_member,
    _check_amount,
    _check_channel,
    _check_limit,
    _lines,
    _lock,
    _locked_account,
    _once,
    _product,
    _receipt_numbers,
    _rule,
    _settle_bills,
)

# -- counter transactions ---------------------------------------------------------------------


def savings_deposit(
    *,
    actor: Actor,
    cooperative: Cooperative,
    member: Member,
    kind: str,
    amount: int,
    channel: str = "cash",
    on: date | None = None,
    idempotency_key: str | None = None,
    memo: str = "",
) -> Txn:
    """Pay simpanan pokok, wajib or sukarela in, in cash or by bank transfer.

    Books debit cash (1-101-01) or bank (1-102), credit the kind's control account, in the same
    transaction as the account's new balance. Pokok and wajib payments settle the member's open
    bills oldest first (several months at once is a rapel); any rest stays on the account.
    Raises InvalidAmount, MemberNotFound, MemberNotActive, AccountClosed, PeriodClosed (ledger),
    IdempotencyConflict.
    """
    _check_channel(channel)
    return _deposit(
        actor=actor,
        cooperative=cooperative,
        member=member,
        kind=kind,
        amount=amount,
        channel=channel,
        on=on,
        idempotency_key=idempotency_key,
        memo=memo,
    )


def _deposit(
    *,
    actor: Actor,
    cooperative: Cooperative,
    member: Member,
    kind: str,
    amount: int,
    channel: str,
    on: date | None,
    idempotency_key: str | None,
    memo: str,
) -> Txn:
    """`savings_deposit` for a channel already checked: the counter's cash and bank, or "qris"
    (only from a paid QRIS intent, `savings.services.qris`)."""
    _check_amount(amount)
    if kind not in Kind.values:
        raise InvalidKind(fields={"kind": [_("Choose a kind.")]})
    request = {
        "operation": "deposit",
        "member": member.pk,
        "kind": kind,
        "amount": amount,
        "channel": channel,
        "on": on,
        "memo": memo,
    }
    on = on or clock.today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        _check_limit(cooperative, "deposit", amount, on)
        account = _locked_account(cooperative=cooperative, member=member, kind=kind, on=on)
        if account.status != SavingsAccount.Status.OPEN:
            raise AccountClosed()
        sub = str(account.public_id)
        rule = _rule(cooperative, "savings.deposit", f"{kind}:{channel}", on)
        settled: list[list[int]] = []
        if kind != Kind.SUKARELA:
            settled = _settle_bills(
                cooperative=cooperative, member=member, kind=kind, amount=amount, on=on
            )
        receipt = _receipt_numbers(cooperative)
        label = Kind(kind).label
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=memo or f"Setoran {label} {member.niak} {member.full_name}"[:300],
            lines=_lines(rule, amount, debit_sub=sub, credit_sub=sub),
            source_kind="savings.deposit",
            source_id=sub,
            idempotency_key=f"savings:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        account.balance += amount
        account.save(update_fields=["balance"])
        txn = Txn.objects.create(
            cooperative=cooperative,
            account=account,
            kind=Txn.Type.BILL_PAYMENT if settled else Txn.Type.DEPOSIT,
            channel=channel,
            amount=amount,
            balance_after=account.balance,
            date=on,
            memo=memo[:200],
            entry=entry,
            receipt_number=receipt,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            actor_label=actor_label(actor),
            bills_settled=settled or None,
        )
        audit_record(
            actor=actor,
            action="savings.deposit",
            obj=txn,
            after={
                "kind": kind,
                "amount": amount,
                "channel": channel,
                "bills_settled": len(settled),
                "entry": str(entry),
                "receipt": txn.receipt_label,
            },
        )
        return txn

    return _once(cooperative, idempotency_key, request, run)


def savings_withdraw(
    *,
    actor: Actor,
    cooperative: Cooperative,
    member: Member,
    amount: int,
    kind: str = Kind.SUKARELA,
    channel: str = "cash",
    on: date | None = None,
    idempotency_key: str | None = None,
    memo: str = "",
) -> Txn:
    """Withdraw simpanan sukarela (pokok and wajib are not withdrawable while a member: they are
    refunded by `member_resign`). The balance left must stay at or above the product's minimum.

    Books debit 2-101, credit cash or bank. Raises InvalidAmount, NotWithdrawable,
    InsufficientBalance, MemberNotFound, MemberNotActive, AccountClosed, PeriodClosed,
    IdempotencyConflict.
    """
    _check_amount(amount)
    _check_channel(channel)
    if kind != Kind.SUKARELA:
        raise NotWithdrawable()
    request = {
        "operation": "withdraw",
        "member": member.pk,
        "kind": kind,
        "amount": amount,
        "channel": channel,
        "on": on,
        "memo": memo,
    }
    on = on or clock.today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        _check_limit(cooperative, "withdrawal", amount, on)
        account = _locked_account(cooperative=cooperative, member=member, kind=kind, on=on)
        if account.status != SavingsAccount.Status.OPEN:
            raise AccountClosed()
        minimum = account.product.minimum_balance
        if account.balance - amount < minimum:
            raise InsufficientBalance(balance=account.balance, minimum=minimum, amount=amount)
        sub = str(account.public_id)
        rule = _rule(cooperative, "savings.withdraw", f"{kind}:{channel}", on)
        receipt = _receipt_numbers(cooperative)
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=memo or f"Penarikan simpanan sukarela {member.niak} {member.full_name}"[:300],
            lines=_lines(rule, amount, debit_sub=sub, credit_sub=sub),
            source_kind="savings.withdraw",
            source_id=sub,
            idempotency_key=f"savings:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        account.balance -= amount
        account.save(update_fields=["balance"])
        txn = Txn.objects.create(
            cooperative=cooperative,
            account=account,
            kind=Txn.Type.WITHDRAWAL,
            channel=channel,
            amount=amount,
            balance_after=account.balance,
            date=on,
            memo=memo[:200],
            entry=entry,
            receipt_number=receipt,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            actor_label=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="savings.withdraw",
            obj=txn,
            after={
                "amount": amount,
                "channel": channel,
                "entry": str(entry),
                "receipt": txn.receipt_label,
            },
        )
        return txn

    return _once(cooperative, idempotency_key, request, run)


def savings_transfer(
    *,
    actor: Actor,
    cooperative: Cooperative,
    member: Member,
    to_member: Member,
    amount: int,
    on: date | None = None,
    idempotency_key: str | None = None,
    memo: str = "",
) -> Txn:
    """Move simpanan sukarela from one member to another member of the same cooperative.

    Books debit 2-101 (the payer's sub-ledger), credit 2-101 (the payee's); returns the outgoing
    transaction (its `counterpart` is the incoming one). Raises SameAccount, InvalidAmount,
    InsufficientBalance, MemberNotFound, MemberNotActive, AccountClosed, IdempotencyConflict.
    """
    _check_amount(amount)
    if member.pk == to_member.pk:
        raise SameAccount(fields={"to_member": [_("Choose another member.")]})
    request = {
        "operation": "transfer",
        "member": member.pk,
        "to_member": to_member.pk,
        "amount": amount,
        "on": on,
        "memo": memo,
    }
    on = on or clock.today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        _active_member(cooperative, to_member)
        _check_limit(cooperative, "transfer", amount, on)
        kind = Kind.SUKARELA
        product = _product(cooperative, kind)
        ids = []
        for who in (member, to_member):
            account, _c = SavingsAccount.objects.get_or_create(
                cooperative=cooperative,
                member=who,
                kind=kind,
                defaults={"product": product, "opened_on": on},
            )
            ids.append(account.pk)
        locked = {
            pk: _lock(pk) for pk in sorted(ids)
        }  # fixed order: no deadlock between two transfers
        source, target = locked[ids[0]], locked[ids[1]]
        if SavingsAccount.Status.CLOSED in (source.status, target.status):
            raise AccountClosed()
        if source.balance - amount < product.minimum_balance:
            raise InsufficientBalance(
                balance=source.balance, minimum=product.minimum_balance, amount=amount
            )
        rule = _rule(cooperative, "savings.transfer", kind, on)
        receipt = _receipt_numbers(cooperative)
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=memo
            or f"Pindah buku sukarela {member.niak} ke {to_member.niak} {to_member.full_name}"[
                :300
            ],
            lines=_lines(
                rule, amount, debit_sub=str(source.public_id), credit_sub=str(target.public_id)
            ),
            source_kind="savings.transfer",
            source_id=str(source.public_id),
            idempotency_key=f"savings:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        source.balance -= amount
        target.balance += amount
        SavingsAccount.objects.bulk_update([source, target], ["balance"])
        label = actor_label(actor)
        incoming = Txn.objects.create(
            cooperative=cooperative,
            account=target,
            kind=Txn.Type.TRANSFER_IN,
            amount=amount,
            balance_after=target.balance,
            date=on,
            memo=memo[:200],
            entry=entry,
            actor_label=label,
        )
        outgoing = Txn.objects.create(
            cooperative=cooperative,
            account=source,
            kind=Txn.Type.TRANSFER_OUT,
            amount=amount,
            balance_after=source.balance,
            date=on,
            memo=memo[:200],
            entry=entry,
            receipt_number=receipt,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            counterpart=incoming,
            actor_label=label,
        )
        Txn.objects.filter(pk=incoming.pk).update(counterpart=outgoing)
        audit_record(
            actor=actor,
            action="savings.transfer",
            obj=outgoing,
            after={
                "amount": amount,
                "to_account": str(target.public_id),
                "entry": str(entry),
                "receipt": outgoing.receipt_label,
            },
        )
        return outgoing

    return _once(cooperative, idempotency_key, request, run)


def savings_counter_check(
    *,
    cooperative: Cooperative,
    operation: str,
    member: Member,
    amount: int,
    on: date,
    to_member: Member | None = None,
) -> None:
    """The refusals a counter operation (`deposit`, `withdrawal`, `transfer`) would meet that can
    be told before anything is saved, for the counter's confirmation step: the member (and the
    other member) active, the policy's ceiling, and for a withdrawal or transfer the balance above
    the product's minimum. Reads only, writes nothing; the service checks all of it again, under
    its locks, when it saves. Raises the same errors as the service would."""
    _check_amount(amount)
    _active_member(cooperative, member)
    if to_member is not None:
        _active_member(cooperative, to_member)
        if to_member.pk == member.pk:
            raise SameAccount(fields={"to_member": [_("Choose another member.")]})
    _check_limit(cooperative, operation, amount, on)
    if operation in ("withdrawal", "transfer"):
        account = (
            SavingsAccount.objects.filter(
                cooperative=cooperative, member=member, kind=Kind.SUKARELA
            )
            .select_related("product")
            .first()
        )
        if account is None or account.status != SavingsAccount.Status.OPEN:
            balance = account.balance if account is not None else 0
            raise InsufficientBalance(balance=balance, minimum=0, amount=amount)
        minimum = account.product.minimum_balance
        if account.balance - amount < minimum:
            raise InsufficientBalance(balance=account.balance, minimum=minimum, amount=amount)
