"""The collective deposit (setoran kolektif): a collector or the kasir takes simpanan wajib, pokok
and sukarela from many members in a day and books them at day's end as one journal entry.

One entry: the money received on one line per cash or bank account, one sub-ledger line per
member line on the kind's control account, so every member's account reconciles line by line.
One savings transaction per member line, each with its own gapless receipt number; pokok and
wajib lines settle the member's open bills oldest first exactly as `savings_deposit` does
(`_common._settle_bills`). All in one transaction, idempotent through `core.idempotency.once`
(the key is stored on the first line's transaction), one audit row.
"""

from collections import defaultdict
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member
from kopdes.savings.errors import AmountAboveLimit, CollectiveHasBadLines
from kopdes.savings.models import Kind, SavingsAccount
from kopdes.savings.services._common import (
    Txn,
    _check_channel,
    _check_limit,
    _limit,
    _lines,
    _once,
    _product,
    _receipt_numbers,
    _rule,
    _settle_bills_many,
    _store_balances,
)

# A collector's day is tens of lines, a large cooperative's a few hundred. Above this the sheet
# is split: one entry's lines are summed at commit by PostgreSQL's balance trigger (n^2).
COLLECTIVE_MAX_LINES = 500


@dataclass
class CollectiveDeposit:
    """What one collective deposit booked: its journal entry and one transaction per line, in
    line order (receipt numbers follow the lines)."""

    entry: JournalEntry
    transactions: list[Txn] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.amount for t in self.transactions)


def _problems(cooperative: Cooperative, lines: Seq[tuple[Any, Any, Any]]) -> list[str]:
    """Every bad line, as 'Line n: why' (numbered from 1, as on the kasir's sheet)."""
    out: list[str] = []
    seen: dict[tuple[int, str], int] = {}

    def bad(n: int, problem: str) -> None:
        out.append(_("Line %(line)s: %(problem)s") % {"line": n, "problem": problem})

    for n, line in enumerate(lines, start=1):
        try:
            member, kind, amount = line
        except (TypeError, ValueError):
            bad(n, _("give the member, the kind of savings and the amount."))
            continue
        if kind not in Kind.values:
            bad(n, _("choose simpanan pokok, wajib or sukarela."))
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            bad(n, _("the amount must be a whole number of rupiah above zero."))
        if not isinstance(member, Member) or member.cooperative_id != cooperative.pk:
            bad(n, _("no such member in this cooperative."))
            continue
        if member.status != Member.Status.ACTIVE:
            bad(
                n,
                _("%(member)s is not an active member (%(status)s).")
                % {"member": member.full_name, "status": member.get_status_display()},
            )
        if kind in Kind.values:
            other = seen.setdefault((member.pk, kind), n)
            if other != n:
                bad(
                    n,
                    _("%(member)s already has a %(kind)s line (line %(other)s).")
                    % {"member": member.full_name, "kind": Kind(kind).label, "other": other},
                )
    return out


def _refuse(problems: list[str]) -> None:
    if problems:
        raise CollectiveHasBadLines(count=len(problems), fields={"lines": problems})


@transaction.atomic
def savings_collective_deposit(
    *,
    actor: Actor,
    cooperative: Cooperative,
    on: date | None,
    channel: str = "cash",
    lines: Seq[tuple[Member, str, int]],
    idempotency_key: str | None = None,
    memo: str = "",
) -> CollectiveDeposit:
    """Book a day's collected simpanan, `lines` = [(member, kind, amount), ...], as one journal
    entry (debit cash or bank with the total, credit each member's control-account line) with one
    savings transaction and receipt per line, in line order.

    Pokok and wajib lines settle the member's open bills oldest first up to the deposit's month
    (what is left stays on the account); the transaction is then a bill payment. Every line is
    checked before anything is written: CollectiveHasBadLines lists each bad line by number and
    nothing is saved. The same idempotency key with the same request returns the first booking;
    with another request it raises IdempotencyConflict. Raises InvalidAmount (channel),
    CollectiveHasBadLines, PeriodClosed (ledger).
    """
    _check_channel(channel)
    lines = list(lines)
    if not lines:
        _refuse([_("Enter at least one line.")])
    if len(lines) > COLLECTIVE_MAX_LINES:
        _refuse(
            [
                _("No more than %(max)s lines in one collective deposit: split the sheet.")
                % {"max": COLLECTIVE_MAX_LINES}
            ]
        )
    _refuse(_problems(cooperative, lines))
    request = {
        "operation": "collective_deposit",
        "on": on,
        "channel": channel,
        "memo": memo,
        "lines": [(m.pk, kind, amount) for m, kind, amount in lines],
    }
    on = on or clock.today()
    booked: list[Txn] = []  # this call's transactions, when it books (not on a replay)

    def run(fingerprint: str) -> Txn:
        limit = _limit(cooperative, "deposit", on)
        over = []
        for n, (_m, _kind, amount) in enumerate(lines, start=1):
            try:
                _check_limit(cooperative, "deposit", amount, on, limit=limit)
            except AmountAboveLimit as exc:
                over.append(_("Line %(line)s: %(problem)s") % {"line": n, "problem": exc.render()})
        _refuse(over)
        wanted = {(m.pk, kind) for m, kind, _a in lines}
        products = {kind: _product(cooperative, kind) for kind in {k for _m, k in wanted}}
        SavingsAccount.objects.bulk_create(
            [
                SavingsAccount(
                    cooperative=cooperative,
                    member_id=member_id,
                    kind=kind,
                    product=products[kind],
                    opened_on=on,
                )
                for member_id, kind in sorted(wanted)
            ],
            ignore_conflicts=True,
        )
        # Lock the accounts in key order (the savings lock order: accounts, bills, receipts,
        # then the journal), and re-read the balances under the lock.
        accounts = {
            (a.member_id, a.kind): a
            for a in SavingsAccount.objects.select_for_update()
            .filter(cooperative=cooperative, member_id__in={m for m, _k in wanted})
            .order_by("pk")
            if (a.member_id, a.kind) in wanted
        }
        _refuse(
            [
                _("Line %(line)s: %(problem)s")
                % {
                    "line": n,
                    "problem": _("%(member)s's %(kind)s account is closed.")
                    % {"member": m.full_name, "kind": Kind(kind).label},
                }
                for n, (m, kind, _a) in enumerate(lines, start=1)
                if accounts[(m.pk, kind)].status != SavingsAccount.Status.OPEN
            ]
        )
        # Only members with a bill due are settled (one query for the whole sheet, not one per
        # line); `_settle_bills` locks and pays them, oldest first, as at the counter.
        # One locked read of the whole sheet's open bills, settled oldest first per line exactly
        # as at the counter (`_settle_bills` is the one-line case of the same function).
        settled = _settle_bills_many(
            cooperative=cooperative,
            payments=[(m.pk, kind, amount) for m, kind, amount in lines],
            on=on,
        )
        first_receipt = _receipt_numbers(cooperative, len(lines))
        money: dict[str, int] = defaultdict(int)  # debit side: cash or bank, summed
        member_lines: list[ledger.Line] = []
        posting: dict[str, Any] = {}
        for m, kind, amount in lines:
            rule = posting.get(kind) or posting.setdefault(
                kind, _rule(cooperative, "savings.deposit", f"{kind}:{channel}", on)
            )
            sub = str(accounts[(m.pk, kind)].public_id)
            for ln in _lines(rule, amount, debit_sub="", credit_sub=sub):
                if ln.debit:
                    money[ln.account] += ln.debit
                else:
                    member_lines.append(ln)
        count = len(lines)
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=(memo or f"Setoran kolektif simpanan {count} anggota {on:%d-%m-%Y}")[:300],
            lines=[ledger.Line(code, debit=total) for code, total in money.items()] + member_lines,
            source_kind="savings.collective",
            source_id=on.isoformat(),
            idempotency_key=f"savings:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        label = actor_label(actor)
        txns = []
        for n, ((m, kind, amount), paid_bills) in enumerate(zip(lines, settled, strict=True)):
            account = accounts[(m.pk, kind)]
            account.balance += amount
            txns.append(
                Txn(
                    cooperative=cooperative,
                    account=account,
                    kind=Txn.Type.BILL_PAYMENT if paid_bills else Txn.Type.DEPOSIT,
                    channel=channel,
                    amount=amount,
                    balance_after=account.balance,
                    date=on,
                    memo=memo[:200],
                    entry=entry,
                    receipt_number=first_receipt + n,
                    idempotency_key=idempotency_key if n == 0 else None,
                    request_hash=fingerprint if n == 0 else "",
                    actor_label=label,
                    bills_settled=paid_bills or None,
                )
            )
        _store_balances([(a.pk, a.balance) for a in accounts.values()])
        Txn.objects.bulk_create(txns)
        for txn, (m, _kind, _amount) in zip(txns, lines, strict=True):
            txn.account.member = m
        booked.extend(txns)
        audit_record(
            actor=actor,
            action="savings.collective_deposit",
            obj=entry,
            after={
                "date": on.isoformat(),
                "channel": channel,
                "lines": count,
                "total": sum(amount for _m, _k, amount in lines),
                "bills_settled": sum(len(paid) for paid in settled),
                "entry": str(entry),
                "receipts": [txns[0].receipt_label, txns[-1].receipt_label],
            },
        )
        return txns[0]

    first = _once(cooperative, idempotency_key, request, run)
    if booked and booked[0] is first:  # booked now: the rows just written, with their members
        return CollectiveDeposit(entry=first.entry, transactions=booked)
    return CollectiveDeposit(
        entry=first.entry,
        transactions=list(
            Txn.objects.filter(cooperative=cooperative, entry=first.entry)
            .select_related("account__member")
            .order_by("receipt_number")
        ),
    )
