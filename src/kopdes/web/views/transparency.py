"""The transparency portal (/transparansi/): public, no login, no personal data.

It publishes the platform's verifier key and each cooperative's signed ledger checkpoints (the
Merkle root of all its journal entries and the day's control totals), so anyone can keep copies
and check later that history was not rewritten. Each page costs a fixed number of queries.
"""

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from kopdes.cooperatives.models import Cooperative
from kopdes.core.months import month_end
from kopdes.ledger import checkpoints, signing, statements
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.selectors import failing_verification
from kopdes.members import selectors as member_selectors

PAGE_SIZE = 50


def _key() -> dict:
    key = signing.platform_key()
    return {"verifier_key": key.verifier_key, "public_pem": key.public_pem, "name": key.name}


def _published_row(checkpoint: Checkpoint | None) -> dict | None:
    """A checkpoint as published: its note with the witnesses' cosignatures, and who cosigned
    when (prefetch `checkpoints.with_cosignatures()`)."""
    if checkpoint is None:
        return None
    return {
        "checkpoint": checkpoint,
        "note": checkpoints.published_note(checkpoint),
        "cosignatures": list(checkpoint.cosignatures.all()),
    }


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
    prefetch_related_objects(list(latest.values()), checkpoints.with_cosignatures())
    failing = failing_verification(cooperative_ids=[c.pk for c in page])
    rows = [
        {
            "cooperative": c,
            "checkpoint": latest.get(c.pk),
            "published": _published_row(latest.get(c.pk)),
            "failing": c.pk in failing,
        }
        for c in page
    ]
    return render(
        request,
        "web/transparency/index.html",
        {
            "page": page,
            "rows": rows,
            "query": q,
            "key": _key(),
            "witnesses": checkpoints.configured_witnesses(),
        },
    )


def _published(code: str) -> Cooperative:
    cooperative = (
        Cooperative.objects.exclude(status=Cooperative.Status.DISSOLVED)
        .select_related("village__district")
        .filter(village_id=code)
        .first()
    )
    if cooperative is None:
        raise Http404
    return cooperative


@require_safe
def transparency_cooperative(request, code: str):
    """One cooperative's public report in plain words: members and their savings, what it holds
    and owes, its result, CSR capital, from the last closed month, tied to the signed checkpoint
    that covers that month's closing. Aggregates only: no person in it."""
    cooperative = _published(code)
    period, months_closed = ledger_selectors.last_closed_period(cooperative=cooperative)
    report = covering = None
    if period is not None:
        as_of = month_end(period.year, period.month)
        report = statements.public_report(
            cooperative=cooperative, as_of=as_of, months_closed=months_closed
        )
        if period.closed_at is not None:
            covering = checkpoints.checkpoint_covering(
                cooperative=cooperative, moment=period.closed_at
            )
    covering_cosignatures = list(covering.cosignatures.all()) if covering is not None else []
    return render(
        request,
        "web/transparency/cooperative.html",
        {
            "cooperative": cooperative,
            "report": report,
            "covering": covering,
            "covering_cosignatures": covering_cosignatures,
            "members": member_selectors.status_counts(cooperative=cooperative)["active"],
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
        },
    )


@require_safe
def transparency_verify(request, code: str):
    """One cooperative's recent checkpoints, newest first, each with its signed note, the
    witnesses' cosignatures appended, and who cosigned it when."""
    cooperative = _published(code)
    page = Paginator(
        Checkpoint.objects.filter(cooperative=cooperative)
        .order_by("-date")
        .prefetch_related(checkpoints.with_cosignatures()),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/transparency/verify.html",
        {
            "cooperative": cooperative,
            "page": page,
            "rows": [_published_row(c) for c in page],
            "witnesses": checkpoints.configured_witnesses(),
            "origin": checkpoints.origin(cooperative),
            "key": _key(),
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
        },
    )


urlpatterns = [
    path("transparansi/", transparency, name="transparency"),
    path("transparansi/<str:code>/", transparency_cooperative, name="transparency_cooperative"),
    path("transparansi/<str:code>/verifikasi/", transparency_verify, name="transparency_verify"),
]
