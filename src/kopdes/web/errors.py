"""Showing a service's DomainError on a Django form."""

from django import forms

from kopdes.core.errors import DomainError, ValidationFailed


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Field errors go to their fields (or the form when the field is not on it); the rest to the form."""
    if isinstance(error, ValidationFailed) and error.fields:
        for field, messages in error.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, str(message))
    else:
        form.add_error(None, error.render())
