"""Every write of simpanan: deposits, withdrawals, transfers, bills, interest, resignation.

Each service runs in one database transaction that updates the member's account (the
sub-ledger) and posts the journal entry that books it through the ledger's posting rules, so the
accounts always reconcile with the GL control accounts (selectors.reconciliation). Money-moving
services take an idempotency key: the same key with the same request returns the first
transaction; with a different request it raises IdempotencyConflict.

Lock order, everywhere: member row (resignation only), savings accounts by primary key, bills,
the receipt sequence, then the ledger's journal sequence (inside ledger.services). A fixed order
means two services never wait for each other in a cycle.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import idempotency
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.errors import InvalidLine
from kopdes.ledger.models import Account, PostingRule, Sequence
from kopdes.members.models import Member
from kopdes.savings import rules
from kopdes.savings.errors import (
    AccountClosed,
    InsufficientBalance,
    InvalidAmount,
    InvalidMonth,
    InvalidRate,
    LoanOutstanding,
    MemberNotActive,
    MemberNotFound,
    NotWithdrawable,
    SameAccount,
)
from kopdes.savings.models import (
    Bill,
    Kind,
    MonthRun,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)
from kopdes.savings.selectors import member_has_outstanding_loan

RECEIPT_SEQUENCE = "savings_receipt"
SUBLEDGER = "savings"
CHANNELS = ("cash", "bank")
# Interest is posted in entries of at most this many member lines. Small entries on purpose: on
# PostgreSQL the ledger's deferred balance trigger runs once per inserted line and sums all the
# lines of its entry, so an entry of n lines costs n^2 at commit (2,000-line entries made a
# 10,000-member run several times slower than 200-line ones).
INTEREST_LINES_PER_ENTRY = 200
Txn = SavingsTransaction


# -- products and posting rules ---------------------------------------------------------------


def _policy(cooperative: Cooperative, on: date | None = None):
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:  # a date before the first policy: the earliest one applies
        policy = policy_in_force(cooperative=cooperative, on=date(9999, 12, 31))
    return policy


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
                    f"Simpanan {kind} paid in ({channel})",
                )
            )
            specs.append(
                (
                    "savings.refund",
                    f"{kind}:{channel}",
                    [{"amount": "amount", "debit": control, "credit": money}],
                    f"Simpanan {kind} refunded on leaving ({channel})",
                )
            )
            if kind == Kind.SUKARELA:
                specs.append(
                    (
                        "savings.withdraw",
                        f"{kind}:{channel}",
                        [{"amount": "amount", "debit": control, "credit": money}],
                        f"Simpanan sukarela withdrawn ({channel})",
                    )
                )
    specs.append(
        (
            "savings.transfer",
            "sukarela",
            [{"amount": "amount", "debit": "2-101", "credit": "2-101"}],
            "Simpanan sukarela moved from one member to another",
        )
    )
    specs.append(
        (
            "savings.interest",
            "sukarela",
            [{"amount": "amount", "debit": rules.INTEREST_EXPENSE, "credit": "2-101"}],
            "Monthly interest on simpanan sukarela",
        )
    )
    return specs


def savings_rules_ensure(*, cooperative: Cooperative, actor: Any = None) -> None:
    """Create what savings needs in the cooperative's books, once: the products (from the policy
    in force), the liability accounts for pokok/wajib when the policy does not count them as
    equity, and the savings posting rules (version 1, effective from 2000-01-01 so that
    back-dated demo data posts too). Idempotent and cheap when everything exists.

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
    if new_products:
        SavingsProduct.objects.bulk_create(new_products, ignore_conflicts=True)
    specs = _rule_specs(as_equity=policy.pokok_wajib_as_equity)
    have_rules = set(
        PostingRule.objects.filter(cooperative=cooperative, event__startswith="savings.")
        .values_list("event", "key")
        .distinct()
    )
    missing = [s for s in specs if (s[0], s[1]) not in have_rules]
    if not missing:
        return
    if not policy.pokok_wajib_as_equity:
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
                    name=f"Simpanan {kind} (kewajiban)",
                    parent_code="2",
                    cash_flow="financing",
                )
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
    audit_record(
        actor=actor,
        action="savings.rules_ensure",
        object_type="ledger.postingrule",
        cooperative_id=cooperative.pk,
        after={
            "rules": [f"{event}/{key or '*'} v1" for event, key, _l, _d in missing],
            "effective_from": "2000-01-01",
        },
    )


@transaction.atomic
def savings_product_update(
    *,
    actor: Any,
    cooperative: Cooperative,
    interest_rate: Decimal,
    minimum_balance: int,
) -> SavingsProduct:
    """Set the sukarela interest rate (within the policy's range, at most 9% a year) and the
    minimum balance. Raises InvalidRate, InvalidAmount."""
    savings_rules_ensure(cooperative=cooperative, actor=actor)
    policy = _policy(cooperative)
    low, high = policy.savings_rate_min, min(policy.savings_rate_max, rules.MAX_RATE)
    rate = Decimal(interest_rate)
    if not low <= rate <= high:
        raise InvalidRate(low=low, high=high, fields={"interest_rate": [_("Out of range.")]})
    if not isinstance(minimum_balance, int) or minimum_balance < 0:
        raise InvalidAmount(fields={"minimum_balance": [_("Zero or more whole rupiah.")]})
    product = SavingsProduct.objects.select_for_update().get(
        cooperative=cooperative, kind=Kind.SUKARELA
    )
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


# -- helpers ----------------------------------------------------------------------------------


def _check_amount(amount: Any) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidAmount(fields={"amount": [_("Enter a whole number of rupiah above zero.")]})
    return amount


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidAmount(
            _("Choose cash or bank transfer."), fields={"channel": [_("Choose cash or bank.")]}
        )
    return channel


def _active_member(cooperative: Cooperative, member: Member) -> Member:
    if member.cooperative_id != cooperative.pk:
        raise MemberNotFound()
    if member.status != Member.Status.ACTIVE:
        raise MemberNotActive(member=member.full_name, status=member.get_status_display())
    return member


def _locked_account(
    *, cooperative: Cooperative, member: Member, kind: str, on: date
) -> SavingsAccount:
    product = SavingsProduct.objects.get(cooperative=cooperative, kind=kind)
    account, _created = SavingsAccount.objects.get_or_create(
        cooperative=cooperative,
        member=member,
        kind=kind,
        defaults={"product": product, "opened_on": on},
    )
    return _lock(account.pk)


def _lock(pk: int) -> SavingsAccount:
    # Read the balance under a row lock: two tellers withdrawing from one account at the same
    # moment then run one after the other, and the second sees the first one's new balance
    # (without the lock both would pass the balance check; the CHECK constraint would then
    # reject the second only as an IntegrityError instead of a clear InsufficientBalance).
    return SavingsAccount.objects.select_for_update().select_related("product", "member").get(pk=pk)


def _receipt_numbers(cooperative: Cooperative, count: int = 1) -> int:
    """Take `count` gapless receipt numbers under the sequence row lock; returns the first.
    Taken in the same transaction as the rows that carry them, so a rollback leaves no gap."""
    sequence, _created = Sequence.objects.select_for_update().get_or_create(
        cooperative=cooperative, name=RECEIPT_SEQUENCE
    )
    first = sequence.last_value + 1
    Sequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return first


def _lines(rule: PostingRule, amount: int, *, debit_sub: str, credit_sub: str) -> list[ledger.Line]:
    """The rule's lines for one amount, each side carrying its own savings sub-ledger id (a
    transfer debits one member's account and credits another's in the same control account)."""
    out: list[ledger.Line] = []
    for spec in rule.lines:
        out.append(
            ledger.Line(
                account=spec["debit"],
                debit=amount,
                subledger_kind=SUBLEDGER if debit_sub else "",
                subledger_id=debit_sub,
            )
        )
        out.append(
            ledger.Line(
                account=spec["credit"],
                credit=amount,
                subledger_kind=SUBLEDGER if credit_sub else "",
                subledger_id=credit_sub,
            )
        )
    return out


def _rule(cooperative: Cooperative, event: str, key: str, on: date) -> PostingRule:
    return ledger.posting_rule_in_force(cooperative=cooperative, event=event, key=key, on=on)


def _once(cooperative: Cooperative, key: str | None, request: dict, run) -> Txn:
    """A counter transaction once per idempotency key (core.idempotency): the key and the request's
    fingerprint are stored on the transaction that carries the receipt."""
    return idempotency.once(
        Txn.objects.filter(cooperative=cooperative).select_related("account", "entry"),
        key=key,
        request=request,
        run=run,
    )


def _insert(model, columns: Seq[str], rows: list[tuple], *, on_conflict: str = "") -> None:
    """Plain INSERTs for month-end volumes (bills, interest credits, imports): Django's bulk_create
    spends most of such a run building model instances and compiling SQL. SQLite takes one
    executemany (in-process, no round trips); PostgreSQL multi-row statements of 1,000 rows.
    `rows` hold database-ready values (see `_db_uuid`, `_db_date`, `_db_now`)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES {one} {on_conflict}",  # noqa: S608
                rows,
            )
            return
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))} "  # noqa: S608
                f"{on_conflict}",
                [value for row in batch for value in row],
            )


def _db_uuid():
    value = uuid.uuid4()
    return value.hex if connection.vendor == "sqlite" else value


def _db_date(day: date):
    return connection.ops.adapt_datefield_value(day)


def _db_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


TXN_COLUMNS = (
    "public_id",
    "cooperative_id",
    "account_id",
    "kind",
    "channel",
    "amount",
    "balance_after",
    "date",
    "memo",
    "entry_id",
    "receipt_number",
    "idempotency_key",
    "actor_label",
    "created_at",
)


def _store_balances(accounts: Seq[tuple[int, int]]) -> None:
    """Write (account id, new balance) pairs computed under the accounts' row locks: one UPDATE
    per few hundred accounts, joined to a VALUES list (both SQLite and PostgreSQL take it).
    Django's bulk_update builds a CASE per row and executemany one statement per row; both are
    several times slower for a month-end run over thousands of accounts."""
    table = SavingsAccount._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(accounts), 400):  # 800 parameters: under SQLite's old limit
            batch = accounts[start : start + 400]
            values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(batch))
            cursor.execute(
                f"WITH v(id, balance) AS (VALUES {values}) "  # noqa: S608 - our table name
                f"UPDATE {table} SET balance = v.balance FROM v WHERE {table}.id = v.id",
                [x for pk, balance in batch for x in (pk, balance)],
            )


def _store_bills(bills: Seq[Bill]) -> None:
    if not bills:
        return
    table = Bill._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET paid_amount = %s, status = %s WHERE id = %s",  # noqa: S608
            [(b.paid_amount, b.status, b.pk) for b in bills],
        )


def _today() -> date:
    return timezone.localdate()


def _settle_bills(
    *, cooperative: Cooperative, member: Member, kind: str, amount: int, on: date
) -> int:
    """Pay the member's open bills of `kind` due by the payment's month, oldest period first.
    Returns the number of bills paid on. What is left stays on the account."""
    bills = list(
        Bill.objects.select_for_update()
        .filter(
            cooperative=cooperative,
            member=member,
            kind=kind,
            status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL],
            period__lte=rules.month_text(on.year, on.month),
        )
        .order_by("period", "pk")
    )
    settlements, _left = rules.settle_oldest_first(
        amount, [(b.pk, b.amount, b.paid_amount) for b in bills]
    )
    by_id = {b.pk: b for b in bills}
    touched = []
    for item in settlements:
        bill = by_id[item.bill_id]
        bill.paid_amount = item.paid_total
        bill.status = Bill.Status.PAID if item.settled else Bill.Status.PARTIAL
        touched.append(bill)
    _store_bills(touched)
    return len(touched)


# -- counter transactions ---------------------------------------------------------------------


def savings_deposit(
    *,
    actor: Any,
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
    _check_amount(amount)
    _check_channel(channel)
    if kind not in Kind.values:
        raise InvalidAmount(_("Unknown kind of savings."), fields={"kind": [_("Choose a kind.")]})
    request = {
        "operation": "deposit",
        "member": member.pk,
        "kind": kind,
        "amount": amount,
        "channel": channel,
        "on": on,
        "memo": memo,
    }
    on = on or _today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        savings_rules_ensure(cooperative=cooperative, actor=actor)
        account = _locked_account(cooperative=cooperative, member=member, kind=kind, on=on)
        if account.status != SavingsAccount.Status.OPEN:
            raise AccountClosed()
        sub = str(account.public_id)
        rule = _rule(cooperative, "savings.deposit", f"{kind}:{channel}", on)
        settled = 0
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
            actor_label=str(actor) if actor is not None else "system",
        )
        audit_record(
            actor=actor,
            action="savings.deposit",
            obj=txn,
            after={
                "kind": kind,
                "amount": amount,
                "channel": channel,
                "bills_settled": settled,
                "entry": str(entry),
                "receipt": txn.receipt_label,
            },
        )
        return txn

    return _once(cooperative, idempotency_key, request, run)


def savings_withdraw(
    *,
    actor: Any,
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
    on = on or _today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        savings_rules_ensure(cooperative=cooperative, actor=actor)
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
            actor_label=str(actor) if actor is not None else "system",
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
    actor: Any,
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
    on = on or _today()

    def run(fingerprint: str) -> Txn:
        _active_member(cooperative, member)
        _active_member(cooperative, to_member)
        savings_rules_ensure(cooperative=cooperative, actor=actor)
        kind = Kind.SUKARELA
        product = SavingsProduct.objects.get(cooperative=cooperative, kind=kind)
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
        label = str(actor) if actor is not None else "system"
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


# -- many at once ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """One counter movement for `savings_movements_post_bulk`."""

    member_id: int
    kind: str  # pokok, wajib, sukarela
    type: str  # deposit, withdrawal (sukarela only)
    amount: int
    on: date
    channel: str = "cash"
    idempotency_key: str | None = None
    memo: str = ""


def _rules_by_date(cooperative: Cooperative):
    versions: dict[tuple[str, str], list[PostingRule]] = defaultdict(list)
    for rule in PostingRule.objects.filter(
        cooperative=cooperative, event__startswith="savings."
    ).order_by("-effective_from", "-version"):
        versions[(rule.event, rule.key)].append(rule)

    def in_force(event: str, key: str, on: date) -> PostingRule:
        for rule in versions.get((event, key), []):
            if rule.effective_from <= on:
                return rule
        return _rule(cooperative, event, key, on)  # raises NoPostingRule

    return in_force


@transaction.atomic
def savings_movements_post_bulk(
    *, actor: Any, cooperative: Cooperative, movements: Seq[Movement]
) -> list[Txn]:
    """Post many deposits and sukarela withdrawals at once: a history import from the treasurer's
    books, or demo data. Same rules as one by one (amounts, active members, open accounts,
    minimum balance, bills settled oldest first up to the payment's month, one balanced entry per
    movement through the posting rules, gapless receipts), in date order, all or nothing, with a
    few statements instead of a few per movement. Movements whose idempotency key was already
    posted are skipped. Raises InvalidAmount, NotWithdrawable, MemberNotFound, MemberNotActive,
    AccountClosed, InsufficientBalance, PeriodClosed."""
    keys = [m.idempotency_key for m in movements if m.idempotency_key]
    done = set(
        Txn.objects.filter(cooperative=cooperative, idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
        if keys
        else []
    )
    todo = sorted(
        (m for m in movements if not (m.idempotency_key and m.idempotency_key in done)),
        key=lambda m: m.on,
    )
    if not todo:
        return []
    for m in todo:
        _check_amount(m.amount)
        _check_channel(m.channel)
        if m.kind not in Kind.values or m.type not in ("deposit", "withdrawal"):
            raise InvalidAmount(
                _("Unknown kind of savings."), fields={"kind": [_("Choose a kind.")]}
            )
        if m.type == "withdrawal" and m.kind != Kind.SUKARELA:
            raise NotWithdrawable()
    savings_rules_ensure(cooperative=cooperative, actor=actor)
    members = {
        m.pk: m
        for m in Member.objects.filter(cooperative=cooperative, pk__in={m.member_id for m in todo})
    }
    for m in todo:
        if m.member_id not in members:
            raise MemberNotFound()
        _active_member(cooperative, members[m.member_id])
    products = {p.kind: p for p in SavingsProduct.objects.filter(cooperative=cooperative)}
    wanted: dict[tuple[int, str], date] = {}
    for m in todo:
        wanted.setdefault((m.member_id, m.kind), m.on)
    SavingsAccount.objects.bulk_create(
        [
            SavingsAccount(
                cooperative=cooperative,
                member_id=member_id,
                kind=kind,
                product=products[kind],
                opened_on=opened,
            )
            for (member_id, kind), opened in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    # Lock every account concerned, in key order (see _lock for why).
    accounts = {
        (a.member_id, a.kind): a
        for a in SavingsAccount.objects.select_for_update()
        .filter(cooperative=cooperative, member_id__in=members)
        .order_by("pk")
    }
    bills: dict[tuple[int, str], list[Bill]] = defaultdict(list)
    for bill in (
        Bill.objects.select_for_update()
        .filter(
            cooperative=cooperative,
            member_id__in=members,
            status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL],
        )
        .order_by("period", "pk")
    ):
        bills[(bill.member_id, bill.kind)].append(bill)
    in_force = _rules_by_date(cooperative)
    first_receipt = _receipt_numbers(cooperative, len(todo))
    label = str(actor) if actor is not None else "system"
    drafts, rows, touched = [], [], {}
    for i, m in enumerate(todo):
        account = accounts[(m.member_id, m.kind)]
        member = members[m.member_id]
        if account.status != SavingsAccount.Status.OPEN:
            raise AccountClosed()
        settled = 0
        if m.type == "withdrawal":
            minimum = products[m.kind].minimum_balance
            if account.balance - m.amount < minimum:
                raise InsufficientBalance(balance=account.balance, minimum=minimum, amount=m.amount)
            account.balance -= m.amount
            event, kind_label = "savings.withdraw", "Penarikan"
            txn_type = Txn.Type.WITHDRAWAL
        else:
            account.balance += m.amount
            event, kind_label = "savings.deposit", "Setoran"
            if m.kind != Kind.SUKARELA:
                due = [
                    b
                    for b in bills[(m.member_id, m.kind)]
                    if b.period <= rules.month_text(m.on.year, m.on.month)
                ]
                settlements, _left = rules.settle_oldest_first(
                    m.amount, [(b.pk, b.amount, b.paid_amount) for b in due]
                )
                by_id = {b.pk: b for b in due}
                for item in settlements:
                    bill = by_id[item.bill_id]
                    bill.paid_amount = item.paid_total
                    bill.status = Bill.Status.PAID if item.settled else Bill.Status.PARTIAL
                    touched[bill.pk] = bill
                settled = len(settlements)
                bills[(m.member_id, m.kind)] = [
                    b for b in bills[(m.member_id, m.kind)] if b.status != Bill.Status.PAID
                ]
            txn_type = Txn.Type.BILL_PAYMENT if settled else Txn.Type.DEPOSIT
        sub = str(account.public_id)
        rule = in_force(event, f"{m.kind}:{m.channel}", m.on)
        drafts.append(
            ledger.EntryDraft(
                date=m.on,
                memo=m.memo
                or f"{kind_label} {Kind(m.kind).label} {member.niak} {member.full_name}"[:300],
                lines=_lines(rule, m.amount, debit_sub=sub, credit_sub=sub),
                source_kind=event,
                source_id=sub,
                idempotency_key=f"savings:{m.idempotency_key}" if m.idempotency_key else None,
            )
        )
        rows.append(
            Txn(
                cooperative=cooperative,
                account=account,
                kind=txn_type,
                channel=m.channel,
                amount=m.amount,
                balance_after=account.balance,
                date=m.on,
                memo=m.memo[:200],
                receipt_number=first_receipt + i,
                idempotency_key=m.idempotency_key,
                actor_label=label,
            )
        )
    entries = ledger.journal_entries_post_bulk(cooperative=cooperative, drafts=drafts, actor=actor)
    now = _db_now()
    _insert(
        Txn,
        TXN_COLUMNS,
        [
            (
                _db_uuid(),
                cooperative.pk,
                r.account.pk,
                r.kind,
                r.channel,
                r.amount,
                r.balance_after,
                _db_date(r.date),
                r.memo,
                entry.pk,
                r.receipt_number,
                r.idempotency_key,
                r.actor_label,
                now,
            )
            for r, entry in zip(rows, entries, strict=True)
        ],
    )
    _store_balances([(a.pk, a.balance) for a in accounts.values()])
    _store_bills(list(touched.values()))
    audit_record(
        actor=actor,
        action="savings.movements_post_bulk",
        object_type="savings.savingstransaction",
        cooperative_id=cooperative.pk,
        after={
            "movements": len(rows),
            "total_in": sum(m.amount for m in todo if m.type == "deposit"),
            "total_out": sum(m.amount for m in todo if m.type == "withdrawal"),
            "bills_paid_on": len(touched),
        },
    )
    return list(
        Txn.objects.filter(
            cooperative=cooperative,
            receipt_number__gte=first_receipt,
            receipt_number__lt=first_receipt + len(rows),
        )
        .select_related("entry", "account")
        .order_by("receipt_number")
    )


# -- bills ------------------------------------------------------------------------------------


def _month(text: str, *, ended: bool) -> tuple[int, int]:
    parsed = rules.parse_month(text or "")
    today = _today()
    if (
        parsed is None
        or parsed > (today.year, today.month)
        or (ended and parsed == (today.year, today.month))
    ):
        raise InvalidMonth(fields={"month": [_("Give the month as YYYY-MM.")]})
    return parsed


@transaction.atomic
def savings_bills_create(*, actor: Any, cooperative: Cooperative, month: str) -> MonthRun:
    """Bill simpanan wajib of `month` (YYYY-MM) to every member active in it, and simpanan pokok
    once to each member who has not paid it in full. Idempotent: a second run adds only the bills
    of members who became active since (the unique constraints hold even against a concurrent
    run). Raises InvalidMonth."""
    year, mon = _month(month, ended=False)
    period = rules.month_text(year, mon)
    first, last = rules.month_bounds(year, mon)
    policy = _policy(cooperative, first)
    savings_rules_ensure(cooperative=cooperative, actor=actor)
    active = list(
        Member.objects.filter(cooperative=cooperative, status=Member.Status.ACTIVE)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=last))
        .values_list("pk", "joined_on")
    )
    billed = set(
        Bill.objects.filter(cooperative=cooperative, kind=Kind.WAJIB, period=period).values_list(
            "member_id", flat=True
        )
    )
    new: list[tuple[int, str, str, int]] = []  # (member, kind, period, amount)
    if policy.simpanan_wajib_amount > 0:
        new += [
            (pk, Kind.WAJIB, period, policy.simpanan_wajib_amount)
            for pk, _joined in active
            if pk not in billed
        ]
    if policy.simpanan_pokok_amount > 0:
        has_pokok_bill = set(
            Bill.objects.filter(cooperative=cooperative, kind=Kind.POKOK).values_list(
                "member_id", flat=True
            )
        )
        paid = dict(
            SavingsAccount.objects.filter(cooperative=cooperative, kind=Kind.POKOK).values_list(
                "member_id", "balance"
            )
        )
        for pk, joined in active:
            due = policy.simpanan_pokok_amount - paid.get(pk, 0)
            if pk not in has_pokok_bill and due > 0:
                when = joined or first
                new.append((pk, Kind.POKOK, rules.month_text(when.year, when.month), due))
    now = _db_now()
    # ON CONFLICT DO NOTHING: a concurrent run's bills stand (the unique constraints decide).
    _insert(
        Bill,
        (
            "public_id",
            "cooperative_id",
            "member_id",
            "kind",
            "period",
            "amount",
            "paid_amount",
            "status",
            "created_at",
        ),
        [
            (_db_uuid(), cooperative.pk, pk, kind, when, amount, 0, Bill.Status.UNPAID, now)
            for pk, kind, when, amount in new
        ],
        on_conflict="ON CONFLICT DO NOTHING",
    )
    run, _created = MonthRun.objects.get_or_create(
        cooperative=cooperative,
        kind=MonthRun.Kind.BILLS,
        period=period,
        defaults={"actor_label": str(actor) if actor is not None else "system"},
    )
    MonthRun.objects.filter(pk=run.pk).update(
        count=F("count") + len(new), total=F("total") + sum(b[3] for b in new)
    )
    run.refresh_from_db()
    audit_record(
        actor=actor,
        action="savings.bills_create",
        obj=run,
        after={"period": period, "bills_created": len(new)},
    )
    run.created_now = len(new)
    return run


# -- interest ---------------------------------------------------------------------------------


def _signed_sum():
    return Sum(Case(When(kind__in=Txn.CREDITS, then=F("amount")), default=-F("amount")))


@transaction.atomic
def savings_interest_post(*, actor: Any, cooperative: Cooperative, month: str) -> MonthRun:
    """Credit the month's interest on simpanan sukarela by the daily-balance method: each day's
    end-of-day balance earns rate/365. The cooperative's exact total is rounded once (half up)
    and allocated across the accounts by their exact shares (`core.money.allocate`), so the
    amount posted equals the sum of the members' interest. Posted on the month's last day as
    entries of at most 200 member lines (debit 5-501, credit 2-101 per member). Idempotent: a month
    already run returns its run. Raises InvalidMonth (a month that has not ended), PeriodClosed.
    """
    year, mon = _month(month, ended=True)
    period = rules.month_text(year, mon)
    done = MonthRun.objects.filter(
        cooperative=cooperative, kind=MonthRun.Kind.INTEREST, period=period
    ).first()
    if done is not None:
        done.created_now = 0
        return done
    savings_rules_ensure(cooperative=cooperative, actor=actor)
    first, last = rules.month_bounds(year, mon)
    product = SavingsProduct.objects.get(cooperative=cooperative, kind=Kind.SUKARELA)
    # Lock every sukarela account (in key order) so no deposit changes a balance between the
    # computation and the credit.
    accounts = list(
        SavingsAccount.objects.select_for_update()
        .filter(cooperative=cooperative, kind=Kind.SUKARELA)
        .order_by("pk")
        .values_list("pk", "public_id", "balance")
    )
    since = dict(
        Txn.objects.filter(cooperative=cooperative, account__kind=Kind.SUKARELA, date__gte=first)
        .values("account_id")
        .annotate(s=_signed_sum())
        .values_list("account_id", "s")
    )
    inside: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for account_id, day, kind, amount in Txn.objects.filter(
        cooperative=cooperative, account__kind=Kind.SUKARELA, date__gte=first, date__lte=last
    ).values_list("account_id", "date", "kind", "amount"):
        inside[account_id].append((day, amount if kind in Txn.CREDITS else -amount))
    earning: list[tuple[int, Any, int]] = []  # (pk, public_id, balance now)
    weights: list[int] = []
    for pk, public_id, balance in accounts:
        opening = balance - (since.get(pk) or 0)
        days = rules.balance_days(
            opening=opening, movements=inside.get(pk, ()), first=first, last=last
        )
        if days > 0:
            earning.append((pk, public_id, balance))
            weights.append(days)
    total, parts = rules.interest_shares(weights, rate=product.interest_rate)
    run = MonthRun.objects.create(
        cooperative=cooperative,
        kind=MonthRun.Kind.INTEREST,
        period=period,
        count=sum(1 for p in parts if p),
        total=total,
        actor_label=str(actor) if actor is not None else "system",
    )
    run.created_now = run.count
    if total:
        _credit_interest(
            actor=actor,
            cooperative=cooperative,
            period=period,
            day=last,
            credits=[
                (pk, pid, bal, part)
                for (pk, pid, bal), part in zip(earning, parts, strict=True)
                if part
            ],
        )
    audit_record(
        actor=actor,
        action="savings.interest_post",
        obj=run,
        after={
            "period": period,
            "rate": str(product.interest_rate),
            "total": total,
            "accounts": run.count,
        },
    )
    return run


def _credit_interest(
    *, actor: Any, cooperative: Cooperative, period: str, day: date, credits: Seq[tuple]
) -> None:
    rule = _rule(cooperative, "savings.interest", Kind.SUKARELA, day)
    spec = rule.lines[0]
    chunks = [
        credits[i : i + INTEREST_LINES_PER_ENTRY]
        for i in range(0, len(credits), INTEREST_LINES_PER_ENTRY)
    ]
    drafts = []
    for n, chunk in enumerate(chunks, start=1):
        lines = [ledger.Line(account=spec["debit"], debit=sum(c[3] for c in chunk))]
        lines += [
            ledger.Line(
                account=spec["credit"],
                credit=part,
                subledger_kind=SUBLEDGER,
                subledger_id=str(public_id),
            )
            for _pk, public_id, _bal, part in chunk
        ]
        drafts.append(
            ledger.EntryDraft(
                date=day,
                memo=f"Bunga simpanan sukarela {period} ({n}/{len(chunks)})",
                lines=lines,
                source_kind="savings.interest",
                source_id=period,
                idempotency_key=f"savings-interest-{period}-{n}",
            )
        )
    entries = ledger.journal_entries_post_bulk(cooperative=cooperative, drafts=drafts, actor=actor)
    label = str(actor) if actor is not None else "system"
    rows, accounts = [], []
    when, now = _db_date(day), _db_now()
    for entry, chunk in zip(entries, chunks, strict=True):
        for pk, _pid, balance, part in chunk:
            rows.append(
                (
                    _db_uuid(),
                    cooperative.pk,
                    pk,
                    Txn.Type.INTEREST,
                    "",
                    part,
                    balance + part,
                    when,
                    f"Bunga {period}",
                    entry.pk,
                    None,
                    None,
                    label,
                    now,
                )
            )
            accounts.append((pk, balance + part))
    _insert(Txn, TXN_COLUMNS, rows)
    _store_balances(accounts)


# -- resignation ------------------------------------------------------------------------------


@transaction.atomic
def member_resign(
    *,
    actor: Any,
    cooperative: Cooperative,
    member: Member,
    on: date,
    reason: str,
    channel: str = "cash",
) -> list[Txn]:
    """A member leaves: pokok, wajib and sukarela are refunded (one entry: debit each control
    account, credit cash or bank), the accounts closed, open bills cancelled, and the member's
    status set to resigned through `members.services.member_status_change`.

    Refused while the member has a loan outstanding (LoanOutstanding; see
    `selectors.member_has_outstanding_loan`). Raises MemberNotFound, MemberNotActive,
    InvalidMember (members: no reason, a bad date), PeriodClosed.
    """
    from kopdes.members.services import member_status_change

    _check_channel(channel)
    if member.cooperative_id != cooperative.pk:
        raise MemberNotFound()
    member = Member.objects.select_for_update().get(pk=member.pk)
    _active_member(cooperative, member)
    if member_has_outstanding_loan(member=member):
        raise LoanOutstanding()
    savings_rules_ensure(cooperative=cooperative, actor=actor)
    ids = list(
        SavingsAccount.objects.filter(
            cooperative=cooperative, member=member, status=SavingsAccount.Status.OPEN
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    accounts = [_lock(pk) for pk in ids]
    paying = [a for a in accounts if a.balance > 0]
    lines: list[ledger.Line] = []
    for account in paying:
        rule = _rule(cooperative, "savings.refund", f"{account.kind}:{channel}", on)
        sub = str(account.public_id)
        lines += _lines(rule, account.balance, debit_sub=sub, credit_sub="")
    txns: list[Txn] = []
    if lines:
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=f"Pengembalian simpanan {member.niak} {member.full_name} (keluar)"[:300],
            lines=lines,
            source_kind="savings.refund",
            source_id=str(member.public_id),
            idempotency_key=f"savings-resign-{member.public_id}",
            actor=actor,
        )
        first = _receipt_numbers(cooperative, len(paying))
        for i, account in enumerate(paying):
            txns.append(
                Txn(
                    cooperative=cooperative,
                    account=account,
                    kind=Txn.Type.REFUND,
                    channel=channel,
                    amount=account.balance,
                    balance_after=0,
                    date=on,
                    memo=reason[:200],
                    entry=entry,
                    receipt_number=first + i,
                    actor_label=str(actor) if actor is not None else "system",
                )
            )
        Txn.objects.bulk_create(txns)
    refunded = {a.kind: a.balance for a in paying}
    for account in accounts:
        account.balance = 0
        account.status = SavingsAccount.Status.CLOSED
        account.closed_on = on
    SavingsAccount.objects.bulk_update(accounts, ["balance", "status", "closed_on"])
    cancelled = Bill.objects.filter(
        cooperative=cooperative,
        member=member,
        status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL],
    ).update(status=Bill.Status.CANCELLED)
    member_status_change(
        actor=actor, member=member, status=Member.Status.RESIGNED, on=on, reason=reason
    )
    audit_record(
        actor=actor,
        action="savings.member_resign",
        obj=member,
        after={"refunded": refunded, "bills_cancelled": cancelled, "channel": channel},
        reason=reason,
    )
    return txns
