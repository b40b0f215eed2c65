"""The loans reconciliation page: the loans sub-ledger against the GL control accounts (1-103
piutang, 1-104 cadangan, 4-102 jasa, 4-302 denda), like the savings one. Read-only."""

from django.shortcuts import render
from django.urls import path

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.loans import selectors
from kopdes.web.access import cooperative_page

LOANS = "app/<uuid:cooperative_id>/pinjaman/"


@cooperative_page(Capability.VIEW_LOANS)
def loans_reconciliation(request, cooperative: Cooperative):
    rows = selectors.loans_reconcile(cooperative=cooperative)
    return render(
        request,
        "web/loans/reconciliation.html",
        {
            "cooperative": cooperative,
            "rows": rows,
            "mismatches": selectors.receivable_mismatches(cooperative=cooperative),
            "balanced": all(r.difference == 0 for r in rows),
        },
    )


urlpatterns = [
    path(LOANS + "rekonsiliasi/", loans_reconciliation, name="loans_reconciliation"),
]
