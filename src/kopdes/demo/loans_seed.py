"""The demo's loans (issue 11.11): a portfolio booked through the loan services, as the officers
would: the sekretaris applies, the ketua decides (the pengawas co-signs when the loan needs it),
the bendahara disburses and takes the repayments, the ketua asks for a restructure and the
bendahara approves it; then the daily close (`loans_close_day`) over the demo's days gives every
loan its days past due and collectibility class.

Booked in the years of the cooperatives that come in as an opening import (`seed.LOANS_IN` of
them), before their months are closed: each story dated as it happened, every decision made on
its day (`core.clock.as_of`). The first lending cooperative tells every story, so that after the
close through yesterday it has a loan in each class 1 to 5, one paid off early and one
restructured (days past due on 2026-11-29 are noted by each story: the demo's close runs through
the day before yesterday); the others tell a few of them, drawn and sized by their own random
generator, next to a few loans that are repaid on time. Every lending cooperative starts with
its first two loans in November 2025 (`FIRST_LOANS`), still running. Wherever the ketua has a
family card on record, the ketua's spouse borrows too: a related-party loan, approved by both
organs."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.months import shift_month
from kopdes.loans import rules as loan_rules
from kopdes.loans import selectors as loan_selectors
from kopdes.loans import services as loans
from kopdes.loans.models import Loan, LoanProduct
from kopdes.members import services as member_services
from kopdes.members.models import Member


@dataclass(frozen=True)
class Story:
    principal: int
    months: int
    disbursed: date
    paid: int | None  # installments paid on their due dates (None: every one due by the close)
    purpose: str
    payoff_on: date | None = None  # paid off early on this day
    restructure_on: date | None = None  # a restructure to `restructure_months`, approved
    restructure_months: int = 0


def _months_before(day: date, months: int) -> date:
    year, month = shift_month(day.year, day.month, -months)
    return date(year, month, day.day)


def stories(closed: date) -> list[Story]:
    """The stories, dated back from `closed` (the last day the demo's close runs through) so that
    the classes hold whatever day the demo runs: the default scheme's classes are 1: 0 days past
    due, 2: 1-90, 3: 91-120, 4: 121-180, 5: 181 and more; each overdue loan's first unpaid
    installment falls due about 45, 105, 150 and 240 days before `closed` (a day of the month
    at most 28, so a few days more at most)."""

    def overdue(days: int, paid: int, principal: int, months: int, purpose: str) -> Story:
        missed = closed - timedelta(days=days)
        missed = missed.replace(day=min(missed.day, 28))
        return Story(principal, months, _months_before(missed, paid + 1), paid, purpose)

    first = _months_before(closed.replace(day=min(closed.day, 28)), 6)
    return [
        Story(3_000_000, 12, first, None, "Modal warung sembako"),  # class 1
        overdue(45, 4, 2_500_000, 10, "Bibit dan pupuk padi"),  # class 2
        overdue(105, 4, 4_000_000, 12, "Gerobak bakso"),  # class 3
        overdue(150, 4, 2_000_000, 12, "Mesin jahit"),  # class 4
        overdue(240, 1, 1_500_000, 6, "Biaya sekolah"),  # class 5
        Story(
            3_500_000,
            12,
            _months_before(first, 3),
            None,
            "Kios pulsa",
            payoff_on=_months_before(first, -1),
        ),
        Story(
            5_000_000,
            12,
            _months_before(first, 2),
            None,
            "Kolam lele",
            restructure_on=_months_before(first, -1),
            restructure_months=18,
        ),
    ]


# The unit's first loans, in its first weeks (after the CSR capital of October 2025): 18 months,
# repaid on time ever since, so the books of 2025 already hold a loan portfolio (the health
# assessment of 2025 reads it: docs/supervision.md) and the loans are still running at the close.
PRODUCT_DAY = date(2025, 11, 3)
FIRST_LOANS = (
    Story(4_000_000, 18, date(2025, 11, 17), None, "Modal tanam padi"),
    Story(3_000_000, 18, date(2025, 11, 24), None, "Modal dagang kelontong"),
)

# A related-party loan (the ketua's spouse, on the ketua's family card): both the pengurus and the
# pengawas approve it, within the related-party limit (10 % of own capital: members' equity, not
# the CSR grant, so a small one).
RELATED = Story(400_000, 6, date(2026, 4, 6), 6, "Usaha katering")
RELATED_JOINED = date(2026, 4, 1)


@dataclass
class LoansSeedResult:
    related_party: int = 0
    loans: int = 0
    entries: int = 0  # the loans' journal entries (disbursements, repayments, payoffs)
    repayments: int = 0
    payoffs: int = 0
    restructured: int = 0
    classes: dict[int, int] = field(default_factory=dict)  # active loans by collectibility class

    def add(self, other: LoansSeedResult) -> None:
        for name in ("loans", "repayments", "payoffs", "restructured", "related_party"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _officers(cooperative: Cooperative) -> dict[str, User]:
    found: dict[str, User] = {}
    for role in Role.objects.filter(cooperative=cooperative, ended_on__isnull=True).select_related(
        "user"
    ):
        found.setdefault(role.kind, role.user)
    return found


def _product(cooperative: Cooperative, actor, on: date) -> LoanProduct:
    policy = policy_in_force(cooperative=cooperative, on=on)
    low = policy.loan_rate_min if policy is not None else Decimal(12)
    high = policy.loan_rate_max if policy is not None else Decimal(18)
    rate = max(low, min(high, Decimal(15)))
    with clock.as_of(_at(on)):
        return loans.loan_product_create(
            actor=actor,
            cooperative=cooperative,
            name="Pinjaman Usaha Anggota",
            method="flat",
            annual_rate=rate,
            tenor_min=3,
            tenor_max=24,
            max_amount=10_000_000,
            admin_fee_percent=Decimal(1),
            penalty_method="per_day",
            penalty_rate=Decimal("0.1"),
        )


def told_by(cooperative: Cooperative, closed: date, *, every_story: bool) -> list[Story]:
    """The stories `cooperative` tells after its first loans (`FIRST_LOANS`): all of them
    (`every_story`), or two to four of the overdue, paid-off and restructured ones next to two or
    three loans repaid on time, each principal scaled by the cooperative's own generator (in
    Rp100.000)."""
    told = stories(closed)
    if every_story:
        return [*FIRST_LOANS, *told]
    rng = random.Random(f"loans-{cooperative.village_id}")
    healthy, troubled = told[0], told[1:]
    chosen = [healthy] * rng.randint(2, 3) + rng.sample(troubled, rng.randint(2, 4))
    return [
        replace(story, principal=int(round(story.principal * rng.uniform(0.6, 1.6), -5)))
        for story in [*FIRST_LOANS, *chosen]
    ]


def loans_seed_cooperative(
    cooperative: Cooperative, closed: date, *, every_story: bool = True
) -> LoansSeedResult:
    """Book the stories for `cooperative` (its members, its officers: `told_by`). The caller
    holds the transaction and closes the loans' days afterwards (`loans_close_through`)."""
    result = LoansSeedResult()
    if Loan.objects.filter(cooperative=cooperative).exists():
        return result
    who = _officers(cooperative)
    ketua, sekretaris, bendahara = who["ketua"], who["sekretaris"], who["bendahara"]
    pengawas = who.get("ketua_pengawas") or who.get("pengawas")
    members = list(
        Member.objects.filter(cooperative=cooperative, status=Member.Status.ACTIVE)
        .exclude(number__isnull=True)
        .order_by("number")
    )
    product = _product(cooperative, ketua, PRODUCT_DAY)
    told = told_by(cooperative, closed, every_story=every_story)
    if len(members) < len(told):
        return result
    pairs = list(zip(told, members[-len(told) :], strict=True))
    if ketua.kk_number and _related_fits(cooperative, RELATED):
        spouse = _spouse(cooperative, ketua, sekretaris)
        pairs.append((RELATED, spouse))
    for n, (story, member) in enumerate(pairs):
        key = f"demo-loan-{cooperative.village_id}-{n}"
        loan = loans.loan_apply(
            actor=sekretaris,
            cooperative=cooperative,
            member=member,
            product=product,
            principal=story.principal,
            months=story.months,
            purpose=story.purpose,
            on=story.disbursed,
            idempotency_key=key,
        )
        with clock.as_of(_at(story.disbursed)):  # decided on the day (the service's today)
            loan = loans.loan_decide(
                actor=ketua, loan=loan, decision="approve", reason="Usaha layak, angsuran wajar"
            )
            if loan.status == Loan.Status.APPLIED and pengawas is not None:
                loan = loans.loan_decide(
                    actor=pengawas, loan=loan, decision="approve", reason="Diperiksa pengawas"
                )
        loans.loan_disburse(
            actor=bendahara, loan=loan, channel="cash", on=story.disbursed, idempotency_key=key
        )
        result.loans += 1
        result.related_party += int(loan.related_party)
        _repay(loan, story, bendahara, ketua, key, result, closed)
    return result


def _related_fits(cooperative: Cooperative, story: Story) -> bool:
    """Whether the related-party limit leaves room for `story` on its day: a cooperative that
    holds only its founders' simpanan pokok has too little own capital, and the pengurus would
    not propose a loan the rule refuses."""
    policy = policy_in_force(cooperative=cooperative, on=story.disbursed)
    if policy is None:
        return False
    capital = loan_selectors.own_capital(cooperative, story.disbursed)
    limit = loan_rules.related_party_limit(capital, policy.related_party_loan_limit_percent)
    return story.principal <= limit


def _spouse(cooperative: Cooperative, ketua, sekretaris) -> Member:
    """The ketua's spouse joins at the office (registered and approved at once), on the ketua's
    family card: lending to her is a related-party loan. Her NIK's serial is 9 and the last three
    digits of the village's code, so no two spouses in one kecamatan share a NIK."""
    district = cooperative.village.district_id.replace(".", "")
    born = date(1984, 5, 17)
    serial = f"9{cooperative.village_id[-3:]}"
    nik = f"{district}{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{serial}"
    return member_services.member_register(
        actor=sekretaris,
        cooperative=cooperative,
        full_name=f"Istri {ketua.full_name}"[:150],
        nik=nik,
        sex="F",
        birth_date=born,
        birth_place="Tangerang",
        address=f"Serumah dengan {ketua.full_name}"[:300],
        occupation="Wiraswasta",
        kk_number=ketua.kk_number,
        approve=True,
        on=RELATED_JOINED,
    )


def _repay(
    loan: Loan, story: Story, bendahara, ketua, key: str, result: LoansSeedResult, closed: date
) -> None:
    paid = 0
    restructured = False
    while story.paid is None or paid < story.paid:
        loan.refresh_from_db()
        installment = loan.installments.filter(paid_on__isnull=True).order_by("number").first()
        if installment is None:
            return
        due = installment.due_date
        if due > closed:
            break
        if story.payoff_on is not None and due > story.payoff_on:
            break
        if story.restructure_on is not None and not restructured and due > story.restructure_on:
            request = loans.loan_restructure_request(
                actor=ketua,
                loan=loan,
                months=story.restructure_months,
                reason="Panen gagal: angsuran diringankan",
                on=story.restructure_on,
            )
            loans.loan_restructure_decide(
                actor=bendahara,
                restructure=request,
                decision="approve",
                reason="Disetujui rapat pengurus",
                on=story.restructure_on,
            )
            restructured = True
            result.restructured += 1
            continue
        amount = installment.principal + installment.interest
        amount -= installment.paid_principal + installment.paid_interest
        loans.loan_repay(
            actor=bendahara,
            loan=loan,
            amount=amount,
            channel="cash",
            on=due,
            idempotency_key=f"{key}-{installment.number}-{paid}",
        )
        paid += 1
        result.repayments += 1
    if story.payoff_on is not None:
        loan.refresh_from_db()
        loans.loan_payoff(
            actor=bendahara,
            loan=loan,
            channel="cash",
            on=story.payoff_on,
            idempotency_key=f"{key}-payoff",
        )
        result.payoffs += 1


def loans_close_through(cooperative: Cooperative, day: date, result: LoansSeedResult) -> None:
    """The daily close of `cooperative`'s loans through `day` (it catches up every day since the
    first disbursement), then each class counted."""
    if not Loan.objects.filter(cooperative=cooperative).exists():
        return
    loans.loans_close_day(cooperative=cooperative, day=day)
    for loan in Loan.objects.filter(cooperative=cooperative, status=Loan.Status.ACTIVE):
        result.classes[loan.collectibility] = result.classes.get(loan.collectibility, 0) + 1
