"""Public ids: the UUIDs in URLs and API paths."""

import uuid
from collections.abc import Iterable

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


def valid_public_ids(values: Iterable[str]) -> list[uuid.UUID]:
    """The values that are UUIDs, as UUIDs; the others left out (a reference that cannot be a
    public id matches nothing)."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found
