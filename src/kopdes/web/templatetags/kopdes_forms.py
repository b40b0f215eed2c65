"""The error summary of a form (web/_form_errors.html): every error of the form, each linked to
its field."""

from dataclasses import dataclass
from typing import Any

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    message: str
    label: str = ""  # the field's label ("" for an error of the whole form)
    target: str = ""  # the id of the control to jump to ("" when there is none to show)


def _target(field: forms.BoundField) -> str:
    """The control a link should reach: the input itself, or the first choice of a radio or
    checkbox group (whose label belongs to a legend, not to one control)."""
    if field.is_hidden or not field.auto_id:
        return ""
    return field.id_for_label or f"{field.auto_id}_0"


@register.simple_tag
def error_summary(form: Any, more: Any = None) -> list[SummaryError]:
    """The errors of `form` (and of the forms in `more`, e.g. a journal's line forms), in the
    order the fields are shown, the form's own errors first."""
    found: list[SummaryError] = []
    for each in [form, *(more or [])]:
        if not isinstance(each, forms.BaseForm) or not each.is_bound:
            continue
        found.extend(SummaryError(str(message)) for message in each.non_field_errors())
        for field in each:
            found.extend(
                SummaryError(str(message), str(field.label or ""), _target(field))
                for message in field.errors
            )
    return found
