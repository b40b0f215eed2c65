"""POST /api/v1/loans/simulate: public, the engine's schedule, stable error codes, throttled."""

from datetime import date
from decimal import Decimal

import pytest

from kopdes.accounts.models import ThrottleCounter
from kopdes.loans.schedule import schedule

pytestmark = pytest.mark.django_db

URL = "/api/v1/loans/simulate"


def post(client, **body):
    terms = {"principal": 10_000_000, "annual_rate": "12", "months": 12, "method": "flat"}
    return client.post(URL, terms | body, content_type="application/json")


def test_anyone_gets_the_engines_schedule(client):
    answer = post(client, method="anuitas", start="2026-01-31", grace_months=2, annual_rate=18.5)
    assert answer.status_code == 200
    data = answer.json()
    rows = schedule(
        principal=10_000_000,
        annual_rate=Decimal("18.5"),
        months=12,
        method="anuitas",
        start=date(2026, 1, 31),
        grace_months=2,
    )
    assert data["rows"] == [
        {
            "number": r.number,
            "due_date": r.due_date.isoformat(),
            "principal": r.principal,
            "interest": r.interest,
            "installment": r.installment,
            "outstanding": r.outstanding,
        }
        for r in rows
    ]
    assert data["total_interest"] == sum(r.interest for r in rows)
    assert data["total_installments"] == sum(r.installment for r in rows)
    assert Decimal(str(data["effective_annual_rate"])) == Decimal("18.50")


def test_flat_shows_its_effective_rate_and_starts_today(client, time_machine):
    time_machine.move_to("2026-12-01 10:00 +07:00")
    data = post(client).json()
    assert Decimal(str(data["effective_annual_rate"])) == Decimal("21.46")
    assert data["rows"][0]["due_date"] == "2027-01-01"
    assert data["total_interest"] == 1_200_000


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"principal": 0}, "loans.invalid_principal"),
        ({"principal": -1}, "loans.invalid_principal"),
        ({"principal": 10**20}, "loans.invalid_principal"),
        ({"annual_rate": 24.5}, "loans.invalid_rate"),
        ({"annual_rate": -1}, "loans.invalid_rate"),
        ({"months": 0}, "loans.invalid_months"),
        ({"months": 361}, "loans.invalid_months"),
        ({"grace_months": 12}, "loans.invalid_grace"),
        ({"method": "balon"}, "request.invalid"),
        ({"principal": "1,5"}, "request.invalid"),
        ({"principal": 1.5}, "request.invalid"),
    ],
)
def test_refused_terms_have_their_code(client, change, code):
    answer = post(client, **change)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code
    if code.startswith("loans."):  # the refused term is named, for the app to show on its field
        assert list(answer.json()["error"]["fields"]) == list(change)


def test_messages_follow_the_language(client):
    body = {"principal": 1_000_000, "annual_rate": 30, "months": 3, "method": "flat"}
    for language, message in (
        ("id", "Suku bunga (jasa) harus antara 0% dan 24% setahun."),
        ("en", "The interest rate must be between 0% and 24% a year."),
    ):
        answer = client.post(
            URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert answer.json()["error"]["message"] == message


def test_throttled_per_address(client, settings):
    settings.KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT = 3
    statuses = [post(client).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = client.post(
        URL,
        {"principal": 1_000_000, "annual_rate": "12", "months": 3, "method": "flat"},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 200
    assert ThrottleCounter.objects.count() == 2  # per address, stored as HMACs
