"""Reads of one cooperative's own data. Who may see which cooperative is decided in accounts.access."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from kopdes.cooperatives.models import BusinessUnit, Cooperative, Policy, VillageProfile


def cooperatives_with_region() -> QuerySet[Cooperative]:
    return Cooperative.objects.select_related("village__district__regency__province")


def policy_in_force(*, cooperative: Cooperative, on: date | None = None) -> Policy | None:
    """The policy version in force on `on` (today by default): the latest one effective by then."""
    on = on or timezone.localdate()
    return (
        Policy.objects.filter(cooperative=cooperative, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


def policy_history(*, cooperative: Cooperative) -> QuerySet[Policy]:
    return Policy.objects.filter(cooperative=cooperative).order_by("-version")


def business_units(
    *, cooperative: Cooperative, active_only: bool = False
) -> QuerySet[BusinessUnit]:
    units = BusinessUnit.objects.filter(cooperative=cooperative)
    return units.filter(is_active=True) if active_only else units


def village_profile(*, cooperative: Cooperative) -> VillageProfile | None:
    return VillageProfile.objects.filter(cooperative=cooperative).first()
