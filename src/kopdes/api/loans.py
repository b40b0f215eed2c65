"""Loans in the API: the public simulation, and the member app's own loans.

`POST /loans/simulate` is public (no token, no personal data, throttled per address): the
schedule `kopdes.loans.schedule` computes, the very function disbursement books.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from kopdes.accounts import throttle
from kopdes.api.base import api, errors
from kopdes.core import clock
from kopdes.loans.schedule import ScheduleRow, simulate

router = Router(tags=["loans"])

Method = Literal["flat", "efektif", "anuitas"]


class SimulationIn(Schema):
    principal: int = Field(description="Rupiah, above zero")
    annual_rate: Decimal = Field(description="Percent a year, 0 to 24 (e.g. 12.5)")
    months: int = Field(description="Tenor in months, the grace months included")
    method: Method = Field(
        description="flat (interest on the original principal), efektif (menurun: on the "
        "outstanding principal) or anuitas (equal installments)"
    )
    grace_months: int = Field(0, description="Interest-only months at the start")
    start: date | None = Field(
        None, description="Disbursement day (default today); installment k is due k months later"
    )


class ScheduleRowOut(Schema):
    number: int
    due_date: date
    principal: int = Field(description="Rupiah of principal (pokok) in this installment")
    interest: int = Field(description="Rupiah of interest (jasa) in this installment")
    installment: int = Field(description="principal + interest")
    outstanding: int = Field(description="Principal still owed after this installment")


class SimulationOut(Schema):
    rows: list[ScheduleRowOut]
    total_interest: int
    total_installments: int
    effective_annual_rate: Decimal = Field(
        description="The internal rate of return as a yearly rate, percent to 2 decimals: for a "
        'flat loan far above its flat rate; a decimal string such as "21.46"'
    )


def row_out(row: ScheduleRow) -> dict:
    return {
        "number": row.number,
        "due_date": row.due_date,
        "principal": row.principal,
        "interest": row.interest,
        "installment": row.installment,
        "outstanding": row.outstanding,
    }


@router.post(
    "/loans/simulate",
    auth=None,
    response={200: SimulationOut, **errors(429)},
    summary="A loan's schedule for given terms (public)",
)
def loan_simulate(request, payload: SimulationIn):
    """The schedule the cooperative would book for these terms, with its totals and the
    effective annual rate. Anyone may ask; nothing is stored. 422 with `loans.invalid_principal`,
    `loans.invalid_rate`, `loans.invalid_months` or `loans.invalid_grace` for terms the engine
    refuses (`request.invalid` for a body of the wrong shape); 429 `throttle.too_many_attempts`
    after too many simulations from one address."""
    throttle.attempt(throttle.loan_simulation_address(), getattr(request, "client_ip", None))
    result = simulate(
        principal=payload.principal,
        annual_rate=payload.annual_rate,
        months=payload.months,
        method=payload.method,
        start=payload.start or clock.today(),
        grace_months=payload.grace_months,
    )
    return {
        "rows": [row_out(row) for row in result.rows],
        "total_interest": result.total_interest,
        "total_installments": result.total_installments,
        "effective_annual_rate": result.effective_annual_rate,
    }


api.add_router("/", router)
