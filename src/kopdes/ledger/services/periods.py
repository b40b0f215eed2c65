"""Periods: close a month (or every open month up to one), reopen (the ketua only), and the
year-end close that carries the result to SHU belum dibagi (3-106)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from kopdes.accounts.access import Capability, capabilities
from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.months import month_end
from kopdes.ledger.errors import (
    InvalidMonth,
    PeriodNotClosed,
    PeriodNotEnded,
    PeriodOutOfOrder,
    ReopenNotAllowed,
    ReopenReasonMissing,
    YearNotEnded,
)
from kopdes.ledger.models import (
    YEAR_END_SOURCE,
    Account,
    AccountMonth,
    JournalEntry,
    Period,
    Sequence,
)
from kopdes.ledger.services.posting import Line, _journal_sequence, journal_entry_post

# -- periods ----------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, actor: Actor, cooperative: Cooperative, year: int, month: int) -> Period:
    """Close a month: afterwards no entry may be dated in it or before it.

    Months close in order: the next one after the last closed month, or, when none is closed
    yet, the month of the first entry or any month before it. Raises InvalidMonth, PeriodNotEnded,
    PeriodOutOfOrder.
    """
    if not 1 <= month <= 12:
        raise InvalidMonth()
    today = timezone.localdate()
    if (year, month) >= (today.year, today.month):
        raise PeriodNotEnded()
    sequence = _journal_sequence(cooperative, lock=True)
    last_day = month_end(year, month)
    through = sequence.closed_through
    if through is not None and last_day <= through:
        return Period.objects.get_or_create(
            cooperative=cooperative,
            year=year,
            month=month,
            defaults={"status": Period.Status.CLOSED},
        )[0]
    if through is not None:
        following = through + timedelta(days=1)
        if (following.year, following.month) != (year, month):
            raise PeriodOutOfOrder()
    else:
        first_entry = (
            JournalEntry.objects.filter(cooperative=cooperative)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        if first_entry is not None and first_entry < date(year, month, 1):
            raise PeriodOutOfOrder()
    period, _created = Period.objects.update_or_create(
        cooperative=cooperative,
        year=year,
        month=month,
        defaults={
            "status": Period.Status.CLOSED,
            "closed_at": clock.now(),
            "closed_by_label": actor_label(actor),
        },
    )
    Sequence.objects.filter(pk=sequence.pk).update(closed_through=last_day)
    audit_record(
        actor=actor, action="ledger.period_close", obj=period, after={"period": str(period)}
    )
    return period


@transaction.atomic
def period_close_through(*, actor: Actor, cooperative: Cooperative, year: int, month: int) -> int:
    """Close every open month up to and including `year`-`month` at once (a catch-up after
    months without a close, and the demo), with the rules of `period_close`: only ended months,
    from the first open one on. Returns how many months it closed."""
    today = timezone.localdate()
    if not 1 <= month <= 12:
        raise InvalidMonth()
    if (year, month) >= (today.year, today.month):
        raise PeriodNotEnded()
    sequence = _journal_sequence(cooperative, lock=True)
    if sequence.closed_through is not None:
        start = sequence.closed_through + timedelta(days=1)
    else:
        first = (
            JournalEntry.objects.filter(cooperative=cooperative)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        start = first or date(year, month, 1)
    months = []
    current = (start.year, start.month)
    while current <= (year, month):
        months.append(current)
        current = (current[0] + 1, 1) if current[1] == 12 else (current[0], current[1] + 1)
    if not months:
        return 0
    now, label = clock.now(), actor_label(actor)
    existing = set(
        Period.objects.filter(cooperative=cooperative, year__gte=months[0][0]).values_list(
            "year", "month"
        )
    )
    Period.objects.filter(
        cooperative=cooperative, status=Period.Status.OPEN, year__gte=months[0][0], year__lte=year
    ).exclude(year=months[0][0], month__lt=months[0][1]).exclude(year=year, month__gt=month).update(
        status=Period.Status.CLOSED, closed_at=now, closed_by_label=label
    )
    Period.objects.bulk_create(
        [
            Period(
                cooperative=cooperative,
                year=y,
                month=m,
                status=Period.Status.CLOSED,
                closed_at=now,
                closed_by_label=label,
            )
            for y, m in months
            if (y, m) not in existing
        ]
    )
    Sequence.objects.filter(pk=sequence.pk).update(closed_through=month_end(year, month))
    audit_record(
        actor=actor,
        action="ledger.period_close",
        object_type="ledger.period",
        cooperative_id=cooperative.pk,
        after={"periods": [f"{y}-{m:02d}" for y, m in months]},
    )
    return len(months)


@transaction.atomic
def period_reopen(
    *,
    actor: User,
    cooperative: Cooperative,
    year: int,
    month: int,
    reason: str,
) -> Period:
    """Reopen a closed month: only the ketua, only with a reason; audited and shown to supervisors.
    Later closed months reopen with it, since balances carry forward.

    The service checks the actor's role itself (accounts.access: REOPEN_PERIOD, the ketua's
    alone); raises ReopenNotAllowed for anyone else, ReopenReasonMissing, InvalidMonth,
    PeriodNotClosed."""
    if actor is None or Capability.REOPEN_PERIOD not in capabilities(actor, cooperative):
        raise ReopenNotAllowed()
    if not 1 <= month <= 12:
        raise InvalidMonth()
    if not reason.strip():
        raise ReopenReasonMissing()
    sequence = _journal_sequence(cooperative, lock=True)
    first_day = date(year, month, 1)
    periods = list(
        Period.objects.select_for_update()
        .filter(cooperative=cooperative, status=Period.Status.CLOSED)
        .filter(year__gte=year)
        .exclude(year=year, month__lt=month)
    )
    target = next((p for p in periods if (p.year, p.month) == (year, month)), None)
    if target is None or sequence.closed_through is None or first_day > sequence.closed_through:
        raise PeriodNotClosed()
    for period in periods:
        period.status = Period.Status.OPEN
        period.reopen_count += 1
        period.save(update_fields=["status", "reopen_count"])
    still_closed = Period.objects.filter(
        cooperative=cooperative, status=Period.Status.CLOSED
    ).exists()
    Sequence.objects.filter(pk=sequence.pk).update(
        closed_through=first_day - timedelta(days=1) if still_closed else None
    )
    audit_record(
        actor=actor,
        action="ledger.period_reopen",
        obj=target,
        reason=reason,
        after={"reopened": [str(p) for p in periods]},
    )
    return target


@transaction.atomic
def year_end_close(*, actor: Actor, cooperative: Cooperative, year: int) -> JournalEntry | None:
    """Carry the year's result (income less expenses) to SHU belum dibagi (3-106), dated 31 December,
    then close December. Income and expense accounts start the next year at zero.

    Raises YearNotEnded for the current year or a later one: nothing is posted or closed."""
    from django.db.models import Sum

    if year >= timezone.localdate().year:
        raise YearNotEnded()

    balances = (
        AccountMonth.objects.filter(
            cooperative=cooperative,
            year=year,
            account__kind__in=[Account.Kind.INCOME, Account.Kind.EXPENSE],
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    lines: list[Line] = []
    result = 0
    for row in balances:
        net = (row["c"] or 0) - (row["d"] or 0)  # credit balance positive
        if net > 0:
            lines.append(Line(account=row["account__code"], debit=net))
        elif net < 0:
            lines.append(Line(account=row["account__code"], credit=-net))
        result += net
    entry = None
    if result > 0:
        lines.append(Line(account="3-106", credit=result))
    elif result < 0:
        lines.append(Line(account="3-106", debit=-result))
    if len(lines) >= 2:
        entry = journal_entry_post(
            cooperative=cooperative,
            date=date(year, 12, 31),
            memo=f"Penutupan tahun buku {year}: hasil ke SHU belum dibagi",
            lines=lines,
            source_kind=YEAR_END_SOURCE,
            source_id=str(year),
            idempotency_key=f"year-end-{year}",
            actor=actor,
        )
    # Every month still open through December, from the first open one (months before the
    # cooperative's first entry stay without a row: there is nothing in them to close).
    period_close_through(actor=actor, cooperative=cooperative, year=year, month=12)
    return entry
