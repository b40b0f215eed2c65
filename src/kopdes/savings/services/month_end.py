"""The month-end run: simpanan wajib bills and sukarela interest."""

from collections import defaultdict
from collections.abc import Sequence as Seq
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Sum, When
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, months
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.savings import rules
from kopdes.savings.errors import (
    InvalidMonth,
)
from kopdes.savings.models import (
    Bill,
    Kind,
    MonthRun,
    SavingsAccount,
)
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
from kopdes.savings.services.setup import _policy

# -- bills ------------------------------------------------------------------------------------


def _month(text: str, *, ended: bool) -> tuple[int, int]:
    try:
        parsed = months.parse_month(text)
    except ValueError:
        parsed = None
    today = clock.today()
    if (
        parsed is None
        or parsed > (today.year, today.month)
        or (ended and parsed == (today.year, today.month))
    ):
        raise InvalidMonth(fields={"month": [_("Give the month as YYYY-MM.")]})
    return parsed


@transaction.atomic
def savings_bills_create(*, actor: Actor, cooperative: Cooperative, month: str) -> MonthRun:
    """Bill simpanan wajib of `month` (YYYY-MM) to every member active in it, and simpanan pokok
    once to each member who has not paid it in full. Idempotent: a second run adds only the bills
    of members who became active since (the unique constraints hold even against a concurrent
    run). Raises InvalidMonth."""
    year, mon = _month(month, ended=False)
    period = months.month_text(year, mon)
    first, last = months.month_bounds(year, mon)
    policy = _policy(cooperative, first)
    active = list(
        Member.objects.filter(cooperative=cooperative, status=Member.Status.ACTIVE)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=last))
        .values_list("pk", "joined_on")
    )
    billed = set(
        Bill.objects.filter(cooperative=cooperative, kind=Kind.WAJIB, period=period).values_list(
            "member_id", flat=True
        )
    )
    new: list[tuple[int, str, str, int]] = []  # (member, kind, period, amount)
    if policy.simpanan_wajib_amount > 0:
        new += [
            (pk, Kind.WAJIB, period, policy.simpanan_wajib_amount)
            for pk, _joined in active
            if pk not in billed
        ]
    if policy.simpanan_pokok_amount > 0:
        has_pokok_bill = set(
            Bill.objects.filter(cooperative=cooperative, kind=Kind.POKOK).values_list(
                "member_id", flat=True
            )
        )
        paid = dict(
            SavingsAccount.objects.filter(cooperative=cooperative, kind=Kind.POKOK).values_list(
                "member_id", "balance"
            )
        )
        for pk, joined in active:
            due = policy.simpanan_pokok_amount - paid.get(pk, 0)
            if pk not in has_pokok_bill and due > 0:
                when = joined or first
                new.append((pk, Kind.POKOK, months.month_text(when.year, when.month), due))
    now = _db_now()
    # ON CONFLICT DO NOTHING: a concurrent run's bills stand (the unique constraints decide).
    _insert(
        Bill,
        (
            "public_id",
            "cooperative_id",
            "member_id",
            "kind",
            "period",
            "amount",
            "paid_amount",
            "status",
            "created_at",
        ),
        [
            (_db_uuid(), cooperative.pk, pk, kind, when, amount, 0, Bill.Status.UNPAID, now)
            for pk, kind, when, amount in new
        ],
        on_conflict="ON CONFLICT DO NOTHING",
    )
    run, _created = MonthRun.objects.get_or_create(
        cooperative=cooperative,
        kind=MonthRun.Kind.BILLS,
        period=period,
        defaults={"actor_label": actor_label(actor)},
    )
    MonthRun.objects.filter(pk=run.pk).update(
        count=F("count") + len(new), total=F("total") + sum(b[3] for b in new)
    )
    run.refresh_from_db()
    audit_record(
        actor=actor,
        action="savings.bills_create",
        obj=run,
        after={"period": period, "bills_created": len(new)},
    )
    run.created_now = len(new)
    return run


# -- interest ---------------------------------------------------------------------------------


def _signed_sum():
    return Sum(Case(When(kind__in=Txn.CREDITS, then=F("amount")), default=-F("amount")))


@transaction.atomic
def savings_interest_post(*, actor: Actor, cooperative: Cooperative, month: str) -> MonthRun:
    """Credit the month's interest on simpanan sukarela by the daily-balance method: each day's
    end-of-day balance earns rate/365. The cooperative's exact total is rounded once (half up)
    and allocated across the accounts by their exact shares (`core.money.allocate`), so the
    amount posted equals the sum of the members' interest. Accounts closed by the time of the run
    earn nothing (their balance was refunded on leaving). Posted on the month's last day as
    entries of at most 200 member lines (debit 5-501, credit 2-101 per member). Idempotent: a month
    already run returns its run. Raises InvalidMonth (a month that has not ended), PeriodClosed.
    """
    year, mon = _month(month, ended=True)
    period = months.month_text(year, mon)
    done = MonthRun.objects.filter(
        cooperative=cooperative, kind=MonthRun.Kind.INTEREST, period=period
    ).first()
    if done is not None:
        done.created_now = 0
        return done
    first, last = months.month_bounds(year, mon)
    product = _product(cooperative, Kind.SUKARELA)
    # Lock every sukarela account (in key order) so no deposit changes a balance between the
    # computation and the credit.
    # Only open accounts earn: a closed one was refunded in full on leaving (member_resign), and
    # crediting its days before closing would leave money on an account nobody can reach.
    accounts = list(
        SavingsAccount.objects.select_for_update()
        .filter(cooperative=cooperative, kind=Kind.SUKARELA, status=SavingsAccount.Status.OPEN)
        .order_by("pk")
        .values_list("pk", "public_id", "balance")
    )
    since = dict(
        Txn.objects.filter(cooperative=cooperative, account__kind=Kind.SUKARELA, date__gte=first)
        .values("account_id")
        .annotate(s=_signed_sum())
        .values_list("account_id", "s")
    )
    inside: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for account_id, day, kind, amount in Txn.objects.filter(
        cooperative=cooperative, account__kind=Kind.SUKARELA, date__gte=first, date__lte=last
    ).values_list("account_id", "date", "kind", "amount"):
        inside[account_id].append((day, amount if kind in Txn.CREDITS else -amount))
    earning: list[tuple[int, Any, int]] = []  # (pk, public_id, balance now)
    weights: list[int] = []
    for pk, public_id, balance in accounts:
        opening = balance - (since.get(pk) or 0)
        days = rules.balance_days(
            opening=opening, movements=inside.get(pk, ()), first=first, last=last
        )
        if days > 0:
            earning.append((pk, public_id, balance))
            weights.append(days)
    total, parts = rules.interest_shares(weights, rate=product.interest_rate)
    run = MonthRun.objects.create(
        cooperative=cooperative,
        kind=MonthRun.Kind.INTEREST,
        period=period,
        count=sum(1 for p in parts if p),
        total=total,
        actor_label=actor_label(actor),
    )
    run.created_now = run.count
    if total:
        _credit_interest(
            actor=actor,
            cooperative=cooperative,
            period=period,
            day=last,
            credits=[
                (pk, pid, bal, part)
                for (pk, pid, bal), part in zip(earning, parts, strict=True)
                if part
            ],
        )
    audit_record(
        actor=actor,
        action="savings.interest_post",
        obj=run,
        after={
            "period": period,
            "rate": str(product.interest_rate),
            "total": total,
            "accounts": run.count,
        },
    )
    return run


def _credit_interest(
    *, actor: Actor, cooperative: Cooperative, period: str, day: date, credits: Seq[tuple]
) -> None:
    rule = _rule(cooperative, "savings.interest", Kind.SUKARELA, day)
    spec = rule.lines[0]
    chunks = [
        credits[i : i + INTEREST_LINES_PER_ENTRY]
        for i in range(0, len(credits), INTEREST_LINES_PER_ENTRY)
    ]
    drafts = []
    for n, chunk in enumerate(chunks, start=1):
        lines = [ledger.Line(account=spec["debit"], debit=sum(c[3] for c in chunk))]
        lines += [
            ledger.Line(
                account=spec["credit"],
                credit=part,
                subledger_kind=SUBLEDGER,
                subledger_id=str(public_id),
            )
            for _pk, public_id, _bal, part in chunk
        ]
        drafts.append(
            ledger.EntryDraft(
                date=day,
                memo=f"Bunga simpanan sukarela {period} ({n}/{len(chunks)})",
                lines=lines,
                source_kind="savings.interest",
                source_id=period,
                idempotency_key=f"savings-interest-{period}-{n}",
            )
        )
    entries = ledger.journal_entries_post_bulk(cooperative=cooperative, drafts=drafts, actor=actor)
    label = actor_label(actor)
    rows, accounts = [], []
    when, now = _db_date(day), _db_now()
    for entry, chunk in zip(entries, chunks, strict=True):
        for pk, _pid, balance, part in chunk:
            rows.append(
                (
                    _db_uuid(),
                    cooperative.pk,
                    pk,
                    Txn.Type.INTEREST,
                    "",
                    part,
                    balance + part,
                    when,
                    f"Bunga {period}",
                    entry.pk,
                    None,
                    None,
                    label,
                    now,
                )
            )
            accounts.append((pk, balance + part))
    _insert(Txn, TXN_COLUMNS, rows)
    _store_balances(accounts)
