"""Disbursement (pencairan): the approved loan gets its schedule and is booked through the ledger.

One transaction: the loan row locked; its installments made by `kopdes.loans.schedule.schedule`
(the same code as the simulation, so the member is shown exactly what is booked); the entry of
event "loan.disbursed" (cash or bank) posted through the posting rule in force: the principal to
the receivable 1-103 (the loans' sub-ledger, each line naming the loan), the admin fee and
provisi deducted from the money handed out and taken as income 4-301; a receipt number; the
loan "active" with its outstanding principal.
"""

from datetime import date

from django.db import transaction

from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.loans import schedule
from kopdes.loans.errors import InvalidDate, NotApproved
from kopdes.loans.models import Installment, Loan, LoanTransaction
from kopdes.loans.services._common import (
    _check_channel,
    _lock,
    _once_txn,
    _receipt_number,
    loan_event_lines,
)


def loan_disburse(
    *,
    actor: Actor,
    loan: Loan,
    channel: str,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> LoanTransaction:
    """Hand out an approved loan in cash (the office cash, 1-101-01) or by bank transfer (1-102)
    on `on` (today by default). Returns the disbursement transaction (its receipt and entry).

    The cash handed out is the principal minus the admin fee and provisi. Raises NotApproved,
    InvalidDate (before the approval), InvalidChannel, PeriodClosed and NoPostingRule (ledger),
    IdempotencyConflict; the same key and request returns the first disbursement."""
    _check_channel(channel)
    on = on or clock.today()
    cooperative = loan.cooperative
    request = {"operation": "disburse", "loan": loan.pk, "channel": channel, "on": on}

    def run(fingerprint: str) -> LoanTransaction:
        locked = _lock(loan)
        if locked.status != Loan.Status.APPROVED:
            raise NotApproved(status=locked.get_status_display())
        if locked.decided_on is not None and on < locked.decided_on:
            raise InvalidDate(decided=locked.decided_on.isoformat())
        rows = schedule.schedule(
            principal=locked.principal,
            annual_rate=locked.annual_rate,
            months=locked.months,
            method=locked.method,
            start=on,
            grace_months=locked.grace_months,
        )
        member = locked.member
        fees = locked.admin_fee + locked.provisi
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=f"Pencairan pinjaman {locked.number} {member.niak} {member.full_name}"[:300],
            lines=loan_event_lines(
                loan=locked,
                event="loan.disbursed",
                key=channel,
                on=on,
                amounts={"principal": locked.principal, "fees": fees},
            ),
            source_kind="loan.disbursed",
            source_id=str(locked.public_id),
            idempotency_key=f"loans:{idempotency_key}" if idempotency_key else None,
            actor=actor,
        )
        Installment.objects.bulk_create(
            Installment(
                cooperative=cooperative,
                loan=locked,
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for row in rows
        )
        locked.status = Loan.Status.ACTIVE
        locked.disbursed_on = on
        locked.outstanding_principal = locked.principal
        locked.save(update_fields=["status", "disbursed_on", "outstanding_principal", "updated_at"])
        txn = LoanTransaction.objects.create(
            cooperative=cooperative,
            loan=locked,
            kind=LoanTransaction.Kind.DISBURSEMENT,
            channel=channel,
            amount=locked.principal,
            principal=locked.principal,
            date=on,
            entry=entry,
            receipt_number=_receipt_number(cooperative),
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            actor_label=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="loans.disburse",
            obj=locked,
            after={
                "number": locked.number,
                "principal": locked.principal,
                "fees": fees,
                "handed_out": locked.principal - fees,
                "channel": channel,
                "installment_count": len(rows),
                "entry": str(entry),
                "receipt": txn.receipt_label,
            },
        )
        return txn

    with transaction.atomic():
        return _once_txn(cooperative, idempotency_key, request, run)
