"""Loan codes as words for pages, PDFs and exports: the collectibility classes (1..5, the 5-class
scheme of domain.md section 4) and the loan event kinds. Choice fields (status, method, penalty
method, collateral kind) carry their own labels on the models."""

from django.utils.translation import gettext_lazy as _

from kopdes.loans.models import Loan, Method

COLLECTIBILITY = {
    1: _("Current (lancar)"),
    2: _("Special mention (dalam perhatian khusus)"),
    3: _("Substandard (kurang lancar)"),
    4: _("Doubtful (diragukan)"),
    5: _("Loss (macet)"),
}

EVENT_KINDS = {
    "restructure": _("Restructure"),
    "collectibility": _("Collectibility class changed"),
}


def collectibility_label(number: int | None) -> str:
    if number is None:
        return ""
    label = COLLECTIBILITY.get(int(number))
    return str(label) if label is not None else str(number)


def status_label(code: str) -> str:
    try:
        return str(Loan.Status(code).label)
    except ValueError:
        return code.replace("_", " ")


def method_label(code: str) -> str:
    try:
        return str(Method(code).label)
    except ValueError:
        return code.replace("_", " ")


def event_label(code: str) -> str:
    label = EVENT_KINDS.get(code)
    return str(label) if label is not None else code.replace("_", " ").replace(".", ": ")
