"""The CSR partner's view in the API (issue 15.6): `GET /supervision/csr/cooperatives`, the
cooperatives its grant funds with their CSR grants' totals, and
`GET /supervision/csr/cooperatives/{cooperative_id}`, one of them: each CSR grant received, used
by business line and left, every use with its evidence's SHA-256, and the cooperative's aggregate
results from its closed books. Only the CSR report (`VIEW_CSR_REPORT`, which only a CSR grant
gives); anyone else gets the same 404 `request.not_found` as for a cooperative that does not
exist, and an empty list."""

from datetime import date

from ninja import Router, Schema
from pydantic import Field

from kopdes.accounts.access import Capability, cooperative_access, csr_funded_cooperatives
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.core.replicas import supervision_reads
from kopdes.funding import report, rules, selectors
from kopdes.ledger import statements
from kopdes.members import selectors as member_selectors

router = Router(tags=["supervision"])


class FundedOut(Schema):
    cooperative: CooperativeRef
    received: int = Field(description="Rupiah received of its CSR grants")
    spent: int
    balance: int
    uses: int
    uses_with_evidence: int
    uses_outside_permitted_lines: int = Field(
        description="Open flags the pengawas has not resolved"
    )


class LineOut(Schema):
    line: str
    label: str
    amount: int


class UseOut(Schema):
    on: date
    line: str
    line_label: str
    description: str
    amount: int
    evidence_sha256: str
    outside_permitted_lines: bool


class FundOut(Schema):
    name: str
    partner: str
    agreement_number: str
    received: int
    spent: int
    balance: int
    by_line: list[LineOut]
    uses: list[UseOut]


class ResultsOut(Schema):
    as_of: date = Field(description="The end of the last closed month")
    active_members: int
    assets: int
    equity: int
    shu_to_date: int
    shu_last_year: int | None


class CsrCooperativeOut(Schema):
    cooperative: CooperativeRef
    on: date
    funds: list[FundOut]
    results: ResultsOut | None = Field(description="Null while no month is closed")


def _totals(cooperative, rows) -> dict:
    totals = selectors.FundTotals(cooperative, rows)
    return {
        "cooperative": cooperative_ref(cooperative),
        "received": totals.received,
        "spent": totals.spent,
        "balance": totals.balance,
        "uses": totals.uses,
        "uses_with_evidence": totals.evidence,
        "uses_outside_permitted_lines": totals.flags,
    }


@router.get("/cooperatives", response={200: list[FundedOut], **errors(401)})
def csr_cooperatives(request):
    """The cooperatives the caller's CSR grants fund, with their CSR grants' totals (empty for
    anyone without a CSR grant)."""
    funded = list(
        csr_funded_cooperatives(request.user).select_related("village").order_by("village_id")
    )
    with supervision_reads():
        funds = selectors.fund_use_by_cooperative(funded, kinds=selectors.CSR_KINDS)
        return [_totals(c, funds[c.pk]) for c in funded]


@router.get("/cooperatives/{cooperative_id}", response={200: CsrCooperativeOut, **errors(401, 404)})
def csr_cooperative(request, cooperative_id: str):
    """One funded cooperative: its CSR grants with their uses by business line and evidence,
    and its aggregate results."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.VIEW_CSR_REPORT)
    with supervision_reads():
        return _report(cooperative)


def _report(cooperative) -> dict:
    built = report.fund_use_report(cooperative, clock.today(), kinds=selectors.CSR_KINDS)
    public, _period = statements.latest_public_report(cooperative=cooperative)
    results = None
    if public is not None:
        results = {
            "as_of": public.as_of,
            "active_members": member_selectors.status_counts(cooperative=cooperative)["active"],
            "assets": public.assets,
            "equity": public.equity,
            "shu_to_date": public.result_to_date.amount,
            "shu_last_year": (
                public.result_last_year.amount if public.result_last_year is not None else None
            ),
        }
    return {
        "cooperative": cooperative_ref(cooperative),
        "on": built.on,
        "funds": [
            {
                "name": row.source.name,
                "partner": row.source.partner,
                "agreement_number": row.source.agreement_number,
                "received": row.received,
                "spent": row.spent,
                "balance": row.balance,
                "by_line": [
                    {"line": u.line, "label": u.label, "amount": u.amount} for u in row.by_line
                ],
                "uses": [
                    {
                        "on": use.on,
                        "line": use.line,
                        "line_label": rules.line_label(use.line),
                        "description": use.description,
                        "amount": use.amount,
                        "evidence_sha256": use.evidence_sha256,
                        "outside_permitted_lines": use.flagged,
                    }
                    for use in uses
                ],
            }
            for row, uses in built.details
        ],
        "results": results,
    }


api.add_router("/supervision/csr", router)
