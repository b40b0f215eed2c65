"""Cooperatives the caller can see: their own, or those in their supervision scope."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from kopdes.accounts.access import cooperative_access, visible_cooperatives
from kopdes.accounts.selectors import officers
from kopdes.api.base import api, errors
from kopdes.cooperatives.selectors import business_units, policy_in_force

router = Router(tags=["cooperatives"])


class CooperativeSummary(Schema):
    id: UUID
    name: str
    status: str
    village_code: str
    village_name: str
    district_name: str


class CooperativePage(Schema):
    count: int
    items: list[CooperativeSummary]


class ListFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the name")
    district: str = Field("", max_length=8, description="Kecamatan code, e.g. 36.03.01")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class UnitOut(Schema):
    code: str
    kind: str
    name: str
    is_active: bool


class OfficerOut(Schema):
    full_name: str
    role: str
    label: str
    since: date


class PolicyOut(Schema):
    version: int
    effective_from: date
    simpanan_pokok_amount: int
    simpanan_wajib_amount: int
    savings_rate_min: Decimal
    savings_rate_max: Decimal
    loan_rate_min: Decimal
    loan_rate_max: Decimal
    rat_quorum_percent: Decimal
    shu_allocation: list[dict]
    shu_jasa_modal_percent: Decimal
    shu_savings_basis: str
    shu_savings_include_sukarela: bool
    shu_transaction_basis: str


class CooperativeOut(CooperativeSummary):
    legal_entity_number: str
    registry_number: str
    nib: str
    founded_on: date | None
    address: str
    business_units: list[UnitOut]
    officers: list[OfficerOut]
    policy: PolicyOut | None


def _summary(c) -> dict:
    return {
        "id": c.public_id,
        "name": c.name,
        "status": c.status,
        "village_code": c.village_id,
        "village_name": c.village.name,
        "district_name": c.village.district.name,
    }


@router.get("", response={200: CooperativePage, **errors(401)})
def cooperative_list(request, filters: Query[ListFilters]):
    """The cooperatives the caller holds a role in or supervises, by village code."""
    rows = (
        visible_cooperatives(request.user)
        .select_related("village__district")
        .order_by("village_id")
    )
    if filters.q:
        rows = rows.filter(name__icontains=filters.q)
    if filters.district:
        rows = rows.filter(village__district_id=filters.district)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "items": [_summary(c) for c in page]}


@router.get("/{cooperative_id}", response={200: CooperativeOut, **errors(401, 404)})
def cooperative_detail(request, cooperative_id: str):
    """One cooperative's identity, business units, officers and the policy in force."""
    cooperative = cooperative_access(request.user, cooperative_id)
    return {
        **_summary(cooperative),
        "legal_entity_number": cooperative.legal_entity_number,
        "registry_number": cooperative.registry_number,
        "nib": cooperative.nib,
        "founded_on": cooperative.founded_on,
        "address": cooperative.address,
        "business_units": list(
            business_units(cooperative=cooperative).values("code", "kind", "name", "is_active")
        ),
        "officers": [
            {
                "full_name": r.user.full_name,
                "role": r.kind,
                "label": r.get_kind_display(),
                "since": r.started_on,
            }
            for r in officers(cooperative=cooperative)
        ],
        "policy": policy_in_force(cooperative=cooperative),
    }


api.add_router("/cooperatives", router)
