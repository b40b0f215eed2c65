"""The transparency portal (/transparansi/): public, no login, no personal data.

It publishes the platform's verifier key and each cooperative's signed ledger checkpoints (the
Merkle root of all its journal entries and the day's control totals), so anyone can keep copies
and check later that history was not rewritten. Each page costs a fixed number of queries.
"""

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
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


def _key(cooperative: Cooperative | None = None) -> dict:
    """The platform's public key; with a cooperative, its log's name and verifier key."""
    key = {"public_pem": signing.platform_key().public_pem}
    if cooperative is not None:
        key["origin"] = checkpoints.origin(cooperative)
        key["verifier_key"] = signing.log_verifier_key(key["origin"])
    return key


def _summary_days(checkpoint: Checkpoint) -> tuple[checkpoints.DayTotal, ...]:
    """The entries a checkpoint added, by accounting date, as its signed summary says (a
    version 1 checkpoint: the day's totals of its note)."""
    if checkpoint.summary:
        return checkpoints.parse_summary_text(checkpoint.summary.split("\n\n", 1)[0] + "\n").days
    return (
        checkpoints.DayTotal(checkpoint.date, checkpoint.day_count, checkpoint.day_debit_total),
    )


def _published_row(checkpoint: Checkpoint | None) -> dict | None:
    """A checkpoint as published: its note with the witnesses' cosignatures, and who cosigned
    when (prefetch `checkpoints.with_cosignatures()`)."""
    if checkpoint is None:
        return None
    return {
        "checkpoint": checkpoint,
        "note": checkpoints.published_note(checkpoint),
        "cosignatures": list(checkpoint.cosignatures.all()),
        "days": _summary_days(checkpoint),
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
    rows = [_published_row(c) for c in page]
    return render(
        request,
        "web/transparency/verify.html",
        {
            "cooperative": cooperative,
            "page": page,
            "rows": rows,
            "witnesses": checkpoints.configured_witnesses(),
            "origin": checkpoints.origin(cooperative),
            "key": _key(cooperative),
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
        },
    )


@require_safe
def log_checkpoints(request, code: str):
    """Every checkpoint of a cooperative, oldest first, with its signed notes, for tools and the
    verifier (no personal data: sizes, roots, totals)."""
    cooperative = _published(code)
    origin = checkpoints.origin(cooperative)
    rows = (
        Checkpoint.objects.filter(cooperative=cooperative)
        .order_by("date")
        .prefetch_related(checkpoints.with_cosignatures())
    )
    return JsonResponse(
        {
            "origin": origin,
            "verifier_key": signing.log_verifier_key(origin),
            "checkpoints": [
                {
                    "date": c.date.isoformat(),
                    "tree_size": c.tree_size,
                    "root": signing.b64(bytes.fromhex(c.root_hash)),
                    "note": checkpoints.published_note(c),
                    "summary": c.summary,
                    "witnesses": sorted(cs.witness for cs in c.cosignatures.all()),
                    "balances_hash": c.balances_hash,
                }
                for c in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def log_balances(request, code: str, size: int):
    """The trial balance a checkpoint commits to (its summary's `balances` line is the SHA-256
    of exactly these bytes): totals per accounting month and account, no person in it."""
    cooperative = _published(code)
    checkpoint = (
        Checkpoint.objects.filter(cooperative=cooperative, tree_size=size)
        .exclude(balances_hash="")
        .order_by("date")
        .first()
    )
    if checkpoint is None:
        raise Http404
    document = checkpoints.balances_document(
        origin_line=checkpoints.origin(cooperative),
        tree_size=checkpoint.tree_size,
        balances=checkpoints.balances_at(checkpoint),
    )
    response = HttpResponse(document, content_type="application/json")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


urlpatterns = [
    path("transparansi/", transparency, name="transparency"),
    path("transparansi/<str:code>/", transparency_cooperative, name="transparency_cooperative"),
    path("transparansi/<str:code>/verifikasi/", transparency_verify, name="transparency_verify"),
    path("transparansi/<str:code>/log/checkpoints.json", log_checkpoints, name="log_checkpoints"),
    path("transparansi/<str:code>/log/balances/<int:size>.json", log_balances, name="log_balances"),
]
