"""Who may see what of the ledger: request id -> object, tenant first, role second (the pattern
of accounts.access). Absent and forbidden give the same NotFound, so nobody can probe for other
cooperatives' entries, nor for other members' ones."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kopdes.accounts.access import Capability, capabilities
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.ledger.models import JournalEntry, JournalLine

# kind -> owned(user, cooperative pk, ids): which of `ids` (JournalLine.subledger_id values of
# that kind) are the caller's own accounts. The sub-ledger's app registers it (savings in its
# AppConfig.ready), because the ledger sits below the apps that know whose account is whose.
SubledgerOwner = Callable[[Any, int, set[str]], Iterable[str]]
_OWNERS: dict[str, SubledgerOwner] = {}


def register_subledger_owner(kind: str, owned: SubledgerOwner) -> None:
    _OWNERS[kind] = owned


@dataclass(frozen=True)
class ProofAccess:
    """What the caller may see of an entry's proof."""

    entry: JournalEntry
    full: bool  # officers and supervisors who may read the books: every field opened
    own: frozenset[str]  # otherwise the caller's own "kind:id" references on the entry's lines


def proof_access(user: Any, entry_id: Any) -> ProofAccess:
    """The entry `entry_id` (public id) and how much of it `user` may see; NotFound otherwise,
    the same for absent and forbidden.

    Whoever may read the cooperative's books (VIEW_BOOKS) sees everything. A member sees an entry
    with a line on one of their own sub-ledger accounts (their savings today), and only what is
    about them: ledger.selectors.entry_openings(entry, refs=own). Any other entry, of the same
    cooperative or not, is NotFound.
    """
    key = parse_public_id(entry_id)
    entry = (
        JournalEntry.objects.select_related("cooperative__village").filter(public_id=key).first()
    )
    if entry is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if Capability.VIEW_BOOKS in capabilities(user, entry.cooperative):
        return ProofAccess(entry=entry, full=True, own=frozenset())
    own = own_references(user, entry)
    if not own:
        raise NotFound()
    return ProofAccess(entry=entry, full=False, own=own)


def own_references(user: Any, entry: JournalEntry) -> frozenset[str]:
    """The "kind:id" sub-ledger references on `entry`'s lines that are `user`'s own accounts."""
    wanted: dict[str, set[str]] = {}
    for kind, ident in (
        JournalLine.objects.filter(entry=entry)
        .exclude(subledger_kind="")
        .values_list("subledger_kind", "subledger_id")
    ):
        if kind in _OWNERS:
            wanted.setdefault(kind, set()).add(ident)
    return frozenset(
        f"{kind}:{ident}"
        for kind, ids in wanted.items()
        for ident in _OWNERS[kind](user, entry.cooperative_id, ids)
    )


def entry_for_proof(user: Any, entry_id: Any) -> JournalEntry:
    """The entry `entry_id` if `user` may see (some of) its proof: proof_access(...).entry."""
    return proof_access(user, entry_id).entry
