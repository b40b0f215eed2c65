"""Supervision exports in the API: the evidence ZIP of a cooperative and period
(`GET /supervision/cooperatives/{cooperative_id}/evidence`, docs/evidence.md). EXPORT_EVIDENCE
(the Kejaksaan and the Dinas examiner covering the cooperative); anyone else gets the same 404
`request.not_found` as for a cooperative that does not exist; a bad period is 422
`supervision.export_period_invalid`."""

from ninja import Query, Router

from kopdes.accounts.access import Capability, cooperative_access
from kopdes.api.base import api, errors
from kopdes.supervision import evidence

router = Router(tags=["supervision"])

ZIP = {
    200: {
        "description": "The evidence ZIP (manifest.json, CSV, checkpoints, proofs, scripts)",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/cooperatives/{cooperative_id}/evidence",
    response={200: None, **errors(401, 404)},
    summary="The evidence export of a period (ZIP)",
    openapi_extra={"responses": ZIP},
)
def cooperative_evidence(
    request,
    cooperative_id: str,
    from_month: str = Query("", description="First month, YYYY-MM"),
    to_month: str = Query("", description="Last month, YYYY-MM"),
    year: str = Query("", description="A fiscal year instead of the months"),
):
    """The journal, sub-ledgers, audit log, people (masked) and role history of the period, the
    signed checkpoints and proofs, a manifest of SHA-256 hashes and the verification script, as
    one ZIP. Every export is audited (`evidence.export`)."""
    cooperative = cooperative_access(request.user, cooperative_id, need=Capability.EXPORT_EVIDENCE)
    period = evidence.period_from_text(from_month, to_month, year)
    return evidence.evidence_download(actor=request.user, cooperative=cooperative, period=period)


api.add_router("/supervision", router)
