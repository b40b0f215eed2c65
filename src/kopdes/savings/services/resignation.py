"""Resignation: refund every savings account and close it."""

from datetime import date

from django.db import transaction

from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.savings.errors import (
    LoanOutstanding,
    MemberNotFound,
)
from kopdes.savings.models import (
    Bill,
    SavingsAccount,
)
from kopdes.savings.selectors import member_has_outstanding_loan
from kopdes.savings.services._common import (
    Txn,
    _active_member,
    _check_channel,
    _lines,
    _lock,
    _receipt_numbers,
    _rule,
)

# -- resignation ------------------------------------------------------------------------------


@transaction.atomic
def member_resign(
    *,
    actor: Actor,
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
                    actor_label=actor_label(actor),
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
