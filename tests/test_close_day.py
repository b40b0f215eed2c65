"""`kopdes close-day`: every daily job of the platform, in the order of KOPDES_DAILY_JOBS (the
loans' close first, the ledger's checkpoints last), idempotent, per cooperative or all."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from kopdes import cli
from kopdes.core.daily import DailyOutcome, daily_jobs
from kopdes.ledger import services
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.services import Line
from kopdes.loans.models import Loan, LoanDayClose, ProvisionRun
from kopdes.loans.tests.close_factories import make_loan

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, day):
    return services.journal_entry_post(
        cooperative=coop,
        date=day,
        memo="Tes",
        lines=[Line("1-102", debit=1_000), Line("3-103", credit=1_000)],
        source_kind="test",
    )


def run(*args):
    out = StringIO()
    call_command("close_day", *args, stdout=out)
    return out.getvalue()


def test_the_jobs_run_loans_first_and_the_checkpoints_last():
    paths = settings.KOPDES_DAILY_JOBS
    assert paths[0] == "kopdes.loans.daily.run" and paths[-1] == "kopdes.ledger.daily.run"
    assert "kopdes.payments.daily.run" in paths
    assert [path for path, _job in daily_jobs()] == paths
    assert all(callable(job) for _path, job in daily_jobs())


@pytest.mark.django_db
def test_close_day_signs_yesterday_and_catches_up_missed_days(coop_a, coop_b):
    with at(D1):
        post(coop_a, D1)
    with at(D2):
        post(coop_b, D2)
    with at(D3):
        out = run()  # closes D2: A's D1 is caught up on the way
    assert "2026-03-10" in out
    assert sorted(Checkpoint.objects.filter(cooperative=coop_a).values_list("date", flat=True)) == [
        D1
    ]
    assert list(Checkpoint.objects.filter(cooperative=coop_b).values_list("date", flat=True)) == [
        D2
    ]
    with at(D3):
        run()  # again: nothing new
    assert Checkpoint.objects.count() == 2


@pytest.mark.django_db
def test_close_day_for_one_cooperative_leaves_the_others(coop_a, coop_b):
    with at(D1):
        post(coop_a, D1)
        post(coop_b, D1)
    with at(D2):
        run("--cooperative", coop_a.village_id, "--day", D1.isoformat())
    assert Checkpoint.objects.filter(cooperative=coop_a).count() == 1
    assert not Checkpoint.objects.filter(cooperative=coop_b).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2026-03-10", "2026-03-11", "10-03-2026"])
def test_close_day_refuses_a_day_not_over_and_a_bad_date(day):
    with at(D2), pytest.raises(CommandError):
        run("--day", day)


@pytest.mark.django_db
def test_an_unknown_cooperative_fails_the_run():
    with at(D2), pytest.raises(CommandError, match="gagal"):
        run("--cooperative", "99.99.99.9999")


def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch):
    ran = []

    def failing(*, day, village):
        ran.append("first")
        return DailyOutcome(lines=["first ran"], failures=["36.03.01.2003: x.y: broken"])

    def second(*, day, village):
        ran.append("second")
        return DailyOutcome(lines=["second ran"])

    monkeypatch.setattr(
        "kopdes.core.management.commands.close_day.daily_jobs",
        lambda: [("a.first", failing), ("a.second", second)],
    )
    with at(D2), pytest.raises(CommandError, match="1 tugas harian gagal"):
        run()
    assert ran == ["first", "second"]


def test_the_console_command_is_spelled_close_day_with_a_hyphen(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main(["close-day", "--day", "2026-03-10"])
    assert seen == [["kopdes", "close_day", "--day", "2026-03-10"]]


@pytest.mark.django_db
def test_the_loans_close_runs_first_and_the_next_run_signs_its_provision(coop_a, coop_b):
    month_end = date(2026, 1, 31)
    with at(date(2026, 1, 10)):
        loan = make_loan(coop_a, disbursed_on=date(2026, 1, 10))
    with at(date(2026, 2, 1)):
        out = run()  # closes 31 January: the loans, then the checkpoints
    assert "2026-01-31" in out
    run_ = ProvisionRun.objects.get(cooperative=coop_a)
    assert run_.entry.date == month_end
    # Posted on 1 February (after midnight), it is signed by the checkpoint of 1 February.
    assert Checkpoint.objects.get(cooperative=coop_a).tree_size == run_.entry.number - 1
    assert LoanDayClose.objects.filter(cooperative=coop_b, day=month_end).exists()
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE and loan.days_past_due == 0
    with at(date(2026, 2, 1)):
        run()  # again: nothing changes
    assert ProvisionRun.objects.filter(cooperative=coop_a).count() == 1
    assert LoanDayClose.objects.filter(cooperative=coop_a).count() == 22  # 10..31 January
    with at(date(2026, 2, 2)):
        run()
    signed = Checkpoint.objects.filter(cooperative=coop_a).order_by("-date").first()
    assert (signed.date, signed.tree_size) == (date(2026, 2, 1), run_.entry.number)
