"""The CSR partner's view (`/pantau/csr/`, issue 15.6): the cooperatives its grant funds, what
each received of its CSR grants and used by business line with the evidence, and each one's
aggregate results from its closed books (the figures the public transparency page shows). Nothing
else of the cooperative: not its books, members, loans or officers (`Capability.VIEW_CSR_REPORT`,
the only capability a CSR grant gives)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse

from kopdes.accounts.access import Capability, csr_funded_cooperatives
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.replicas import supervision_reads
from kopdes.funding import access as funding_access
from kopdes.funding import report, selectors
from kopdes.funding.models import FundUse
from kopdes.ledger import statements
from kopdes.members import selectors as member_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.files import private_file_response

CSR = "pantau/<uuid:cooperative_id>/csr/"
CSR_KINDS = selectors.CSR_KINDS


@login_required
@supervision_reads()
def csr_overview(request):
    """The funded cooperatives with their CSR grants' totals: received, used, left, and how many
    uses carry evidence. 404 for a person without a CSR grant."""
    funded = list(
        csr_funded_cooperatives(request.user)
        .select_related("village__district")
        .order_by("village_id")
    )
    if not funded:
        raise Http404
    funds = selectors.fund_use_by_cooperative(funded, kinds=CSR_KINDS)
    rows = [selectors.FundTotals(c, funds[c.pk]) for c in funded]
    totals = selectors.FundTotals(None, [f for row in rows for f in row.funds])
    return render(request, "web/supervision/csr_list.html", {"rows": rows, "totals": totals})


@cooperative_page(Capability.VIEW_CSR_REPORT)
@supervision_reads()
def csr_cooperative(request, cooperative: Cooperative):
    """One funded cooperative: its CSR grants' report as of today (per fund, per partner, every
    use with its evidence) and its aggregate results from the closed books."""
    built = report.fund_use_report(cooperative, clock.today(), kinds=CSR_KINDS)
    for _row, uses in built.details:
        for use in uses:
            use.evidence_url = reverse(  # type: ignore[attr-defined]  # for the template
                "web:csr_use_evidence", args=[cooperative.public_id, use.public_id]
            )
    public, _period = statements.latest_public_report(cooperative=cooperative)
    return render(
        request,
        "web/supervision/csr_cooperative.html",
        {
            "cooperative": cooperative,
            "report": built,
            "public": public,
            "members": member_selectors.status_counts(cooperative=cooperative)["active"],
        },
    )


def _csr_use(cooperative: Cooperative, use_id) -> FundUse:
    use = found_or_404(funding_access.use_in, cooperative=cooperative, public_id=use_id)
    if use.source.kind not in CSR_KINDS:
        raise Http404  # another fund's spending is not the CSR partner's to see
    return use


@cooperative_page(Capability.VIEW_CSR_REPORT)
def csr_use_evidence(request, cooperative: Cooperative, use_id):
    return private_file_response(_csr_use(cooperative, use_id).evidence)


urlpatterns = [
    path("pantau/csr/", csr_overview, name="csr_overview"),
    path(CSR, csr_cooperative, name="csr_cooperative"),
    path(CSR + "bukti/<uuid:use_id>/", csr_use_evidence, name="csr_use_evidence"),
]
