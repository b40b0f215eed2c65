"""`loans_close_day` and `loans_provision_post` (services/close.py): days past due, classes,
denda, month-end provisions; idempotent, catching up missed days, no row per loan per day."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes.core.models import AuditEvent
from kopdes.ledger import services as ledger
from kopdes.ledger.errors import PeriodClosed
from kopdes.ledger.models import JournalLine
from kopdes.loans import collectibility
from kopdes.loans.errors import CloseDayNotOver, InvalidProvisionMonth, InvalidScheme
from kopdes.loans.models import Loan, LoanDayClose, LoanEvent, ProvisionRun
from kopdes.loans.services import (
    allowance_balance,
    loans_close_day,
    loans_collectibility_configure,
    loans_provision_post,
)
from kopdes.loans.tests.close_factories import make_loan, make_product, pay_installments

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
DISBURSED = date(2026, 1, 10)  # 12 x (1,000,000 pokok + 120,000 jasa), due on the 10th


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(8), tzinfo=JAKARTA), tick=False)


def close(coop, day: date):
    with at(date(2027, 6, 1)):
        return loans_close_day(cooperative=coop, day=day)


def state(loan):
    loan.refresh_from_db()
    return loan.days_past_due, loan.collectibility, loan.penalty_due


def lines(entry):
    return sorted(
        (line.account.code, line.debit, line.credit)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_the_close_sets_days_past_due_class_and_accrues_denda(coop_a):
    loan = make_loan(coop_a, disbursed_on=DISBURSED)
    result = close(coop_a, date(2026, 2, 20))
    # First due 10 February, unpaid: 10 days late on the 20th, class 2 (DPK); 0.1 % a day of
    # the overdue 1,120,000 for the 11th..20th.
    assert state(loan) == (10, 2, 10 * 1_120)
    assert result.days[0] == DISBURSED and result.days[-1] == date(2026, 2, 20)
    assert (result.loans, result.overdue, result.penalty_accrued) == (1, 1, 11_200)
    assert result.class_changes == 1
    event = LoanEvent.objects.get(loan=loan)
    assert (event.kind, event.data) == (
        "collectibility",
        {"from": 1, "to": 2, "day": "2026-02-11", "days_past_due": 1},
    )


def test_a_day_already_closed_changes_nothing(coop_a):
    loan = make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 2, 20))
    before = (state(loan), LoanDayClose.objects.count(), LoanEvent.objects.count())
    audits = AuditEvent.objects.count()
    again = close(coop_a, date(2026, 2, 20))
    earlier = close(coop_a, date(2026, 2, 1))
    assert again.days == [] and earlier.days == []
    assert (state(loan), LoanDayClose.objects.count(), LoanEvent.objects.count()) == before
    assert AuditEvent.objects.count() == audits


def test_catching_up_missed_days_gives_what_daily_closes_give(coop_a, coop_b):
    daily = make_loan(coop_a, disbursed_on=DISBURSED)
    caught_up = make_loan(coop_b, disbursed_on=DISBURSED)
    for day in range(1, 29):
        close(coop_a, date(2026, 2, day))
    close(coop_a, date(2026, 3, 1))
    result = close(coop_b, date(2026, 3, 1))  # every day since the disbursement at once
    assert state(daily) == state(caught_up) == (19, 2, 19 * 1_120)
    assert len(result.days) == (date(2026, 3, 1) - DISBURSED).days + 1
    assert LoanDayClose.objects.filter(cooperative=coop_b).count() == len(result.days)
    # one row per day, not per loan per day; one event per class change
    assert LoanEvent.objects.filter(loan=caught_up).count() == 1


def test_no_row_per_loan_per_day(coop_a):
    product = make_product(coop_a)
    for _ in range(5):
        make_loan(coop_a, product=product, disbursed_on=DISBURSED)
    result = close(coop_a, date(2026, 2, 15))
    assert LoanDayClose.objects.filter(cooperative=coop_a).count() == len(result.days)
    assert LoanEvent.objects.filter(cooperative=coop_a).count() == 5  # 1 -> 2 once each
    assert (
        AuditEvent.objects.filter(action="loans.close_day", cooperative_id=coop_a.pk).count() == 1
    )


def test_classes_follow_the_days_past_due_and_come_back_after_payment(coop_a):
    loan = make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 5, 11))  # 10 Feb unpaid: 90 days -> DPK
    assert state(loan)[:2] == (90, 2)
    close(coop_a, date(2026, 5, 12))
    assert state(loan)[:2] == (91, 3)  # Kurang Lancar
    close(coop_a, date(2026, 6, 10))
    assert state(loan)[:2] == (120, 3)
    close(coop_a, date(2026, 6, 11))
    assert state(loan)[:2] == (121, 4)  # Diragukan
    close(coop_a, date(2026, 8, 9))
    assert state(loan)[:2] == (180, 4)
    close(coop_a, date(2026, 8, 10))
    assert state(loan)[:2] == (181, 5)  # Macet
    with at(date(2026, 8, 11)):
        pay_installments(loan, 6, on=date(2026, 8, 11))  # February..July
    close(coop_a, date(2026, 8, 11))  # August's installment is due on the 10th: 1 day late
    assert state(loan)[:2] == (1, 2)
    close(coop_a, date(2026, 8, 12))
    assert state(loan)[:2] == (2, 2)
    with at(date(2026, 8, 13)):
        pay_installments(loan, 1, on=date(2026, 8, 13))
    close(coop_a, date(2026, 8, 13))
    assert state(loan)[:2] == (0, 1)
    moves = [(e.data["from"], e.data["to"]) for e in LoanEvent.objects.filter(loan=loan)]
    assert moves == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 2), (2, 1)]


def test_denda_per_installment_is_charged_once_per_late_installment(coop_a):
    product = make_product(coop_a, penalty_method="per_installment", penalty_amount=25_000)
    loan = make_loan(coop_a, product=product, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 4, 20))  # February's and March's and April's installments late
    assert state(loan) == ((date(2026, 4, 20) - date(2026, 2, 10)).days, 2, 3 * 25_000)


def test_a_denda_already_paid_down_is_not_overwritten(coop_a):
    loan = make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 2, 12))
    assert state(loan)[2] == 2 * 1_120
    Loan.objects.filter(pk=loan.pk).update(penalty_due=0)  # paid at the counter meanwhile
    close(coop_a, date(2026, 2, 13))
    assert state(loan)[2] == 1_120  # the new day's denda only


def test_the_provision_is_posted_at_month_end_only(coop_a):
    make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 1, 30))
    assert not ProvisionRun.objects.exists()
    result = close(coop_a, date(2026, 1, 31))
    (run,) = result.provisions
    assert (run.month, run.day, run.required, run.previous) == ("2026-01", date(2026, 1, 31),
                                                               60_000, 0)  # fmt: skip
    assert lines(run.entry) == [("1-104", 0, 60_000), ("5-401", 60_000, 0)]
    assert run.entry.date == date(2026, 1, 31) and run.entry.source_kind == "loan.provision"
    close(coop_a, date(2026, 2, 27))
    assert ProvisionRun.objects.count() == 1
    close(coop_a, date(2026, 2, 28))
    assert list(ProvisionRun.objects.order_by("month").values_list("month", flat=True)) == [
        "2026-01",
        "2026-02",
    ]


def test_provision_amounts_by_class_after_collateral_and_its_decrease(coop_a):
    product = make_product(coop_a)
    current = make_loan(coop_a, product=product, disbursed_on=date(2026, 3, 31))
    late = make_loan(
        coop_a, product=product, disbursed_on=date(2025, 12, 1), principal=6_000_000, months=6
    )
    secured = make_loan(
        coop_a, product=product, disbursed_on=date(2025, 10, 1), collateral=2_000_000
    )
    # Make the late ones: `late` pays nothing (first due 1 Jan: 89 days on 31 March, DPK);
    # `secured` paid nothing since its first installment (1 Nov: 150 days, Diragukan).
    result = close(coop_a, date(2026, 3, 31))
    assert {loan.pk: state(loan)[1] for loan in (current, late, secured)} == {
        current.pk: 1,
        late.pk: 2,
        secured.pk: 4,
    }
    run = ProvisionRun.objects.get(month="2026-03")
    required = 60_000 + 180_000 + 5_000_000  # 0.5 % x 12 jt, 3 % x 6 jt, 50 % x (12 - 2) jt
    assert run.required == required == allowance_balance(cooperative=coop_a)
    by_class = {row["class"]: row for row in run.by_class}
    assert by_class[4] == {"class": 4, "loans": 1, "outstanding": 12_000_000,
                           "collateral": 2_000_000, "percent": "50", "required": 5_000_000}  # fmt: skip
    assert result.provisions[-1] == run
    # Each month since the first disbursement has its run; the last one moves 1-104 to `required`.
    assert [r.month for r in ProvisionRun.objects.order_by("month")] == [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03",
    ]  # fmt: skip
    with at(date(2026, 4, 2)):
        pay_installments(secured, 12, on=date(2026, 4, 2))  # paid off: leaves the provision
        pay_installments(late, 6, on=date(2026, 4, 2))
    close(coop_a, date(2026, 4, 30))
    april = ProvisionRun.objects.get(month="2026-04")
    assert (april.previous, april.required) == (required, 60_000)
    assert lines(april.entry) == [("1-104", required - 60_000, 0), ("5-401", 0, required - 60_000)]
    assert allowance_balance(cooperative=coop_a) == 60_000


def test_provision_post_once_per_month_and_no_entry_when_nothing_moves(coop_a):
    make_loan(coop_a, disbursed_on=DISBURSED)
    with at(date(2026, 3, 5)):
        first = loans_provision_post(actor=None, cooperative=coop_a, month="2026-01")
        assert loans_provision_post(actor=None, cooperative=coop_a, month="2026-01") == first
        second = loans_provision_post(actor=None, cooperative=coop_a, month="2026-02")
    assert first.required == second.required == 60_000
    assert second.entry is None and second.previous == 60_000
    assert AuditEvent.objects.filter(action="loans.provision_post").count() == 2


@pytest.mark.parametrize("month", ["2026-03", "2026-13", "maret", ""])
def test_provision_for_a_month_not_over_or_not_a_month_is_refused(coop_a, month):
    with at(date(2026, 3, 31)), pytest.raises(InvalidProvisionMonth) as refused:
        loans_provision_post(actor=None, cooperative=coop_a, month=month)
    assert refused.value.code == "loans.invalid_provision_month"
    assert not ProvisionRun.objects.exists()


def test_months_closed_in_the_ledger_get_no_provision(coop_a):
    make_loan(coop_a, disbursed_on=DISBURSED)
    with at(date(2026, 3, 5)):
        ledger.period_close_through(actor=None, cooperative=coop_a, year=2026, month=1)
    result = close(coop_a, date(2026, 2, 28))
    assert result.provisions_skipped == ["2026-01"]
    assert [r.month for r in result.provisions] == ["2026-02"]
    with at(date(2026, 3, 5)), pytest.raises(PeriodClosed):
        loans_provision_post(actor=None, cooperative=coop_a, month="2026-01")


def test_a_day_not_over_is_refused(coop_a):
    with at(date(2026, 2, 20)), pytest.raises(CloseDayNotOver) as refused:
        loans_close_day(cooperative=coop_a, day=date(2026, 2, 20))
    assert refused.value.code == "loans.close_day_not_over"
    assert not LoanDayClose.objects.exists()


def test_without_loans_the_close_records_the_day(coop_a):
    result = close(coop_a, date(2026, 2, 20))
    assert result.days == [date(2026, 2, 20)] and result.loans == 0
    assert LoanDayClose.objects.get(cooperative=coop_a).day == date(2026, 2, 20)


def test_a_configured_scheme_moves_the_classes(coop_a, place_a):
    data = collectibility.DEFAULT_SCHEME.to_json()
    data[1]["from_days"] = 15  # a cooperative that tolerates two weeks
    loans_collectibility_configure(actor=place_a.ketua, cooperative=coop_a, classes=data)
    loan = make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 2, 24))
    assert state(loan)[:2] == (14, 1)
    close(coop_a, date(2026, 2, 25))
    assert state(loan)[:2] == (15, 2)
    audit = AuditEvent.objects.get(action="loans.collectibility_configure")
    assert audit.after["classes"][1]["from_days"] == 15


def test_a_scheme_that_is_not_five_rising_classes_is_refused(coop_a, place_a):
    data = collectibility.DEFAULT_SCHEME.to_json()
    data[3]["provision_percent"] = "5"
    with pytest.raises(InvalidScheme) as refused:
        loans_collectibility_configure(actor=place_a.ketua, cooperative=coop_a, classes=data)
    assert refused.value.code == "loans.invalid_collectibility_scheme"
    assert not AuditEvent.objects.filter(action="loans.collectibility_configure").exists()


def test_provision_rates_come_from_the_configured_scheme(coop_a, place_a):
    data = collectibility.DEFAULT_SCHEME.to_json()
    data[0]["provision_percent"] = "1"
    loans_collectibility_configure(actor=place_a.ketua, cooperative=coop_a, classes=data)
    make_loan(coop_a, disbursed_on=DISBURSED)
    close(coop_a, date(2026, 1, 31))
    assert ProvisionRun.objects.get().required == 120_000
    assert ProvisionRun.objects.get().by_class[0]["percent"] == str(Decimal(1))
