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
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
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
    return render(
        request,
        "web/transparency/cooperative.html",
        {
            "cooperative": cooperative,
            "report": report,
            "covering": covering,
            "members": member_selectors.status_counts(cooperative=cooperative)["active"],
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
        },
    )


def log_verifier_key(origin: str) -> str:
    """The verifier key of the cooperative's log (`signing.log_verifier_key` once it exists)."""
    by_origin = getattr(signing, "log_verifier_key", None)
    if by_origin is not None:
        return str(by_origin(origin))
    return signing.verifier_key(origin, signing.platform_key().public_key)


def published_note(checkpoint: Checkpoint) -> str:
    """The note with the witnesses' cosignatures (`checkpoints.published_note` once it exists)."""
    with_cosignatures = getattr(checkpoints, "published_note", None)
    if with_cosignatures is not None:
        return str(with_cosignatures(checkpoint))
    return checkpoint.note


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
    """One cooperative's recent checkpoints, newest first, each with its signed note; the
    check in the browser (static/web/verify.js) of the signatures, of each checkpoint extending
    the one before, and of a receipt named in the URL (`?nomor=<n>&leaf=<base64url>`)."""
    cooperative = _published(code)
    page = Paginator(
        Checkpoint.objects.filter(cooperative=cooperative).order_by("-date"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    receipt, receipt_named = _receipt(request)
    origin = checkpoints.origin(cooperative)
    return render(
        request,
        "web/transparency/verify.html",
        {
            "cooperative": cooperative,
            "page": page,
            "origin": origin,
            "key": _key(),
            "log_key": log_verifier_key(origin),
            "failing": bool(failing_verification(cooperative_ids=[cooperative.pk])),
            "receipt": receipt,
            "receipt_invalid": receipt_named and receipt is None,
            "verifier": {"messages": _verifier_messages(), "witnesses": _witness_keys()},
        },
    )


urlpatterns = [
    path("transparansi/", transparency, name="transparency"),
    path("transparansi/<str:code>/", transparency_cooperative, name="transparency_cooperative"),
    path("transparansi/<str:code>/verifikasi/", transparency_verify, name="transparency_verify"),
]
