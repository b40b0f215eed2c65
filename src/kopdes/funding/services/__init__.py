"""Every write of the funding sources, one module per job: `sources` (sources and their
documents), `receipts` (money received), `uses` (spending, attaching another entry, the
pengawas' follow-up of a flagged use).

Callers use `from kopdes.funding import services; services.fund_receive(...)`."""

from kopdes.funding.services.receipts import fund_receive
from kopdes.funding.services.sources import (
    funding_document_add,
    funding_source_close,
    funding_source_create,
    funding_source_update,
)
from kopdes.funding.services.uses import fund_attach, fund_flag_decide, fund_spend

__all__ = [
    "fund_attach",
    "fund_flag_decide",
    "fund_receive",
    "fund_spend",
    "funding_document_add",
    "funding_source_close",
    "funding_source_create",
    "funding_source_update",
]
