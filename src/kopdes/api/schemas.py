"""Schemas more than one router answers with."""

from uuid import UUID

from ninja import Schema


class CooperativeRef(Schema):
    """A cooperative as other answers name it: its public id, name and village code."""

    id: UUID
    name: str
    village_code: str


def cooperative_ref(cooperative) -> dict:
    """The `CooperativeRef` of a cooperative."""
    return {
        "id": cooperative.public_id,
        "name": cooperative.name,
        "village_code": cooperative.village_id,
    }
