"""Public ids: the UUIDs in URLs and API paths."""

import uuid

from kopdes.core.errors import NotFound


def parse_public_id(value: uuid.UUID | str) -> uuid.UUID:
    """`value` as a UUID; NotFound when it is not one, like an id nobody has (absent and
    malformed look the same)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None
