"""What the member app's transparency screen needs about the caller's own cooperatives
(`GET /me/transparency`): where the public report and the verification page are, the log's
origin and verifier key and the witnesses' keys (so the app checks a transaction's proof,
`/ledger/entries/{id}/proof`, against keys it did not take from that answer), and the CSR
funds' use by business line, summed over every fund (funding.selectors.fund_use, the fund-use report's numbers, as of today).

Aggregates of the cooperative only, no person in it: the same facts the public transparency
pages publish, for the cooperatives where the caller is an active member."""

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.funding import selectors as funding_selectors
from kopdes.ledger import checkpoints, signing
from kopdes.savings import selectors as savings_selectors

router = Router(tags=["transparency"])


class WitnessKeyOut(Schema):
    name: str
    verifier_key: str


class FundLineOut(Schema):
    line: str
    label: str = Field(description="The business line in words")
    amount: int


class FundUseOut(Schema):
    received: int = Field(description="CSR and other funds received, rupiah")
    spent: int
    balance: int
    funds: int = Field(description="How many funds")
    by_line: list[FundLineOut] = Field(description="Spent by business line, every fund summed")


class TransparencyOut(Schema):
    cooperative: CooperativeRef
    code: str = Field(description="The village code, as in /transparansi/<code>/")
    report_url: str = Field(description="The public report page")
    verify_url: str = Field(description="The public verification page")
    origin: str = Field(description="The log's origin, as in its checkpoints")
    verifier_key: str = Field(description="The log's verifier key")
    witnesses: list[WitnessKeyOut]
    fund_use: FundUseOut


@router.get("/me/transparency", response={200: list[TransparencyOut], **errors(401)})
def my_transparency(request):
    """Per cooperative where the caller is an active member: the public pages, the keys to
    verify a transaction's proof with, and the use of the CSR funds by business line."""
    witnesses = [
        {"name": w["name"], "verifier_key": w["verifier_key"]}
        for w in getattr(settings, "KOPDES_WITNESSES", [])
    ]
    out = []
    for member in savings_selectors.memberships(user=request.user):
        cooperative = member.cooperative
        origin = checkpoints.origin(cooperative)
        rows = funding_selectors.fund_use(cooperative, on=clock.today())
        by_line: dict[str, dict] = {}
        for row in rows:
            for line in row.by_line:
                entry = by_line.setdefault(
                    line.line, {"line": line.line, "label": line.label, "amount": 0}
                )
                entry["amount"] += line.amount
        code = cooperative.village_id
        out.append(
            {
                "cooperative": cooperative_ref(cooperative),
                "code": code,
                "report_url": reverse("web:transparency_cooperative", args=[code]),
                "verify_url": reverse("web:transparency_verify", args=[code]),
                "origin": origin,
                "verifier_key": signing.log_verifier_key(origin),
                "witnesses": witnesses,
                "fund_use": {
                    "received": sum(r.received for r in rows),
                    "spent": sum(r.spent for r in rows),
                    "balance": sum(r.balance for r in rows),
                    "funds": len(rows),
                    "by_line": sorted(by_line.values(), key=lambda r: -r["amount"]),
                },
            }
        )
    return out


api.add_router("/", router)
