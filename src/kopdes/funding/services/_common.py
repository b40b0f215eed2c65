"""Shared pieces of the funding services: permissions, the policy, evidence files, balances."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import translation

from kopdes.accounts.access import Capability, holds
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.money import AMOUNT_MAX
from kopdes.funding.errors import (
    EvidenceRequired,
    InvalidAmount,
    InvalidDate,
    InvalidDocument,
    NotAllowed,
    SourceClosed,
    UnknownObject,
)
from kopdes.funding.models import FundingSource, FundReceipt, FundUse
from kopdes.members import rules as member_rules

DOCUMENT_MAX_BYTES = 2 * 1024 * 1024


def _require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> None:
    """NotAllowed unless the person holds one of `needed` in the cooperative. The system (actor
    None: the demo's seed) may do everything."""
    if actor is None:
        return
    if not holds(actor, cooperative, *needed):  # type: ignore[arg-type]
        raise NotAllowed()


def books_text(message: Any, **params: Any) -> str:
    """A memo for the books, in the books' language (Bahasa Indonesia) whoever posts it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


@dataclass(frozen=True)
class FundingPolicy:
    grant_as_equity: bool
    outside_lines: str


def funding_policy(cooperative: Cooperative, on: date) -> FundingPolicy:
    """What the policy in force on `on` says about funds (the defaults without a policy)."""
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:
        return FundingPolicy(grant_as_equity=True, outside_lines="refuse")
    return FundingPolicy(
        grant_as_equity=policy.csr_capital_as_equity,
        outside_lines=policy.restricted_fund_outside_lines,
    )


def check_amount(amount: Any, field: str = "amount") -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= AMOUNT_MAX:
        raise InvalidAmount(fields={field: [str(InvalidAmount.message)]})
    return amount


def check_date(on: Any, field: str = "on") -> date:
    today = clock.today()
    if not isinstance(on, date) or on > today:
        raise InvalidDate(
            fields={field: [str(InvalidDate.message % {"today": today})]}, today=today
        )
    return on


def locked_source(source: FundingSource) -> FundingSource:
    """The source under a row lock (its balance is read and used under it); open sources only."""
    locked = FundingSource.objects.select_for_update().get(pk=source.pk)
    if locked.status != FundingSource.Status.ACTIVE:
        raise SourceClosed()
    return locked


def same_cooperative(cooperative_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.cooperative_id != cooperative_id:
            raise UnknownObject()


def received_total(source: FundingSource) -> int:
    return FundReceipt.objects.filter(source=source).aggregate(t=Sum("amount"))["t"] or 0


def fund_balance(source: FundingSource) -> int:
    """Received less used, in one query (a use's check under the source's row lock)."""

    def total(rows: Any) -> Any:
        summed = rows.filter(source=OuterRef("pk")).values("source").annotate(t=Sum("amount"))
        return Coalesce(Subquery(summed.values("t")), 0)

    return (
        FundingSource.objects.filter(pk=source.pk)
        .annotate(balance=total(FundReceipt.objects) - total(FundUse.objects))
        .values_list("balance", flat=True)
        .get()
    )


def read_document(document: Any, field: str) -> tuple[bytes, str] | None:
    """An uploaded file (a Django File or bytes) read and checked: JPEG, PNG, WebP or PDF (by its
    first bytes, not its name), at most 2 MB. None when there is none."""
    if document is None or document in (b"", ""):
        return None
    if isinstance(document, (bytes, bytearray)):
        data = bytes(document)
    else:
        size = getattr(document, "size", None)
        if size is not None and size > DOCUMENT_MAX_BYTES:
            raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
        if hasattr(document, "seek"):
            document.seek(0)
        data = document.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    kind = "pdf" if data[:5] == b"%PDF-" else member_rules.image_type(data[:16])
    if kind is None:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    return data, ("jpg" if kind == "jpeg" else kind)


def required_evidence(evidence: Any, field: str = "evidence") -> tuple[bytes, str]:
    content = read_document(evidence, field)
    if content is None:
        raise EvidenceRequired(fields={field: [str(EvidenceRequired.message)]})
    return content


def digest(content: tuple[bytes, str]) -> str:
    return hashlib.sha256(content[0]).hexdigest()


def stored(content: tuple[bytes, str]) -> tuple[str, ContentFile]:
    """A random name and the file to save under it (names never carry what the user typed)."""
    return f"{uuid.uuid4().hex}.{content[1]}", ContentFile(content[0])
