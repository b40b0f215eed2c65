"""Error pages (handler400/403/404/500 in kopdes.urls): readable, translated, no stack traces."""

import logging
import re

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from kopdes.accounts.access import capabilities, cooperative_access
from kopdes.core.errors import NotFound

logger = logging.getLogger(__name__)

# Last resort when even the 500 template cannot be rendered (a broken template or static manifest).
_PLAIN_500 = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Kopdes</title></head>'
    "<body><h1>Terjadi kesalahan / Something went wrong</h1>"
    '<p><a href="/">Kopdes</a></p></body></html>'
)


@requires_csrf_token
def _page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    # The full layout (with navigation) is nicer, but an error page must not fail because the
    # navigation did: then fall back to the page without context processors.
    try:
        return render(request, template, status=status)
    except Exception:
        logger.exception("Rendering %s with the full layout failed", template)
        return HttpResponse(loader.render_to_string(template, {}), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "web/errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, "web/errors/403.html")


_COOPERATIVE_PATH = re.compile(r"^/app/(?P<id>[0-9a-fA-F-]{32,36})/")


def _keep_cooperative(request: HttpRequest) -> None:
    """Under /app/<id>/ of a cooperative the person may open, the 404 keeps its menu (the
    navigation reads `request.cooperative`). For anyone else nothing is set, so the page is the
    same as any other 404 and never tells whether the cooperative exists."""
    if getattr(request, "cooperative", None) is not None:
        return  # cooperative_page found it (a POST refused for want of a capability)
    match = _COOPERATIVE_PATH.match(request.path)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return
    try:
        cooperative = cooperative_access(user, match.group("id"))
    except NotFound:
        return
    request.cooperative = cooperative  # type: ignore[attr-defined]  # read by kopdes.web.nav
    request.capabilities = capabilities(user, cooperative)  # type: ignore[attr-defined]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    try:
        _keep_cooperative(request)
    except Exception:  # the 404 page must not fail because the menu could not be found
        logger.exception("Finding the cooperative of a 404 failed")
    return _page(request, 404, "web/errors/404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """For settings.CSRF_FAILURE_VIEW: usually a form left open until the session expired."""
    return _page(request, 403, "web/errors/403_csrf.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered when something is already broken: no request in the template context, so no
    context processors (no user, no navigation, no database), only the request id to quote."""
    context = {"request_id": getattr(request, "request_id", "")}
    try:
        body = loader.get_template("web/errors/500.html").render(context)
    except Exception:
        logger.exception("Rendering the 500 page failed")
        body = _PLAIN_500
    return HttpResponseServerError(body)
