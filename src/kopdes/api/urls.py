"""The JSON API at /api/v1/: one NinjaAPI with a router per domain."""

from kopdes.api import (  # noqa: F401  (each module adds its router to `api`)
    announcements,
    auth,
    commerce,
    cooperatives,
    ledger,
    loans,
    member_home,
    member_transparency,
    members,
    payments,
    rat,
    regions,
    savings,
    shu,
    simkopdes,
    supervision,
    supervision_coaching,
    supervision_csr,
    supervision_exports,
    supervision_warnings,
)
from kopdes.api.base import api

__all__ = ["api"]
