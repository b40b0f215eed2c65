"""The demo's early warnings (issue 15 items 4 and 12, docs/supervision.md): the system's scan
over the whole regency, after a few situations the demo's year does not make by itself, each
made through the product's services in one cooperative:

- a manual journal drafted by the bendahara and approved by the ketua late in the evening, dated
  ten days back, of a round amount (back-dated, after-hours and round-amount postings);
- a large cash deposit at the counter and a large withdrawal (cash above the limit, a large
  withdrawal);
- a restricted fund spent outside its permitted lines under the policy "flag";
- a member moved onto the ketua's family card applying for a loan (a related party);
- cooperatives the Dinas put under close watch (the fourth, and the first with stock losses):
  their thresholds overridden (no bank deposit, stock shrinkage, wajib collection, months
  closed and checkpoints with no slack), so those kinds show there.

The RAT overdue (most cooperatives held no RAT of 2025 by 30 June) comes from the demo's year
itself.
Idempotent: each situation is made once (keyed writes, or skipped when there), and the scan
keeps what it found. A ledger that fails verification is not staged: only tampering makes one.
"""

from contextlib import suppress
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.commerce.models import StockMovement
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.errors import DomainError
from kopdes.core.months import month_text, previous_month
from kopdes.demo.funding_seed import receipt_png
from kopdes.funding import services as funding_services
from kopdes.funding.models import FundingSource, FundUse
from kopdes.ledger.errors import PeriodClosed
from kopdes.ledger.models import ManualJournal
from kopdes.ledger.services import manual_journal_decide, manual_journal_draft
from kopdes.loans.models import Loan, LoanProduct
from kopdes.loans.services import loan_apply
from kopdes.members.models import Member
from kopdes.members.services import member_update_kk
from kopdes.savings import services as savings_services
from kopdes.savings.models import MonthRun, SavingsTransaction
from kopdes.supervision.models import EarlyWarning, WarningThresholds
from kopdes.supervision.services import warning_thresholds_set, warnings_scan

MEMO = "Penarikan dari bank untuk kas (dicatat menyusul)"
# The cooperative under close watch: its thresholds leave no slack.
CLOSE_WATCH = {
    "bank_deposit_days": 0,
    "shrinkage_percent": 0,
    "wajib_rate_percent": 100,
    "period_close_days": 0,
    "checkpoint_days": 0,
}


def _officer(cooperative: Cooperative, kind: str) -> User | None:
    role = (
        Role.objects.filter(cooperative=cooperative, kind=kind, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _early(day: date) -> datetime:
    """Before the office opens on `day` (05:30), or now when that is earlier still."""
    return min(timezone.make_aware(datetime.combine(day, time(5, 30))), timezone.now())


def _manual_entry(cooperative: Cooperative, day: date) -> None:
    """Back-dated, after hours, a round amount: a manual journal of Rp10.000.000, drafted and
    approved before the office opens, dated ten days back (skipped if that month is closed)."""
    if ManualJournal.objects.filter(cooperative=cooperative, memo=MEMO).exists():
        return
    maker, checker = _officer(cooperative, "bendahara"), _officer(cooperative, "ketua")
    if maker is None or checker is None:
        return
    moment = _early(day)
    with clock.as_of(moment), clock.posted_as_of(moment), suppress(PeriodClosed):
        journal = manual_journal_draft(
            actor=maker,
            cooperative=cooperative,
            date=timezone.localdate(moment) - timedelta(days=10),
            memo=MEMO,
            lines=[
                {"account": "1-101-01", "debit": 10_000_000},
                {"account": "1-102", "credit": 10_000_000},
            ],
        )
        manual_journal_decide(actor=checker, journal=journal, approve=True)


def _large_withdrawal(cooperative: Cooperative, day: date) -> None:
    """A member brings Rp30.000.000 in cash, then takes Rp15.000.000 out (once: a run on a later
    day leaves the first day's pair alone, rather than repeat its keys for another day)."""
    staged = SavingsTransaction.objects.filter(
        cooperative=cooperative, idempotency_key="demo-warning-deposit"
    )
    if staged.exists():
        return
    member = Member.objects.filter(cooperative=cooperative, status="active").order_by("id").first()
    if member is None:
        return
    savings_services.savings_deposit(
        actor=None,
        cooperative=cooperative,
        member=member,
        kind="sukarela",
        amount=30_000_000,
        on=day,
        idempotency_key="demo-warning-deposit",
    )
    savings_services.savings_withdraw(
        actor=None,
        cooperative=cooperative,
        member=member,
        amount=15_000_000,
        on=day,
        idempotency_key="demo-warning-withdrawal",
    )


def _fund_outside_lines(cooperative: Cooperative, day: date) -> None:
    """The pengurus spend Rp2.500.000 of the CSR grant on the clinic, outside its lines."""
    source = FundingSource.objects.filter(cooperative=cooperative, restricted=True).first()
    bendahara = _officer(cooperative, "bendahara")
    if source is None or bendahara is None:
        return
    if FundUse.objects.filter(cooperative=cooperative, flagged=True).exists():
        return
    policy = policy_in_force(cooperative=cooperative, on=day)
    if policy is None or policy.restricted_fund_outside_lines != "flag":
        cooperative_services.policy_change(
            actor=None,
            cooperative=cooperative,
            effective_from=day,
            reason="Keputusan rapat pengurus: penggunaan di luar peruntukan ditandai untuk pengawas",
            restricted_fund_outside_lines="flag",
        )
    line = next(
        (x for x in ("klinik", "simpan_pinjam", "apotek") if x not in source.permitted_lines),
        None,
    )
    if line is None:
        return
    funding_services.fund_spend(
        actor=bendahara,
        source=source,
        line=line,
        kind="asset",
        amount=2_500_000,
        on=day,
        description="Alat kesehatan klinik desa",
        payee="Toko Alkes Tangerang",
        evidence=receipt_png(f"warning-{cooperative.village_id}"),
        channel="bank",
        idempotency_key="demo-warning-fund",
    )


def _related_party_loan(cooperative: Cooperative, day: date) -> None:
    """A member moves onto the ketua's family card (the office records the new KK) and applies
    for a loan: a related party (skipped when the cooperative has no product or refuses)."""
    ketua, sekretaris = _officer(cooperative, "ketua"), _officer(cooperative, "sekretaris")
    product = (
        LoanProduct.objects.filter(cooperative=cooperative, active=True).order_by("id").first()
    )
    if ketua is None or sekretaris is None or product is None:
        return
    if Loan.objects.filter(cooperative=cooperative, idempotency_key="demo-warning-loan").exists():
        return
    officers = Role.objects.filter(
        cooperative=cooperative, ended_on__isnull=True, kind__in=("ketua", "bendahara")
    ).values("user_id")
    member = Member.objects.filter(
        cooperative=cooperative, status="active", user_id__in=officers
    ).first()
    if member is None and ketua.kk_number:  # one moved onto the ketua's card by an earlier run
        member = (
            Member.objects.filter(cooperative=cooperative, status="active")
            .filter(kk_number=ketua.kk_number)
            .exclude(user=ketua)
            .first()
        )
    if member is None and ketua.kk_number:
        member = (  # the member with the most savings: the loan fits the savings multiple
            Member.objects.filter(cooperative=cooperative, status="active")
            .exclude(user=ketua)
            .exclude(kk_number=ketua.kk_number)
            .annotate(saved=Sum("savings_accounts__balance"))
            .order_by(F("saved").desc(nulls_last=True), "id")
            .first()
        )
        if member is not None:
            member = member_update_kk(actor=None, member=member, kk_number=ketua.kk_number)
    if member is None:
        return
    with suppress(DomainError), transaction.atomic():
        loan_apply(
            actor=sekretaris,
            cooperative=cooperative,
            member=member,
            product=product,
            principal=min(500_000, product.max_amount),
            months=product.tenor_min,
            purpose="Modal usaha warung keluarga",
            on=day,
            idempotency_key="demo-warning-loan",
        )


def _with_stock_losses(cooperatives: list[Cooperative], day: date) -> Cooperative | None:
    """The first cooperative with opname differences or write-offs in the last 90 days."""
    found = (
        StockMovement.objects.filter(
            cooperative__in=cooperatives,
            kind__in=("count", "write_off"),
            on__gte=day - timedelta(days=90),
        )
        .order_by("cooperative_id")
        .values_list("cooperative_id", flat=True)
        .first()
    )
    return next((c for c in cooperatives if c.pk == found), None)


def _close_watch(cooperative: Cooperative, examiner: User | None, day: date) -> None:
    """The Dinas' close watch: no slack in the thresholds; last month's simpanan wajib billed
    (the month-end run, if not run yet)."""
    last = month_text(*previous_month(day.year, day.month))
    run = MonthRun.objects.filter(cooperative=cooperative, kind=MonthRun.Kind.BILLS, period=last)
    if not run.exists():  # a run again would change nothing but record itself
        with suppress(DomainError), transaction.atomic():
            savings_services.savings_bills_create(actor=None, cooperative=cooperative, month=last)
    if WarningThresholds.objects.filter(scope=cooperative.village_id).exists():
        return
    warning_thresholds_set(
        actor=examiner,
        scope=cooperative.village_id,
        values=CLOSE_WATCH,
        note="Dalam pengawasan ketat Dinas (demo)",
    )


def warnings_stage(cooperatives: list[Cooperative], *, examiner: User | None, on: date) -> None:
    """Stage the situations above on `on` in the first cooperatives (the lending one, and the
    fourth under close watch). The demo stages them on the day before today, before that day's
    checkpoints are signed, so the signed books cover them."""
    if not cooperatives:
        return
    first = cooperatives[0]
    _manual_entry(first, on)
    _large_withdrawal(cooperatives[min(1, len(cooperatives) - 1)], on)
    _fund_outside_lines(first, on)
    _related_party_loan(cooperatives[min(1, len(cooperatives) - 1)], on)
    watched = [cooperatives[min(3, len(cooperatives) - 1)], _with_stock_losses(cooperatives, on)]
    for cooperative in {c.pk: c for c in watched if c is not None}.values():
        _close_watch(cooperative, examiner, on)


def warnings_seed(cooperatives: list[Cooperative], *, on: date) -> int:
    """Scan the whole regency as the system as of `on`. Returns the warnings open or
    acknowledged after the scan."""
    if not cooperatives:
        return 0
    warnings_scan(actor=None, cooperatives=cooperatives, on=on)
    return EarlyWarning.objects.filter(
        cooperative__in=cooperatives, state__in=("open", "acknowledged")
    ).count()
