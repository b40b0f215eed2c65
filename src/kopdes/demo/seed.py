"""The deterministic demo data set: every cooperative of Kabupaten Tangerang and the people around it.

Everything goes through the product's services, so the demo shows only what the product does
(the organ rules, the audit log, the policy history, the members import, the savings services and
the ledger's posting, exactly as in production); the demo writes no row itself. Every demo
account has the one documented demo password, hashed once per run with argon2 and handed to
`user_register` as a hash (`password_hash`, for trusted bulk callers), so seeding stays fast.
Then MEMBERS members per cooperative (`members_seed`: the members import and the office's
registration and approval), and a year of books (`ledger_seed`) after the members' simpanan
(`savings_seed`: collective deposits, the counter, the month-end run, a resignation; the whole
year for the first FULL_YEAR cooperatives, the founders' simpanan pokok for the others). The
books come in as an opening import as of yesterday evening, except the first AS_POSTED
cooperatives', posted week by week as they happened and checkpointed each week.
`kopdes demo --scale F` multiplies the members per cooperative.

Deterministic: each village seeds its own Faker and random generators from its code, so the data
do not depend on the order or on what was seeded before. Idempotent: each stage leaves alone a
cooperative that has what it would seed (the cooperative, its members, its books).

Timing: see docs/benchmarks.md ("The demo through the services").
"""

import functools
import gc
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from kopdes.accounts import services as account_services
from kopdes.accounts.models import User
from kopdes.announcements.models import Announcement
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.demo.announcements_seed import announcements_seed_cooperative
from kopdes.demo.bank_loan_seed import BankLoanSeed, bank_loan_agenda
from kopdes.demo.coaching_seed import CoachingSeedResult, coaching_seed
from kopdes.demo.commerce_seed import (
    FULL_YEAR_SHOP,
    WEEKS_OF_SALES,
    YEAR,
    CommerceSeedResult,
    commerce_year,
)
from kopdes.demo.funding_seed import USES as FUND_USES
from kopdes.demo.funding_seed import FundingSeedResult, funding_agenda
from kopdes.demo.ledger_seed import (
    LAST_DAY,
    Agenda,
    Interleaved,
    capital_day,
    first_round_villages,
    ledger_seed,
)
from kopdes.demo.loans_seed import LoansSeedResult, loans_close_through, loans_seed_cooperative
from kopdes.demo.members_seed import seed_members
from kopdes.demo.rat_seed import rat_day, rat_seed_cooperative
from kopdes.demo.savings_seed import FULL_YEAR, SavingsSeedResult, SavingsYear
from kopdes.demo.shu_seed import shu_seed_cooperative
from kopdes.demo.warnings_seed import warnings_seed, warnings_stage
from kopdes.ledger.checkpoints import checkpoint_create
from kopdes.ledger.models import Checkpoint, JournalEntry
from kopdes.members.models import Member
from kopdes.regions.models import Village
from kopdes.supervision.models import Assessment
from kopdes.supervision.selectors import method_in_force
from kopdes.supervision.services import health_assess, management_answers_fill

# cooperatives after the AS_POSTED ones with a loan portfolio (demo.loans_seed): their year comes
# in as an opening import, so the loans are booked in it, dated as they happened
LOANS_IN = 6
AS_POSTED = 1  # cooperatives whose year is posted week by week, as it happened (the first)
DEMO_PASSWORD = "Kopdes-Demo-2026"  # noqa: S105 - documented in the README; demo only
REGENCY = "36.03"
FOUNDED_ON = date(2025, 7, 21)  # the programme's launch

# Board seats filled in every cooperative: five pengurus and three pengawas.
BOARD = [
    ("ketua", ""),
    ("sekretaris", ""),
    ("bendahara", ""),
    ("wakil_usaha", ""),
    ("wakil_anggota", ""),
    ("ketua_pengawas", "kepala_desa"),
    ("pengawas", ""),
    ("pengawas", ""),
]
LIVELIHOODS = [
    "petani padi",
    "buruh pabrik",
    "pedagang",
    "nelayan",
    "peternak",
    "pengrajin",
    "ojek",
    "karyawan swasta",
]
COMMODITIES = [
    "padi",
    "sayuran",
    "ikan bandeng",
    "udang",
    "kambing",
    "ayam petelur",
    "jamur tiram",
    "anggrek",
    "gula aren",
    "kerupuk",
]

EXAMINER = "+6281100000001"  # the regency's Dinas, SUPERVISORS' first
SUPERVISORS = [
    # phone, name, agency, organisation, region prefix
    (
        "+6281100000001",
        "Dinas Koperasi dan UKM Kabupaten Tangerang",
        "dinas",
        "Dinas Koperasi dan UKM Kabupaten Tangerang",
        "36.03",
    ),
    (
        "+6281100000002",
        "Kecamatan Balaraja",
        "dinas",
        "Dinas Koperasi, pendamping Kecamatan Balaraja",
        "36.03.01",
    ),
    (
        "+6281100000003",
        "Dinas Koperasi Provinsi Banten",
        "provinsi",
        "Dinas Koperasi dan UKM Provinsi Banten",
        "36",
    ),
    (
        "+6281100000004",
        "Kejaksaan Negeri Kabupaten Tangerang",
        "kejaksaan",
        "Kejaksaan Negeri Kabupaten Tangerang",
        "36.03",
    ),
]
CSR_PARTNER = (
    "+6281100000005",
    "Mitra CSR Pengembang",
    "csr",
    "Forum CSR Pengembang Kabupaten Tangerang",
)
CSR_FUNDED = 5  # the first cooperatives by village code
MEMBERS = 40  # per cooperative at scale 1 (`kopdes demo --scale`)
BANK_LOAN_FIRST, BANK_LOAN_EVERY = 1, 45  # the cooperatives with a state-bank loan (by village)
ANNOUNCING = 20  # the first cooperatives whose sekretaris publishes the AD/ART and announcements
# The CSR grant's four uses are booked in the first ANNOUNCING cooperatives and those with a bank
# loan, the first FEW_USES elsewhere (a use through the services costs about 16 ms of CPU).
FEW_USES = 2
SQLITE_CACHE_KIB = 1_048_576  # at most 1 GiB of page cache while seeding (used as it fills)


@dataclass
class SeedResult:
    cooperatives_created: int = 0
    people_created: int = 0  # officers and staff who log in
    members_created: int = 0
    entries_posted: int = 0  # journal entries, reversals included
    checkpoints: int = 0  # signed checkpoints (one per new cooperative, yesterday's)
    savings: SavingsSeedResult = field(default_factory=SavingsSeedResult)
    loans: LoansSeedResult = field(default_factory=LoansSeedResult)
    commerce: CommerceSeedResult = field(default_factory=CommerceSeedResult)
    fund_uses: int = 0  # spendings of the CSR grants, each with its evidence
    bank_loans: int = 0
    installments_paid: int = 0  # of the bank loans
    meetings: dict[str, int] = field(default_factory=dict)  # RATs of 2025 by HELD/LATE/...
    shu_paid: int = 0  # cooperatives whose SHU 2025 was paid into simpanan sukarela
    announcements: int = 0  # published by this run (the RATs' notices among them)
    health_assessed: int = 0  # health assessments of 2025 by the regency's Dinas
    warnings_open: int = 0  # early warnings open after the system's scan (demo.warnings_seed)
    coaching: CoachingSeedResult = field(default_factory=CoachingSeedResult)  # visits, findings
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (who, phone, place)
    kasir: tuple[str, str, str] | None = None  # the first cooperative's kasir page: url, who, phone


def _demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per process and configuration of hashers (argon2 in the
    production settings), handed to `user_register` for every demo account: seconds instead of
    minutes."""
    return _hash_for(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_for(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def _phone(coop_index: int, seat: int) -> str:
    return f"+62812{coop_index:04d}{seat:02d}01"


def _nik(fake: Faker, district_code: str, sex: str, serial: int) -> str:
    born = fake.date_of_birth(minimum_age=25, maximum_age=65)
    day = born.day + (40 if sex == "F" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _person_fields(
    fake: Faker, *, coop_index: int, seat: int, village: Village, office: str, kk: str
) -> dict[str, str]:
    sex = "F" if fake.boolean(chance_of_getting_true=40) else "M"
    name = fake.name_female() if sex == "F" else fake.name_male()
    return {
        "phone": _phone(coop_index, seat),
        "full_name": name,
        "nik": _nik(fake, village.district_id, sex, serial=seat + 1),
        "kk_number": kk,
        "village_office": office,
    }


def _person(
    fake: Faker, *, coop_index: int, seat: int, village: Village, office: str, kk: str
) -> User:
    fields = _person_fields(
        fake, coop_index=coop_index, seat=seat, village=village, office=office, kk=kk
    )
    return account_services.user_register(
        actor=None, password=None, password_hash=_demo_password_hash(), **fields
    )


def _founding(village: Village, fake: Faker) -> dict:
    """The founding of `village`'s cooperative (`cooperatives_found_bulk`), the first draws of
    the village's Faker (seeded here from its code)."""
    fake.seed_instance(int(village.digits))
    return {
        "village": village,
        "founded_on": FOUNDED_ON,
        "address": f"Kantor {village}, Kecamatan {village.district.name}, Kabupaten Tangerang",
        "legal_entity_number": f"AHU-{fake.numerify('00#####')}.AH.01.29.TAHUN 2025",
        "registry_number": fake.numerify("3603############"),
        "npwp": fake.numerify("###############"),
        "nib": fake.numerify("#############"),
    }


def _seed_cooperative(
    index: int, cooperative: Cooperative, result: SeedResult, fake: Faker | None = None
) -> Cooperative:
    """The founded `cooperative`'s village profile, board and (the first three) staff and second
    policy version, drawn from its village's Faker after its founding's draws."""
    fake = fake or Faker("id_ID")
    village = cooperative.village
    _founding(village, fake)  # the same draws again: the village's Faker is where it was
    cooperative_services.village_profile_update(
        actor=None,
        cooperative=cooperative,
        population=fake.random_int(3_000, 25_000),
        households=fake.random_int(900, 2_900),
        main_livelihoods=list(fake.random_elements(LIVELIHOODS, length=3, unique=True)),
        leading_commodities=list(fake.random_elements(COMMODITIES, length=2, unique=True)),
    )
    # The founding meeting elects the board: registered together, appointed together.
    people = []
    for seat, (_kind, office) in enumerate(BOARD):
        kk = f"{village.district_id.replace('.', '')}{fake.numerify('##########')}"
        people.append(
            _person_fields(fake, coop_index=index, seat=seat, village=village, office=office, kk=kk)
        )
    board = account_services.users_register(
        actor=None, people=people, password_hash=_demo_password_hash()
    )
    result.people_created += len(board)
    account_services.roles_assign(
        actor=None,
        cooperative=cooperative,
        seats=[(person, kind) for person, (kind, _office) in zip(board, BOARD, strict=True)],
        started_on=FOUNDED_ON,
    )
    if index < 3:  # a few cooperatives with staff and a second policy version, to show both
        for seat, kind in ((10, "manajer"), (11, "kasir")):
            person = _person(fake, coop_index=index, seat=seat, village=village, office="", kk="")
            account_services.role_assign(
                actor=None,
                cooperative=cooperative,
                user=person,
                kind=kind,
                started_on=date(2025, 9, 1),
            )
            account_services.employee_record(
                actor=None,
                cooperative=cooperative,
                full_name=person.full_name,
                job_title=kind.title(),
                started_on=date(2025, 9, 1),
                user=person,
            )
            result.people_created += 1
        account_services.employee_record(
            actor=None,
            cooperative=cooperative,
            full_name=fake.name_male(),
            job_title="Penjaga gudang",
            started_on=date(2025, 10, 1),
        )
        cooperative_services.policy_change(
            actor=None,
            cooperative=cooperative,
            effective_from=date(2026, 1, 1),
            reason="Keputusan Rapat Anggota 2025",
            simpanan_wajib_amount=25_000,
        )
    return cooperative


def _supervisor(
    phone: str,
    name: str,
    agency: str,
    organisation: str,
    prefix: str = "",
    cooperatives: list[Cooperative] | None = None,
) -> User | None:
    if User.objects.filter(phone=phone).exists():
        return None
    person = account_services.user_register(
        actor=None,
        phone=phone,
        password=None,
        password_hash=_demo_password_hash(),
        full_name=name,
    )
    account_services.supervision_grant(
        actor=None,
        user=person,
        agency=agency,
        organisation=organisation,
        region_prefix=prefix,
        cooperatives=cooperatives,
        # the regency's Dinas examines its cooperatives' health (ADR 0033); everyone else reads
        read_only=phone != EXAMINER,
    )
    return person


@dataclass
class _Year:
    """A cooperative's other years in its books (`ledger_seed`'s extra): the members' savings,
    their loans, the gerai's, its CSR grant and its bank loan, booked by their services."""

    result: tuple[SavingsSeedResult, CommerceSeedResult, FundingSeedResult, BankLoanSeed | None]


@dataclass(frozen=True)
class Stories:
    """Which cooperatives (village codes) get which part of the demo's year."""

    first_round: set[str]  # CSR capital in October 2025 (ledger_seed.FIRST_ROUND)
    full_year: set[str]  # the members' whole year of savings
    with_loans: set[str]  # a portfolio of member loans
    sales: dict[str, str]  # the gerai's sales: YEAR or WEEKS_OF_SALES
    bank_loans: set[str]  # the state-bank loan of PMK 49/2025
    every_use: set[str]  # the CSR grant's four uses (FEW_USES elsewhere)
    meetings: dict[str, str]  # the RAT of 2025: HELD, LATE or NOT_HELD


def demo_stories(cooperatives: list[Cooperative]) -> Stories:
    """Who gets which part of the year, by position among `cooperatives` (in village order)."""
    # The gerai: a catalogue everywhere; a year of sales in the FULL_YEAR_SHOP cooperatives after
    # the first (whose year, posted as it happened, is booked twice: a year of sales would cost
    # twice); the last weeks of sales in the first and the other lending cooperatives.
    sales = {c.village_id: WEEKS_OF_SALES for c in cooperatives[: AS_POSTED + LOANS_IN]}
    shops = cooperatives[AS_POSTED : AS_POSTED + FULL_YEAR_SHOP]
    sales.update({c.village_id: YEAR for c in shops})
    banked = {c.village_id for c in cooperatives[BANK_LOAN_FIRST::BANK_LOAN_EVERY]}
    return Stories(
        first_round=first_round_villages(),
        # the whole year of savings in the first FULL_YEAR but the year-long shop, whose SHU of
        # 2025 is paid into its members' simpanan sukarela in March 2026 (booked after the year:
        # a later sukarela movement would be out of order in the passbook)
        full_year={c.village_id for c in [c for c in cooperatives if c not in shops][:FULL_YEAR]},
        with_loans={c.village_id for c in cooperatives[AS_POSTED : AS_POSTED + LOANS_IN]},
        sales=sales,
        bank_loans=banked,
        every_use={c.village_id for c in cooperatives[:ANNOUNCING]} | banked,
        meetings=_meetings(cooperatives),
    )


def _savings_year(stories: Stories, result: SeedResult, closed: date):
    def run(cooperative: Cooperative, actor, timeline=None) -> _Year:
        village = cooperative.village_id
        agenda = Agenda(timeline)
        capital = capital_day(seed=village, first_round=village in stories.first_round)
        funds = funding_agenda(
            cooperative,
            on=capital,
            agenda=agenda,
            uses=len(FUND_USES) if village in stories.every_use else FEW_USES,
        )
        bank_loan = (
            bank_loan_agenda(cooperative, on=LAST_DAY, agenda=agenda)
            if village in stories.bank_loans
            else None
        )
        shop = commerce_year(
            cooperative, actor=actor, sales=stories.sales.get(village), timeline=timeline
        )
        others = Interleaved(timeline, *(y for y in (agenda, shop) if y is not None))
        year = SavingsYear.run(
            cooperative, actor=actor, full=village in stories.full_year, timeline=others
        )
        if village in stories.with_loans:  # its loans, booked as they happened
            first = village == min(stories.with_loans)  # tells every story
            result.loans.add(loans_seed_cooperative(cooperative, closed, every_story=first))
        others.finish()
        return _Year(
            result=(
                year.result if year else SavingsSeedResult(),
                shop.result if shop else CommerceSeedResult(),
                funds,
                bank_loan,
            ),
        )

    return run


HELD, LATE, NOT_HELD = "held", "late", "not_held"
# The RATs of 2025 the demo books: Kecamatan Balaraja's first five cooperatives (a RAT with its
# documents pack and minutes costs about two seconds of CPU: the regency's would take minutes),
# the fifth held late and the ninth never held.
RAT_HELD = 5
LATE_EVERY, NOT_HELD_EVERY = 4, 5


def _year_end_2025(stories: Stories, result: SeedResult):
    """The RAT of 2025 (`ledger_seed`'s `after_2025`, once 2025 is closed): the bendahara's SHU
    proposal four weeks before (none after a deficit: every demo cooperative's first months but
    Cangkudu's, ADR 0030), the meeting (`rat_seed`), and the SHU the RAT approved posted and paid into the
    members' simpanan sukarela on the Monday after."""

    def run(cooperative: Cooperative) -> None:
        how = stories.meetings.get(cooperative.village_id)
        if how is None:
            return
        day = rat_day(cooperative, year=2025, late=how == LATE)
        with clock.as_of(_morning(day - timedelta(days=28))):
            proposal = shu_seed_cooperative(cooperative, year=2025)
        rat_seed_cooperative(cooperative, year=2025, late=how == LATE, held=how != NOT_HELD)
        result.meetings[how] = result.meetings.get(how, 0) + 1
        if proposal is not None and how != NOT_HELD:
            with clock.as_of(_morning(day + timedelta(days=2))):
                shu_year = shu_seed_cooperative(cooperative, year=2025)
            if shu_year is not None and shu_year.status == "paid":
                result.shu_paid += 1

    return run


def _meetings(cooperatives: list[Cooperative]) -> dict[str, str]:
    """How each cooperative's RAT of 2025 went: every LATE_EVERY-th held late (after the 31 March
    deadline, within the legal limit), every NOT_HELD_EVERY-th announced but never held (now
    overdue), the others held on a Saturday of February or March."""
    how = {}
    for n, cooperative in enumerate(cooperatives[:RAT_HELD]):
        if n % NOT_HELD_EVERY == NOT_HELD_EVERY - 1:
            how[cooperative.village_id] = NOT_HELD
        elif n % LATE_EVERY == LATE_EVERY - 1:
            how[cooperative.village_id] = LATE
        else:
            how[cooperative.village_id] = HELD
    return how


def _morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def seed(*, limit: int | None = None, scale: float = 1.0, progress=None) -> SeedResult:
    """See `_seed`. Two settings for the run only, both measured on the full demo: Python's
    cyclic garbage collector is paused (the run allocates millions of short-lived objects and
    keeps few cycles: the collector's passes cost a tenth of the time, the memory stays the same),
    and on SQLite the connection's page cache is raised (the year of books makes a database of
    about 300 MB; reading index pages back from the operating system cost a fifth of the time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        if connection.vendor != "sqlite":
            return _seed(limit=limit, scale=scale, progress=progress)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
        try:
            return _seed(limit=limit, scale=scale, progress=progress)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
    finally:
        if collecting:
            gc.enable()


@transaction.atomic
def _seed(*, limit: int | None, scale: float, progress) -> SeedResult:
    """Seed the regency (or its first `limit` villages), with about MEMBERS x `scale` members per
    cooperative. Safe to run again: nothing changes.

    `progress(done, total, stage)` is called as each cooperative is done in each stage."""
    if scale < 0:
        raise ValueError("The scale cannot be negative.")
    result = SeedResult()
    villages = list(
        Village.objects.filter(code__startswith=REGENCY + ".")
        .select_related("district")
        .order_by("code")
    )
    if limit is not None:
        villages = villages[:limit]
    existing = set(Cooperative.objects.values_list("village_id", flat=True))
    fake = Faker("id_ID")  # one, re-seeded for each cooperative
    # The regency's cooperatives founded at once (the Dinas's onboarding), then each one's
    # profile and board.
    new = [(i, v) for i, v in enumerate(villages) if v.code not in existing]
    founded = cooperative_services.cooperatives_found_bulk(
        actor=None, foundings=[_founding(village, fake) for _i, village in new]
    )
    result.cooperatives_created += len(founded)
    for (index, _village), cooperative in zip(new, founded, strict=True):
        _seed_cooperative(index, cooperative, result, fake)
        if progress:
            progress(index + 1, len(villages), "Koperasi dan pengurus")
    cooperatives = list(
        Cooperative.objects.filter(village__code__startswith=REGENCY + ".")
        .select_related("village")
        .order_by("village_id")
    )
    for phone, name, agency, organisation, prefix in SUPERVISORS:
        _supervisor(phone, name, agency, organisation, prefix)
    # Members, for the cooperatives that have none yet (one Faker, re-seeded per cooperative).
    count = round(MEMBERS * scale)
    with_members = set(Member.objects.values_list("cooperative_id", flat=True).distinct())
    for done, cooperative in enumerate(cooperatives, start=1):
        if count and cooperative.pk not in with_members:
            result.members_created += seed_members(
                cooperative, count=count, fake=fake, password_hash=_demo_password_hash()
            )
        if progress:
            progress(done, len(cooperatives), "Anggota")
    # A year of books (chart of accounts, postings, closed months) for those that have none yet,
    # with the members' year of simpanan among them.
    # The year of books comes in as an opening import, posted as of yesterday evening, so that
    # yesterday's signed checkpoint covers it and the transparency portal and the inclusion
    # proofs work at once; from today on the daily close checkpoints each day (core.clock).
    yesterday = timezone.localdate() - timedelta(days=1)
    opening = timezone.make_aware(datetime.combine(yesterday, time(18, 0)))
    # The ketua's cooperative (the first) posts its year as it happened instead, week by week,
    # each week checkpointed (ledger_seed.Timeline): its books are booked twice (a rehearsal
    # rolled back, for the plan to see the savings), about 3.5 s of CPU a cooperative, so the
    # others keep the opening import, as cooperatives bringing in their paper books would.
    as_posted = {c.village_id for c in cooperatives[:AS_POSTED]}
    stories = demo_stories(cooperatives)
    entries_before = JournalEntry.objects.count()
    with clock.as_of(opening):
        books = ledger_seed(
            cooperatives,
            progress=(lambda done, total: progress(done, total, "Buku dan simpanan"))
            if progress
            else None,
            extra=_savings_year(stories, result, yesterday - timedelta(days=1)),
            as_posted=as_posted,
            after_2025=_year_end_2025(stories, result),
        )
        # The loans' daily close through the day before yesterday, as of yesterday evening
        # (catching up every day since the first disbursement: days past due, collectibility,
        # denda); yesterday is closed by the platform's `kopdes close-day`, like every day after.
        for cooperative in cooperatives:
            if cooperative.village_id in stories.with_loans:
                loans_close_through(cooperative, yesterday - timedelta(days=1), result.loans)
    if result.loans.loans:  # booked by this run
        result.loans.entries = JournalEntry.objects.filter(
            cooperative__village_id__in=stories.with_loans, source_kind__startswith="loan."
        ).count()
    # What the demo's year does not make by itself for the early warnings, made yesterday through
    # the services (demo.warnings_seed), before yesterday's checkpoints sign it.
    with clock.as_of(opening):
        examiner = User.objects.filter(phone=EXAMINER).first()
        warnings_stage(cooperatives, examiner=examiner, on=yesterday)
    signed = Checkpoint.objects.count()
    for cooperative in cooperatives:
        if not Checkpoint.objects.filter(cooperative=cooperative, date__gte=yesterday).exists():
            checkpoint_create(cooperative=cooperative, day=yesterday)
    result.checkpoints = Checkpoint.objects.count() - signed + books.checkpoints
    # the books' (savings, loans, gerai and the plan), and the loans' daily close after them
    result.entries_posted = JournalEntry.objects.count() - entries_before
    for savings, shop, funds, bank_loan in books.extras:
        result.savings.add(savings)
        result.commerce.add(shop)
        result.fund_uses += len(funds.uses)
        if bank_loan is not None:
            result.bank_loans += 1
            result.installments_paid += bank_loan.paid
    # The sekretaris publishes the AD/ART and the month's announcements (a PDF each: the first
    # ANNOUNCING cooperatives only, to keep the demo quick; run again, nothing is published twice).
    published = Announcement.objects.count()
    for done, cooperative in enumerate(cooperatives[:ANNOUNCING], start=1):
        announcements_seed_cooperative(cooperative, on=timezone.localdate())
        if progress:
            progress(done, min(len(cooperatives), ANNOUNCING), "Pengumuman")
    result.announcements = Announcement.objects.count() - published
    # The regency's Dinas assesses the health of 2025 from the closed books (ADR 0033), in the
    # first ANNOUNCING cooperatives (the others are assessed on their page or by `kopdes health`).
    # Before it, the Dinas answers the management questionnaire of each: ten "yes" where the
    # savings-and-loan unit already lends under a written policy (two "no" at every third of
    # them), elsewhere from all ten down to none as the cooperative's index goes. The books make
    # the rest of the spread: the cooperatives that lent in 2025 come out "cukup sehat" or "dalam
    # pengawasan", the others, holding their CSR capital idle, "dalam pengawasan khusus".
    examiner = User.objects.filter(phone=EXAMINER).first()
    questions = [q["key"] for q in method_in_force().rules.get("questionnaire", [])]
    for index, cooperative in enumerate(cooperatives[:ANNOUNCING]):
        if not Assessment.objects.filter(cooperative=cooperative, year=2025).exists():
            if cooperative.village_id in stories.with_loans:
                no = 2 if index % 3 == 0 else 0
            else:
                no = index % (len(questions) + 1)
            yes = questions[: len(questions) - no]
            management_answers_fill(
                actor=examiner,
                cooperative=cooperative,
                year=2025,
                answers=dict.fromkeys(yes, True),
            )
            health_assess(actor=examiner, cooperative=cooperative, year=2025)
            result.health_assessed += 1
    result.warnings_open = warnings_seed(cooperatives, on=timezone.localdate())
    result.coaching = coaching_seed(cooperatives, examiner)  # pembinaan (docs/coaching.md)
    phone, name, agency, organisation = CSR_PARTNER
    if cooperatives:  # `--limit 0`: the database and the supervisors only
        _supervisor(phone, name, agency, organisation, cooperatives=cooperatives[:CSR_FUNDED])
    result.accounts = demo_accounts(cooperatives[: AS_POSTED + LOANS_IN][:2])
    result.kasir = kasir_page(cooperatives[0]) if cooperatives else None
    return result


def demo_accounts(officers_of: list[Cooperative]) -> list[tuple[str, str, str]]:
    """The supervisors, the CSR partner, and the officers of `officers_of`: Balaraja (the week by
    week books) and the cooperative that lends (the loans)."""
    from kopdes.accounts.models import Role

    rows = [(name, phone, prefix) for phone, name, _a, _o, prefix in SUPERVISORS]
    rows.append((CSR_PARTNER[1], CSR_PARTNER[0], f"{CSR_FUNDED} koperasi"))
    for cooperative in officers_of:
        for role in (
            Role.objects.filter(cooperative=cooperative, ended_on__isnull=True)
            .select_related("user")
            .order_by("id")
        ):
            rows.append(
                (
                    f"{role.get_kind_display()}: {role.user.full_name}",
                    role.user.phone,
                    cooperative.name,
                )
            )
    return rows


def kasir_page(cooperative: Cooperative) -> tuple[str, str, str] | None:
    """The sembako gerai's kasir page of `cooperative` and who opens it (its kasir)."""
    from django.urls import NoReverseMatch, reverse

    from kopdes.accounts.models import Role
    from kopdes.cooperatives.models import BusinessUnit

    unit = BusinessUnit.objects.filter(cooperative=cooperative, kind="sembako").first()
    role = (
        Role.objects.filter(cooperative=cooperative, kind__in=["kasir", "bendahara"])
        .filter(ended_on__isnull=True)
        .select_related("user")
        .order_by("-kind")  # the kasir first
        .first()
    )
    if unit is None or role is None:
        return None
    try:
        url = reverse(
            "web:commerce_pos",
            kwargs={"cooperative_id": cooperative.public_id, "unit_code": unit.code},
        )
    except NoReverseMatch:  # the kasir page's URL as the shared design names it
        url = f"/app/{cooperative.public_id}/gerai/{unit.code}/kasir/"
    return url, f"{role.get_kind_display()} {role.user.full_name}", role.user.phone
