"""Who did it: the one type every service takes as `actor`, and the one label it stores.

Services are called by a person (a `accounts.User`) or by the system (`None`: a month-end run,
a migration, the demo's opening import). The lower layers never import the user model; they
need only its id and a printable label, which this Protocol names.
"""

from typing import Any, Protocol, TypeAlias, runtime_checkable

SYSTEM = "system"


@runtime_checkable
class Person(Protocol):
    """What a service needs of the person acting: a primary key and a label (`str()`)."""

    @property
    def pk(self) -> Any: ...

    def __str__(self) -> str: ...


Actor: TypeAlias = Person | None


def actor_label(actor: Actor) -> str:
    """The label stored with a row or an audit event: the person's name, or "system"."""
    return str(actor) if actor is not None else SYSTEM


def actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None
