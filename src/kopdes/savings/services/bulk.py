"""Many movements at once (an import of a counter's day)."""

from collections import defaultdict
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.models import PostingRule
from kopdes.members.models import Member
from kopdes.savings import rules
from kopdes.savings.errors import (
    AccountClosed,
    InsufficientBalance,
    InvalidAmount,
    MemberNotFound,
    NotWithdrawable,
)
from kopdes.savings.models import (
    Bill,
    Kind,
    SavingsAccount,
    SavingsProduct,
)
from kopdes.savings.services._common import (
    TXN_COLUMNS,
    Txn,
    _active_member,
    _check_amount,
    _check_channel,
    _db_date,
    _db_now,
    _db_uuid,
    _insert,
    _lines,
    _receipt_numbers,
    _rule,
    _store_balances,
    _store_bills,
)
from kopdes.savings.services.setup import savings_rules_ensure

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
