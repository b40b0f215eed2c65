"""The transparency portal (/transparansi/): public, no login, no personal data.

It publishes the platform's verifier key and each cooperative's signed ledger checkpoints (the
Merkle root of all its journal entries and the day's control totals), so anyone can keep copies
and check later that history was not rewritten. Each page costs a fixed number of queries.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kopdes.announcements import selectors as announcement_selectors
from kopdes.cooperatives.models import Cooperative
from kopdes.core.replicas import supervision_reads
from kopdes.ledger import checkpoints, signing, statements
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.selectors import failing_verification
from kopdes.members import selectors as member_selectors
from kopdes.supervision import dashboard as board
from kopdes.web.views.rat import deadline_labels

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
    """Every cooperative, by village code, with its latest signed checkpoint, its active members
    and its last fiscal year's RAT; the same per kecamatan. A fixed number of queries."""
    q = request.GET.get("q", "").strip()[:100]
    published = Cooperative.objects.exclude(status=Cooperative.Status.DISSOLVED)
    cooperatives = published.select_related("village__district")
    if q:
        cooperatives = cooperatives.filter(name__icontains=q)
    page = Paginator(cooperatives.order_by("village_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    latest = checkpoints.latest_checkpoints(Cooperative.objects.filter(pk__in=[c.pk for c in page]))
    prefetch_related_objects(list(latest.values()), checkpoints.with_cosignatures())
    failing = failing_verification(cooperative_ids=[c.pk for c in page])
    # Aggregates only (no person): members, the last fiscal year's RAT, the ledger's trust, per
    # cooperative and per kecamatan, read as the supervisors' dashboard reads them.
    with supervision_reads():
        figures = board.dashboard(published)
    by_id = {row.id: row for row in figures.rows}
    rat_labels = deadline_labels()
    rows = [
        {
            "cooperative": c,
            "checkpoint": latest.get(c.pk),
            "published": _published_row(latest.get(c.pk)),
            "failing": c.pk in failing,
            "figures": by_id.get(c.pk),
            "rat": rat_labels.get(by_id[c.pk].rat_state, "") if c.pk in by_id else "",
        }
        for c in page
    ]
    districts = [
        {
            "name": d.name,
            "cooperatives": len(d.rows),
            "members": sum(r.members for r in d.rows),
            "rat_held": sum(r.rat_held for r in d.rows),
            "rat_reported": sum(r.rat_reported for r in d.rows),
            "failing": sum(r.verification == board.VERIFY_FAILING for r in d.rows),
        }
        for _code, d in sorted(board.by_district(figures.rows).items())
    ]
    return render(
        request,
        "web/transparency/index.html",
        {
            "page": page,
            "rows": rows,
            "districts": districts,
            "fiscal_year": figures.last_year,
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
    report, period = statements.latest_public_report(cooperative=cooperative)
    covering = None
    if period is not None and period.closed_at is not None:
        covering = checkpoints.checkpoint_covering(cooperative=cooperative, moment=period.closed_at)
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
            "documents": list(announcement_selectors.public_documents(cooperative)),
        },
    )


@dataclass(frozen=True)
class Receipt:
    """A receipt's entry number and leaf hash, read from the URL its QR code carries."""

    number: int
    leaf: str  # base64url, as in the URL
    leaf_b64: str  # standard base64, as the verifier script takes it


def _receipt(request) -> tuple[Receipt | None, bool]:
    """(the receipt named by ?nomor=<n>&leaf=<base64url leaf hash>, whether one was named)."""
    number, leaf = request.GET.get("nomor", ""), request.GET.get("leaf", "")
    if not number and not leaf:
        return None, False
    if not (number.isascii() and number.isdigit() and 0 < len(number) <= 18):
        return None, True
    try:
        raw = base64.urlsafe_b64decode(leaf + "=" * (-len(leaf) % 4))
    except (binascii.Error, ValueError):
        return None, True
    if len(raw) != 32 or base64.urlsafe_b64encode(raw).decode().rstrip("=") != leaf.rstrip("="):
        return None, True
    return Receipt(int(number), leaf.rstrip("="), signing.b64(raw)), True


def _verifier_messages() -> dict[str, str]:
    """What static/web/verify.js says, in the reader's language (placeholders %(name)s)."""
    return {
        "checking": _("Checking…"),
        "verified": _(
            "Verified: the %(count)s checkpoints are signed with this cooperative's key, and "
            "each one extends the one before."
        ),
        "witnessed": _("Cosigned by the witnesses: %(names)s."),
        "receipt_ok": _(
            "Verified: entry number %(number)s of the receipt is in the books signed on %(date)s."
        ),
        "failed": _("FAILED: %(what)s"),
        "bad_signature": _("the signature of the checkpoint of %(date)s is not valid"),
        "bad_origin": _("the checkpoint of %(date)s belongs to another cooperative"),
        "unsigned": _("the checkpoint of %(date)s is not signed with this cooperative's key"),
        "bad_cosignature": _("the cosignature of witness %(name)s on %(date)s is not valid"),
        "rewritten": _(
            "the checkpoint of %(date)s does not extend the one of %(before)s: the history was "
            "rewritten"
        ),
        "listing": _("the list of checkpoints does not match the signed notes (%(date)s)"),
        "receipt_missing": _(
            "entry number %(number)s with this receipt's leaf hash is not in the signed books"
        ),
        "receipt_pending": _(
            "entry number %(number)s is not yet covered by a checkpoint: the proof is available "
            "after the day's checkpoint"
        ),
        "no_checkpoint": _("this cooperative has no checkpoint yet"),
        "unreachable": _("the server's answer could not be read (%(what)s)"),
        "no_crypto": _(
            "this browser cannot check Ed25519 signatures: use the verifier script below"
        ),
    }


def _witness_keys() -> list[dict[str, str]]:
    """The witnesses the platform submits checkpoints to (settings.KOPDES_WITNESSES)."""
    return [
        {"name": w["name"], "verifier_key": w["verifier_key"]}
        for w in getattr(settings, "KOPDES_WITNESSES", [])
    ]


@require_safe
def transparency_verify(request, code: str):
    """One cooperative's recent checkpoints, newest first, each with its signed note, the
    witnesses' cosignatures appended, and who cosigned it when; the check in the browser
    (static/web/verify.js) of the signatures, of each checkpoint extending the one before, and of
    a receipt named in the URL (`?nomor=<n>&leaf=<base64url>`)."""
    cooperative = _published(code)
    page = Paginator(
        Checkpoint.objects.filter(cooperative=cooperative)
        .order_by("-date")
        .prefetch_related(checkpoints.with_cosignatures()),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [_published_row(c) for c in page]
    receipt, receipt_named = _receipt(request)
    origin = checkpoints.origin(cooperative)
    return render(
        request,
        "web/transparency/verify.html",
        {
            "cooperative": cooperative,
            "page": page,
            "rows": rows,
            "witnesses": checkpoints.configured_witnesses(),
            "origin": origin,
            "key": _key(cooperative),
            "log_key": signing.log_verifier_key(origin),
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
            "receipt": receipt,
            "receipt_invalid": receipt_named and receipt is None,
            "verifier": {"messages": _verifier_messages(), "witnesses": _witness_keys()},
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
    response = JsonResponse(
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
    response["Access-Control-Allow-Origin"] = "*"  # for verifiers on other origins
    response["Cache-Control"] = "public, max-age=60"
    return response


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
