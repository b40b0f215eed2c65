"""Corrections of counter transactions, maker-checker: one officer asks with a reason, another
approves or rejects. Approval reverses the journal entry AND the sub-ledger in one transaction
(balances restored, a reversing transaction linked to each original, the originals marked
corrected, bills the payment settled reopened), so the reconciliation with the GL stays zero.

A GL-only reversal of a savings entry (the journal page) would move the control account without
the member's account: savings entries are reversed only here.
"""

from datetime import date

from django.db import IntegrityError
from django.db.transaction import atomic
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, capabilities
from kopdes.accounts.models import User
from kopdes.core import clock
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.savings.errors import (
    AlreadyCorrected,
    CorrectionNotAllowed,
    CorrectionNotPending,
    CorrectionReasonMissing,
    CorrectionSameOfficer,
    CorrectionWouldOverdraw,
    NotCorrectable,
)
from kopdes.savings.models import Bill, Correction, SavingsAccount
from kopdes.savings.services._common import SUBLEDGER, Txn, _lock, _receipt_numbers

# Who may ask for a correction (the counter and the bookkeeping) and who may decide it.
MAKERS = (Capability.HANDLE_CASH, Capability.KEEP_BOOKS)
CHECKERS = (Capability.APPROVE_JOURNAL,)


def _require(actor: User, cooperative, needed: tuple[Capability, ...]) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise CorrectionNotAllowed()
    if not capabilities(actor, cooperative) & set(needed):
        raise CorrectionNotAllowed()


def _sides(original: Txn) -> list[Txn]:
    """The transactions the original's journal entry booked: one, or both sides of a transfer."""
    sides = [original]
    if original.counterpart_id is not None:
        sides.append(Txn.objects.get(pk=original.counterpart_id))
    return sides


def _check_correctable(original: Txn) -> None:
    if original.kind not in Txn.CORRECTABLE:
        raise NotCorrectable(why=_("only deposits, withdrawals and transfers at the counter"))
    if original.corrected or original.reverses_id is not None:
        raise AlreadyCorrected()
    if original.kind == Txn.Type.BILL_PAYMENT and not original.bills_settled:
        raise NotCorrectable(why=_("the bills it paid were not recorded"))
    if original.entry.source_kind == "savings.collective":
        # Its entry books the whole sheet: reversing it would move every other member's money.
        raise NotCorrectable(why=_("it is one line of a collective deposit"))
    if JournalEntry.objects.filter(reverses_id=original.entry_id).exists():
        # Reversed in the GL alone (before the ledger refused that): the account never moved.
        raise NotCorrectable(why=_("its journal entry was already reversed in the journal"))


def _check_balances(sides: list[Txn]) -> None:
    for side in sides:
        account = side.account
        if account.status != SavingsAccount.Status.OPEN:
            raise NotCorrectable(why=_("the account is closed"))
        if account.balance - side.signed_amount < 0:
            raise CorrectionWouldOverdraw(balance=account.balance, amount=side.amount)


@atomic
def savings_correction_request(*, actor: User, transaction: Txn, reason: str) -> Correction:
    """Ask for the correction of a deposit, bill payment, withdrawal or transfer (the incoming side
    of a transfer stands for the transfer). By an officer with counter or bookkeeping rights, with
    a reason. Nothing moves until another officer approves.

    Raises CorrectionNotAllowed, CorrectionReasonMissing, NotCorrectable, AlreadyCorrected,
    CorrectionWouldOverdraw (the money is already out of the account)."""
    txn = transaction
    cooperative = txn.cooperative
    _require(actor, cooperative, MAKERS)
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionReasonMissing(fields={"reason": [_("Give the reason.")]})
    txn = Txn.objects.select_related("account", "entry").get(pk=txn.pk)
    if txn.kind == Txn.Type.TRANSFER_IN and txn.counterpart_id is not None:
        txn = Txn.objects.select_related("account", "entry").get(pk=txn.counterpart_id)
    _check_correctable(txn)
    if Correction.objects.filter(
        transaction=txn, status__in=[Correction.Status.PENDING, Correction.Status.APPROVED]
    ).exists():
        raise AlreadyCorrected()
    _check_balances(_sides(txn))
    try:
        with atomic():
            correction = Correction.objects.create(
                cooperative=cooperative, transaction=txn, reason=reason[:2000], requested_by=actor
            )
    except IntegrityError:  # a concurrent request for the same transaction won
        raise AlreadyCorrected() from None
    audit_record(
        actor=actor,
        action="savings.correction_request",
        obj=correction,
        after={
            "transaction": str(txn.public_id),
            "kind": txn.kind,
            "amount": txn.amount,
            "receipt": txn.receipt_label,
            "entry": str(txn.entry),
        },
        reason=reason,
    )
    return correction


def _decide(actor: User, correction: Correction) -> Correction:
    _require(actor, correction.cooperative, CHECKERS)
    locked = Correction.objects.select_for_update().get(pk=correction.pk)
    if locked.status != Correction.Status.PENDING:
        raise CorrectionNotPending()
    if locked.requested_by_id == actor.pk:
        raise CorrectionSameOfficer()
    return locked


def _reverse_entry(*, entry: JournalEntry, on: date, actor: User, memo: str) -> JournalEntry:
    """THE one place savings reverses a journal entry: the ledger's `journal_entry_reverse`
    refuses an entry with sub-ledger lines unless its owner names itself."""
    return ledger.journal_entry_reverse(
        entry=entry, date=on, actor=actor, memo=memo, subledger=SUBLEDGER
    )


def _reopen_bills(settled: list) -> list[str]:
    paid = {int(bill_id): int(amount) for bill_id, amount in settled}
    bills = list(Bill.objects.select_for_update().filter(pk__in=paid).order_by("pk"))
    for bill in bills:
        bill.paid_amount = max(bill.paid_amount - paid[bill.pk], 0)
        if bill.status != Bill.Status.CANCELLED:
            bill.status = Bill.Status.PARTIAL if bill.paid_amount else Bill.Status.UNPAID
    Bill.objects.bulk_update(bills, ["paid_amount", "status"])
    return [f"{b.kind} {b.period}" for b in bills]


@atomic
def savings_correction_approve(
    *, actor: User, correction: Correction, on: date | None = None
) -> Correction:
    """Approve a correction (another officer than its maker, with approval rights): reverse the
    journal entry and the member's account(s) together, dated `on` (today by default).

    Raises CorrectionNotAllowed, CorrectionSameOfficer, CorrectionNotPending, NotCorrectable,
    AlreadyCorrected, CorrectionWouldOverdraw, PeriodClosed and AlreadyReversed (ledger)."""
    locked = _decide(actor, correction)
    on = on or clock.today()
    original = Txn.objects.select_related("entry").get(pk=locked.transaction_id)
    _check_correctable(original)
    sides = _sides(original)
    accounts = {pk: _lock(pk) for pk in sorted({s.account_id for s in sides})}  # key order
    for side in sides:
        side.account = accounts[side.account_id]
    _check_balances(sides)
    # The services' lock order: accounts, bills, the receipt sequence, the journal sequence.
    reopened = _reopen_bills(original.bills_settled) if original.bills_settled else []
    receipt = _receipt_numbers(original.cooperative)
    memo = f"Koreksi {original.receipt_label or original.kind}: {locked.reason}"[:300]
    entry = _reverse_entry(entry=original.entry, on=on, actor=actor, memo=memo)
    label = str(actor)
    reversals: list[Txn] = []
    for side in sides:  # the original first: it carries the receipt
        account = side.account
        account.balance -= side.signed_amount
        account.save(update_fields=["balance"])
        reversals.append(
            Txn.objects.create(
                cooperative=original.cooperative,
                account=account,
                kind=Txn.Type.REVERSAL_OUT if side.signed_amount > 0 else Txn.Type.REVERSAL_IN,
                channel=side.channel,
                amount=side.amount,
                balance_after=account.balance,
                date=on,
                memo=locked.reason[:200],
                entry=entry,
                receipt_number=receipt if side is original else None,
                reverses=side,
                actor_label=label,
            )
        )
    Txn.objects.filter(pk__in=[s.pk for s in sides]).update(corrected=True)
    if len(reversals) == 2:
        Txn.objects.filter(pk=reversals[0].pk).update(counterpart=reversals[1])
        Txn.objects.filter(pk=reversals[1].pk).update(counterpart=reversals[0])
        reversals[0].counterpart, reversals[1].counterpart = reversals[1], reversals[0]
    locked.status = Correction.Status.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reversal = reversals[0]
    locked.save(update_fields=["status", "decided_by", "decided_at", "reversal"])
    audit_record(
        actor=actor,
        action="savings.correction_approve",
        obj=locked,
        after={
            "transaction": str(original.public_id),
            "amount": original.amount,
            "reversal_entry": str(entry),
            "receipt": reversals[0].receipt_label,
            "bills_reopened": reopened,
            "requested_by": str(locked.requested_by),
        },
        reason=locked.reason,
    )
    return locked


@atomic
def savings_correction_reject(
    *, actor: User, correction: Correction, reason: str = ""
) -> Correction:
    """Reject a correction (another officer than its maker, with approval rights); nothing moves.
    Raises CorrectionNotAllowed, CorrectionSameOfficer, CorrectionNotPending."""
    locked = _decide(actor, correction)
    locked.status = Correction.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = (reason or "").strip()[:2000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="savings.correction_reject",
        obj=locked,
        after={"transaction_id": locked.transaction_id, "note": locked.decision_note},
        reason=locked.reason,
    )
    return locked
