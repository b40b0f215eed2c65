"""What an outsider needs to verify a cooperative's ledger without trusting the platform:
the standalone verifier script (`/transparansi/kopdes_verify.py`, one file, the Python standard
library plus `cryptography`). It reads each cooperative's public log (`/transparansi/<code>/log/`:
checkpoints.json in views/transparency.py, the tiles and proofs in views/transparency_log.py),
as the verification page's own script (static/web/verify.js) does. Public, no login.
"""

from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

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


urlpatterns = [
    path(f"transparansi/{SCRIPT_NAME}", verifier_script, name="transparency_verifier_script"),
]
