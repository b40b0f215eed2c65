"""The transparency portal (/transparansi/): public, no login, no personal data.

It publishes the platform's verifier key and each cooperative's signed ledger checkpoints (the
Merkle root of all its journal entries and the day's control totals), so anyone can keep copies
and check later that history was not rewritten. Each page costs a fixed number of queries.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from kopdes.cooperatives.models import Cooperative
from kopdes.ledger import checkpoints, signing
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.selectors import failing_verification

PAGE_SIZE = 50


def _key() -> dict:
    key = signing.platform_key()
    return {"verifier_key": key.verifier_key, "public_pem": key.public_pem, "name": key.name}


@require_safe
def transparency(request):
    """Every cooperative, by village code, with its latest signed checkpoint."""
    q = request.GET.get("q", "").strip()[:100]
    cooperatives = Cooperative.objects.exclude(status=Cooperative.Status.DISSOLVED).select_related(
        "village__district"
    )
    if q:
        cooperatives = cooperatives.filter(name__icontains=q)
    page = Paginator(cooperatives.order_by("village_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    latest = checkpoints.latest_checkpoints(Cooperative.objects.filter(pk__in=[c.pk for c in page]))
    failing = failing_verification(cooperative_ids=[c.pk for c in page])
    rows = [
        {"cooperative": c, "checkpoint": latest.get(c.pk), "failing": c.pk in failing} for c in page
    ]
    return render(
        request,
        "web/transparency/index.html",
        {"page": page, "rows": rows, "query": q, "key": _key()},
    )


@require_safe
def transparency_cooperative(request, code: str):
    """One cooperative's recent checkpoints, newest first, each with its signed note."""
    cooperative = (
        Cooperative.objects.exclude(status=Cooperative.Status.DISSOLVED)
        .select_related("village__district")
        .filter(village_id=code)
        .first()
    )
    if cooperative is None:
        raise Http404
    page = Paginator(
        Checkpoint.objects.filter(cooperative=cooperative).order_by("-date"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/transparency/cooperative.html",
        {
            "cooperative": cooperative,
            "page": page,
            "origin": checkpoints.origin(cooperative),
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
            "key": _key(),
        },
    )


urlpatterns = [
    path("transparansi/", transparency, name="transparency"),
    path("transparansi/<str:code>/", transparency_cooperative, name="transparency_cooperative"),
]
