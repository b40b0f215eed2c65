"""One way to handle a staff form: validate, call one service, show its refusal on the form.

Every form page follows the same sequence, written once here::

    form = PolicyForm(request.POST or None, initial=...)
    return handle_form(
        request,
        form,
        save=lambda data: services.policy_change(actor=request.user, ..., **data),
        message=_("A new policy version was recorded."),
        success=reverse("web:policy", args=[cooperative.public_id]),
        page=lambda status: render(request, "web/...", {"form": form, ...}, status=status),
    )

- GET (or HEAD): the page, status 200.
- POST, valid: `save(form.cleaned_data)` (one service call). On success the message (a string,
  or made from the service's result) and `success` (a URL to redirect to, or a function of the
  result that answers, e.g. a receipt page).
- POST refused: the form's own errors, or the service's `DomainError` put on the form (field
  errors on their fields, the rest above the form; `kopdes.web.errors.form_add_domain_error`):
  the page again with status 400, and nothing saved (the service's transaction rolled back).

Who may POST is the decorator's business (`kopdes.web.access.cooperative_page(need, write=...)`),
never the view's.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kopdes.core.errors import DomainError
from kopdes.web.errors import form_add_domain_error

T = TypeVar("T")


class ActionForm(forms.Form):
    """A POST with nothing to fill in (a button: approve, close, remove): it still has a form, so
    a service's refusal shows on the page like any other form's."""


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], T],
    success: str | Callable[[T], HttpResponse],
    page: Callable[[int], HttpResponse],
    message: str | Callable[[T], str] | None = None,
    valid: bool = True,
) -> HttpResponse:
    """Answer a form page: `page(200)` for a GET; for a POST, `save` the valid form, then the
    success `message` and `success`; else `page(400)` with the errors on the form.

    `valid=False` refuses the POST for a reason checked beside the form (rows of a formset with
    their own errors) after the form itself was validated, so every error shows at once.
    """
    if request.method != "POST":
        return page(200)
    if form.is_valid() and valid:
        try:
            result = save(form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return success(result) if callable(success) else redirect(success)
    return page(400)


def form_status(form: forms.Form) -> int:
    """The status of a page showing a form: 400 when it carries errors (a filter with a bad
    value, a refused POST), else 200."""
    return 400 if form.is_bound and form.errors else 200
