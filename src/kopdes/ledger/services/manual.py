"""Manual journals (maker-checker): one officer drafts, a second approves and the entry posts."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from kopdes.accounts.access import Capability, capabilities
from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger import rules
from kopdes.ledger.errors import (
    ApprovalRefused,
    ControlAccount,
    FutureDate,
    JournalAlreadyDecided,
    JournalNotAllowed,
    TooManyLines,
)
from kopdes.ledger.models import Account, ManualJournal
from kopdes.ledger.services.posting import (
    EntryDraft,
    Line,
    _accounts_for,
    _check_lines,
    _journal_sequence,
    _refuse_closed,
    journal_entry_post,
)


def _require(actor: User, cooperative: Cooperative, capability: Capability) -> None:
    """The service checks the actor's role itself (accounts.access), whatever page calls it."""
    if actor is None or capability not in capabilities(actor, cooperative):
        raise JournalNotAllowed()


def _check_manual(cooperative: Cooperative, day: date, lines: list[Line]) -> None:
    """What a manual journal may not do that a sub-ledger service may: more lines than the form
    takes, a date after today (Asia/Jakarta, the platform's time zone), a sub-ledger's control
    account (the members' accounts would stop reconciling with the GL)."""
    if len(lines) > rules.MANUAL_JOURNAL_MAX_LINES:
        raise TooManyLines(limit=rules.MANUAL_JOURNAL_MAX_LINES, count=len(lines))
    today = timezone.localdate()
    if day > today:
        raise FutureDate(today=today.isoformat())
    control = sorted(
        Account.objects.filter(
            cooperative=cooperative, code__in={ln.account for ln in lines}, is_control=True
        ).values_list("code", flat=True)
    )
    if control:
        raise ControlAccount(codes=", ".join(control))


@transaction.atomic
def manual_journal_draft(
    *, actor: User, cooperative: Cooperative, date: date, memo: str, lines: list[dict]
) -> ManualJournal:
    """The bendahara drafts a journal; nothing posts until a second officer approves it.
    The draft is checked now (balance, accounts, open period, at most MANUAL_JOURNAL_MAX_LINES
    lines, not dated after today, no sub-ledger control account) so errors show at once; the
    approval checks it again."""
    _require(actor, cooperative, Capability.KEEP_BOOKS)
    draft_lines = [
        Line(account=ln["account"], debit=ln.get("debit", 0), credit=ln.get("credit", 0))
        for ln in lines
    ]
    draft = EntryDraft(date=date, memo=memo, lines=draft_lines, source_kind="manual")
    _check_manual(cooperative, date, draft_lines)
    _check_lines(draft)
    _accounts_for(cooperative, [draft])
    _refuse_closed(_journal_sequence(cooperative, lock=False), [date])
    journal = ManualJournal.objects.create(
        cooperative=cooperative,
        date=date,
        memo=memo.strip(),
        lines=[
            {"account": ln.account, "debit": ln.debit, "credit": ln.credit} for ln in draft_lines
        ],
        maker_id=actor.pk,
        maker_label=str(actor),
    )
    audit_record(
        actor=actor,
        action="ledger.manual_journal_draft",
        obj=journal,
        after={"memo": memo, "lines": journal.lines},
    )
    return journal


@transaction.atomic
def manual_journal_decide(
    *, actor: User, journal: ManualJournal, approve: bool, reason: str = ""
) -> ManualJournal:
    """A second officer approves (the entry posts) or rejects. The maker cannot approve their own."""
    journal = ManualJournal.objects.select_for_update().get(pk=journal.pk)
    if journal.status != ManualJournal.Status.PENDING:
        raise JournalAlreadyDecided()
    _require(actor, journal.cooperative, Capability.APPROVE_JOURNAL)
    if journal.maker_id == actor.pk:
        raise ApprovalRefused()
    if approve:
        lines = [
            Line(account=ln["account"], debit=ln["debit"], credit=ln["credit"])
            for ln in journal.lines
        ]
        # Checked again at approval: a draft made before an account became a control account,
        # or one dated ahead and approved early, must not post.
        _check_manual(journal.cooperative, journal.date, lines)
        journal.entry = journal_entry_post(
            cooperative=journal.cooperative,
            date=journal.date,
            memo=journal.memo,
            lines=lines,
            source_kind="manual",
            source_id=str(journal.public_id),
            idempotency_key=f"manual-{journal.public_id}",
            actor=actor,
        )
    journal.status = ManualJournal.Status.POSTED if approve else ManualJournal.Status.REJECTED
    journal.checker_id, journal.checker_label = actor.pk, str(actor)
    journal.decided_at, journal.reason = timezone.now(), reason
    journal.save()
    audit_record(
        actor=actor,
        action="ledger.manual_journal_" + ("approve" if approve else "reject"),
        obj=journal,
        reason=reason,
    )
    return journal
