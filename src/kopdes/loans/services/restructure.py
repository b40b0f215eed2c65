"""Restructuring (rescheduling) a loan, maker-checker: one officer asks with the new terms and a
reason (MANAGE_LOANS), another decides with a reason (DECIDE_LOANS, never the one who asked).
Approval replaces the unpaid installments with the schedule engine's schedule of the outstanding
pokok (`repayment.restructure_plan`), keeps the old schedule on a LoanEvent and counts the
restructure; nothing is posted (the pokok owed does not change, and jasa is income when received).

Lock order: the request row, the loan row, its installments (the repayments lock the loan row
first and never a request, so the two never wait for each other in a cycle).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.db.transaction import atomic
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.accounts.models import User
from kopdes.core import clock
from kopdes.core.actors import actor_label
from kopdes.core.audit import audit_record
from kopdes.loans import repayment as rules
from kopdes.loans.errors import (
    InvalidDecision,
    LoanNotActive,
    ReasonMissing,
    RestructureInvalid,
    RestructureNotPending,
    RestructurePending,
    RestructureSamePerson,
)
from kopdes.loans.models import Installment, Loan, LoanEvent, LoanRestructure
from kopdes.loans.schedule import schedule
from kopdes.loans.services._common import _require
from kopdes.loans.services.repayment import due_rows

MAX_RATE = Decimal("24")  # Permenkop 8/2023: loan interest at most 24% a year
MAX_MONTHS = 120


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing(fields={"reason": [_("Give the reason.")]})
    return reason[:2000]


def _terms(loan: Loan, months, annual_rate, grace_months) -> tuple[int, Decimal, int]:
    fields: dict[str, list[str]] = {}
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        fields["months"] = [_("Between 1 and %(max)s months.") % {"max": MAX_MONTHS}]
    rate = loan.annual_rate if annual_rate is None else annual_rate
    try:
        rate = Decimal(rate)
    except (InvalidOperation, TypeError, ValueError):
        rate = Decimal(-1)
    if (
        not rate.is_finite()
        or not Decimal(0) <= rate <= MAX_RATE
        or rate != rate.quantize(Decimal("0.01"))
    ):
        fields["annual_rate"] = [_("From 0 to 24 percent a year, at most two decimals.")]
    if (
        not isinstance(grace_months, int)
        or isinstance(grace_months, bool)
        or grace_months < 0
        or (isinstance(months, int) and grace_months >= months)
    ):
        fields["grace_months"] = [_("Fewer grace months than months.")]
    if fields:
        raise RestructureInvalid(fields=fields)
    return months, rate, grace_months


@atomic
def loan_restructure_request(
    *,
    actor: User,
    loan: Loan,
    months: int,
    annual_rate: Decimal | None = None,
    grace_months: int = 0,
    reason: str,
    on: date | None = None,
) -> LoanRestructure:
    """Ask to reschedule an active loan: the outstanding pokok over `months` from the decision
    day, at `annual_rate` (the loan's own when None), with `grace_months` of jasa only. By an
    officer who manages loans, with a reason; nothing changes until another officer approves.
    Raises NotAllowed, ReasonMissing, RestructureInvalid, LoanNotActive,
    RestructurePending (one request at a time per loan)."""
    _require(actor, loan.cooperative, Capability.MANAGE_LOANS)
    reason = _reason(reason)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != Loan.Status.ACTIVE:
        raise LoanNotActive(number=loan.number, status=loan.get_status_display())
    months, rate, grace_months = _terms(loan, months, annual_rate, grace_months)
    if LoanRestructure.objects.filter(loan=loan, status=LoanRestructure.Status.PENDING).exists():
        raise RestructurePending(number=loan.number)
    try:
        with atomic():
            request = LoanRestructure.objects.create(
                cooperative_id=loan.cooperative_id,
                loan=loan,
                months=months,
                annual_rate=rate,
                grace_months=grace_months,
                reason=reason,
                requested_on=on or clock.today(),
                requested_by=actor,
                requested_by_label=actor_label(actor),
            )
    except IntegrityError:  # a concurrent request for the same loan won
        raise RestructurePending(number=loan.number) from None
    audit_record(
        actor=actor,
        action="loans.restructure_request",
        obj=request,
        after={
            "loan": loan.number,
            "months": months,
            "annual_rate": str(rate),
            "grace_months": grace_months,
            "outstanding_principal": loan.outstanding_principal,
        },
        reason=reason,
    )
    return request


def _snapshot(installments: list[Installment]) -> list[dict]:
    return [
        {
            "number": i.number,
            "due_date": i.due_date.isoformat(),
            "principal": i.principal,
            "interest": i.interest,
            "paid_principal": i.paid_principal,
            "paid_interest": i.paid_interest,
            "paid_on": i.paid_on.isoformat() if i.paid_on else None,
        }
        for i in installments
    ]


@atomic
def loan_restructure_decide(
    *,
    actor: User,
    restructure: LoanRestructure,
    decision: str,
    reason: str,
    on: date | None = None,
) -> LoanRestructure:
    """Approve or reject a pending restructure request, by an officer who decides loans and did
    not ask for it, with a reason. Approval (on `on`, today by default) replaces the unpaid
    installments with a new schedule of the outstanding pokok starting that day (partly paid
    installments closed at what was paid, jasa already due carried into the first new
    installment), keeps the old schedule on a LoanEvent, sets the loan's new rate and term and
    counts the restructure. Raises NotAllowed, RestructureSamePerson,
    RestructureNotPending, ReasonMissing, RestructureInvalid, LoanNotActive."""
    if decision not in ("approve", "reject"):
        raise InvalidDecision(fields={"decision": [_("Approve or reject.")]})
    request = (
        LoanRestructure.objects.select_for_update().select_related("loan").get(pk=restructure.pk)
    )
    _require(actor, request.loan.cooperative, Capability.DECIDE_LOANS)
    if request.requested_by_id == actor.pk:
        raise RestructureSamePerson()
    if request.status != LoanRestructure.Status.PENDING:
        raise RestructureNotPending()
    reason = _reason(reason)
    day = on or clock.today()
    request.decided_by = actor
    request.decided_by_label = actor_label(actor)
    request.decided_at = timezone.now()
    request.decided_on = day
    request.decision_reason = reason
    if decision == "reject":
        request.status = LoanRestructure.Status.REJECTED
        request.save()
        audit_record(
            actor=actor,
            action="loans.restructure_reject",
            obj=request,
            after={"loan": request.loan.number},
            reason=reason,
        )
        return request
    loan = Loan.objects.select_for_update().get(pk=request.loan_id)
    if loan.status != Loan.Status.ACTIVE:
        raise LoanNotActive(number=loan.number, status=loan.get_status_display())
    installments = list(
        Installment.objects.select_for_update().filter(loan=loan).order_by("number")
    )
    outstanding = sum(i.principal - i.paid_principal for i in installments)
    rows = schedule(
        principal=outstanding,
        annual_rate=request.annual_rate,
        months=request.months,
        method=loan.method,
        start=day,
        grace_months=request.grace_months,
    )
    plan = rules.restructure_plan(
        installments=due_rows(installments),
        on=day,
        new_schedule=[(row.due_date, row.principal, row.interest) for row in rows],
    )
    old = _snapshot(installments)
    by_number = {i.number: i for i in installments}
    Installment.objects.filter(loan=loan, number__in=plan.removed).delete()
    for kept in plan.kept:
        inst = by_number[kept.number]
        inst.principal, inst.interest, inst.paid_on = kept.principal, kept.interest, day
        inst.save(update_fields=["principal", "interest", "paid_on"])
    Installment.objects.bulk_create(
        [
            Installment(
                cooperative_id=loan.cooperative_id,
                loan=loan,
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for row in plan.rows
        ]
    )
    before = {
        "annual_rate": str(loan.annual_rate),
        "months": loan.months,
        "grace_months": loan.grace_months,
        "restructured_count": loan.restructured_count,
    }
    loan.annual_rate = request.annual_rate
    loan.months = len([i for i in installments if i.number not in plan.removed]) + len(plan.rows)
    loan.grace_months = request.grace_months
    loan.restructured_count += 1
    loan.save(update_fields=["annual_rate", "months", "grace_months", "restructured_count"])
    request.status = LoanRestructure.Status.APPROVED
    request.save()
    LoanEvent.objects.create(
        cooperative_id=loan.cooperative_id,
        loan=loan,
        kind="restructure",
        data={
            "request": str(request.public_id),
            "on": day.isoformat(),
            "months": request.months,
            "annual_rate": str(request.annual_rate),
            "grace_months": request.grace_months,
            "outstanding_principal": outstanding,
            "carried_interest": plan.carried_interest,
            "old_schedule": old,
        },
        actor_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="loans.restructure",
        obj=request,
        before=before,
        after={
            "loan": loan.number,
            "annual_rate": str(loan.annual_rate),
            "months": loan.months,
            "grace_months": loan.grace_months,
            "restructured_count": loan.restructured_count,
            "outstanding_principal": outstanding,
            "carried_interest": plan.carried_interest,
            "new_installments": len(plan.rows),
        },
        reason=reason,
    )
    return request
