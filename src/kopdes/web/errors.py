"""Showing a service's DomainError on a page: on a Django form, or as the 404 page."""

from django import forms
from django.http import Http404

from kopdes.core.errors import DomainError, NotFound, ValidationFailed


def found_or_404(read, **kwargs):
    """A selector's object, or the same 404 page for absent and not ours."""
    try:
        return read(**kwargs)
    except NotFound:
        raise Http404 from None


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Field errors go to their fields (or the form when the field is not on it); the rest to the form."""
    if isinstance(error, ValidationFailed) and error.fields:
        for field, messages in error.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, str(message))
    else:
        form.add_error(None, error.render())
