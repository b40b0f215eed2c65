"""What an outsider needs to verify a cooperative's ledger without trusting the platform:
the standalone verifier script (`/transparansi/kopdes_verify.py`, one file, the Python standard
library plus `cryptography`) and each cooperative's checkpoints as JSON
(`/transparansi/<code>/log/checkpoints.json`), which the script and the verification page's
own script (static/web/verify.js) read. Public, no login, no personal data.
"""

import base64
from functools import cache
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from kopdes.ledger import checkpoints, signing
from kopdes.ledger.models import Checkpoint
from kopdes.web.views.transparency import _published, log_verifier_key, published_note

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "web" / "kopdes_verify.py"
SCRIPT_NAME = "kopdes_verify.py"


@cache
def _script() -> bytes:
    return SCRIPT.read_bytes()


@require_safe
def verifier_script(request):
    """The standalone verifier, as a file to save and run (`python3 kopdes_verify.py ...`)."""
    response = HttpResponse(_script(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SCRIPT_NAME}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _cosigners(note: str, origin: str) -> list[str]:
    """The names on the note's signature lines other than the log's own (the witnesses)."""
    signatures = note[note.rfind("\n\n") + 2 :].splitlines()
    names = [line.removeprefix(signing.SIGNATURE_PREFIX).split(" ")[0] for line in signatures]
    return [n for n in names if n not in {origin, signing.KEY_NAME}]


@require_safe
def log_checkpoints(request, code: str):
    """Every checkpoint of the cooperative, oldest first, with its published note (cosignatures
    included), its summary note and the witnesses that cosigned it; the log's verifier key."""
    cooperative = _published(code)
    origin = checkpoints.origin(cooperative)
    rows = []
    for checkpoint in Checkpoint.objects.filter(cooperative=cooperative).order_by("date"):
        note = published_note(checkpoint)
        rows.append(
            {
                "date": checkpoint.date.isoformat(),
                "tree_size": checkpoint.tree_size,
                "root": base64.b64encode(bytes.fromhex(checkpoint.root_hash)).decode(),
                "note": note,
                "summary": str(getattr(checkpoint, "summary", "") or ""),
                "witnesses": _cosigners(note, origin),
            }
        )
    response = JsonResponse(
        {"origin": origin, "verifier_key": log_verifier_key(origin), "checkpoints": rows}
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


urlpatterns = [
    path(f"transparansi/{SCRIPT_NAME}", verifier_script, name="transparency_verifier_script"),
    path("transparansi/<str:code>/log/checkpoints.json", log_checkpoints, name="log_checkpoints"),
]
