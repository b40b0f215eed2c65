"""Money another part of the cooperative owes members, credited to their simpanan sukarela in one
run (the SHU paid into sukarela, kopdes.shu): one bulk posting, one savings transaction per
member, the sub-ledger and its control account 2-101 moved together."""

from collections.abc import Sequence as Seq
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member
from kopdes.savings.errors import InvalidAmount, MemberNotFound
from kopdes.savings.models import Kind, SavingsAccount
from kopdes.savings.services._common import (
    INTEREST_LINES_PER_ENTRY,
    SUBLEDGER,
    TXN_COLUMNS,
    Txn,
    _db_date,
    _db_now,
    _db_uuid,
    _insert,
    _product,
    _rule,
    _store_balances,
)


@transaction.atomic
def sukarela_credit_from(
    *,
    actor: Actor,
    cooperative: Cooperative,
    credits: Seq[tuple[Member, int]],
    event: str,
    key: str,
    reference: str,
    on: date,
    memo: str,
    kind: str = Txn.Type.SHU,
) -> list[JournalEntry]:
    """Credit each (member, amount) to the member's simpanan sukarela (opened when the member has
    none) from the account the posting rule `event`/`key` debits (2-108 for the SHU): entries of
    at most INTEREST_LINES_PER_ENTRY member lines through `journal_entries_post_bulk`, keyed by
    `reference` (a second run with the same reference posts nothing new: the ledger's idempotency
    returns; the caller marks what it paid). Raises InvalidAmount, MemberNotFound, NoPostingRule,
    PeriodClosed. Returns the entries posted."""
    if not credits:
        return []
    for member, amount in credits:
        if member.cooperative_id != cooperative.pk:
            raise MemberNotFound()
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise InvalidAmount(
                fields={"amount": [_("Enter a whole number of rupiah above zero.")]}
            )
    product = _product(cooperative, Kind.SUKARELA)
    rule = _rule(cooperative, event, key, on)
    spec = rule.lines[0]
    have = set(
        SavingsAccount.objects.filter(
            cooperative=cooperative, kind=Kind.SUKARELA, member__in=[m for m, _a in credits]
        ).values_list("member_id", flat=True)
    )
    SavingsAccount.objects.bulk_create(
        [
            SavingsAccount(
                cooperative=cooperative,
                member=member,
                product=product,
                kind=Kind.SUKARELA,
                opened_on=on,
            )
            for member, _a in credits
            if member.pk not in have
        ]
    )
    # Lock the accounts in key order (the savings lock order) and read their balances.
    locked = {
        member_id: (pk, public_id, balance)
        for pk, member_id, public_id, balance in SavingsAccount.objects.select_for_update()
        .filter(cooperative=cooperative, kind=Kind.SUKARELA, member__in=[m for m, _a in credits])
        .order_by("pk")
        .values_list("pk", "member_id", "public_id", "balance")
    }
    rows = [(locked[m.pk], amount) for m, amount in credits]
    chunks = [
        rows[i : i + INTEREST_LINES_PER_ENTRY]
        for i in range(0, len(rows), INTEREST_LINES_PER_ENTRY)
    ]
    drafts = []
    for n, chunk in enumerate(chunks, start=1):
        lines = [ledger.Line(account=spec["debit"], debit=sum(a for _acc, a in chunk))]
        lines += [
            ledger.Line(
                account=spec["credit"],
                credit=amount,
                subledger_kind=SUBLEDGER,
                subledger_id=str(public_id),
            )
            for (_pk, public_id, _bal), amount in chunk
        ]
        drafts.append(
            ledger.EntryDraft(
                date=on,
                memo=f"{memo} ({n}/{len(chunks)})",
                lines=lines,
                source_kind=event,
                source_id=reference,
                idempotency_key=f"{reference}-{n}",
            )
        )
    entries = ledger.journal_entries_post_bulk(cooperative=cooperative, drafts=drafts, actor=actor)
    if len(entries) != len(drafts):
        # Posted before under the same reference: the members were credited then.
        return entries
    label, when, now = actor_label(actor), _db_date(on), _db_now()
    txns, balances = [], []
    for entry, chunk in zip(entries, chunks, strict=True):
        for (pk, _public_id, balance), amount in chunk:
            txns.append(
                (
                    _db_uuid(),
                    cooperative.pk,
                    pk,
                    kind,
                    "",
                    amount,
                    balance + amount,
                    when,
                    memo[:200],
                    entry.pk,
                    None,
                    None,
                    label,
                    now,
                )
            )
            balances.append((pk, balance + amount))
    _insert(Txn, TXN_COLUMNS, txns)
    _store_balances(balances)
    audit_record(
        actor=actor,
        action="savings.sukarela_credit",
        cooperative_id=cooperative.pk,
        object_type="savings.credit_run",
        object_id=reference,
        after={
            "event": event,
            "key": key,
            "members": len(rows),
            "total": sum(a for _acc, a in rows),
            "entries": [e.pk for e in entries],
        },
    )
    return entries
