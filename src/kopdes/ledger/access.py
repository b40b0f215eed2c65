"""Who may see what of the ledger: request id -> object, tenant first, role second (the pattern
of accounts.access). Absent and forbidden give the same NotFound, so nobody can probe for other
cooperatives' entries."""

from typing import Any

from kopdes.accounts.access import Capability, capabilities
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.ledger.models import JournalEntry


def entry_for_proof(user: Any, entry_id: Any) -> JournalEntry:
    """The entry `entry_id` (public id) if `user` may see its proof; NotFound otherwise, the same
    for absent and forbidden.

    Today that is whoever may read the cooperative's books (VIEW_BOOKS). Hook: when members can
    check their own transactions, also allow a member whose sub-ledger the entry touches
    (JournalLine.subledger_kind/subledger_id) here, and only here.
    """
    key = parse_public_id(entry_id)
    entry = (
        JournalEntry.objects.select_related("cooperative__village").filter(public_id=key).first()
    )
    if entry is None or Capability.VIEW_BOOKS not in capabilities(user, entry.cooperative):
        raise NotFound()
    return entry
