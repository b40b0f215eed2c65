"""The whole demo, on one seeded regency per module (`regency`): twelve cooperatives seeded once,
in a savepoint rolled back after the module, and read (or seeded further) by each test, whose
own changes end with the test. Seeding costs seconds per full-year cooperative, so seeding the
same twelve again for every test took about 20 s of the suite's CPU (docs/testing.md)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kopdes.accounts.access import visible_cooperatives
from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.models import AuditEvent
from kopdes.demo.savings_seed import FULL_YEAR
from kopdes.demo.seed import AS_POSTED, DEMO_PASSWORD, SeedResult, demo_stories, seed
from kopdes.ledger.models import JournalEntry, JournalLine
from kopdes.loans.models import Loan
from kopdes.members.models import Member
from kopdes.members.rules import nik_check
from kopdes.members.selectors import known_regions
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.selectors import reconciliation, subledger_mismatches

pytestmark = pytest.mark.django_db

SEEDED = 12  # cooperatives in the module's regency


def people(villages: list[str]):
    """Everything seeded about the cooperatives of `villages` (and the supervisors), in a
    stable order: who, members, simpanan, books."""
    in_scope = {"cooperative__village_id__in": villages}
    staff = User.objects.filter(roles__cooperative__village_id__in=villages) | User.objects.filter(
        phone__startswith="+6281100000"
    )
    return (
        list(
            staff.distinct().order_by("phone").values_list("phone", "full_name", "nik", "kk_number")
        ),
        list(
            Member.objects.filter(**in_scope)
            .order_by("phone", "nik")
            .values_list("phone", "full_name", "nik", "number", "status", "joined_on")
        ),
        sorted(
            SavingsTransaction.objects.filter(**in_scope).values_list(
                "cooperative__village_id",
                "account__member__number",
                "account__kind",
                "kind",
                "amount",
                "balance_after",
                "date",
                "receipt_number",
            )
        ),
        sorted(
            JournalEntry.objects.filter(**in_scope).values_list(
                "cooperative__village_id", "number", "date", "memo", "total"
            )
        ),
    )


@dataclass
class Regency:
    first: SeedResult  # what seeding the twelve cooperatives created
    two_alone: tuple  # `people()` of the first two, seeded alone on an empty database


@pytest.fixture(scope="module")
def regency(django_db_setup, django_db_blocker) -> Iterator[Regency]:
    """The first SEEDED cooperatives of the regency, seeded once for the module in a savepoint
    (rolled back after it). Before them, on the empty database, the first two are seeded alone
    and rolled back: `two_alone` is what they were, for the determinism test."""
    with django_db_blocker.unblock():
        assert not Cooperative.objects.exists(), "the regency needs the migrated database alone"
        alone = transaction.atomic()
        alone._from_testcase = True
        alone.__enter__()
        try:
            seed(limit=2)
            two_alone = people(list(Cooperative.objects.values_list("village_id", flat=True)))
        finally:
            transaction.set_rollback(True)
            alone.__exit__(None, None, None)
        assert not User.objects.exists()
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as Django's TestCase: `atomic(durable=True)` still works
        atomic.__enter__()
        try:
            yield Regency(first=seed(limit=SEEDED), two_alone=two_alone)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Cooperative,
            User,
            AuditEvent,
            Member,
            JournalEntry,
            JournalLine,
            SavingsAccount,
            SavingsTransaction,
            Bill,
        )
    )


def test_demo_is_deterministic_idempotent_and_scoped(client, regency):
    first = regency.first
    assert first.cooperatives_created == SEEDED
    assert first.members_created == SEEDED * 40
    assert first.savings.cooperatives == SEEDED and first.savings.movements > FULL_YEAR * 200
    assert first.entries_posted == JournalEntry.objects.count()
    before = counts()
    again = seed(limit=SEEDED)
    assert again.cooperatives_created == again.members_created == again.entries_posted == 0
    assert again.savings.cooperatives == 0
    assert counts() == before
    # Started again on a later day, the demo seeds no cooperative, member or simpanan twice: the
    # staged warnings and the announcements keep their first day (their keys are not reused).
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        tomorrow = seed(limit=SEEDED)
    assert tomorrow.cooperatives_created == tomorrow.members_created == 0
    assert tomorrow.savings.cooperatives == 0 and tomorrow.announcements == 0

    # Every cooperative's members are valid and its savings reconcile with its books.
    known = known_regions()
    full_year = demo_stories(list(Cooperative.objects.order_by("village_id"))).full_year
    for coop in Cooperative.objects.order_by("village_id")[::4]:
        district = coop.village.district_id.replace(".", "")
        members = Member.objects.filter(cooperative=coop)
        spouses = Loan.objects.filter(cooperative=coop, related_party=True).count()  # loans_seed
        assert members.count() == 40 + spouses
        for m in members:
            assert m.nik.startswith(district) and m.domicile_id == coop.village_id
            assert nik_check(m.nik, sex=m.sex, birth_date=m.birth_date, known=known).ok
        for row in reconciliation(cooperative=coop):
            assert row.difference == 0, (coop, row)
            assert row.subledger > 0 or (
                coop.village_id not in full_year and row.kind != "pokok"
            ), row
        assert subledger_mismatches(cooperative=coop) == []
        wajib = Bill.objects.filter(cooperative=coop, kind="wajib").exclude(status="cancelled")
        if coop.village_id in full_year:  # a year of simpanan through the services
            unpaid = wajib.exclude(status="paid").count() / wajib.count()
            assert 0.1 <= unpaid <= 0.6, (coop, unpaid)
        else:  # the founding meeting's simpanan pokok
            assert not wajib.exists()

    coop = Cooperative.objects.order_by("village_id").first()
    assert coop.name == "Koperasi Kelurahan Merah Putih Balaraja"
    board = Role.objects.filter(cooperative=coop).exclude(kind__in=["manajer", "kasir"])
    assert sorted(board.values_list("kind", flat=True)) == sorted(
        [
            "ketua",
            "sekretaris",
            "bendahara",
            "wakil_usaha",
            "wakil_anggota",
            "ketua_pengawas",
            "pengawas",
            "pengawas",
        ]
    )
    for role in board.select_related("user"):
        assert role.user.nik.startswith("360301"), role.user.nik  # the kecamatan of Balaraja
        assert role.user.phone.startswith("+628")

    dinas = User.objects.get(phone="+6281100000001")
    camat = User.objects.get(phone="+6281100000002")
    csr = User.objects.get(phone="+6281100000005")
    assert visible_cooperatives(dinas).count() == SEEDED
    assert {c.village.district_id for c in visible_cooperatives(camat)} == {"36.03.01"}
    assert visible_cooperatives(csr).count() == 5
    assert dinas.check_password(DEMO_PASSWORD)
    # the regency's Dinas examines the cooperatives' health (ADR 0033); the others only read
    from kopdes.accounts.access import Capability, holds

    coop = visible_cooperatives(camat).first()
    assert holds(dinas, coop, Capability.ASSESS_HEALTH)
    assert not holds(camat, coop, Capability.ASSESS_HEALTH)
    assert holds(camat, coop, Capability.VIEW_HEALTH)
    from kopdes.demo.seed import ANNOUNCING
    from kopdes.supervision.models import Assessment

    assessed = Assessment.objects.filter(year=2025, is_current=True)
    assert assessed.count() == min(SEEDED, ANNOUNCING) == regency.first.health_assessed
    assert {a.assessed_by_label for a in assessed} == {dinas.full_name}
    # The predicates spread because the books differ: the cooperatives whose savings-and-loan
    # unit lent in 2025 hold loans at 31 December, the others their CSR capital idle.
    lent = {a.cooperative.village_id for a in assessed if a.inputs["loans_outstanding"] > 0}
    assert lent == demo_stories(list(Cooperative.objects.order_by("village_id"))).with_loans
    assert {"cukup_sehat", "dalam_pengawasan", "dalam_pengawasan_khusus"} <= {
        a.predicate for a in assessed
    }

    response = client.post(
        "/api/v1/auth/login",
        {"phone": "081100000001", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_same_seed_same_people_and_savings(regency):
    """The first two cooperatives seeded alone on an empty database, and seeded among twelve:
    the same people, members, simpanan and books (each village seeds its own generators)."""
    villages = list(
        Cooperative.objects.order_by("village_id").values_list("village_id", flat=True)[:2]
    )
    assert people(villages) == regency.two_alone
    assert all(regency.two_alone), "the comparison must see people, members, simpanan and books"


def test_scale(regency):
    result = seed(limit=SEEDED + 2, scale=0.5)  # two more cooperatives, half the members
    assert result.members_created == 2 * 20
    added = Cooperative.objects.order_by("village_id")[SEEDED:]
    # one request pending in each (the leaver is in the full-year cooperatives only)
    assert Member.objects.filter(cooperative__in=added, status="active").count() == 2 * 19
    assert Member.objects.filter(cooperative__in=added, status="requested").count() == 2
    # the next cooperative: books only (a request and a leaver were the other two)
    assert seed(limit=SEEDED + 3, scale=0).members_created == 0
    third = Cooperative.objects.order_by("village_id")[SEEDED + 2]
    assert JournalEntry.objects.filter(cooperative=third).exists()
    assert not Member.objects.filter(cooperative=third).exists()
    assert not SavingsTransaction.objects.filter(cooperative=third).exists()
    with pytest.raises(ValueError):
        seed(limit=1, scale=-1)


def test_command_seeds_without_serving(capsys, regency):
    call_command("demo", "--no-serve", "--limit", str(SEEDED + 1), "--scale", "0.25")
    out = capsys.readouterr().out
    assert "Kopdes-Demo-2026" in out and "+6281100000001" in out
    assert Cooperative.objects.count() == SEEDED + 1
    added = Cooperative.objects.order_by("village_id")[SEEDED]
    assert Member.objects.filter(cooperative=added).count() == 10
    for what in ("cooperatives", "officers", "members", "journal entries", "Seeded in"):
        assert what in out, what
    # the first cooperative's kasir page and the kasir who opens it
    first = Cooperative.objects.order_by("village_id").first()
    kasir = Role.objects.get(cooperative=first, kind="kasir", ended_on__isnull=True).user
    assert f"/app/{first.public_id}/gerai/sembako/kasir/" in out and kasir.phone in out
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", "--scale", "-1")


def test_books_are_signed_and_verifiable_after_the_demo(client, regency):
    from datetime import timedelta

    from django.utils import timezone

    from kopdes.ledger.checkpoints import ledger_verify, parse_summary_text
    from kopdes.ledger.models import Checkpoint

    yesterday = timezone.localdate() - timedelta(days=1)
    weekly = {c.pk for c in Cooperative.objects.order_by("village_id")[:AS_POSTED]}
    assert len(weekly) == AS_POSTED
    for cooperative in Cooperative.objects.all():
        signed = list(Checkpoint.objects.filter(cooperative=cooperative).order_by("date"))
        entries = JournalEntry.objects.filter(cooperative=cooperative).count()
        assert signed[-1].tree_size == entries > 0
        if cooperative.pk not in weekly:  # an opening import, as of yesterday evening
            assert [c.date for c in signed] == [yesterday]
            continue
        # The year as it happened: a checkpoint every week, each holding the entries posted that
        # week, dated in it (or, the month-end interest, on the last day of the month before).
        # The gerai's entries too: booked on their business day, posted with the week's.
        assert len(signed) > 50
        # Sundays; and yesterday, when the early warnings' situations were staged (signed by
        # yesterday's close: demo.warnings_seed)
        assert all(c.date.weekday() == 6 or c.date == yesterday for c in signed)
        for checkpoint in signed:
            days = parse_summary_text(checkpoint.summary.split("\n\n")[0] + "\n").days
            assert days and all(
                checkpoint.date - timedelta(days=13) <= d.day <= checkpoint.date for d in days
            ), checkpoint
        assert ledger_verify(cooperative=cooperative).ok
    for cooperative in Cooperative.objects.exclude(pk__in=weekly):
        assert ledger_verify(cooperative=cooperative).ok
    # A member of the public sees the signed checkpoints; an officer gets an inclusion proof.
    assert client.get("/transparansi/").status_code == 200
    bendahara = Role.objects.filter(kind="bendahara").select_related("user").first().user
    client.force_login(bendahara)
    entry = JournalEntry.objects.filter(cooperative=bendahara.roles.first().cooperative).first()
    token = client.post(
        "/api/v1/auth/login",
        {"phone": bendahara.phone, "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    proof = client.get(
        f"/api/v1/ledger/entries/{entry.public_id}/proof", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert proof.status_code == 200, proof.content


def test_the_public_report_of_a_demo_cooperative_is_tied_to_its_signed_checkpoint(client, regency):
    """The demo's months are closed as of yesterday evening, after the last entry: the last
    checkpoint holds every entry, so it covers the closing and the public report shows its root
    (for a cooperative whose year was posted week by week and one whose books came in at once)."""
    from kopdes.ledger.models import Checkpoint

    for cooperative in Cooperative.objects.order_by("village_id")[AS_POSTED - 1 : AS_POSTED + 1]:
        checkpoint = Checkpoint.objects.filter(cooperative=cooperative).latest("date")
        html = client.get(
            f"/transparansi/{cooperative.village_id}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert "Closed books as of 31 Oct 2026" in html
        assert checkpoint.root_hash[:16] in html
        assert "not yet covered" not in html


def test_the_loans_portfolio_is_booked_by_the_services_and_reconciles(regency):
    """The loans of the LOANS_IN cooperatives after the first (demo.loans_seed), after the daily
    close through yesterday: the first of them has a loan in every collectibility class, an early
    payoff and a restructure approved by a second officer; the others a few loans each, drawn
    by their own generator; every ketua's spouse's loan is a related-party loan approved by both
    the pengurus and the pengawas; and each cooperative's loans sub-ledger equals its GL."""
    from kopdes.demo.seed import LOANS_IN
    from kopdes.loans.models import LoanDecision, LoanRestructure, LoanTransaction
    from kopdes.loans.selectors import loans_reconcile

    lending = list(Cooperative.objects.order_by("village_id")[AS_POSTED : AS_POSTED + LOANS_IN])
    cooperative = lending[0]
    assert LOANS_IN > 1
    loans = Loan.objects.filter(cooperative=cooperative)
    active = loans.filter(status=Loan.Status.ACTIVE)
    assert set(active.values_list("collectibility", flat=True)) == {1, 2, 3, 4, 5}
    everywhere = Loan.objects.filter(status=Loan.Status.ACTIVE)
    assert sum(regency.first.loans.classes.values()) == everywhere.count()
    assert regency.first.loans.classes[1] > regency.first.loans.classes[5]  # mostly healthy
    paid_early = LoanTransaction.objects.filter(loan__in=loans, kind="payoff")
    assert (
        paid_early.count()
        == 1
        == loans.filter(status=Loan.Status.PAID, related_party=False).count()
    )
    restructure = LoanRestructure.objects.get(loan__in=loans)
    assert restructure.status == LoanRestructure.Status.APPROVED
    assert restructure.requested_by_id != restructure.decided_by_id
    assert loans.get(pk=restructure.loan_id).restructured_count == 1
    # Spread: every lending cooperative has loans, of different sizes from one to the next, and
    # no other cooperative lends.
    assert set(Loan.objects.values_list("cooperative_id", flat=True)) == {c.pk for c in lending}
    sizes = {
        c.pk: sorted(Loan.objects.filter(cooperative=c).values_list("principal", flat=True))
        for c in lending
    }
    assert len({tuple(one) for one in sizes.values()}) == len(lending)
    related = Loan.objects.filter(related_party=True)
    assert related.count() >= 2
    # decided ones: the application staged for the early warnings (demo.warnings_seed) waits
    for loan in related.exclude(status=Loan.Status.APPLIED):
        assert sorted(LoanDecision.objects.filter(loan=loan).values_list("role", "decision")) == [
            ("pengawas", "approve"),
            ("pengurus", "approve"),
        ]
    for loan in Loan.objects.all():  # maker-checker: who applied never decided
        deciders = set(LoanDecision.objects.filter(loan=loan).values_list("actor_id", flat=True))
        assert loan.applied_by_id not in deciders
    for one in lending:
        rows = loans_reconcile(cooperative=one)
        assert all(row.difference == 0 for row in rows), one
        assert rows[0].ledger > 0
    # Its officers are among the printed demo accounts, so the loans can be seen logged in.
    kasir = Role.objects.get(cooperative=cooperative, kind="kasir", ended_on__isnull=True)
    assert (kasir.user.phone, cooperative.name) in {
        (phone, place) for _who, phone, place in regency.first.accounts
    }


def test_the_gerai_are_booked_by_the_commerce_services_and_reconcile(regency):
    """Issue 12.9: every cooperative has its gerai's catalogue (valid EAN-13 barcodes, member
    prices 3-8 % below; LPG 3 kg in some, obat bebas with a year of sales); the first and the
    lending cooperatives sell (stock received and sold, stock equal to persediaan); the
    FULL_YEAR_SHOP cooperatives after the first a year of sales with members at member prices,
    QRIS sales paid through the simulator's signed notification, returns approved by a second
    officer, a transfer from the warehouse and an opname with differences counted twice and
    approved by another person. No synthetic recap (`sale.cash`, `purchase.cash`) is left."""
    from kopdes.commerce.models import (
        GoodsReceipt,
        Product,
        Sale,
        SaleLine,
        SaleReturn,
        StockCount,
        StockTransfer,
    )
    from kopdes.commerce.rules import ean13_valid
    from kopdes.commerce.selectors import commerce_reconcile
    from kopdes.demo.commerce_seed import FULL_YEAR_SHOP
    from kopdes.demo.seed import LOANS_IN
    from kopdes.demo.tests.test_ledger_seed import assert_balanced_and_never_short
    from kopdes.payments.models import PaymentIntent, PaymentNotification

    assert not JournalEntry.objects.filter(source_kind__in=["sale.cash", "purchase.cash"]).exists()
    cooperatives = list(Cooperative.objects.order_by("village_id"))
    shops = regency.first.commerce
    assert shops.cooperatives == SEEDED and shops.sales == Sale.objects.count()
    full = cooperatives[AS_POSTED : AS_POSTED + FULL_YEAR_SHOP]
    selling = cooperatives[: AS_POSTED + LOANS_IN]
    kinds = set()
    for coop in cooperatives:
        products = Product.objects.filter(cooperative=coop)
        assert products.count() >= 9, coop
        kinds.add(frozenset(products.values_list("category__name", flat=True)))
        for product in products:
            assert product.barcode and product.barcode.startswith("899")
            assert ean13_valid(product.barcode), product.barcode
            off = 100 - product.member_price * 100 / product.non_member_price
            assert 3 <= off < 9, (product.sku, off)
        rows = commerce_reconcile(coop)
        assert all(row.difference == row.movements_difference == 0 for row in rows), rows
        sales = Sale.objects.filter(cooperative=coop, status="completed")
        if coop not in selling:  # the catalogue only
            assert not sales.exists() and not GoodsReceipt.objects.filter(cooperative=coop)
            continue
        assert rows and GoodsReceipt.objects.filter(cooperative=coop).exists()
        assert sales.exists(), coop
        days = sales.values_list("on", flat=True)
        if coop in full:
            assert min(days).isoformat() < "2025-12-31" and max(days).isoformat() > "2026-11-20"
            assert sales.count() > 1_000
        else:
            assert min(days).isoformat() > "2026-11-01"
    assert any("LPG" in k for k in kinds) and any("LPG" not in k for k in kinds)
    assert sum("Obat bebas" in k for k in kinds) == FULL_YEAR_SHOP
    member_lines = SaleLine.objects.filter(sale__cooperative__in=full, sale__member__isnull=False)
    assert member_lines.count() > 1_000
    assert not member_lines.exclude(unit_price=F("product__member_price")).exists()
    others = SaleLine.objects.filter(sale__cooperative__in=full, sale__member__isnull=True)
    assert others.exists()
    assert not others.exclude(unit_price=F("product__non_member_price")).exists()
    for coop in full:
        qris = Sale.objects.filter(cooperative=coop, payment="qris", status="completed")
        assert qris.count() >= 10
        paid = PaymentIntent.objects.filter(cooperative=coop, status="paid")
        assert paid.count() == qris.count()
        assert (
            PaymentNotification.objects.filter(intent__in=paid, signature_valid=True).count()
            == paid.count()
        )
        returns = SaleReturn.objects.filter(sale__cooperative=coop, status="approved")
        assert returns.exists()
        for one in returns:
            assert one.requested_by_label != one.decided_by_label and one.entry_id
        assert StockTransfer.objects.filter(
            cooperative=coop, from_unit__kind="pergudangan"
        ).exists()
        count = StockCount.objects.get(cooperative=coop)
        assert count.status == "posted" and count.entry_id
        assert len({count.counted_by_label, count.recounted_by_label, count.approved_by_label}) == 3
        differing = [ln for ln in count.lines.all() if ln.value_difference]
        assert differing and all(ln.reason for ln in differing)
    # no cash box, bank or stock account below zero at a month's end, loans and gerai included
    for coop in cooperatives:
        assert_balanced_and_never_short(coop)


def test_member_purchases_are_the_shu_basis(regency):
    """Members bought at the gerai with a year of sales: the SHU's jasa usaha basis per member
    per unit, net of the returns; some bought in the other cooperatives' last week too."""
    from kopdes.commerce.selectors import member_purchases

    cooperatives = list(Cooperative.objects.order_by("village_id"))
    rows = member_purchases(cooperatives[AS_POSTED], year=2026)
    assert len({row.member_id for row in rows}) > 20
    assert {row.unit_code for row in rows} >= {"sembako", "lpg"}
    assert all(row.net > 0 for row in rows)
    assert member_purchases(cooperatives[0], year=2026)


def test_funds_rat_and_shu_are_booked_by_their_services(regency):
    """Issue 13.7: every cooperative's CSR grant received and spent on its permitted lines, each
    use with its evidence (the fund-use report equal to the books, no capital booked twice); a
    state-bank loan with the installments due paid; the RATs of 2025 of Kecamatan Balaraja (one
    late, one never held); the SHU of 2025 where the year had a surplus, approved by the RAT's
    vote, posted and paid into the members' simpanan sukarela; the AD/ART published."""
    from django.utils import timezone

    from kopdes.announcements.models import Document
    from kopdes.demo.funding_seed import GRANT
    from kopdes.demo.seed import RAT_HELD
    from kopdes.funding import selectors as funding
    from kopdes.funding.models import BankLoan, FundingSource
    from kopdes.ledger.selectors import account_balances
    from kopdes.rat.models import Meeting
    from kopdes.rat.rules import default_deadline
    from kopdes.shu.models import ShuMemberShare, ShuYear

    cooperatives = list(Cooperative.objects.order_by("village_id"))
    assert not JournalEntry.objects.filter(source_kind="capital.csr_received").exists()
    for coop in cooperatives:
        [source] = FundingSource.objects.filter(cooperative=coop, kind="csr")
        [row] = funding.fund_use(coop, source)
        assert row.received == GRANT and row.use_count >= 3, coop
        assert row.evidence_count == row.use_count and row.balance > 0
        assert Document.objects.filter(cooperative=coop, kind="ad_art").exists()

    cangkudu = cooperatives[AS_POSTED]
    [loan] = BankLoan.objects.all()
    assert loan.cooperative == cangkudu
    paid = loan.installments.filter(paid_on__isnull=False).count()
    assert paid == regency.first.installments_paid >= 7
    owed, on_2_201 = funding.bank_loans_reconcile(cangkudu)
    assert owed == on_2_201 > 0

    meetings = {m.cooperative_id: m for m in Meeting.objects.filter(fiscal_year=2025)}
    balaraja = [c for c in cooperatives if c.village.district_id == "36.03.01"]
    assert len(balaraja) == 9 and set(meetings) == {c.pk for c in balaraja[:RAT_HELD]}
    assert regency.first.meetings == {"held": 3, "late": 1, "not_held": 1}
    deadline = default_deadline(2025)
    late = [
        m
        for m in meetings.values()
        if m.status == "closed" and timezone.localdate(m.scheduled_at) > deadline
    ]
    assert len(late) == 1
    [waiting] = [m for m in meetings.values() if m.status != "closed"]
    assert waiting.status == "announced"
    assert Document.objects.filter(kind="rat_result", published=True).count() == RAT_HELD - 1

    # The SHU of 2025: only Cangkudu's first months (a year of trade) ended with a surplus.
    [shu] = ShuYear.objects.all()
    assert (shu.cooperative, shu.year, shu.status) == (cangkudu, 2025, "paid")
    assert shu.resolution.startswith("Keputusan RAT ") and regency.first.shu_paid == 1
    shares = ShuMemberShare.objects.filter(shu_year=shu, total__gt=0)
    assert shares.count() > 20
    assert sum(s.total for s in shares) <= shu.members_line
    credited = SavingsTransaction.objects.filter(cooperative=cangkudu, kind="shu")
    assert sum(t.amount for t in credited) == sum(s.total for s in shares)
    assert account_balances(cooperative=cangkudu, codes=["3-106"]).get("3-106", 0) <= 0
    share = shares.select_related("member").order_by("-total").first()
    out = StringIO()
    call_command(
        "shu",
        "explain",
        member=share.member.niak,
        cooperative=cangkudu.village_id,
        year=2025,
        stdout=out,
    )
    assert f"{share.total:,}".replace(",", ".") in out.getvalue()


def test_early_warnings_of_every_kind_appear(regency):
    """The system's scan over the demo (demo.warnings_seed) finds every kind of warning in some
    cooperative but the ledger verification, which only tampering makes."""
    from kopdes.supervision.models import EarlyWarning, WarningKind

    found = set(EarlyWarning.objects.values_list("kind", flat=True))
    assert set(WarningKind.values) - found == {WarningKind.LEDGER_VERIFICATION}
    assert regency.first.warnings_open == EarlyWarning.objects.filter(state="open").count()
