"""Shared pieces of the announcements services: the permission check."""

from kopdes.accounts.access import Capability, capabilities
from kopdes.announcements.errors import NotAllowed
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor


def require_publisher(actor: Actor, cooperative: Cooperative) -> None:
    """PUBLISH_ANNOUNCEMENTS (ketua, sekretaris) in the cooperative, or the system (actor None:
    the demo, a migration); NotAllowed otherwise, whatever page or API calls the service."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    if Capability.PUBLISH_ANNOUNCEMENTS not in capabilities(actor, cooperative):  # type: ignore[arg-type]
        raise NotAllowed()
