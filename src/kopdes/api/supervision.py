"""Supervision in the API.

`GET /supervision/cooperatives/{cooperative_id}/health` (docs/domain.md §5): the current
assessment of every assessed year (the latest first) with each component's inputs, and the
history. Supervisors in scope and the cooperative's officers (VIEW_HEALTH); anyone else gets the
same 404 `request.not_found` as for a cooperative that does not exist.

`GET /supervision/dashboard` (docs/supervision-dashboard.md): the indicators of every
cooperative the person's grants cover, and their totals; an empty scope for a person without a
grant."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from kopdes.accounts.access import Capability, cooperative_access, supervised_cooperatives
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.replicas import supervision_reads
from kopdes.supervision import dashboard as board
from kopdes.supervision import selectors

router = Router(tags=["supervision"])


class ComponentOut(Schema):
    aspect: str
    key: str
    label: str
    weight: Decimal
    ratio: Decimal | None = Field(
        description="Percent; null when not computable or a questionnaire"
    )
    value: int = Field(description="0..100, from the component's bands")
    points: Decimal = Field(description="value x weight / 100")
    inputs: dict[str, int] = Field(description="Rupiah read from the closed books")
    note: str = Field(description="How the value came about, in Indonesian")


class AssessmentOut(Schema):
    year: int
    method: str
    method_version: int
    score: Decimal
    predicate: str = Field(
        description="sehat, cukup_sehat, dalam_pengawasan, dalam_pengawasan_khusus"
    )
    predicate_label: str
    current: bool
    questionnaire_filled: bool
    assessed_by: str
    assessed_at: datetime
    components: list[ComponentOut]


class HealthOut(Schema):
    cooperative: CooperativeRef
    current: list[AssessmentOut] = Field(description="The current assessment of each year")
    history: list[AssessmentOut] = Field(description="Earlier assessments, replaced")


def _out(a) -> dict:
    return {
        "year": a.year,
        "method": a.method.kind,
        "method_version": a.method.version,
        "score": a.score,
        "predicate": a.predicate,
        "predicate_label": a.get_predicate_display(),
        "current": a.is_current,
        "questionnaire_filled": a.questionnaire_filled,
        "assessed_by": a.assessed_by_label,
        "assessed_at": a.assessed_at,
        "components": a.components,
    }


@router.get("/cooperatives/{cooperative_id}/health", response={200: HealthOut, **errors(401, 404)})
def cooperative_health(request, cooperative_id: str):
    """The cooperative's health assessments (penilaian kesehatan): score, predicate and every
    component with its inputs, per year; the replaced ones in `history`. The access check on
    the primary, the assessments from a replica when one is configured (ADR 0036)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.VIEW_HEALTH)
    with supervision_reads():
        rows = list(selectors.assessments(cooperative))
        return {
            "cooperative": cooperative_ref(cooperative),
            "current": [_out(a) for a in rows if a.is_current],
            "history": [_out(a) for a in rows if not a.is_current],
        }


class FiguresOut(Schema):
    members: int = Field(description="Active members")
    employees: int = Field(description="Employees active or on leave (jobs created)")
    own_capital: int = Field(description="Modal sendiri, rupiah")
    capital: dict[str, int] = Field(
        description="Own capital by source: pokok, wajib, hibah, cadangan, retained, dana_desa, "
        "result (income less expense not yet closed), other"
    )
    assets: int
    revenue_ytd: int
    shu_ytd: int
    revenue_last_year: int
    shu_last_year: int
    wajib_billed: int = Field(description="Simpanan wajib billed this year (not cancelled)")
    wajib_paid: int
    collection_rate: Decimal | None = Field(description="Percent; null when nothing billed")
    loans_outstanding: int = Field(description="Outstanding principal of active loans")
    npl: int = Field(description="Outstanding principal in collectibility classes 3-5")
    npl_ratio: Decimal | None = Field(description="Percent; null without active loans")
    periods_due: int = Field(description="Ended months of the last 12 with postings")
    periods_on_time: int = Field(description="Of them, closed within 10 days of their end")


class RowOut(FiguresOut):
    cooperative: CooperativeRef
    kecamatan_code: str
    kecamatan: str
    rat_held: bool = Field(description="The last fiscal year's RAT held")
    rat_reported: bool = Field(description="The last fiscal year's RAT closed (minutes)")
    rat_state: str = Field(
        description="on_time, held_late, held_overdue, due, late, overdue; empty when none due"
    )
    checkpoint_date: date | None = Field(description="The latest signed checkpoint's day")
    checkpoint_age_days: int | None
    verification: str = Field(description="ok, failing, none (no checkpoint yet)")
    predicate: str = Field(description="The current health predicate; empty when not assessed")
    predicate_year: int | None
    business_lines: list[str]
    leading_commodities: list[str]
    commodities_without_business_line: list[str]


class TotalsOut(FiguresOut):
    cooperatives: int
    rat_due: int
    rat_held_count: int
    rat_reported_count: int
    verification_failing: int
    no_checkpoint: int
    predicates: dict[str, int] = Field(description="Cooperatives per predicate; '' not assessed")


class DashboardOut(Schema):
    as_of: date
    year: int
    last_year: int
    totals: TotalsOut
    rows: list[RowOut]


def _figures(f: board.Figures) -> dict:
    return {
        "members": f.members,
        "employees": f.employees,
        "own_capital": f.own_capital,
        "capital": f.capital,
        "assets": f.assets,
        "revenue_ytd": f.revenue_ytd,
        "shu_ytd": f.shu_ytd,
        "revenue_last_year": f.revenue_last_year,
        "shu_last_year": f.shu_last_year,
        "wajib_billed": f.wajib_billed,
        "wajib_paid": f.wajib_paid,
        "collection_rate": f.collection_rate,
        "loans_outstanding": f.loans_outstanding,
        "npl": f.npl,
        "npl_ratio": f.npl_ratio,
        "periods_due": f.periods_due,
        "periods_on_time": f.periods_on_time,
    }


@router.get("/dashboard", response={200: DashboardOut, **errors(401)})
def supervision_dashboard(request, kecamatan: str = "", q: str = ""):
    """The indicators of every cooperative in the person's supervision scope (their live grants)
    and their totals, optionally in one kecamatan (`kecamatan`, its code) or matching `q` (name,
    village, kecamatan or code). docs/supervision-dashboard.md defines each figure."""
    scope = board.search(supervised_cooperatives(request.user), q[:100], kecamatan[:8])
    data = board.dashboard(scope)
    totals = data.totals
    return {
        "as_of": data.today,
        "year": data.year,
        "last_year": data.last_year,
        "totals": {
            **_figures(totals),
            "cooperatives": totals.cooperatives,
            "rat_due": totals.rat_due,
            "rat_held_count": totals.rat_held_count,
            "rat_reported_count": totals.rat_reported_count,
            "verification_failing": totals.verification_failing,
            "no_checkpoint": totals.no_checkpoint,
            "predicates": totals.predicates,
        },
        "rows": [
            {
                **_figures(row),
                "cooperative": {
                    "id": row.public_id,
                    "name": row.name,
                    "village_code": row.code,
                },
                "kecamatan_code": row.district_code,
                "kecamatan": row.district,
                "rat_held": row.rat_held,
                "rat_reported": row.rat_reported,
                "rat_state": row.rat_state,
                "checkpoint_date": row.checkpoint_date,
                "checkpoint_age_days": row.checkpoint_age,
                "verification": row.verification,
                "predicate": row.predicate,
                "predicate_year": row.predicate_year,
                "business_lines": row.business_lines,
                "leading_commodities": row.commodities,
                "commodities_without_business_line": row.unserved,
            }
            for row in data.rows
        ],
    }


api.add_router("/supervision", router)
