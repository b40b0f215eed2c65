"""`loans_reconcile` (the loans sub-ledger against 1-103, 1-104, 4-102, 4-302), its command, and
the Beranda's loan figures (`loan_tiles`)."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from kopdes.loans.models import Loan
from kopdes.loans.selectors import loan_tiles, loans_reconcile, receivable_mismatches
from kopdes.loans.services import loans_close_day
from kopdes.loans.tests.close_factories import make_loan, pay_installments

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(8), tzinfo=JAKARTA), tick=False)


def table(rows):
    return {r.key: (r.account, r.loans, r.ledger, r.difference) for r in rows}


@pytest.fixture
def book(coop_a):
    """Two loans, repayments with jasa and denda, January's and February's provision."""
    with at(date(2026, 1, 10)):
        first = make_loan(coop_a, disbursed_on=date(2026, 1, 10))
        second = make_loan(coop_a, disbursed_on=date(2026, 1, 10), principal=6_000_000, months=6)
    with at(date(2026, 3, 1)):
        loans_close_day(cooperative=coop_a, day=date(2026, 2, 28))
        pay_installments(first, 1, on=date(2026, 3, 1), penalty=5_000)
    return first, second


def test_the_loans_reconcile_with_the_ledger(coop_a, book):
    rows = table(loans_reconcile(cooperative=coop_a))
    # 12 jt + 6 jt lent, 1 jt pokok back; provision of February: 0.5 % x 12 jt (class 1... the
    # first loan was 18 days late on 28 February: DPK 3 %) and the second too (due 10 Feb).
    assert rows["receivable"] == ("1-103", 17_000_000, 17_000_000, 0)
    assert rows["interest"] == ("4-102", 120_000, 120_000, 0)
    assert rows["penalty"] == ("4-302", 5_000, 5_000, 0)
    assert rows["allowance"] == ("1-104", 540_000, 540_000, 0)  # 3 % of 18 jt
    assert receivable_mismatches(cooperative=coop_a) == []


def test_a_past_day_reads_the_movements_through_it(coop_a, book):
    rows = table(loans_reconcile(cooperative=coop_a, on=date(2026, 2, 27)))
    assert rows["receivable"] == ("1-103", 18_000_000, 18_000_000, 0)
    assert rows["interest"][1:] == (0, 0, 0)
    assert rows["allowance"] == ("1-104", 90_000, 90_000, 0)  # January: 0.5 % of 18 jt


def test_a_balance_changed_behind_the_services_shows_a_difference(coop_a, book):
    first, _second = book
    Loan.objects.filter(pk=first.pk).update(outstanding_principal=10_500_000)
    rows = table(loans_reconcile(cooperative=coop_a))
    assert rows["receivable"] == ("1-103", 16_500_000, 17_000_000, -500_000)
    ((loan, moved),) = receivable_mismatches(cooperative=coop_a)
    assert (loan.pk, loan.outstanding_principal, moved) == (first.pk, 10_500_000, 11_000_000)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("loans", "reconcile", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_prints_each_account_and_passes_at_zero(coop_a, coop_b, book):
    out = run("--cooperative", coop_a.village_id)
    assert f"{coop_a.village_id} 1-103" in out and "selisih Rp0" in out
    assert coop_b.village_id not in out
    assert coop_b.village_id in run()  # every active cooperative


def test_the_command_fails_on_a_difference(coop_a, book):
    first, _second = book
    Loan.objects.filter(pk=first.pk).update(outstanding_principal=1)
    with pytest.raises(CommandError, match="1"):
        run("--cooperative", coop_a.village_id)


def test_the_command_refuses_an_unknown_cooperative_and_a_bad_date(coop_a):
    with pytest.raises(CommandError):
        run("--cooperative", "99.99.99.9999")
    with pytest.raises(CommandError):
        run("--date", "kemarin")


def test_tiles_count_loans_due_today_and_in_arrears(coop_a):
    with at(date(2026, 1, 10)):
        late = make_loan(coop_a, disbursed_on=date(2026, 1, 10))  # due the 10th
        make_loan(coop_a, disbursed_on=date(2026, 2, 10))  # first due 10 March
        paid = make_loan(coop_a, disbursed_on=date(2026, 2, 10))
        other = make_loan(coop_a, disbursed_on=date(2026, 1, 20))  # due the 20th: not yet
    with at(date(2026, 3, 10)):
        pay_installments(paid, 1, on=date(2026, 3, 10))
    tiles = loan_tiles(cooperative=coop_a, today=date(2026, 3, 10))
    # due today: the three loans disbursed on the 10th, less the one paid: two, 1,120,000 each
    assert (tiles.due_today, tiles.due_today_amount) == (2, 2 * 1_120_000)
    # in arrears: `late` (10 Feb) and `other` (20 Feb)
    assert (tiles.arrears, tiles.arrears_amount) == (2, 2 * 1_120_000)
    assert late.pk != other.pk


def test_jasa_and_denda_of_a_closed_year_still_reconcile(coop_a, book):
    """The year-end closing empties 4-102 and 4-302 into the SHU; the loans run on, so the
    comparison counts what the accounts took in over the closed years too."""
    from kopdes.ledger import services as ledger

    with at(date(2027, 1, 5)):
        ledger.year_end_close(actor=None, cooperative=coop_a, year=2026)
        rows = table(loans_reconcile(cooperative=coop_a))
        assert rows["interest"] == ("4-102", 120_000, 120_000, 0)
        assert rows["penalty"] == ("4-302", 5_000, 5_000, 0)
        assert table(loans_reconcile(cooperative=coop_a, on=date(2026, 12, 31)))["interest"] == (
            "4-102",
            120_000,
            120_000,
            0,
        )
