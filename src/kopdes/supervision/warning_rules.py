"""The early-warning rules (peringatan dini, docs/supervision.md): one small function per kind,
each reading every cooperative of the scan at once (a few grouped queries, never one per
cooperative), returning the findings that hold on the scan's day. `RULES` lists them in order;
`warnings_scan` (services.py) turns findings into warnings.

A finding names its cooperative, its kind, a subject (what it is about: an entry, a loan, a
month; "" when the cooperative as a whole), the facts shown with it and its evidence (a staff
page's URL name and kwargs, reversed when shown)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.db.models import Max, Min, Sum
from django.utils import timezone

from kopdes.commerce.models import Sale, SaleStatus, StockMovement
from kopdes.cooperatives.models import Cooperative
from kopdes.core.months import month_end, month_text, next_month, previous_month
from kopdes.funding.models import FlagState, FundUse
from kopdes.ledger.models import (
    AccountMonth,
    Checkpoint,
    JournalEntry,
    JournalLine,
    ManualJournal,
    Sequence,
)
from kopdes.ledger.selectors import KAS_HEADER, failing_verification
from kopdes.ledger.services import JOURNAL_SEQUENCE
from kopdes.loans.models import Loan
from kopdes.rat.models import Meeting
from kopdes.savings.models import Bill, SavingsTransaction
from kopdes.supervision.models import WarningKind as K

# The shipped defaults (the data migration 0003 freezes the same values as version 1 of the
# default scope ""). Rupiah, days, hours, percent.
DEFAULT_THRESHOLDS: dict[str, int] = {
    "cash_limit": 20_000_000,  # cash on hand (kas) above this
    "bank_deposit_days": 14,  # no deposit into the bank for more days than this
    "lookback_days": 30,  # postings and withdrawals looked at: those of the last N days
    "backdate_days": 7,  # a manual entry dated more than N days before it was posted
    "office_open_hour": 7,  # a manual entry posted before this hour...
    "office_close_hour": 18,  # ...or from this hour on (local time) is after hours
    "round_amount_min": 5_000_000,  # a manual entry of at least this...
    "round_amount_unit": 1_000_000,  # ...and a multiple of this is a round amount
    "large_withdrawal_amount": 10_000_000,  # one savings withdrawal of at least this
    "shrinkage_days": 90,  # stock losses and sales of the last N days
    "shrinkage_percent": 2,  # opname and write-off losses above this % of sales
    "wajib_rate_percent": 70,  # last month's wajib bills paid below this %, not improving
    "period_close_days": 45,  # a month still open more than N days after its end
    "rat_months": 6,  # the RAT held within N months after the fiscal year's end (law)
    "checkpoint_days": 3,  # no signed checkpoint for more days than this
}


@dataclass(frozen=True)
class Finding:
    cooperative_id: int
    kind: str
    subject: str
    facts: dict[str, Any]
    evidence: dict[str, Any]


@dataclass
class Scan:
    """What every rule reads: the cooperatives (id -> Cooperative), each one's thresholds and
    the day. Reads two rules share are computed once (cached)."""

    cooperatives: dict[int, Cooperative]
    thresholds: dict[int, dict[str, int]]
    on: date
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return list(self.cooperatives)

    def t(self, cooperative_id: int, key: str) -> int:
        return self.thresholds[cooperative_id][key]

    def evidence(self, cooperative_id: int, name: str, **kwargs: Any) -> dict[str, Any]:
        public_id = str(self.cooperatives[cooperative_id].public_id)
        return {"name": name, "kwargs": {"cooperative_id": public_id, **kwargs}}

    def window_start(self, key: str) -> date:
        """The earliest first day any cooperative's `key` window reaches back to."""
        return self.on - timedelta(days=max(t[key] for t in self.thresholds.values()))

    @cached_property
    def cash(self) -> dict[int, int]:
        """Cash on hand (the kas accounts) per cooperative, from the monthly snapshots."""
        rows = (
            AccountMonth.objects.filter(
                cooperative_id__in=self.ids,
                account__is_cash=True,
                account__parent__code=KAS_HEADER,
            )
            .values("cooperative_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
        )
        return {r["cooperative_id"]: (r["debit"] or 0) - (r["credit"] or 0) for r in rows}

    @cached_property
    def first_entry(self) -> dict[int, date]:
        """The date of each cooperative's earliest journal entry (absent: no books yet)."""
        return dict(
            JournalEntry.objects.filter(cooperative_id__in=self.ids)
            .values("cooperative_id")
            .annotate(first=Min("date"))
            .values_list("cooperative_id", "first")
        )

    @cached_property
    def manual_entries(self) -> list[dict[str, Any]]:
        """Manual journal entries (the officer picks their date and amounts) approved in the
        look-back window, with their amount: read from the manual journals (a small table),
        not by scanning the journal."""
        since = self.window_start("lookback_days")
        rows = (
            ManualJournal.objects.filter(
                cooperative_id__in=self.ids,
                status=ManualJournal.Status.POSTED,
                entry__isnull=False,
                decided_at__gte=datetime.combine(since, datetime.min.time(), tzinfo=_tz()),
            )
            .annotate(amount=Sum("entry__lines__debit"))
            .values(
                "cooperative_id",
                "amount",
                "entry__public_id",
                "entry__number",
                "entry__date",
                "entry__posted_at",
            )
        )
        return [
            {
                "cooperative_id": r["cooperative_id"],
                "public_id": r["entry__public_id"],
                "number": r["entry__number"],
                "date": r["entry__date"],
                "posted_at": r["entry__posted_at"],
                "amount": r["amount"],
            }
            for r in rows
        ]


def _tz():
    return timezone.get_current_timezone()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, _tz())


Rule = Callable[[Scan], Iterable[Finding]]


def cash_above_limit(scan: Scan) -> Iterable[Finding]:
    for pk, balance in scan.cash.items():
        limit = scan.t(pk, "cash_limit")
        if balance > limit:
            yield Finding(
                pk,
                K.CASH_ABOVE_LIMIT,
                "",
                {"balance": balance, "limit": limit},
                scan.evidence(pk, "web:trial_balance"),
            )


def no_bank_deposit(scan: Scan) -> Iterable[Finding]:
    """Cash on hand and nothing paid into a bank account for more than N days."""
    last = dict(
        JournalLine.objects.filter(
            cooperative_id__in=scan.ids,
            account__is_cash=True,
            debit__gt=0,
            date__lte=scan.on,
        )
        .exclude(account__parent__code=KAS_HEADER)
        .values("cooperative_id")
        .annotate(last=Max("date"))
        .values_list("cooperative_id", "last")
    )
    for pk, balance in scan.cash.items():
        if balance <= 0:
            continue
        days = scan.t(pk, "bank_deposit_days")
        deposited = last.get(pk)
        if deposited is None or (scan.on - deposited).days > days:
            yield Finding(
                pk,
                K.NO_BANK_DEPOSIT,
                "",
                {
                    "last_deposit": deposited.isoformat() if deposited else None,
                    "days": days,
                    "cash": balance,
                },
                scan.evidence(pk, "web:journal"),
            )


def _entry_finding(scan: Scan, row: dict[str, Any], kind: str, **facts: Any) -> Finding:
    return Finding(
        row["cooperative_id"],
        kind,
        row["public_id"].hex,
        {
            "number": row["number"],
            "date": row["date"].isoformat(),
            "posted_at": _local(row["posted_at"]).strftime("%Y-%m-%d %H:%M"),
            "amount": row["amount"] or 0,
            **facts,
        },
        scan.evidence(row["cooperative_id"], "web:journal_entry", entry_id=str(row["public_id"])),
    )


def _in_window(scan: Scan, row: dict[str, Any]) -> bool:
    since = scan.on - timedelta(days=scan.t(row["cooperative_id"], "lookback_days"))
    return since <= _local(row["posted_at"]).date() <= scan.on


def backdated_postings(scan: Scan) -> Iterable[Finding]:
    for row in scan.manual_entries:
        days = scan.t(row["cooperative_id"], "backdate_days")
        late = (_local(row["posted_at"]).date() - row["date"]).days
        if _in_window(scan, row) and late > days:
            yield _entry_finding(scan, row, K.BACKDATED_POSTING, days_late=late, limit=days)


def after_hours_postings(scan: Scan) -> Iterable[Finding]:
    for row in scan.manual_entries:
        pk = row["cooperative_id"]
        hour = _local(row["posted_at"]).hour
        opens, closes = scan.t(pk, "office_open_hour"), scan.t(pk, "office_close_hour")
        if _in_window(scan, row) and not opens <= hour < closes:
            yield _entry_finding(scan, row, K.AFTER_HOURS_POSTING, opens=opens, closes=closes)


def round_amount_postings(scan: Scan) -> Iterable[Finding]:
    for row in scan.manual_entries:
        pk = row["cooperative_id"]
        amount, unit = row["amount"] or 0, scan.t(pk, "round_amount_unit")
        if (
            _in_window(scan, row)
            and unit > 0
            and amount >= scan.t(pk, "round_amount_min")
            and amount % unit == 0
        ):
            yield _entry_finding(scan, row, K.ROUND_AMOUNT_POSTING, unit=unit)


def large_withdrawals(scan: Scan) -> Iterable[Finding]:
    lowest = min(t["large_withdrawal_amount"] for t in scan.thresholds.values())
    rows = SavingsTransaction.objects.filter(
        cooperative_id__in=scan.ids,
        kind=SavingsTransaction.Type.WITHDRAWAL,
        amount__gte=lowest,
        date__gte=scan.window_start("lookback_days"),
        date__lte=scan.on,
        corrected=False,
    ).values("cooperative_id", "public_id", "amount", "date", "account__member__public_id")
    for row in rows:
        pk = row["cooperative_id"]
        limit = scan.t(pk, "large_withdrawal_amount")
        since = scan.on - timedelta(days=scan.t(pk, "lookback_days"))
        if row["amount"] >= limit and row["date"] >= since:
            yield Finding(
                pk,
                K.LARGE_WITHDRAWAL,
                row["public_id"].hex,
                {"amount": row["amount"], "date": row["date"].isoformat(), "limit": limit},
                scan.evidence(
                    pk, "web:member_savings", member_id=str(row["account__member__public_id"])
                ),
            )


def related_party_loans(scan: Scan) -> Iterable[Finding]:
    """Loans applied for, approved or outstanding to a pengurus, a pengawas or someone on their KK (the
    loans service marks them `related_party` when applied: loans.selectors.is_related_party)."""
    rows = Loan.objects.filter(
        cooperative_id__in=scan.ids,
        related_party=True,
        status__in=("applied", "approved", "active"),
    ).values("cooperative_id", "public_id", "number", "principal", "status")
    for row in rows:
        pk = row["cooperative_id"]
        yield Finding(
            pk,
            K.RELATED_PARTY_LOAN,
            row["public_id"].hex,
            {"number": row["number"], "principal": row["principal"], "status": row["status"]},
            scan.evidence(pk, "web:loans_detail", loan_id=str(row["public_id"])),
        )


def fund_outside_lines(scan: Scan) -> Iterable[Finding]:
    """Restricted-fund uses outside the fund's permitted lines the pengawas has not resolved."""
    rows = FundUse.objects.filter(
        cooperative_id__in=scan.ids,
        flagged=True,
        flag_state__in=(FlagState.OPEN, FlagState.ACKNOWLEDGED),
    ).values("cooperative_id", "public_id", "source__public_id", "amount", "line", "on")
    for row in rows:
        pk = row["cooperative_id"]
        yield Finding(
            pk,
            K.FUND_OUTSIDE_LINES,
            row["public_id"].hex,
            {"amount": row["amount"], "line": row["line"], "date": row["on"].isoformat()},
            scan.evidence(
                pk,
                "web:funding_use",
                source_id=str(row["source__public_id"]),
                use_id=str(row["public_id"]),
            ),
        )


def stock_shrinkage(scan: Scan) -> Iterable[Finding]:
    """Opname differences and write-offs of the last N days against the sales of those days."""
    since = scan.window_start("shrinkage_days")
    losses = dict(
        StockMovement.objects.filter(
            cooperative_id__in=scan.ids,
            kind__in=("count", "write_off"),
            on__gte=since,
            on__lte=scan.on,
        )
        .values("cooperative_id")
        .annotate(value=Sum("value"))
        .values_list("cooperative_id", "value")
    )
    if not losses:
        return
    sales = dict(
        Sale.objects.filter(
            cooperative_id__in=list(losses),
            status=SaleStatus.COMPLETED,
            on__gte=since,
            on__lte=scan.on,
        )
        .values("cooperative_id")
        .annotate(total=Sum("total"))
        .values_list("cooperative_id", "total")
    )
    for pk, value in losses.items():
        loss, sold = -(value or 0), sales.get(pk) or 0
        limit = scan.t(pk, "shrinkage_percent")
        if loss > 0 and loss * 100 > limit * sold:
            yield Finding(
                pk,
                K.STOCK_SHRINKAGE,
                "",
                {"loss": loss, "sales": sold, "limit": limit},
                scan.evidence(pk, "web:commerce_report_shrinkage"),
            )


def wajib_collection_falling(scan: Scan) -> Iterable[Finding]:
    """Last month's simpanan wajib bills paid below N %, and no better than the month before."""
    last = previous_month(scan.on.year, scan.on.month)
    before = previous_month(*last)
    periods = (month_text(*last), month_text(*before))
    rows = (
        Bill.objects.filter(cooperative_id__in=scan.ids, kind="wajib", period__in=periods)
        .exclude(status="cancelled")
        .values("cooperative_id", "period")
        .annotate(billed=Sum("amount"), paid=Sum("paid_amount"))
    )
    rates: dict[tuple[int, str], float] = {
        (r["cooperative_id"], r["period"]): (r["paid"] or 0) * 100 / r["billed"]
        for r in rows
        if r["billed"]
    }
    for (pk, period), rate in rates.items():
        if period != periods[0]:
            continue
        limit = scan.t(pk, "wajib_rate_percent")
        earlier = rates.get((pk, periods[1]))
        if rate < limit and (earlier is None or rate <= earlier):
            yield Finding(
                pk,
                K.WAJIB_COLLECTION_FALLING,
                period,
                {
                    "period": period,
                    "rate": round(rate, 1),
                    "previous": None if earlier is None else round(earlier, 1),
                    "limit": limit,
                },
                scan.evidence(pk, "web:savings_bills"),
            )


def rat_overdue(scan: Scan) -> Iterable[Finding]:
    """The RAT of the last fiscal year not held within N months after its end (31 December),
    for a cooperative founded by then."""
    year = scan.on.year - 1
    held = set(
        Meeting.objects.filter(
            cooperative_id__in=scan.ids,
            kind=Meeting.Kind.RAT,
            fiscal_year=year,
            status__in=(Meeting.Status.HELD, Meeting.Status.CLOSED),
        ).values_list("cooperative_id", flat=True)
    )
    for pk, cooperative in scan.cooperatives.items():
        months = scan.t(pk, "rat_months")
        deadline = month_end(year + 1 if months <= 12 else year + 2, (months - 1) % 12 + 1)
        founded = cooperative.founded_on
        if pk in held or scan.on <= deadline or founded is None or founded > date(year, 12, 31):
            continue
        yield Finding(
            pk,
            K.RAT_OVERDUE,
            str(year),
            {"year": year, "deadline": deadline.isoformat()},
            scan.evidence(pk, "web:rat"),
        )


def period_not_closed(scan: Scan) -> Iterable[Finding]:
    """The first month still open more than N days after its end (months close in order)."""
    through = dict(
        Sequence.objects.filter(cooperative_id__in=scan.ids, name=JOURNAL_SEQUENCE).values_list(
            "cooperative_id", "closed_through"
        )
    )
    for pk, first in scan.first_entry.items():
        closed = through.get(pk)
        year, month = next_month(closed.year, closed.month) if closed else (first.year, first.month)
        end = month_end(year, month)
        days = scan.t(pk, "period_close_days")
        if (scan.on - end).days > days:
            yield Finding(
                pk,
                K.PERIOD_NOT_CLOSED,
                month_text(year, month),
                {"month": month_text(year, month), "days": (scan.on - end).days, "limit": days},
                scan.evidence(pk, "web:periods"),
            )


def _verify_evidence(scan: Scan, pk: int) -> dict[str, Any]:
    return {"name": "web:transparency_verify", "kwargs": {"code": scan.cooperatives[pk].village_id}}


def ledger_verification(scan: Scan) -> Iterable[Finding]:
    """The last `kopdes ledger verify` failed, or a checkpoint was refused, and nothing passed
    since (ledger.selectors.failing_verification)."""
    for pk in failing_verification(cooperative_ids=scan.ids):
        yield Finding(pk, K.LEDGER_VERIFICATION, "", {}, _verify_evidence(scan, pk))


def checkpoint_stale(scan: Scan) -> Iterable[Finding]:
    """Books without any signed checkpoint, or whose last one is more than N days old."""
    last = dict(
        Checkpoint.objects.filter(cooperative_id__in=scan.ids)
        .values("cooperative_id")
        .annotate(last=Max("date"))
        .values_list("cooperative_id", "last")
    )
    for pk in scan.first_entry:
        days = scan.t(pk, "checkpoint_days")
        signed = last.get(pk)
        if signed is None or (scan.on - signed).days > days:
            yield Finding(
                pk,
                K.CHECKPOINT_STALE,
                "",
                {"last": signed.isoformat() if signed else None, "days": days},
                _verify_evidence(scan, pk),
            )


RULES: list[Rule] = [
    cash_above_limit,
    no_bank_deposit,
    backdated_postings,
    after_hours_postings,
    round_amount_postings,
    large_withdrawals,
    related_party_loans,
    fund_outside_lines,
    stock_shrinkage,
    wajib_collection_falling,
    rat_overdue,
    period_not_closed,
    ledger_verification,
    checkpoint_stale,
]


def scope_chain(village_code: str) -> list[str]:
    """The scopes whose thresholds apply to a cooperative of `village_code`, broadest first:
    "" (the default), the province, the regency, the kecamatan, the village."""
    parts = village_code.split(".")
    return ["", *(".".join(parts[: i + 1]) for i in range(len(parts)))]


def merged(chain: list[str], in_force: dict[str, dict[str, int]]) -> dict[str, int]:
    """The defaults overridden by each scope of `chain` that sets a value, narrowest last."""
    values = dict(DEFAULT_THRESHOLDS)
    for scope in chain:
        values.update({k: v for k, v in in_force.get(scope, {}).items() if k in DEFAULT_THRESHOLDS})
    return values
