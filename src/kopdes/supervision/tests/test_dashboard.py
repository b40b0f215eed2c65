"""The supervisors' dashboard: each indicator on a small known fixture, the scope, the table's
filters and order, and a query count that does not grow with the number of cooperatives."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kopdes import testing
from kopdes.accounts.models import Employee
from kopdes.cooperatives.models import BusinessUnit, Cooperative, VillageProfile
from kopdes.core.models import AuditEvent
from kopdes.ledger import services as ledger
from kopdes.ledger.checkpoints.verifying import VERIFY_FAILED
from kopdes.ledger.models import Checkpoint, Period
from kopdes.loans.models import Loan
from kopdes.members.models import Member
from kopdes.savings.models import Bill
from kopdes.savings.tests.factories import make_member
from kopdes.supervision import dashboard as board
from kopdes.supervision.models import Assessment
from kopdes.supervision.selectors import method_in_force

TODAY = date(2026, 6, 15)


def _checkpoint(cooperative: Cooperative, day: date) -> None:
    Checkpoint.objects.create(
        cooperative=cooperative,
        date=day,
        tree_size=1,
        root_hash="0" * 64,
        day_count=1,
        day_debit_total=0,
        note="-",
        note_hash="0" * 64,
        key_id="0" * 8,
    )


@pytest.fixture
def world(place_a, place_b):
    """Place A: a year 2025 closed with Rp1.000.000 of jasa pinjaman and Rp100.000 of wajib;
    2026 so far Rp500.000 of income and Rp200.000 of expense; two active members and one who
    resigned; one employee in post and one who left; wajib bills of 2026 (Rp100.000 billed,
    Rp70.000 paid; a cancelled one and a 2025 one left out); its 2025 RAT held on time; August
    2025 closed on time; a checkpoint on 12 June 2026; Cukup Sehat for 2025; a farming unit
    against padi and ikan bandeng.
    Place B: two active loans (Rp10.000.000 in class 1, Rp3.000.000 in class 3), no RAT, a
    failed verification."""
    a, b = place_a.cooperative, place_b.cooperative
    first = make_member(a, joined_on=date(2025, 8, 1))
    make_member(a)
    gone = make_member(a)
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.RESIGNED)
    testing.close_shu_books(place_a, first)
    ledger.journal_entry_post(
        cooperative=a,
        date=date(2026, 3, 10),
        memo="Jasa",
        lines=[
            ledger.Line(account="1-102", debit=500_000),
            ledger.Line(account="4-102", credit=500_000),
        ],
        source_kind="testing",
    )
    ledger.journal_entry_post(
        cooperative=a,
        date=date(2026, 4, 10),
        memo="Honor",
        lines=[
            ledger.Line(account="5-201", debit=200_000),
            ledger.Line(account="1-102", credit=200_000),
        ],
        source_kind="testing",
    )
    for status in (Employee.Status.ACTIVE, Employee.Status.ENDED):
        Employee.objects.create(
            cooperative=a, full_name="Karyawan", job_title="Kasir", started_on=TODAY, status=status
        )
    for period, amount, paid, status in (
        ("2026-01", 50_000, 50_000, Bill.Status.PAID),
        ("2026-02", 50_000, 20_000, Bill.Status.PARTIAL),
        ("2026-03", 50_000, 0, Bill.Status.CANCELLED),
        ("2025-12", 50_000, 0, Bill.Status.UNPAID),
    ):
        Bill.objects.create(
            cooperative=a,
            member=first,
            kind="wajib",
            period=period,
            amount=amount,
            paid_amount=paid,
            status=status,
        )
    testing.make_rat(place_a, first, fiscal_year=2025)
    Period.objects.filter(cooperative=a, year=2025, month=8).update(
        closed_at=datetime(2025, 9, 5, 3, tzinfo=UTC)
    )
    Period.objects.filter(cooperative=a).exclude(year=2025, month=8).update(
        closed_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    _checkpoint(a, date(2026, 6, 1))
    _checkpoint(a, date(2026, 6, 12))
    Assessment.objects.create(
        cooperative=a,
        year=2025,
        method=method_in_force(),
        score=Decimal("70"),
        predicate="cukup_sehat",
        components=[],
        inputs={},
    )
    BusinessUnit.objects.filter(cooperative=a).update(is_active=False)
    BusinessUnit.objects.create(cooperative=a, code="TANI", kind="pertanian", name="Unit Tani")
    VillageProfile.objects.update_or_create(
        cooperative=a, defaults={"leading_commodities": ["Padi", "Ikan bandeng"]}
    )

    borrower = make_member(b)
    loans = testing.make_loans(place_b, borrower)
    Loan.objects.filter(pk=loans.active.pk).update(
        outstanding_principal=10_000_000, collectibility=1
    )
    Loan.objects.filter(pk=loans.applied.pk).update(
        status=Loan.Status.ACTIVE,
        disbursed_on=date(2026, 3, 2),
        outstanding_principal=3_000_000,
        collectibility=3,
    )
    AuditEvent.objects.create(
        cooperative_id=b.pk, action=VERIFY_FAILED, object_type="ledger", actor_label="sistem"
    )
    return place_a, place_b


def _rows(*cooperatives: Cooperative) -> dict[int, board.Row]:
    data = board.dashboard(
        Cooperative.objects.filter(pk__in=[c.pk for c in cooperatives]), today=TODAY
    )
    return {row.id: row for row in data.rows}


def test_each_indicator_of_a_cooperative(world):
    place_a, _place_b = world
    a = _rows(place_a.cooperative)[place_a.cooperative.pk]
    assert a.members == 2
    assert a.employees == 1
    assert a.capital["wajib"] == 100_000
    assert a.capital["retained"] == 1_000_000  # 2025's SHU, closed to 3-106
    assert a.capital["result"] == 300_000  # 2026 so far, not closed
    assert a.own_capital == 1_400_000
    assert a.assets == 1_400_000
    assert (a.revenue_ytd, a.shu_ytd) == (500_000, 300_000)
    # 2025 without its closing entry (which zeroes income): as the income statement shows it
    assert (a.revenue_last_year, a.shu_last_year) == (1_000_000, 1_000_000)
    assert (a.wajib_billed, a.wajib_paid, a.collection_rate) == (100_000, 70_000, Decimal("70.0"))
    assert a.rat_held and not a.rat_reported and a.rat_state == "on_time"
    # August 2025 to May 2026: ten ended months, August closed within ten days
    assert (a.periods_due, a.periods_on_time) == (10, 1)
    assert a.checkpoint_date == date(2026, 6, 12) and a.checkpoint_age == 3
    assert a.verification == board.VERIFY_OK
    assert (a.predicate, a.predicate_year) == ("cukup_sehat", 2025)
    assert a.business_lines == ["Unit Tani"]
    assert a.commodities == ["Padi", "Ikan bandeng"]
    assert a.unserved == ["Ikan bandeng"]  # padi is farming's; nothing handles fish


def test_loans_npl_rat_and_verification_of_another(world):
    _place_a, place_b = world
    b = _rows(place_b.cooperative)[place_b.cooperative.pk]
    assert (b.loans_outstanding, b.npl, b.npl_ratio) == (13_000_000, 3_000_000, Decimal("23.08"))
    assert not b.rat_held and b.rat_state == "late"  # not held by 31 March, before 30 June
    assert b.verification == board.VERIFY_FAILING
    assert b.checkpoint_date is None and b.predicate == ""


def test_totals_add_up_and_rates_come_from_the_sums(world):
    place_a, place_b = world
    data = board.dashboard(
        Cooperative.objects.filter(pk__in=[place_a.cooperative.pk, place_b.cooperative.pk]),
        today=TODAY,
    )
    totals = data.totals
    assert totals.cooperatives == 2
    assert totals.members == sum(r.members for r in data.rows)
    assert totals.loans_outstanding == 13_000_000 and totals.npl_ratio == Decimal("23.08")
    assert totals.collection_rate == Decimal("70.0")
    assert (totals.rat_due, totals.rat_held_count, totals.rat_reported_count) == (2, 1, 0)
    assert totals.verification_failing == 1 and totals.no_checkpoint == 1
    assert totals.predicates == {"cukup_sehat": 1, "": 1}


def test_trends_over_twelve_months(world):
    place_a, _place_b = world
    points = board.trends(Cooperative.objects.filter(pk=place_a.cooperative.pk), today=TODAY)
    assert next((p.year, p.month) for p in points) == (2025, 7)
    assert [(p.year, p.month) for p in points][-1] == (2026, 6)
    by_month = {(p.year, p.month): p for p in points}
    assert by_month[2025, 7].members == 0 and by_month[2025, 8].members == 1
    assert by_month[2026, 6].members == 2  # the one who resigned is not counted
    assert by_month[2025, 8].savings == 100_000
    assert by_month[2025, 12].revenue == 1_000_000  # the close left out
    assert by_month[2026, 3].revenue == 500_000


def test_filters_and_sorting(world):
    place_a, place_b = world
    data = board.dashboard(
        Cooperative.objects.filter(pk__in=[place_a.cooperative.pk, place_b.cooperative.pk]),
        today=TODAY,
    )
    a, b = place_a.cooperative.pk, place_b.cooperative.pk
    assert [r.id for r in board.filter_rows(data.rows, predicate="cukup_sehat")] == [a]
    assert [r.id for r in board.filter_rows(data.rows, predicate="none")] == [b]
    npl = board.filter_rows(data.rows, indicator="npl_ratio", at_least=Decimal(10))
    assert [r.id for r in npl] == [b]
    assert [r.id for r in board.sort_rows(data.rows, "loans_outstanding", True)] == [b, a]
    assert next(r.id for r in board.sort_rows(data.rows, "members", True)) == a
    scope = Cooperative.objects.all()
    assert list(board.search(scope, "teluknaga", "").values_list("pk", flat=True)) == [b]
    assert list(board.search(scope, "", "36.03.01").values_list("pk", flat=True)) == [a]
    assert list(board.search(scope, "36.03.13", "").values_list("pk", flat=True)) == [b]


def test_unserved_commodities():
    lines = [("Gerai Sembako", "sembako"), ("Unit Ternak", "peternakan")]
    assert board.unserved_commodities(["Beras", "Sapi", "Kerajinan bambu"], lines) == [
        "Kerajinan bambu"
    ]


def _queries(scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = board.dashboard(scope, today=TODAY)
        board.trends(scope, today=TODAY)
    assert data.rows
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_cooperatives(world):
    place_a, place_b = world
    two = _queries(
        Cooperative.objects.filter(pk__in=[place_a.cooperative.pk, place_b.cooperative.pk])
    )
    extra = [testing.make_cooperative(code) for code in _villages(4)]
    for cooperative in extra:
        make_member(cooperative)
        _checkpoint(cooperative, date(2026, 6, 1))
    six = _queries(
        Cooperative.objects.filter(
            pk__in=[place_a.cooperative.pk, place_b.cooperative.pk, *[c.pk for c in extra]]
        )
    )
    assert six == two
    assert six <= 25


def _villages(n: int) -> list[str]:
    from kopdes.regions.models import Village

    taken = set(Cooperative.objects.values_list("village_id", flat=True))
    free = Village.objects.filter(code__startswith="36.03.").exclude(code__in=taken)
    return list(free.order_by("code").values_list("code", flat=True)[:n])
