"""Shared pieces of the commerce services: permissions, numbers, units, posting."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import translation

from kopdes.accounts.access import Capability, holds
from kopdes.commerce import rules
from kopdes.commerce.errors import NotAllowed, SamePerson, UnknownObject
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.actors import Actor, actor_id
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry, Sequence


def _require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> None:
    """NotAllowed unless the person holds one of `needed` in the cooperative. The system (actor
    None: a cooperative's setup, the demo's import) may do everything."""
    if actor is None:
        return
    if not holds(actor, cooperative, *needed):  # type: ignore[arg-type]
        raise NotAllowed()


def _other_person(actor: Actor, *earlier: int | None) -> None:
    """The four-eyes rule: the actor is none of the people who did the earlier steps."""
    me = actor_id(actor)
    if me is not None and me in {pk for pk in earlier if pk is not None}:
        raise SamePerson()


def books_text(message: Any, **params: Any) -> str:
    """A memo for the books, in the books' language (Bahasa Indonesia) whoever posts it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _same_cooperative(cooperative_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.cooperative_id != cooperative_id:
            raise UnknownObject()


def _unit(cooperative: Cooperative, unit: BusinessUnit) -> BusinessUnit:
    _same_cooperative(cooperative.pk, unit)
    return unit


def _next_value(cooperative: Cooperative, name: str) -> int:
    """The next value of a gapless counter, under its row lock, in the caller's transaction."""
    sequence, _created = Sequence.objects.select_for_update().get_or_create(
        cooperative=cooperative, name=name
    )
    Sequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    return sequence.last_value + 1


def document_number(cooperative: Cooperative, prefix: str, on: date, width: int = 4) -> str:
    """The next "<prefix>-<year>-<0001>" of the cooperative (PO, GR, TR, SO, WO, RT, OR, PJL)."""
    value = _next_value(cooperative, f"commerce_{prefix.lower()}:{on.year}")
    return rules.document_number(prefix, on.year, value, width)


def post(
    *,
    cooperative: Cooperative,
    event: str,
    key: str,
    amounts: dict[str, int],
    on: date,
    memo: str,
    source_id: str,
    actor: Actor,
) -> JournalEntry:
    """Book a commerce event through the posting rule in force on `on`."""
    return ledger.post_event(
        cooperative=cooperative,
        event=event,
        key=key,
        amounts=amounts,
        date=on,
        memo=memo,
        source_id=source_id,
        actor=actor,
    )
