"""The member's SHU in the API: `GET /me/shu` (their shares of the years the RAT approved, in
every cooperative where they are a member) and `GET /me/shu/{year}` (the statement: every number
to recompute the share by hand, from `shu.selectors.member_statement`, the read behind the staff
page, the PDF and `kopdes shu explain`). Another person's year is the same 404
`request.not_found` as a year without a share."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.shu import selectors

router = Router(tags=["shu"])


class ShuShareOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "year": 2025,
                    "status": "posted",
                    "cooperative": {
                        "id": "0d6f8a52-5a55-4c8e-9b7c-1f2d3e4a5b6c",
                        "name": "Koperasi Desa Merah Putih Cangkudu",
                        "village_code": "36.03.01.2003",
                    },
                    "jasa_modal": 320_000,
                    "jasa_usaha": 1_200_000,
                    "total": 1_520_000,
                    "paid_channel": "",
                    "paid_on": None,
                }
            ]
        }
    }

    year: int
    status: str = Field(description="approved, posted or paid")
    cooperative: CooperativeRef
    jasa_modal: int = Field(description="JMA, rupiah")
    jasa_usaha: int = Field(description="JUA, rupiah")
    total: int = Field(description="The member's SHU, rupiah")
    paid_channel: str = Field(description='"" (not paid yet), "sukarela" or "cash"')
    paid_on: date | None


class AllocationLineOut(Schema):
    key: str
    label: str
    percent: Decimal
    amount: int


class ShuStatementOut(Schema):
    """Every number of the formula: JMA = savings / savings_total x jasa_modal_pool, JUA =
    transactions / transactions_total x jasa_usaha_pool (rounded by the largest remainder)."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "year": 2025,
                    "cooperative": "Koperasi Desa Merah Putih Cangkudu",
                    "status": "Diposting",
                    "niak": "0001",
                    "shu_total": 10_000_000,
                    "member_income": 50_000_000,
                    "non_member_income": 0,
                    "member_part": 10_000_000,
                    "members_line_percent": "40",
                    "members_line": 4_000_000,
                    "jasa_modal_percent": "40",
                    "jasa_usaha_percent": "60",
                    "jasa_modal_pool": 1_600_000,
                    "jasa_usaha_pool": 2_400_000,
                    "savings_basis": "year_end",
                    "savings_include_sukarela": False,
                    "transaction_basis": "purchases_and_interest",
                    "savings": 1_000_000,
                    "savings_total": 5_000_000,
                    "purchases": 2_500_000,
                    "interest": 500_000,
                    "transactions": 3_000_000,
                    "transactions_total": 6_000_000,
                    "jasa_modal_exact": "320000.00",
                    "jasa_usaha_exact": "1200000.00",
                    "jasa_modal": 320_000,
                    "jasa_usaha": 1_200_000,
                    "total": 1_520_000,
                    "paid_channel": "",
                    "paid_on": None,
                    "resolution": "RAT/2026/03",
                    "lines": [
                        {
                            "key": "anggota",
                            "label": "Jasa anggota",
                            "percent": "40",
                            "amount": 4_000_000,
                        }
                    ],
                }
            ]
        }
    }

    year: int
    cooperative: str
    status: str
    niak: str
    shu_total: int
    member_income: int
    non_member_income: int
    member_part: int
    members_line_percent: Decimal
    members_line: int
    jasa_modal_percent: Decimal
    jasa_usaha_percent: Decimal
    jasa_modal_pool: int
    jasa_usaha_pool: int
    savings_basis: str = Field(description="year_end or average")
    savings_include_sukarela: bool
    transaction_basis: str = Field(description="purchases or purchases_and_interest")
    savings: int
    savings_total: int
    purchases: int
    interest: int
    transactions: int
    transactions_total: int
    jasa_modal_exact: Decimal = Field(description="The unrounded JMA")
    jasa_usaha_exact: Decimal = Field(description="The unrounded JUA")
    jasa_modal: int
    jasa_usaha: int
    total: int
    paid_channel: str
    paid_on: date | None
    resolution: str
    lines: list[AllocationLineOut]


@router.get("/me/shu", response={200: list[ShuShareOut], **errors(401)})
def my_shu(request):
    """The caller's SHU shares of the years their RAT approved, newest first."""
    return [
        {
            "year": s.shu_year.year,
            "status": s.shu_year.status,
            "cooperative": cooperative_ref(s.cooperative),
            "jasa_modal": s.jasa_modal,
            "jasa_usaha": s.jasa_usaha,
            "total": s.total,
            "paid_channel": s.paid_channel,
            "paid_on": s.paid_on,
        }
        for s in selectors.my_shares(request.user)
    ]


class ShuEstimateOut(Schema):
    estimate: bool = Field(True, description="Always true: an estimate, not a statement")
    cooperative: CooperativeRef
    year: int
    through: date = Field(description="The books are counted up to this day")
    shu_total: int = Field(description="The year's result so far (income less expenses)")
    member_part: int
    members_line: int = Field(description="The members' line of the policy's allocation")
    jasa_modal_pool: int
    jasa_usaha_pool: int
    savings: int = Field(description="The member's savings basis")
    savings_total: int
    transactions: int = Field(description="The member's transactions basis")
    transactions_total: int
    jasa_modal: int
    jasa_usaha: int
    total: int = Field(description="The estimated share, rupiah")


@router.get("/me/shu/estimate", response={200: list[ShuEstimateOut], **errors(401)})
def my_shu_estimate(request):
    """An estimate of the caller's SHU share of the current year, per cooperative where they are
    an active member: the year-to-date result divided by the policy in force exactly as the SHU
    is divided at year end (shu.selectors.division), with the bases as they stand. Only an
    estimate: the result, the bases and the policy change before the RAT approves the SHU."""
    return [
        {
            "estimate": True,
            "cooperative": cooperative_ref(e.cooperative),
            **{
                name: getattr(e, name)
                for name in ShuEstimateOut.model_fields
                if name not in {"estimate", "cooperative"}
            },
        }
        for e in selectors.my_estimates(request.user, clock.today())
    ]


@router.get("/me/shu/{year}", response={200: ShuStatementOut, **errors(401, 404)})
def my_shu_statement(request, year: int, cooperative_id: UUID | None = None):
    """The caller's SHU statement of `year` (in `cooperative_id`, else their first cooperative
    with a share that year): their savings and transactions, the totals, the pools, the
    percentages, the exact and the rounded JMA and JUA. 404 `request.not_found` without one."""
    st = selectors.my_statement(request.user, year, cooperative_id)
    return {
        **{
            name: getattr(st, name)
            for name in ShuStatementOut.model_fields
            if name not in {"lines", "niak"}
        },
        "niak": st.niak,
        "lines": [
            {"key": k, "label": label, "percent": p, "amount": a} for k, label, p, a in st.lines
        ],
    }


api.add_router("/", router)
