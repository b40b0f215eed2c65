"""Approval of an application: maker-checker with distinct persons.

The pengurus decides (ketua, bendahara or manajer: DECIDE_LOANS), never the person who applied
nor the borrower. Above the policy's loan_approval_threshold, and for every related-party loan,
the pengawas co-signs as well (COSIGN_LOANS), a third person. One refusal rejects the
application; it is approved when every required approval is in. A related-party loan is refused
when it would take related-party exposure above the policy's related_party_loan_limit_percent of
own capital. Every decision is kept (LoanDecision) and audited with its reason.
"""

from django.db import transaction

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.loans import rules, selectors
from kopdes.loans.errors import (
    AlreadyDecided,
    InvalidDecision,
    NotAllowed,
    NotPending,
    OwnLoan,
    ReasonMissing,
    RelatedPartyLimit,
    SameApprover,
    SameOfficer,
)
from kopdes.loans.models import Loan, LoanDecision
from kopdes.loans.services._common import _lock, _policy, _require

ROLE_LABELS = {
    rules.PENGURUS: LoanDecision.Role.PENGURUS,
    rules.PENGAWAS: LoanDecision.Role.PENGAWAS,
}


def _role(held: set[Capability], loan: Loan, decided: dict[str, LoanDecision]) -> str:
    """The side the actor decides for: the pengurus when they may and it is still open, else
    the pengawas when the loan needs them."""
    sides = []
    if Capability.DECIDE_LOANS in held:
        sides.append(rules.PENGURUS)
    if Capability.COSIGN_LOANS in held and loan.needs_pengawas:
        sides.append(rules.PENGAWAS)
    if not sides:
        raise NotAllowed()
    for side in sides:
        if side not in decided:
            return side
    raise AlreadyDecided(role=ROLE_LABELS[sides[0]].label)


def _check_related_party_limit(cooperative: Cooperative, loan: Loan) -> None:
    today = clock.today()
    policy = _policy(cooperative, today)
    capital = selectors.own_capital(cooperative, today)
    limit = rules.related_party_limit(capital, policy.related_party_loan_limit_percent)
    exposure = selectors.related_party_exposure(cooperative)
    if exposure + loan.principal > limit:
        raise RelatedPartyLimit(
            exposure=exposure + loan.principal,
            percent=format(policy.related_party_loan_limit_percent.normalize(), "f"),
            limit=limit,
            own_capital=capital,
        )


@transaction.atomic
def loan_decide(*, actor: Actor, loan: Loan, decision: str, reason: str) -> Loan:
    """Approve or reject an application ("approve" / "reject") with the reason.

    Raises NotAllowed (neither DECIDE_LOANS nor, where needed, COSIGN_LOANS), SameOfficer (the
    person who applied), OwnLoan (the borrower), SameApprover (who already decided on the other
    side), AlreadyDecided, NotPending (no longer waiting), InvalidDecision, ReasonMissing,
    RelatedPartyLimit, NoPolicy."""
    if decision not in (rules.APPROVE, rules.REJECT):
        raise InvalidDecision(fields={"decision": [str(InvalidDecision.message)]})
    reason = str(reason or "").strip()
    if not reason:
        raise ReasonMissing(fields={"reason": [str(ReasonMissing.message)]})
    cooperative = loan.cooperative
    held = _require(actor, cooperative, Capability.DECIDE_LOANS, Capability.COSIGN_LOANS)
    if actor is None:  # refused by _require already; narrows the type
        raise NotAllowed()
    # Related-party approvals are taken one at a time per cooperative (the cooperative's row
    # lock), so two of them cannot both pass the limit on the same exposure.
    Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
    loan = _lock(loan)
    if loan.status != Loan.Status.APPLIED:
        raise NotPending()
    if loan.applied_by_id is not None and loan.applied_by_id == actor.pk:
        raise SameOfficer()
    if loan.member.user_id is not None and loan.member.user_id == actor.pk:
        raise OwnLoan()
    decided = {d.role: d for d in LoanDecision.objects.filter(cooperative=cooperative, loan=loan)}
    role = _role(held, loan, decided)
    if any(d.actor_id == actor.pk for d in decided.values()):
        raise SameApprover()
    if decision == rules.APPROVE and loan.related_party:
        _check_related_party_limit(cooperative, loan)
    made = LoanDecision.objects.create(
        cooperative=cooperative,
        loan=loan,
        role=role,
        decision=decision,
        actor_id=actor.pk,
        actor_label=actor_label(actor),
        reason=reason,
    )
    decided[role] = made
    status = rules.decision_outcome(
        {side: d.decision for side, d in decided.items()}, needs_pengawas=loan.needs_pengawas
    )
    before = loan.status
    if status != before:
        loan.status = status
        loan.decided_on = clock.today()
        loan.save(update_fields=["status", "decided_on", "updated_at"])
    audit_record(
        actor=actor,
        action=f"loans.{decision}",
        obj=loan,
        before={"status": before},
        after={
            "number": loan.number,
            "role": role,
            "decision": decision,
            "status": loan.status,
        },
        reason=reason,
    )
    return loan
