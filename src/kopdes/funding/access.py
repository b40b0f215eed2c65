"""Request ids -> funding objects, tenant first: the same `UnknownObject` for absent and another
cooperative's (the page's capability is checked by `web.access.cooperative_page`)."""

import uuid

from kopdes.cooperatives.models import Cooperative
from kopdes.funding.errors import UnknownObject
from kopdes.funding.models import FundingDocument, FundingSource, FundUse


def source_for(*, cooperative: Cooperative, public_id: uuid.UUID) -> FundingSource:
    found = FundingSource.objects.filter(cooperative=cooperative, public_id=public_id).first()
    if found is None:
        raise UnknownObject()
    return found


def use_for(*, source: FundingSource, public_id: uuid.UUID) -> FundUse:
    found = (
        FundUse.objects.filter(
            cooperative_id=source.cooperative_id, source=source, public_id=public_id
        )
        .select_related("source", "entry")
        .first()
    )
    if found is None:
        raise UnknownObject()
    return found


def document_for(*, source: FundingSource, public_id: uuid.UUID) -> FundingDocument:
    found = FundingDocument.objects.filter(
        cooperative_id=source.cooperative_id, source=source, public_id=public_id
    ).first()
    if found is None:
        raise UnknownObject()
    return found


def use_in(*, cooperative: Cooperative, public_id: uuid.UUID) -> FundUse:
    """A use of any of the cooperative's funds, with its source (the CSR partner's evidence
    link names the use only)."""
    found = (
        FundUse.objects.filter(cooperative=cooperative, public_id=public_id)
        .select_related("source")
        .first()
    )
    if found is None:
        raise UnknownObject()
    return found
