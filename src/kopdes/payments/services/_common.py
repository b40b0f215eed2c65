"""Shared pieces of the payments services."""

from kopdes.accounts.access import Capability, holds
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor
from kopdes.payments.errors import NotAllowed


def _require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> None:
    """NotAllowed unless the actor holds one of `needed` in the cooperative (the service checks
    the role itself, whatever page calls it)."""
    if actor is None or not holds(actor, cooperative, *needed):  # type: ignore[arg-type]
        raise NotAllowed()
