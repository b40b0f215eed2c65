"""Writes to cooperatives: each one transaction with its audit row.

`actor` is the person doing it (a user; the layer below accounts only needs its pk and str).
Permission is checked by the caller through `kopdes.accounts.access`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kopdes.cooperatives import rules
from kopdes.cooperatives.errors import (
    BusinessUnitCodeTaken,
    InvalidCooperativeData,
    InvalidPolicy,
    PolicyBackdated,
    VillageTaken,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative, Policy, VillageProfile
from kopdes.cooperatives.selectors import policy_history
from kopdes.cooperatives.signals import policy_changed
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record, audit_records, snapshot
from kopdes.regions.models import Village

PROFILE_FIELDS = (
    "legal_entity_number",
    "registry_number",
    "npwp",
    "nib",
    "founded_on",
    "address",
    "status",
)
POLICY_FIELDS = tuple(rules.DEFAULT_POLICY)


@transaction.atomic
def cooperative_found(
    *,
    actor: Actor,
    village: Village,
    founded_on: date | None = None,
    address: str = "",
    legal_entity_number: str = "",
    registry_number: str = "",
    npwp: str = "",
    nib: str = "",
    policy: dict | None = None,
    policy_effective_from: date | None = None,
) -> Cooperative:
    """Found the cooperative of `village`: its legal identity, the seven standard business units,
    an empty village profile and policy version 1 (the defaults of docs/domain.md unless given).

    Raises VillageTaken (one cooperative per desa/kelurahan), InvalidCooperativeData, InvalidPolicy.
    """
    if (
        Cooperative.objects.filter(village=village)
        .exclude(status=Cooperative.Status.DISSOLVED)
        .exists()
    ):
        raise VillageTaken(village=str(village))
    founding = _Founding.checked(
        village=village,
        founded_on=founded_on,
        address=address,
        legal_entity_number=legal_entity_number,
        registry_number=registry_number,
        npwp=npwp,
        nib=nib,
        policy=policy,
        policy_effective_from=policy_effective_from,
    )
    try:
        founding.cooperative.save(force_insert=True)
    except IntegrityError:  # a concurrent founding for the same village won
        raise VillageTaken(village=str(village)) from None
    cooperative = founding.cooperative
    BusinessUnit.objects.bulk_create(founding.units())
    VillageProfile.objects.create(cooperative=cooperative)
    audit_record(
        actor=actor, action="cooperative.found", obj=cooperative, after=snapshot(cooperative)
    )
    _policy_add(
        actor=actor,
        cooperative=cooperative,
        values=founding.policy_values,
        effective_from=founding.policy_effective_from,
        reason=founding_reason(),
    )
    return cooperative


@transaction.atomic
def cooperatives_found_bulk(
    *, actor: Actor, foundings: Sequence[dict[str, Any]]
) -> list[Cooperative]:
    """`cooperative_found(actor=actor, **founding)` for each of `foundings`, at once: the rows a
    regency's onboarding (the Dinas registering its cooperatives, the demo's 274) needs in a few
    statements instead of about ten per cooperative. Each founding is checked by the same rules
    (`_Founding.checked`, `_policy_built`) and writes the same rows: the cooperative, its seven
    standard business units, an empty village profile, policy version 1, the `cooperative.found`
    and `policy.change` audit rows, and the `policy_changed` signal for each policy. All or
    nothing: one village taken (before or twice in the call) or one bad founding refuses them all.

    Raises VillageTaken, InvalidCooperativeData, InvalidPolicy, as `cooperative_found`."""
    villages = [founding["village"] for founding in foundings]
    taken = set(
        Cooperative.objects.filter(village__in=villages)
        .exclude(status=Cooperative.Status.DISSOLVED)
        .values_list("village_id", flat=True)
    )
    seen: set[str] = set()
    for village in villages:
        if village.pk in taken or village.pk in seen:
            raise VillageTaken(village=str(village))
        seen.add(village.pk)
    checked = [_Founding.checked(**founding) for founding in foundings]
    try:
        cooperatives = Cooperative.objects.bulk_create([f.cooperative for f in checked])
    except IntegrityError:  # a concurrent founding for one of the villages won
        raise VillageTaken(village=", ".join(str(v) for v in villages)) from None
    BusinessUnit.objects.bulk_create([unit for f in checked for unit in f.units()])
    VillageProfile.objects.bulk_create([VillageProfile(cooperative=c) for c in cooperatives])
    audit_records(
        actor=actor,
        action="cooperative.found",
        objs=cooperatives,
        afters=[snapshot(c) for c in cooperatives],
    )
    reason = founding_reason()
    policies = Policy.objects.bulk_create(
        [
            _policy_built(
                actor=actor,
                cooperative=f.cooperative,
                values=f.policy_values,
                effective_from=f.policy_effective_from,
                reason=reason,
            )
            for f in checked
        ]
    )
    audit_records(
        actor=actor,
        action="policy.change",
        objs=policies,
        afters=[snapshot(p, list(POLICY_FIELDS)) for p in policies],
        reason=reason,
    )
    for policy in policies:
        policy_changed.send(sender=Policy, policy=policy, actor=actor)
    return cooperatives


def founding_reason() -> str:
    """The reason of policy version 1, in the books' language (Bahasa Indonesia)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Founding AD/ART")


@dataclass
class _Founding:
    """One founding checked and its cooperative built (not saved): the rules shared by
    `cooperative_found` and `cooperatives_found_bulk`."""

    cooperative: Cooperative
    policy_values: dict
    policy_effective_from: date

    @classmethod
    def checked(
        cls,
        *,
        village: Village,
        founded_on: date | None = None,
        address: str = "",
        legal_entity_number: str = "",
        registry_number: str = "",
        npwp: str = "",
        nib: str = "",
        policy: dict | None = None,
        policy_effective_from: date | None = None,
    ) -> "_Founding":
        errors = rules.legal_number_errors(npwp=npwp, nib=nib, registry_number=registry_number)
        if errors:
            raise InvalidCooperativeData(fields=errors)
        cooperative = Cooperative(
            village=village,
            name=rules.cooperative_name(village_kind=village.kind, village_name=village.name),
            founded_on=founded_on,
            address=address,
            legal_entity_number=legal_entity_number,
            registry_number=registry_number,
            npwp=npwp,
            nib=nib,
        )
        return cls(
            cooperative=cooperative,
            policy_values={**rules.DEFAULT_POLICY, **(policy or {})},
            policy_effective_from=policy_effective_from or founded_on or timezone.localdate(),
        )

    def units(self) -> list[BusinessUnit]:
        """The standard business units, named in the books' language whoever founds it (the
        cooperative saved)."""
        return [
            BusinessUnit(cooperative=self.cooperative, code=kind, kind=kind, name=name)
            for kind, name in _standard_unit_names().items()
        ]


def _standard_unit_names() -> dict[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        return {kind: str(BusinessUnit.Kind(kind).label) for kind in BusinessUnit.STANDARD_KINDS}


@transaction.atomic
def cooperative_update(*, actor: Actor, cooperative: Cooperative, **changes: Any) -> Cooperative:
    """Update the legal identity (badan hukum, NIK koperasi, NPWP, NIB, founding date, address, status)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidCooperativeData(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    merged = {f: changes.get(f, getattr(locked, f)) for f in PROFILE_FIELDS}
    errors = rules.legal_number_errors(
        npwp=merged["npwp"], nib=merged["nib"], registry_number=merged["registry_number"]
    )
    if merged["status"] not in Cooperative.Status.values:
        errors["status"] = [_("Unknown status.")]
    if errors:
        raise InvalidCooperativeData(fields=errors)
    before = snapshot(locked, list(PROFILE_FIELDS))
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    audit_record(
        actor=actor,
        action="cooperative.update",
        obj=locked,
        before=before,
        after=snapshot(locked, list(PROFILE_FIELDS)),
    )
    return locked


@transaction.atomic
def cooperative_profile_update(
    *,
    actor: Actor,
    cooperative: Cooperative,
    identity: dict[str, Any],
    population: int | None,
    households: int | None,
    main_livelihoods: list[str],
    leading_commodities: list[str],
) -> Cooperative:
    """The profile page's one save: the legal identity (`cooperative_update`'s fields) and the
    village profile (`village_profile_update`; its notes are kept), together or not at all."""
    updated = cooperative_update(actor=actor, cooperative=cooperative, **identity)
    current = VillageProfile.objects.filter(cooperative=cooperative).first()
    village_profile_update(
        actor=actor,
        cooperative=cooperative,
        population=population,
        households=households,
        main_livelihoods=main_livelihoods,
        leading_commodities=leading_commodities,
        notes=current.notes if current is not None else "",
    )
    return updated


@transaction.atomic
def village_profile_update(
    *,
    actor: Actor,
    cooperative: Cooperative,
    population: int | None,
    households: int | None,
    main_livelihoods: list[str],
    leading_commodities: list[str],
    notes: str = "",
) -> VillageProfile:
    """Record the village the cooperative grows from: its people and potensi unggulan."""
    errors: dict[str, list[str]] = {}
    for field, value in (("population", population), ("households", households)):
        if value is not None and (not isinstance(value, int) or value < 0 or value > 10_000_000):
            errors[field] = [_("Enter a whole number between 0 and 10,000,000.")]
    if population is not None and households is not None and not errors and households > population:
        errors["households"] = [_("There cannot be more households than people.")]
    cleaned = {}
    for field, items in (
        ("main_livelihoods", main_livelihoods),
        ("leading_commodities", leading_commodities),
    ):
        values = [str(item).strip() for item in items if str(item).strip()]
        if len(values) > 20 or any(len(v) > 100 for v in values):
            errors[field] = [_("At most 20 entries of at most 100 characters each.")]
        cleaned[field] = values
    if errors:
        raise InvalidCooperativeData(fields=errors)
    profile, _created = VillageProfile.objects.select_for_update().get_or_create(
        cooperative=cooperative
    )
    before = snapshot(profile)
    profile.population, profile.households, profile.notes = population, households, notes
    profile.main_livelihoods, profile.leading_commodities = (
        cleaned["main_livelihoods"],
        cleaned["leading_commodities"],
    )
    profile.save()
    audit_record(
        actor=actor,
        action="village_profile.update",
        obj=profile,
        before=before,
        after=snapshot(profile),
    )
    return profile


@transaction.atomic
def business_unit_add(
    *, actor: Actor, cooperative: Cooperative, kind: str, name: str, code: str
) -> BusinessUnit:
    """Add a gerai: a standard kind or a configurable extra (LPG 3 kg, pupuk, farming, ...)."""
    errors: dict[str, list[str]] = {}
    if kind not in BusinessUnit.Kind.values:
        errors["kind"] = [_("Unknown kind of business unit.")]
    if not name.strip() or len(name) > 100:
        errors["name"] = [_("Give a name of at most 100 characters.")]
    if not code or len(code) > 20 or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = [_("Give a short code of letters, digits, - or _.")]
    if errors:
        raise InvalidCooperativeData(fields=errors)
    if BusinessUnit.objects.filter(cooperative=cooperative, code=code).exists():
        raise BusinessUnitCodeTaken(code=code)
    unit = BusinessUnit.objects.create(
        cooperative=cooperative, kind=kind, name=name.strip(), code=code
    )
    audit_record(actor=actor, action="business_unit.add", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def business_unit_set_active(*, actor: Actor, unit: BusinessUnit, is_active: bool) -> BusinessUnit:
    before = snapshot(unit)
    unit.is_active = is_active
    unit.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="business_unit.activate" if is_active else "business_unit.deactivate",
        obj=unit,
        before=before,
        after=snapshot(unit),
    )
    return unit


def parse_policy_values(raw: dict) -> dict:
    """Turn form/API input (strings) into typed policy values; bad numbers are reported per field."""
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for field in POLICY_FIELDS:
        if field not in raw:
            continue
        value = raw[field]
        default = rules.DEFAULT_POLICY[field]
        try:
            if isinstance(default, bool):
                values[field] = (
                    value
                    if isinstance(value, bool)
                    else str(value).lower() in {"1", "true", "on", "yes"}
                )
            elif isinstance(default, int):
                values[field] = int(value)
            elif isinstance(default, Decimal):
                values[field] = Decimal(str(value))
                if not values[field].is_finite():
                    raise InvalidOperation
            else:
                values[field] = value
        except (TypeError, ValueError, InvalidOperation):
            errors[field] = [_("Enter a number.")]
    if errors:
        raise InvalidPolicy(fields=errors)
    return values


@transaction.atomic
def policy_change(
    *, actor: Actor, cooperative: Cooperative, effective_from: date, reason: str, **values: Any
) -> Policy:
    """Record a new version of the AD/ART parameters, effective from a date.

    Unchanged values carry over from the latest version. Refuses an allocation that does not add
    up to exactly 100%, rates above the legal caps (savings 9%, loans 24% a year), a version
    effective before the latest one (PolicyBackdated), and a change without a reason.
    """
    if not reason.strip():
        raise InvalidPolicy(
            fields={"reason": [_("Say why the policy changes (e.g. the RAT decision).")]}
        )
    latest = policy_history(cooperative=cooperative).select_for_update().first()
    if latest is not None and effective_from < latest.effective_from:
        raise PolicyBackdated(current=latest.effective_from.isoformat())
    base = (
        {field: getattr(latest, field) for field in POLICY_FIELDS}
        if latest
        else dict(rules.DEFAULT_POLICY)
    )
    return _policy_add(
        actor=actor,
        cooperative=cooperative,
        values={**base, **values},
        effective_from=effective_from,
        reason=reason,
        previous=latest,
    )


def _policy_add(*, actor, cooperative, values, effective_from, reason, previous=None) -> Policy:
    policy = _policy_built(
        actor=actor,
        cooperative=cooperative,
        values=values,
        effective_from=effective_from,
        reason=reason,
        previous=previous,
    )
    policy.save(force_insert=True)
    audit_record(
        actor=actor,
        action="policy.change",
        obj=policy,
        before=snapshot(previous, list(POLICY_FIELDS)) if previous else None,
        after=snapshot(policy, list(POLICY_FIELDS)),
        reason=reason,
    )
    policy_changed.send(sender=Policy, policy=policy, actor=actor)
    return policy


def _policy_built(*, actor, cooperative, values, effective_from, reason, previous=None) -> Policy:
    """A policy version checked and built (not saved): InvalidPolicy for unknown fields or values
    the rules refuse."""
    unknown = set(values) - set(POLICY_FIELDS)
    errors = rules.policy_errors(values)
    for field in unknown:
        errors[field] = [_("Unknown policy field.")]
    if errors:
        raise InvalidPolicy(fields=errors)
    allocation = [
        {"key": line["key"], "label": line["label"], "percent": str(Decimal(str(line["percent"])))}
        for line in values["shu_allocation"]
    ]
    return Policy(
        cooperative=cooperative,
        version=(previous.version + 1) if previous else 1,
        effective_from=effective_from,
        changed_by_id=actor_id(actor),
        changed_by_label=actor_label(actor),
        reason=reason,
        **{**values, "shu_allocation": allocation},
    )
