"""Reads about people, scoped to one cooperative or to the person asking."""

from django.db.models import QuerySet
from django.utils import timezone

from kopdes.accounts.models import Employee, Role, SupervisionGrant, User
from kopdes.cooperatives.models import Cooperative


def officers(*, cooperative: Cooperative, include_ended: bool = False) -> list[Role]:
    """Pengurus, pengawas, manajer and kasir of the cooperative (members are not officers)."""
    roles = (
        Role.objects.filter(cooperative=cooperative)
        .exclude(kind=Role.Kind.ANGGOTA)
        .select_related("user")
    )
    if not include_ended:
        roles = roles.filter(ended_on__isnull=True)
    order = {kind: i for i, kind in enumerate(Role.Kind.values)}
    return sorted(roles, key=lambda r: (r.ended_on is not None, order[r.kind], r.user.full_name))


def employees(*, cooperative: Cooperative) -> QuerySet[Employee]:
    return Employee.objects.filter(cooperative=cooperative).order_by("status", "full_name")


def roles_of(*, user: User) -> QuerySet[Role]:
    """The person's roles in force today (a role dated in the future is not yet theirs)."""
    return (
        Role.objects.filter(user=user, ended_on__isnull=True, started_on__lte=timezone.localdate())
        .select_related("cooperative__village")
        .order_by("cooperative__village_id", "kind")
    )


def grants_of(*, user: User) -> QuerySet[SupervisionGrant]:
    return SupervisionGrant.objects.filter(user=user, revoked_at__isnull=True).prefetch_related(
        "cooperatives"
    )
