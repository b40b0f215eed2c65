"""Loans for tests, made through the loans services (the other loans tests reuse these).

    product = make_product(place.cooperative)                 # flat 12%, 1-24 months, up to 50 jt
    loan = make_applied_loan(place)                           # status "applied", a new member
    loan = make_approved_loan(place, principal=15_000_000)    # the pengawas co-signed too
    loan = make_active_loan(place, on=date(2026, 3, 2))       # disbursed in cash on that day

Each step runs at noon of `on` (core.clock.as_of), so its dates are `on` whatever day the tests
run. The officers are the place's personas: the sekretaris applies, the ketua decides, the
pengawas co-signs when needed, the kasir disburses.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kopdes.core import clock
from kopdes.loans import services
from kopdes.loans.models import Loan, LoanProduct
from kopdes.members.models import Member
from kopdes.savings.tests.factories import make_member
from kopdes.testing import Place

D = date(2026, 3, 2)
JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date):
    """core.clock fixed at noon (Jakarta) of `day`."""
    return clock.as_of(datetime.combine(day, time(12), tzinfo=JAKARTA))


def make_product(cooperative, **fields: Any) -> LoanProduct:
    values: dict[str, Any] = {
        "name": "Pinjaman Usaha",
        "method": "flat",
        "annual_rate": Decimal("12"),
        "tenor_min": 1,
        "tenor_max": 24,
        "max_amount": 50_000_000,
        "admin_fee_percent": Decimal("1"),
        "provisi_percent": Decimal("0.5"),
        "penalty_method": "per_day",
        "penalty_rate": Decimal("0.1"),
        "grace_months_max": 2,
    }
    values.update(fields)
    existing = LoanProduct.objects.filter(cooperative=cooperative, name=values["name"]).first()
    if existing is not None and not fields:
        return existing
    return services.loan_product_create(actor=None, cooperative=cooperative, **values)


def make_applied_loan(
    place: Place,
    *,
    member: Member | None = None,
    product: LoanProduct | None = None,
    principal: int = 5_000_000,
    months: int = 12,
    on: date = D,
    **kwargs: Any,
) -> Loan:
    cooperative = place.cooperative
    member = member or make_member(cooperative)
    product = product or make_product(cooperative)
    with at(on):
        return services.loan_apply(
            actor=kwargs.pop("actor", place.sekretaris),
            cooperative=cooperative,
            member=member,
            product=product,
            principal=principal,
            months=months,
            purpose=kwargs.pop("purpose", "Modal warung"),
            on=on,
            **kwargs,
        )


def approve(place: Place, loan: Loan, *, on: date = D) -> Loan:
    """The ketua approves; the pengawas co-signs when the loan needs it."""
    with at(on):
        loan = services.loan_decide(
            actor=place.ketua, loan=loan, decision="approve", reason="Usaha layak"
        )
        if loan.needs_pengawas:
            loan = services.loan_decide(
                actor=place.pengawas, loan=loan, decision="approve", reason="Disetujui pengawas"
            )
    return loan


def make_approved_loan(place: Place, *, on: date = D, **kwargs: Any) -> Loan:
    return approve(place, make_applied_loan(place, on=on, **kwargs), on=on)


def make_active_loan(place: Place, *, on: date = D, channel: str = "cash", **kwargs: Any) -> Loan:
    loan = make_approved_loan(place, on=on, **kwargs)
    with at(on):
        services.loan_disburse(actor=place.kasir, loan=loan, channel=channel, on=on)
    loan.refresh_from_db()
    return loan
