"""Manual journals (maker-checker): one officer drafts, a second approves and the entry posts."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.ledger.errors import (
    ApprovalRefused,
    PeriodNotClosable,
)
from kopdes.ledger.models import (
    ManualJournal,
)
from kopdes.ledger.services.posting import (
    EntryDraft,
    Line,
    _accounts_for,
    _check_lines,
    _journal_sequence,
    _refuse_closed,
    journal_entry_post,
)

# -- manual journals (maker-checker) ---------------------------------------------------------


@transaction.atomic
def manual_journal_draft(
    *, actor: Any, cooperative: Cooperative, date: date, memo: str, lines: list[dict]
) -> ManualJournal:
    """The bendahara drafts a journal; nothing posts until a second officer approves it.
    The draft is checked now (balance, accounts, open period) so errors show at once."""
    draft_lines = [
        Line(account=ln["account"], debit=ln.get("debit", 0), credit=ln.get("credit", 0))
        for ln in lines
    ]
    draft = EntryDraft(date=date, memo=memo, lines=draft_lines, source_kind="manual")
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
    *, actor: Any, journal: ManualJournal, approve: bool, reason: str = ""
) -> ManualJournal:
    """A second officer approves (the entry posts) or rejects. The maker cannot approve their own."""
    journal = ManualJournal.objects.select_for_update().get(pk=journal.pk)
    if journal.status != ManualJournal.Status.PENDING:
        raise PeriodNotClosable(reason=_("This journal was already decided."))
    if journal.maker_id == actor.pk:
        raise ApprovalRefused()
    if approve:
        journal.entry = journal_entry_post(
            cooperative=journal.cooperative,
            date=journal.date,
            memo=journal.memo,
            lines=[
                Line(account=ln["account"], debit=ln["debit"], credit=ln["credit"])
                for ln in journal.lines
            ],
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
