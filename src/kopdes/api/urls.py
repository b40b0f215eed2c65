"""The JSON API at /api/v1/: one NinjaAPI with a router per domain."""

from kopdes.api.base import api
from kopdes.api import auth, regions  # noqa: F401  (each module adds its router to `api`)

__all__ = ["api"]
