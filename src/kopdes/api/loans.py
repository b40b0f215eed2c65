"""Loans in the API: the public simulation, and the member app's own loans.

`POST /loans/simulate` is public (no token, no personal data, throttled per address): the
schedule `kopdes.loans.schedule` computes, the very function disbursement books.

`/me/loans...` are the caller's own loans, in every cooperative where they are an active member
(matched by Member.user): the reads are scoped by the token's person, and another person's loan
is the same 404 `loans.not_found` as an id that does not exist.
"""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import P, Router, Schema, Status
from ninja.params import HeaderEx
from pydantic import Field

from kopdes.accounts import throttle
from kopdes.api.base import KEY_PATTERN, api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.loans import rules, selectors, services
from kopdes.loans.errors import InvalidGuarantor
from kopdes.loans.models import Installment, Loan, LoanProduct
from kopdes.loans.schedule import ScheduleRow, schedule, simulate
from kopdes.members import selectors as member_selectors
from kopdes.members.models import Member

router = Router(tags=["loans"])

Method = Literal["flat", "efektif", "anuitas"]


class SimulationIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {"principal": 10_000_000, "annual_rate": "12", "months": 12, "method": "flat"}
            ]
        }
    }

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


# -- the member app: the caller's own loans ----------------------------------------------------


class NextInstallmentOut(Schema):
    number: int
    due_date: date
    amount: int = Field(description="What is still to pay of it (principal and interest)")
    principal: int
    interest: int


class LoanOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    number: str = Field(description="The loan's number in its cooperative, e.g. PJ-2026-0001")
    product: str = Field(description="The loan product's name")
    principal: int
    annual_rate: Decimal = Field(description="Percent a year, a decimal string")
    months: int
    method: Method
    status: Literal["applied", "approved", "rejected", "active", "paid", "written_off"]
    outstanding: int = Field(description="Principal still owed (0 before disbursement)")
    penalty_due: int = Field(description="Late penalty (denda) accrued and unpaid")
    applied_on: date
    disbursed_on: date | None
    next_installment: NextInstallmentOut | None = Field(
        description="The first installment not yet fully paid (none before disbursement)"
    )


class InstallmentOut(ScheduleRowOut):
    paid_principal: int
    paid_interest: int
    paid_on: date | None = Field(description="When it was fully paid")


class LoanDetailOut(LoanOut):
    grace_months: int
    purpose: str
    projected: bool = Field(
        description="True before disbursement: the schedule is what the terms would give if the "
        "loan were disbursed today; after disbursement it is the loan's own schedule"
    )
    schedule: list[InstallmentOut]


def _next(loan: Loan, open_installments: list[Installment]) -> dict | None:
    if loan.status != Loan.Status.ACTIVE or not open_installments:
        return None
    first = open_installments[0]
    return {
        "number": first.number,
        "due_date": first.due_date,
        "amount": first.remaining,
        "principal": first.principal - first.paid_principal,
        "interest": first.interest - first.paid_interest,
    }


def _loan_out(loan: Loan, open_installments: list[Installment]) -> dict:
    return {
        "id": loan.public_id,
        "cooperative": cooperative_ref(loan.cooperative),
        "number": loan.number,
        "product": loan.product.name,
        "principal": loan.principal,
        "annual_rate": loan.annual_rate,
        "months": loan.months,
        "method": loan.method,
        "status": loan.status,
        "outstanding": loan.outstanding_principal,
        "penalty_due": loan.penalty_due,
        "applied_on": loan.applied_on,
        "disbursed_on": loan.disbursed_on,
        "next_installment": _next(loan, open_installments),
    }


def _booked_schedule(installments: list[Installment]) -> list[dict]:
    """The loan's installments; `outstanding` after each is the principal of the rows after it
    (what is left to repay once the schedule up to it is paid)."""
    rows, after = [], sum(i.principal for i in installments)
    for i in installments:
        after -= i.principal
        rows.append(
            {
                "number": i.number,
                "due_date": i.due_date,
                "principal": i.principal,
                "interest": i.interest,
                "installment": i.amount,
                "outstanding": after,
                "paid_principal": i.paid_principal,
                "paid_interest": i.paid_interest,
                "paid_on": i.paid_on,
            }
        )
    return rows


def _projected_schedule(loan: Loan) -> list[dict]:
    rows = schedule(
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        months=loan.months,
        method=loan.method,
        start=clock.today(),
        grace_months=loan.grace_months,
    )
    return [row_out(r) | {"paid_principal": 0, "paid_interest": 0, "paid_on": None} for r in rows]


def _loan_detail(loan: Loan, installments: list[Installment]) -> dict:
    disbursed = loan.status in Loan.DISBURSED
    return _loan_out(loan, [i for i in installments if i.paid_on is None]) | {
        "grace_months": loan.grace_months,
        "purpose": loan.purpose,
        "projected": not disbursed,
        "schedule": _booked_schedule(installments) if disbursed else _projected_schedule(loan),
    }


class LoanProductOut(Schema):
    id: UUID
    cooperative_id: UUID
    name: str
    method: Method
    annual_rate: Decimal = Field(description="Percent a year, a decimal string")
    tenor_min: int
    tenor_max: int
    grace_months_max: int
    max_amount: int = Field(description="The largest principal in rupiah")
    max_savings_multiple: Decimal | None = Field(
        description="At most this many times the member's total simpanan (none: no such rule)"
    )
    admin_fee_percent: Decimal
    provisi_percent: Decimal
    requires_collateral: bool
    requires_guarantor: bool


def _product_out(product: LoanProduct) -> dict:
    return {
        "id": product.public_id,
        "cooperative_id": product.cooperative.public_id,
        **{
            name: getattr(product, name)
            for name in (
                "name",
                "method",
                "annual_rate",
                "tenor_min",
                "tenor_max",
                "grace_months_max",
                "max_amount",
                "max_savings_multiple",
                "admin_fee_percent",
                "provisi_percent",
                "requires_collateral",
                "requires_guarantor",
            )
        },
    }


@router.get("/me/loan-products", response={200: list[LoanProductOut], **errors(401)})
def my_loan_products(request):
    """The loan products offered by the cooperatives where the caller is an active member: what
    an application (`POST /me/loans/applications`) can ask for."""
    return [_product_out(p) for p in selectors.products_for_member(user=request.user)]


@router.get("/me/loans", response={200: list[LoanOut], **errors(401)})
def my_loans(request):
    """The caller's loans (applications too), newest first, with the next installment due."""
    rows = selectors.my_loans_with_next(user=request.user)
    # open_installments: the selector's Prefetch(to_attr=...), not a model field.
    return [_loan_out(loan, loan.open_installments) for loan in rows]  # type: ignore[attr-defined]


class MySimulationIn(Schema):
    product_id: UUID = Field(description="One of GET /me/loan-products")
    principal: int = Field(description="Rupiah, above zero")
    months: int = Field(description="Tenor in months, the grace months included")
    grace_months: int = 0


class MySimulationOut(SimulationOut):
    admin_fee: int = Field(description="Rupiah taken once at disbursement (biaya administrasi)")
    provisi: int = Field(description="Rupiah taken once at disbursement (provisi)")


@router.post(
    "/me/loans/simulate",
    response={200: MySimulationOut, **errors(401, 404)},
    summary="What an application would give (the member app)",
)
def my_loan_simulate(request, payload: MySimulationIn):
    """The schedule an application for these terms would give (as if disbursed today), checked
    against the product's rules as an application is: the product's rate and method, its tenor,
    its largest amount and the member's savings multiple. Nothing is stored. 404
    `request.not_found` for a product not offered to the caller (another cooperative's, an
    inactive one); 422 as `POST /me/loans/applications` for its terms (`loans.invalid_tenor`,
    `loans.amount_above_maximum`, `loans.above_savings_multiple`, `loans.invalid_principal`,
    ...)."""
    product = (
        selectors.products_for_member(user=request.user)
        .filter(public_id=payload.product_id)
        .first()
    )
    if product is None:
        raise NotFound()
    member = (
        member_selectors.memberships_of(user=request.user)
        .filter(status=Member.Status.ACTIVE, cooperative_id=product.cooperative_id)
        .first()
    )
    if member is None:
        raise NotFound()
    result = services.loan_application_preview(
        member=member,
        product=product,
        principal=payload.principal,
        months=payload.months,
        grace_months=payload.grace_months,
    )
    return {
        "rows": [row_out(row) for row in result.rows],
        "total_interest": result.total_interest,
        "total_installments": result.total_installments,
        "effective_annual_rate": result.effective_annual_rate,
        "admin_fee": rules.fee(payload.principal, product.admin_fee_percent),
        "provisi": rules.fee(payload.principal, product.provisi_percent),
    }


KEY_TEXT = (
    "Any unique text per application (1-100 visible ASCII characters): a retry with the same key and the same "
    "body answers with the first application instead of making a second one"
)


class GuarantorIn(Schema):
    """A guarantor (penjamin): a member of the same cooperative by NIAK, or a person by name and
    NIK."""

    niak: str = Field("", max_length=9, description="The guarantor's member number, e.g. 0042")
    name: str = Field("", max_length=200)
    nik: str = Field("", max_length=16, description="16 digits, for a guarantor who is no member")
    relationship: str = Field("", max_length=100, description="e.g. suami, istri, saudara")


class CollateralIn(Schema):
    kind: Literal["bpkb", "sertifikat", "emas", "sk", "lainnya"]
    description: str = Field(max_length=300)
    estimated_value: int = Field(description="Rupiah, the member's own estimate")


class ApplicationIn(Schema):
    cooperative_id: UUID = Field(description="A cooperative where the caller is an active member")
    product_id: UUID = Field(description="One of its products (GET /me/loan-products)")
    principal: int = Field(description="Rupiah, above zero")
    months: int = Field(description="Tenor in months, the grace months included")
    grace_months: int = 0
    purpose: str = Field(max_length=300)
    guarantors: list[GuarantorIn] = Field(default_factory=list, max_length=5)
    collaterals: list[CollateralIn] = Field(default_factory=list, max_length=5)


def _guarantor(member: Member, item: GuarantorIn) -> dict:
    if not item.niak:
        return {"name": item.name, "nik": item.nik, "relationship": item.relationship}
    found = None
    if item.niak.isascii() and item.niak.isdigit():
        found = member_selectors.member_find(cooperative=member.cooperative, q=item.niak)
    if found is None:
        raise InvalidGuarantor(
            fields={"guarantors": [_("No member with NIAK %(niak)s.") % {"niak": item.niak}]}
        )
    return {"member": found, "relationship": item.relationship}


@router.post(
    "/me/loans/applications",
    response={201: LoanDetailOut, **errors(401, 403, 404, 409)},
    summary="Apply for a loan (the member app)",
)
def my_loan_apply(
    request,
    payload: ApplicationIn,
    idempotency_key: HeaderEx[
        str | None, P(alias="Idempotency-Key", description=KEY_TEXT, pattern=KEY_PATTERN)
    ] = None,
):
    """Apply for a loan in a cooperative where the caller is an active member. It waits for the
    officers' decision (maker-checker); the answer is the application with the schedule its
    terms would give. 404 `request.not_found` for a cooperative where the caller is no active
    member; `loans.product_not_found` for a product not of that cooperative; 409
    `loans.product_inactive`, `idempotency.key_reused`; 422 for terms the product refuses
    (`loans.invalid_tenor`, `loans.amount_above_maximum`, `loans.above_savings_multiple`,
    `loans.guarantor_required`, `loans.collateral_required`, ...) or the schedule engine refuses
    (`loans.invalid_principal`, `loans.invalid_months`, `loans.invalid_grace`)."""
    member = (
        member_selectors.memberships_of(user=request.user)
        .filter(status=Member.Status.ACTIVE, cooperative__public_id=payload.cooperative_id)
        .first()
    )
    if member is None:
        raise NotFound()
    product = selectors.product_for_officer(member.cooperative, payload.product_id)
    loan = services.loan_apply(
        actor=request.user,
        cooperative=member.cooperative,
        member=member,
        product=product,
        principal=payload.principal,
        months=payload.months,
        grace_months=payload.grace_months,
        purpose=payload.purpose,
        guarantors=[_guarantor(member, g) for g in payload.guarantors],
        collaterals=[c.dict() for c in payload.collaterals],
        source=Loan.Source.MEMBER,
        idempotency_key=idempotency_key,
    )
    saved = selectors.my_loan(user=request.user, public_id=loan.public_id)
    return Status(201, _loan_detail(saved, []))


# After /me/loans/applications: a URL pattern for {loan_id} would take that path first.
@router.get("/me/loans/{loan_id}", response={200: LoanDetailOut, **errors(401, 404)})
def my_loan(request, loan_id: UUID):
    """One of the caller's loans with its schedule: the booked installments and what is paid of
    them, or before disbursement the schedule its terms would give (`projected`). 404
    `request.not_found` for another person's loan, as for an id that does not exist."""
    loan = selectors.my_loan(user=request.user, public_id=loan_id)
    return _loan_detail(loan, list(loan.installments.all()))


api.add_router("/", router)
