"""Who may open a staff page of a cooperative: one decorator, tenant first.

`cooperative_page(need, write=...)`: `need` opens the page (GET may read); `write`, when a POST
needs more than reading the page (a form shown only to some), is checked for every POST. Both
fail as the same 404 as "no such cooperative", so a page never tells an outsider what exists.
The person's capabilities are computed once per request (`request.capabilities`) and reused by
the views and the menu (kopdes.web.nav).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from kopdes.accounts.access import Capability, capabilities, cooperative_access
from kopdes.core.errors import NotFound


def cooperative_page(need: Capability = Capability.VIEW, *, write: Capability | None = None):
    """Resolve `cooperative_id` for the logged-in person, tenant first: 404 when absent or not theirs.

    Both capabilities stay on the view (`capability`, `write_capability`): the security tests
    derive their expectations from them.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, cooperative_id, *args, **kwargs):
            try:
                request.cooperative = cooperative_access(request.user, cooperative_id, need=need)
            except NotFound:
                raise Http404 from None
            request.capabilities = capabilities(request.user, request.cooperative)
            if request.method == "POST" and write is not None and write not in request.capabilities:
                raise Http404
            return view(request, request.cooperative, *args, **kwargs)

        # Markers read by the security tests; functools' _Wrapped type does not declare them.
        wrapper.capability = need  # type: ignore[attr-defined]
        wrapper.write_capability = write or need  # type: ignore[attr-defined]
        return wrapper

    return decorate
