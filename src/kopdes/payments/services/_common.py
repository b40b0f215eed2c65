"""Shared pieces of the payments services."""

from kopdes.accounts.access import Capability, capabilities
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.payments.errors import NotAllowed


def _require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> set[Capability]:
    """The actor's capabilities in the cooperative, when they include one of `needed`;
    NotAllowed otherwise (the service checks the role itself, whatever page calls it)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    held = capabilities(actor, cooperative)  # type: ignore[arg-type]
    if not held & set(needed):
        raise NotAllowed()
    return held
