"""Repayments at the counter and early payoff: the loan's sub-ledger (installments' paid parts,
outstanding pokok, denda) changed under the loan's row lock in the same transaction as the
journal entry that books the cash ("loan.repaid": pokok to 1-103, jasa to 4-102, denda to
4-302). The split of a payment is the pure rule of `kopdes.loans.repayment` (ADR 0014).

Lock order: the loan row, its installments, the loan receipt sequence, then the ledger's journal
sequence (inside ledger.services).
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.core import bulk, clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX, format_rupiah
from kopdes.ledger import services as ledger
from kopdes.loans import repayment as rules
from kopdes.loans.errors import BeforeDisbursement, InvalidAmount, LoanNotActive, Overpayment
from kopdes.loans.models import Installment, Loan, LoanTransaction
from kopdes.loans.services._common import (
    _check_channel,
    _once_txn,
    _receipt_number,
    loan_event_lines,
)

EVENT = "loan.repaid"


def _check_amount(amount: Any) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= AMOUNT_MAX:
        raise InvalidAmount(fields={"amount": [_("Enter a whole number of rupiah above zero.")]})
    return amount


def _locked(loan: Loan) -> tuple[Loan, list[Installment]]:
    # The loan row first: two cashiers taking a payment on one loan at the same moment run one
    # after the other, and the second allocates over what the first left unpaid.
    locked = (
        Loan.objects.select_for_update()
        .select_related("product", "member", "cooperative")
        .get(pk=loan.pk)
    )
    installments = list(
        Installment.objects.select_for_update().filter(loan=locked).order_by("number")
    )
    if locked.status != Loan.Status.ACTIVE:
        raise LoanNotActive(number=locked.number, status=locked.get_status_display())
    return locked, installments


def _check_day(loan: Loan, on: date) -> None:
    if loan.disbursed_on is not None and on < loan.disbursed_on:
        raise BeforeDisbursement(
            date=loan.disbursed_on.isoformat(),
            fields={"on": [_("On or after %(date)s.") % {"date": loan.disbursed_on.isoformat()}]},
        )


def due_rows(installments: list[Installment]) -> list[rules.Due]:
    return [
        rules.Due(
            number=i.number,
            due_date=i.due_date,
            principal=i.principal,
            interest=i.interest,
            paid_principal=i.paid_principal,
            paid_interest=i.paid_interest,
        )
        for i in installments
    ]


def _order(loan: Loan) -> tuple[str, ...]:
    return rules.check_order(loan.product.allocation_order or rules.DEFAULT_ORDER)


def _quote(loan: Loan, installments: list[Installment], on: date) -> rules.PayoffQuote:
    return rules.payoff_quote(
        penalty_due=loan.penalty_due,
        installments=due_rows(installments),
        on=on,
        rule=loan.product.early_payoff,
    )


def _apply(
    *,
    actor: Actor,
    loan: Loan,
    installments: list[Installment],
    parts: tuple[rules.Part, ...],
    penalty: int,
    amount: int,
    channel: str,
    on: date,
    kind: str,
    close: bool,
    fingerprint: str,
    idempotency_key: str | None,
    extra_audit: dict | None = None,
) -> LoanTransaction:
    """Post the payment and write it on the loan: the entry, the installments' paid parts, the
    loan's balances (closed when `close`), the transaction with its receipt, the audit row."""
    principal = sum(p.principal for p in parts)
    interest = sum(p.interest for p in parts)
    sub = str(loan.public_id)
    member = loan.member
    receipt = _receipt_number(loan.cooperative)
    title = "Pelunasan" if kind == LoanTransaction.Kind.PAYOFF else "Angsuran"
    entry = ledger.journal_entry_post(
        cooperative=loan.cooperative,
        date=on,
        memo=f"{title} pinjaman {loan.number} {member.niak} {member.full_name}"[:300],
        lines=loan_event_lines(
            loan=loan,
            event=EVENT,
            key=channel,
            on=on,
            amounts={"principal": principal, "interest": interest, "penalty": penalty},
        ),
        source_kind=EVENT,
        source_id=sub,
        idempotency_key=f"loans:{idempotency_key}" if idempotency_key else None,
        actor=actor,
    )
    by_number = {i.number: i for i in installments}
    touched = []
    for part in parts:
        inst = by_number[part.number]
        inst.paid_principal += part.principal
        inst.paid_interest += part.interest
        if inst.paid_principal == inst.principal and inst.paid_interest >= inst.interest:
            inst.paid_on = on
        elif close:
            inst.paid_on = on  # the payoff settles it; the jasa not asked is waived
        touched.append(inst)
    if close:
        for inst in installments:
            if inst.paid_on is None and inst not in touched:
                inst.paid_on = on
                touched.append(inst)
    if touched:
        bulk.update_rows(
            Installment,
            ("paid_principal", "paid_interest", "paid_on"),
            [
                (
                    i.paid_principal,
                    i.paid_interest,
                    bulk.db_date(i.paid_on) if i.paid_on else None,
                    i.pk,
                )
                for i in touched
            ],
        )
    before = {
        "outstanding_principal": loan.outstanding_principal,
        "penalty_due": loan.penalty_due,
        "status": loan.status,
    }
    loan.outstanding_principal -= principal
    loan.penalty_due -= penalty
    fields = ["outstanding_principal", "penalty_due"]
    # Closed when nothing is owed any more: every installment settled and no denda left (a
    # product that puts denda last can settle the installments first).
    if close or (loan.penalty_due == 0 and all(i.paid_on is not None for i in installments)):
        loan.status = Loan.Status.PAID
        loan.closed_on = on
        loan.days_past_due = 0
        fields += ["status", "closed_on", "days_past_due"]
    loan.save(update_fields=fields)
    txn = LoanTransaction.objects.create(
        cooperative_id=loan.cooperative_id,
        loan=loan,
        kind=kind,
        channel=channel,
        amount=amount,
        principal=principal,
        interest=interest,
        penalty=penalty,
        date=on,
        entry=entry,
        receipt_number=receipt,
        idempotency_key=idempotency_key,
        request_hash=fingerprint,
        actor_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="loans.payoff" if kind == LoanTransaction.Kind.PAYOFF else "loans.repay",
        obj=txn,
        before=before,
        after={
            "loan": loan.number,
            "amount": amount,
            "principal": principal,
            "interest": interest,
            "penalty": penalty,
            "channel": channel,
            "outstanding_principal": loan.outstanding_principal,
            "status": loan.status,
            "entry": str(entry),
            "receipt": txn.receipt_label,
            **(extra_audit or {}),
        },
    )
    return txn


def _once(loan: Loan, key: str | None, request: dict, run) -> LoanTransaction:
    with transaction.atomic():
        return _once_txn(loan.cooperative, key, request, run)


def loan_repay(
    *,
    actor: Actor,
    loan: Loan,
    amount: int,
    channel: str = "cash",
    on: date | None = None,
    idempotency_key: str | None = None,
) -> LoanTransaction:
    """Take a repayment (angsuran) on an active loan, in cash or by bank transfer.

    Split by `repayment.allocate_payment` in the product's order (denda, jasa, pokok by default;
    what is due first, oldest installment first, then the next installments in order) and
    booked through "loan.repaid": debit cash (1-101-01) or bank (1-102), credit 1-103 (pokok,
    the loan's sub-ledger), 4-102 (jasa), 4-302 (denda). A payment that settles every
    installment closes the loan (paid). Raises InvalidAmount, InvalidChannel, LoanNotActive,
    Overpayment (above the early payoff amount of the day), PeriodClosed (ledger),
    IdempotencyConflict.
    """
    _check_channel(channel)
    return _repay(
        actor=actor,
        loan=loan,
        amount=amount,
        channel=channel,
        on=on,
        idempotency_key=idempotency_key,
    )


def _repay(
    *,
    actor: Actor,
    loan: Loan,
    amount: int,
    channel: str,
    on: date | None,
    idempotency_key: str | None,
) -> LoanTransaction:
    """`loan_repay` for a channel already checked: the counter's cash and bank, or "qris" (only
    from a paid QRIS intent, `loans.services.qris`)."""
    _check_amount(amount)
    request = {
        "operation": "repay",
        "loan": loan.pk,
        "amount": amount,
        "channel": channel,
        "on": on,
    }
    day = on or clock.today()

    def run(fingerprint: str) -> LoanTransaction:
        locked, installments = _locked(loan)
        _check_day(locked, day)
        quote = _quote(locked, installments, day)
        if amount > quote.total:
            raise Overpayment(
                amount=amount,
                payoff=quote.total,
                fields={"amount": [overpayment_text(quote.total)]},
            )
        split = rules.allocate_payment(
            amount=amount,
            penalty_due=locked.penalty_due,
            installments=due_rows(installments),
            on=day,
            order=_order(locked),
        )
        return _apply(
            actor=actor,
            loan=locked,
            installments=installments,
            parts=split.parts,
            penalty=split.penalty,
            amount=amount,
            channel=channel,
            on=day,
            kind=LoanTransaction.Kind.REPAYMENT,
            close=False,
            fingerprint=fingerprint,
            idempotency_key=idempotency_key,
        )

    return _once(loan, idempotency_key, request, run)


def loan_repay_check(*, loan: Loan, amount: int, on: date) -> rules.Allocation:
    """How `amount` would be split on `on`, for the counter's confirmation step, with the
    refusals `loan_repay` would meet that can be told before saving (reads only; the service
    checks again under its lock). Raises InvalidAmount, LoanNotActive, Overpayment."""
    _check_amount(amount)
    if loan.status != Loan.Status.ACTIVE:
        raise LoanNotActive(number=loan.number, status=loan.get_status_display())
    _check_day(loan, on)
    installments = list(Installment.objects.filter(loan=loan).order_by("number"))
    quote = _quote(loan, installments, on)
    if amount > quote.total:
        raise Overpayment(
            amount=amount, payoff=quote.total, fields={"amount": [overpayment_text(quote.total)]}
        )
    return rules.allocate_payment(
        amount=amount,
        penalty_due=loan.penalty_due,
        installments=due_rows(installments),
        on=on,
        order=_order(loan),
    )


def loan_payoff_quote(*, loan: Loan, on: date) -> rules.PayoffQuote:
    """What closes `loan` on `on` under its product's rule (reads only; the payoff computes it
    again under the loan's lock). Raises LoanNotActive."""
    if loan.status != Loan.Status.ACTIVE:
        raise LoanNotActive(number=loan.number, status=loan.get_status_display())
    installments = list(Installment.objects.filter(loan=loan).order_by("number"))
    return _quote(loan, installments, on)


def loan_dues(*, loan: Loan, on: date) -> rules.Dues:
    """What `loan` owes on `on` (denda, due jasa and pokok) for the counter (reads only)."""
    installments = list(Installment.objects.filter(loan=loan).order_by("number"))
    return rules.dues(penalty_due=loan.penalty_due, installments=due_rows(installments), on=on)


def loan_payoff(
    *,
    actor: Actor,
    loan: Loan,
    channel: str = "cash",
    on: date | None = None,
    idempotency_key: str | None = None,
) -> LoanTransaction:
    """Pay the loan off early: the quote of the day (`loan_payoff_quote`) under the loan's lock,
    booked like a repayment ("loan.repaid"), every installment settled (the jasa the product's
    rule does not ask is waived and recorded in the audit row), the loan closed (paid).
    Raises InvalidChannel, LoanNotActive, PeriodClosed, IdempotencyConflict."""
    _check_channel(channel)
    request = {"operation": "payoff", "loan": loan.pk, "channel": channel, "on": on}
    day = on or clock.today()

    def run(fingerprint: str) -> LoanTransaction:
        locked, installments = _locked(loan)
        _check_day(locked, day)
        quote = _quote(locked, installments, day)
        return _apply(
            actor=actor,
            loan=locked,
            installments=installments,
            parts=quote.parts,
            penalty=quote.penalty,
            amount=quote.total,
            channel=channel,
            on=day,
            kind=LoanTransaction.Kind.PAYOFF,
            close=True,
            fingerprint=fingerprint,
            idempotency_key=idempotency_key,
            extra_audit={"rule": quote.rule, "waived_interest": quote.waived_interest},
        )

    return _once(loan, idempotency_key, request, run)


def overpayment_text(payoff: int) -> str:
    return _("At most %(max)s; to close the loan, use early payoff.") % {
        "max": format_rupiah(payoff)
    }
