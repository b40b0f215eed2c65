"""The uses of a fund: `fund_spend` (posts "fund.spent"), `fund_attach` (part of another
service's outgoing entry attributed to the fund, no second posting) and `fund_flag_decide` (the
pengawas follows up a use recorded outside a restricted fund's permitted lines)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.funding import rules
from kopdes.funding.errors import (
    AttachBeyondEntry,
    EntryNotOutgoing,
    InsufficientFund,
    InvalidChannel,
    InvalidFlagDecision,
    InvalidSource,
    InvalidSpendKind,
    LineNotPermitted,
    SamePerson,
    UnitRequired,
    UnknownLine,
)
from kopdes.funding.models import FundingSource, FundUse
from kopdes.funding.services._common import (
    _require,
    books_text,
    check_amount,
    check_date,
    digest,
    fund_balance,
    funding_policy,
    locked_source,
    required_evidence,
    same_cooperative,
    stored,
)
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry, JournalLine

AUDITED = (
    "source",
    "line",
    "unit",
    "kind",
    "spend_kind",
    "amount",
    "on",
    "description",
    "payee",
    "channel",
    "entry",
    "evidence_sha256",
    "flagged",
    "flag_state",
)
NOT_USES = ("fund.spent", "fund.received", "reversal")  # entries that cannot be attached


def _text(value: Any, field: str, limit: int, *, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if required and not text:
        raise InvalidSource(fields={field: [_("This field is required.")]})
    if len(text) > limit:
        raise InvalidSource(fields={field: [_("At most %(n)s characters.") % {"n": limit}]})
    return text


def _line_check(source: FundingSource, line: str, on: date) -> bool:
    """Whether the use is flagged; raises when the line is unknown or refused."""
    if line not in rules.BUSINESS_LINES:
        raise UnknownLine(fields={"line": [str(UnknownLine.message)]})
    decision = rules.use_decision(
        restricted=source.restricted,
        permitted=list(source.permitted_lines),
        line=line,
        outside=funding_policy(source.cooperative, on).outside_lines,
    )
    if decision == "refuse":
        permitted = ", ".join(rules.line_label(p) for p in source.permitted_lines)
        error = LineNotPermitted(permitted=permitted, line=rules.line_label(line))
        raise LineNotPermitted(fields={"line": [error.render()]}, permitted=permitted, line=line)
    return decision == "flag"


def _balance_check(source: FundingSource, amount: int) -> None:
    balance = fund_balance(source)
    if amount > balance:
        raise InsufficientFund(amount=amount, balance=balance)


def fund_spend(
    *,
    actor: Actor,
    source: FundingSource,
    line: str,
    unit: BusinessUnit | None = None,
    kind: str,
    amount: int,
    on: date,
    description: str,
    payee: str,
    evidence: Any,
    channel: str = "bank",
    idempotency_key: str | None = None,
) -> FundUse:
    """Spend part of a fund on a business line and post it as "fund.spent": an asset purchase
    (Dr 1-301), an operating expense (Dr 5-209) or working capital handed to a gerai's cash box
    (Dr 1-101-xx of `unit`), paid from the bank (Cr 1-102) or the office cash (Cr 1-101-01).

    Refuses an amount above the fund's balance (received minus used: funding.insufficient_fund),
    a use without evidence (funding.evidence_required) and, for a restricted fund, a line that is
    not one of its permitted lines (funding.line_not_permitted), unless the policy says "flag":
    then the use is recorded flagged for the pengawas."""
    cooperative = source.cooperative
    _require(actor, cooperative, Capability.MANAGE_FUNDING)
    same_cooperative(cooperative.pk, unit)
    check_amount(amount)
    check_date(on)
    if kind not in rules.SPEND_KINDS:
        raise InvalidSpendKind(fields={"kind": [str(InvalidSpendKind.message)]})
    if channel not in rules.CHANNELS:
        raise InvalidChannel(fields={"channel": [str(InvalidChannel.message)]})
    if kind == "working_capital" and (unit is None or unit.kind == BusinessUnit.Kind.OFFICE):
        raise UnitRequired(fields={"unit": [str(UnitRequired.message)]})
    description = _text(description, "description", 300, required=True)
    payee = _text(payee, "payee", 150, required=False)
    content = required_evidence(evidence)
    request = {
        "operation": "fund.spend",
        "source": str(source.public_id),
        "line": line,
        "unit": str(unit.public_id) if unit is not None else "",
        "kind": kind,
        "amount": amount,
        "on": on.isoformat(),
        "description": description,
        "payee": payee,
        "channel": channel,
        "evidence": digest(content),
    }

    def run(fingerprint: str) -> FundUse:
        locked = locked_source(source)
        flagged = _line_check(locked, line, on)
        _balance_check(locked, amount)
        entry = ledger.post_event(
            cooperative=cooperative,
            event="fund.spent",
            key=rules.spend_key(
                spend_kind=kind, unit_code=unit.code if unit is not None else "", channel=channel
            ),
            amounts={"amount": amount},
            date=on,
            memo=books_text(
                gettext_lazy("Paid from %(fund)s: %(what)s"),
                fund=locked.name[:100],
                what=description[:150],
            ),
            source_id=str(locked.public_id),
            actor=actor,
        )
        use = FundUse(
            cooperative=cooperative,
            source=locked,
            line=line,
            unit=unit,
            kind=FundUse.Kind.SPENT,
            spend_kind=kind,
            amount=amount,
            on=on,
            description=description,
            payee=payee,
            channel=channel,
            entry=entry,
            evidence_sha256=digest(content),
            flagged=flagged,
            flag_state=FundUse.FlagState.OPEN if flagged else "",
            actor_id=actor_id(actor),
            actor_label=actor_label(actor),
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        use.evidence.save(*stored(content), save=False)
        use.save()
        audit_record(
            actor=actor, action="funding.spend", obj=use, after=snapshot(use, list(AUDITED))
        )
        return use

    return idempotency.once(
        FundUse.objects.filter(cooperative=cooperative).select_related("source", "entry"),
        key=idempotency_key,
        request=request,
        run=run,
    )


def entry_paid_out(entry: JournalEntry) -> int:
    """What an entry paid out of the bank and the cash boxes (credits minus debits on cash
    accounts); 0 or less when it paid nothing out."""
    sums = JournalLine.objects.filter(entry=entry, account__is_cash=True).aggregate(
        credit=Sum("credit"), debit=Sum("debit")
    )
    return (sums["credit"] or 0) - (sums["debit"] or 0)


def attached_total(entry: JournalEntry) -> int:
    return (
        FundUse.objects.filter(entry=entry, kind=FundUse.Kind.ATTACHED).aggregate(t=Sum("amount"))[
            "t"
        ]
        or 0
    )


@transaction.atomic
def fund_attach(
    *,
    actor: Actor,
    source: FundingSource,
    line: str,
    entry: JournalEntry,
    amount: int,
    evidence: Any,
    description: str,
) -> FundUse:
    """Attribute part of an existing entry that paid money out (a goods receipt paid from the
    bank, an expense) to the fund, without a second posting. The entry must be the cooperative's,
    pay money out of the bank or a cash box, not be a fund's own receipt, spending or a reversal
    (or reversed), and not be attributed to funds beyond what it paid out
    (funding.attach_beyond_entry). The line, balance and evidence rules of `fund_spend` apply."""
    cooperative = source.cooperative
    _require(actor, cooperative, Capability.MANAGE_FUNDING)
    same_cooperative(cooperative.pk, entry)
    check_amount(amount)
    description = _text(description, "description", 300, required=True)
    content = required_evidence(evidence)
    locked = locked_source(source)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    paid = entry_paid_out(entry)
    if (
        paid <= 0
        or entry.source_kind in NOT_USES
        or entry.reverses_id is not None
        or entry.reversals.exists()
    ):
        raise EntryNotOutgoing(
            fields={"entry": [EntryNotOutgoing(number=str(entry)).render()]}, number=str(entry)
        )
    attached = attached_total(entry)
    if attached + amount > paid:
        error = AttachBeyondEntry(number=str(entry), paid=paid, attached=attached, amount=amount)
        raise AttachBeyondEntry(
            fields={"amount": [error.render()]},
            number=str(entry),
            paid=paid,
            attached=attached,
            amount=amount,
        )
    flagged = _line_check(locked, line, entry.date)
    _balance_check(locked, amount)
    use = FundUse(
        cooperative=cooperative,
        source=locked,
        line=line,
        kind=FundUse.Kind.ATTACHED,
        amount=amount,
        on=entry.date,
        description=description,
        entry=entry,
        evidence_sha256=digest(content),
        flagged=flagged,
        flag_state=FundUse.FlagState.OPEN if flagged else "",
        actor_id=actor_id(actor),
        actor_label=actor_label(actor),
    )
    use.evidence.save(*stored(content), save=False)
    use.save()
    audit_record(actor=actor, action="funding.attach", obj=use, after=snapshot(use, list(AUDITED)))
    return use


@transaction.atomic
def fund_flag_decide(*, actor: Actor, use: FundUse, state: str, note: str) -> FundUse:
    """The pengawas acknowledges an open flag, or resolves it (open or acknowledged), with a note:
    a second person (never the one who recorded the use), audited."""
    _require(actor, use.source.cooperative, Capability.REVIEW_FUNDING)
    use = FundUse.objects.select_for_update().get(pk=use.pk)
    if actor is not None and actor_id(actor) == use.actor_id:
        raise SamePerson()
    if state not in rules.FLAG_DECISIONS or not use.flagged:
        raise InvalidFlagDecision(fields={"state": [str(InvalidFlagDecision.message)]})
    if not rules.flag_transition_allowed(use.flag_state, state):
        raise InvalidFlagDecision(fields={"state": [str(InvalidFlagDecision.message)]})
    note = _text(note, "note", 2000, required=True)
    before = snapshot(use, ["flag_state", "flag_note"])
    use.flag_state = state
    use.flag_note = note
    use.flag_decided_by_label = actor_label(actor)
    use.flag_decided_at = clock.now()
    use.save(update_fields=["flag_state", "flag_note", "flag_decided_by_label", "flag_decided_at"])
    audit_record(
        actor=actor,
        action="funding.flag_decide",
        obj=use,
        before=before,
        after=snapshot(use, ["flag_state", "flag_note"]),
        reason=note,
    )
    return use
