"""The public log of each cooperative at /transparansi/<code>/log/: C2SP tlog-tiles and proofs.

No login, no personal data: the latest signed checkpoint (`checkpoint`, text/plain), the hash
tiles of the tree it signs (`tile/<L>/<N>[.p/<W>]`, application/octet-stream; entry bundles
are never served), and JSON consistency and inclusion proofs (hashes only) for any sizes up to
that checkpoint's tree size. Plain bytes and JSON, so that existing transparency-log tools (and
the standalone verifier) read them as they are. Nothing beyond the latest signed tree size is
served. A bad request gets a JSON error `{"error": {"code", "message", "details"}}` with a stable
code, as in the API.
"""

import base64

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from kopdes.core.errors import DomainError, NotFound
from kopdes.ledger import tiles
from kopdes.ledger.checkpoints.tree import Tree, latest_checkpoint, tree_of
from kopdes.ledger.errors import LogBadIndex, LogBadSize, LogNotPublished, TileNotFound
from kopdes.ledger.models import Checkpoint
from kopdes.web.views.transparency import _published

IMMUTABLE = "public, max-age=31536000, immutable"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _error(exc: DomainError) -> HttpResponse:
    response = JsonResponse({"error": exc.as_dict()}, status=exc.status)
    response["Cache-Control"] = "no-cache"
    return _public(response)


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # public bytes, for browser-based verifiers
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _latest(code: str) -> Checkpoint:
    """The latest signed checkpoint of the cooperative of `code`."""
    try:
        cooperative = _published(code)
    except Http404 as exc:  # the API's JSON 404
        raise NotFound from exc
    checkpoint = latest_checkpoint(cooperative)
    if checkpoint is None:
        raise LogNotPublished
    return checkpoint


def _tree(code: str) -> Tree:
    """The tree the latest signed checkpoint signs (nothing beyond its size)."""
    return tree_of(_latest(code))


def _number(value: str | None) -> int | None:
    """A non-negative decimal integer in its plain spelling, else None."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    if value != str(int(value)):
        return None
    return int(value)


def _answer(view):
    def wrapped(request, *args, **kwargs):
        try:
            return _public(view(request, *args, **kwargs))
        except DomainError as exc:
            return _error(exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_safe(wrapped)


@_answer
def log_checkpoint(request, code: str):
    """The latest signed checkpoint (C2SP signed note) with the witnesses' cosignatures."""
    response = HttpResponse(_latest(code).note, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=5"
    return response


@_answer
def log_tile(request, code: str, tile: str):
    """A hash tile of the signed tree; `tile/entries/...` is never served."""
    tree = _tree(code)
    try:
        wanted = tiles.parse_path(tile)
    except tiles.TilePathError:
        raise TileNotFound(path=f"tile/{tile}", size=tree.size) from None
    data = tree.tile(wanted)
    if data is None:
        raise TileNotFound(path=f"tile/{tile}", size=tree.size)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if wanted.full else "public, max-age=86400"
    return response


@_answer
def log_consistency(request, code: str):
    """`?old=<m>&new=<n>`: the RFC 9162 consistency proof between two tree sizes."""
    tree = _tree(code)
    old, new = _number(request.GET.get("old")), _number(request.GET.get("new"))
    if old is None or new is None or not 0 <= old <= new <= tree.size:
        raise LogBadSize(size=tree.size)
    proof, old_root, new_root = tree.consistency_and_roots(old, new)
    response = JsonResponse(
        {
            "old_size": old,
            "new_size": new,
            "old_root": _b64(old_root),
            "new_root": _b64(new_root),
            "proof": [_b64(h) for h in proof],
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


@_answer
def log_inclusion(request, code: str):
    """`?index=<i>&size=<n>`: the RFC 9162 inclusion proof (audit path) of leaf i."""
    tree = _tree(code)
    index, size = _number(request.GET.get("index")), _number(request.GET.get("size"))
    if index is None or size is None or not 0 <= index < size <= tree.size:
        raise LogBadIndex(size=tree.size)
    proof, root = tree.inclusion_and_root(index, size)
    response = JsonResponse(
        {"index": index, "size": size, "root": _b64(root), "proof": [_b64(h) for h in proof]}
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


urlpatterns = [
    path("transparansi/<str:code>/log/checkpoint", log_checkpoint, name="log_checkpoint"),
    path("transparansi/<str:code>/log/tile/<path:tile>", log_tile, name="log_tile"),
    path("transparansi/<str:code>/log/consistency", log_consistency, name="log_consistency"),
    path("transparansi/<str:code>/log/inclusion", log_inclusion, name="log_inclusion"),
]
