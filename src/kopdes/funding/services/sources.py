"""Funding sources: record, change, close; their documents."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, snapshot
from kopdes.core.money import AMOUNT_MAX
from kopdes.funding import rules
from kopdes.funding.errors import InvalidSource
from kopdes.funding.models import FundingDocument, FundingSource
from kopdes.funding.services._common import (
    _require,
    check_date,
    digest,
    locked_source,
    read_document,
    stored,
)

EDITABLE = (
    "name",
    "partner",
    "agreement_number",
    "agreement_date",
    "amount",
    "restricted",
    "permitted_lines",
    "note",
)
AUDITED = ("kind", *EDITABLE, "status", "closed_on")


def _check(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if values["kind"] not in rules.SOURCE_KINDS:
        errors["kind"] = [_("Choose the kind of funding source.")]
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors["name"] = [_("Give the funding source a name.")]
    elif len(values["name"]) > 150:
        errors["name"] = [_("At most 150 characters.")]
    for field, limit in (("partner", 150), ("agreement_number", 100)):
        values[field] = (values.get(field) or "").strip()
        if len(values[field]) > limit:
            errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    amount = values.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= AMOUNT_MAX:
        errors["amount"] = [_("Enter a whole rupiah amount above zero.")]
    agreement_date = values.get("agreement_date")
    if agreement_date is not None and not isinstance(agreement_date, date):
        errors["agreement_date"] = [_("Enter a date.")]
    lines = list(values.get("permitted_lines") or [])
    values["permitted_lines"] = lines
    problems = rules.permitted_line_errors(restricted=bool(values["restricted"]), lines=lines)
    if problems:
        errors["permitted_lines"] = problems
    values["note"] = (values.get("note") or "").strip()
    if errors:
        raise InvalidSource(fields=errors)
    return values


@transaction.atomic
def funding_source_create(
    *,
    actor: Actor,
    cooperative: Cooperative,
    kind: str,
    name: str,
    amount: int,
    partner: str = "",
    agreement_number: str = "",
    agreement_date: date | None = None,
    restricted: bool | None = None,
    permitted_lines: list[str] | tuple[str, ...] = (),
    note: str = "",
) -> FundingSource:
    """Record a funding source. CSR grants and APBD hibah are restricted unless `restricted` says
    otherwise; a restricted fund names its permitted business lines (funding.rules.BUSINESS_LINES)."""
    _require(actor, cooperative, Capability.MANAGE_FUNDING)
    values = _check(
        {
            "kind": kind,
            "name": name,
            "amount": amount,
            "partner": partner,
            "agreement_number": agreement_number,
            "agreement_date": agreement_date,
            "restricted": kind in rules.RESTRICTED_BY_DEFAULT if restricted is None else restricted,
            "permitted_lines": list(permitted_lines),
            "note": note,
        }
    )
    source = FundingSource.objects.create(
        cooperative=cooperative, created_by_label=actor_label(actor), **values
    )
    audit_record(
        actor=actor,
        action="funding.source_create",
        obj=source,
        after=snapshot(source, list(AUDITED)),
    )
    return source


@transaction.atomic
def funding_source_update(*, actor: Actor, source: FundingSource, **changes: Any) -> FundingSource:
    """Change a source's agreement details, amount, restriction or permitted lines (its kind stays).
    Uses recorded before keep the line they named."""
    _require(actor, source.cooperative, Capability.MANAGE_FUNDING)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidSource(fields={f: [_("This field cannot be changed.")] for f in unknown})
    source = locked_source(source)
    before = snapshot(source, list(AUDITED))
    values = _check({**{f: getattr(source, f) for f in ("kind", *EDITABLE)}, **changes})
    for field in EDITABLE:
        setattr(source, field, values[field])
    source.save(update_fields=list(EDITABLE))
    audit_record(
        actor=actor,
        action="funding.source_update",
        obj=source,
        before=before,
        after=snapshot(source, list(AUDITED)),
    )
    return source


@transaction.atomic
def funding_source_close(
    *, actor: Actor, source: FundingSource, on: date, reason: str = ""
) -> FundingSource:
    """Close a source: nothing more is received from it or used of it; its history stays."""
    _require(actor, source.cooperative, Capability.MANAGE_FUNDING)
    source = locked_source(source)
    check_date(on)
    before = snapshot(source, list(AUDITED))
    source.status = FundingSource.Status.CLOSED
    source.closed_on = on
    source.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action="funding.source_close",
        obj=source,
        before=before,
        after=snapshot(source, list(AUDITED)),
        reason=reason,
    )
    return source


@transaction.atomic
def funding_document_add(
    *, actor: Actor, source: FundingSource, title: str, file: Any
) -> FundingDocument:
    """Keep a document of a source (the agreement, a letter, a report) in private storage: a JPEG,
    PNG or WebP photo or a PDF of at most 2 MB, with its SHA-256."""
    _require(actor, source.cooperative, Capability.MANAGE_FUNDING)
    title = (title or "").strip()
    if not title or len(title) > 150:
        raise InvalidSource(
            fields={"title": [_("Give the document a title (at most 150 characters).")]}
        )
    content = read_document(file, "file")
    if content is None:
        raise InvalidSource(fields={"file": [_("Choose the file to upload.")]})
    document = FundingDocument(
        cooperative_id=source.cooperative_id,
        source=source,
        title=title,
        sha256=digest(content),
        uploaded_by_label=actor_label(actor),
    )
    document.file.save(*stored(content), save=False)
    document.save()
    audit_record(
        actor=actor,
        action="funding.document_add",
        obj=document,
        after=snapshot(document, ["source", "title", "sha256"]),
    )
    return document
