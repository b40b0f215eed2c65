"""Reports open on the last closed month (or the year to date while none is closed), and the
year-end close is offered (and accepted) only once the year has ended."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kopdes.core.months import shift_month
from kopdes.ledger import services
from kopdes.ledger.errors import YearNotEnded
from kopdes.ledger.models import JournalEntry, Period
from kopdes.ledger.statements import ReportPeriod

pytestmark = pytest.mark.django_db

REPORTS = [
    "statements",
    "trial_balance",
    "balance_sheet",
    "income_statement",
    "equity_changes",
    "cash_flow",
    "financial_notes",
    "general_ledger",
]


def url(name, coop):
    args = [coop.public_id] + (["1-102"] if name == "general_ledger" else [])
    return reverse(f"web:{name}", args=args)


def _two_months_ago() -> tuple[int, int]:
    today = timezone.localdate()
    return shift_month(today.year, today.month, -2)


@pytest.fixture
def closed(place_a):
    """Books with an entry three months ago, closed through two months ago."""
    coop = place_a.cooperative
    year, month = _two_months_ago()
    first = shift_month(year, month, -1)
    services.post_event(
        cooperative=coop,
        event="capital.csr_received",
        key="",
        amounts={"amount": 100_000_000},
        date=date(*first, 2),
        memo="CSR",
    )
    services.period_close_through(actor=None, cooperative=coop, year=year, month=month)
    return place_a


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_opens_on_the_last_closed_month(client, closed, name):
    client.force_login(closed.bendahara)
    response = client.get(url(name, closed.cooperative))
    assert response.status_code == 200
    year, month = _two_months_ago()
    assert response.context["period"] == ReportPeriod.month(year, month)


@pytest.mark.parametrize("name", REPORTS)
def test_without_a_closed_month_a_report_opens_on_the_year_to_date(client, place_a, name):
    client.force_login(place_a.bendahara)
    response = client.get(url(name, place_a.cooperative))
    assert response.status_code == 200
    today = timezone.localdate()
    period = response.context["period"]
    assert (period.kind, period.year, period.start, period.end) == (
        "year",
        today.year,
        date(today.year, 1, 1),
        today,
    )


def test_an_explicit_period_still_wins(client, closed):
    client.force_login(closed.bendahara)
    response = client.get(url("trial_balance", closed.cooperative) + "?tahun=2025&bulan=7")
    assert response.context["period"] == ReportPeriod.month(2025, 7)


# -- the year-end close -------------------------------------------------------------------------


def test_the_service_refuses_to_close_a_year_that_has_not_ended(place_a):
    coop = place_a.cooperative
    this_year = timezone.localdate().year
    services.post_event(
        cooperative=coop,
        event="expense.cash",
        key="5-201",
        amounts={"amount": 10_000},
        date=date(this_year, 1, 5),
        memo="expense",
    )
    entries = JournalEntry.objects.filter(cooperative=coop).count()
    with pytest.raises(YearNotEnded) as refused:
        services.year_end_close(actor=place_a.bendahara, cooperative=coop, year=this_year)
    assert refused.value.code == "ledger.year_not_ended"
    with pytest.raises(YearNotEnded):
        services.year_end_close(actor=place_a.bendahara, cooperative=coop, year=this_year + 1)
    assert JournalEntry.objects.filter(cooperative=coop).count() == entries
    assert not Period.objects.filter(cooperative=coop, status=Period.Status.CLOSED).exists()


def test_the_periods_page_offers_the_year_end_close_only_for_an_ended_year(client, place_a):
    client.force_login(place_a.bendahara)
    coop = place_a.cooperative
    this_year = timezone.localdate().year
    page = reverse("web:periods", args=[coop.public_id])
    action = reverse("web:year_end_close", args=[coop.public_id])
    current = client.get(page + f"?tahun={this_year}").content.decode()
    assert action not in current
    assert client.get(page + f"?tahun={this_year + 1}").content.decode().count(action) == 0
    assert action in client.get(page + f"?tahun={this_year - 1}").content.decode()


def test_posting_the_year_end_close_of_the_current_year_is_refused(client, place_a):
    client.force_login(place_a.bendahara)
    coop = place_a.cooperative
    this_year = timezone.localdate().year
    response = client.post(
        reverse("web:year_end_close", args=[coop.public_id]),
        {"year": this_year, "confirm": "on"},
    )
    assert response.status_code == 400
    assert not Period.objects.filter(cooperative=coop, status=Period.Status.CLOSED).exists()
