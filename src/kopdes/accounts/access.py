"""Who may see and do what: request id -> object, tenant first, role second.

Absent and forbidden give the same NotFound, so nobody can probe for other cooperatives.
Supervisors (Dinas, province, ministry, Kejaksaan, CSR partners) see the cooperatives in their
grant's scope, read-only; a Dinas grant that is not read-only also assesses their health
(ASSESS_HEALTH, the examiner) and runs their coaching (MANAGE_COACHING, FOLLOW_UP_FINDINGS).
CSR partners see neither the coaching nor the findings (VIEW_COACHING is the officials' only).
"""

import uuid
from enum import StrEnum

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils import timezone

from kopdes.accounts.models import Role, SupervisionGrant, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id


class Capability(StrEnum):
    VIEW = "view"  # the cooperative's profile, officers, business units, policy
    EDIT_PROFILE = "edit_profile"  # legal identity, village profile, business units
    MANAGE_OFFICERS = "manage_officers"  # assign and end roles, record employees
    CHANGE_POLICY = "change_policy"  # a new AD/ART parameter version
    VIEW_AUDIT = "view_audit"  # the audit log
    VIEW_BOOKS = "view_books"  # chart of accounts, journal, statements
    KEEP_BOOKS = "keep_books"  # draft manual journals, add accounts, close periods
    APPROVE_JOURNAL = "approve_journal"  # the checker of a manual journal (never its maker)
    REOPEN_PERIOD = "reopen_period"  # the ketua alone, with a reason
    VIEW_MEMBERS = "view_members"  # the member list, a member's page and accounts
    MANAGE_MEMBERS = "manage_members"  # register, approve, change status, import
    VIEW_KTP = "view_ktp"  # a member's KTP photo (personal data)
    HANDLE_CASH = "handle_cash"  # deposits, withdrawals, transfers, bill payments at the counter
    MANAGE_SAVINGS = "manage_savings"  # bill runs, interest, refunds on resignation
    VIEW_LOANS = "view_loans"  # loans, schedules, portfolio reports (supervisors read-only)
    APPLY_LOANS = "apply_loans"  # record a member's loan application (the maker)
    DECIDE_LOANS = "decide_loans"  # the pengurus decision on an application (never its maker)
    COSIGN_LOANS = "cosign_loans"  # the pengawas co-signature above the threshold / related party
    MANAGE_LOANS = "manage_loans"  # loan products, restructure requests, provisions
    VIEW_COMMERCE = (
        "view_commerce"  # gerai: catalogue, stock, sales, reports (supervisors read-only)
    )
    MANAGE_CATALOGUE = "manage_catalogue"  # products, categories, prices, suppliers, QRIS merchants
    MANAGE_STOCK = "manage_stock"  # purchase orders, goods receipts, transfers, counts, write-offs
    APPROVE_STOCK = "approve_stock"  # the second person on opname, write-offs, sale returns
    VIEW_FUNDING = "view_funding"  # funding sources, their receipts, uses, evidence and reports
    MANAGE_FUNDING = "manage_funding"  # record sources, receipts, spendings and their evidence
    REVIEW_FUNDING = "review_funding"  # the pengawas acknowledges or resolves a flagged fund use
    VIEW_RAT = (
        "view_rat"  # members' meetings, their documents, attendance, votes (supervisors read)
    )
    MANAGE_RAT = (
        "manage_rat"  # schedule and run the RAT: notice, agenda, attendance, votes, minutes
    )
    PUBLISH_ANNOUNCEMENTS = "publish_announcements"  # announcements and member documents
    VIEW_SHU = "view_shu"  # the SHU years, allocation, member shares and statements
    MANAGE_SHU = "manage_shu"  # simulate, post (a second person) and pay the SHU
    VIEW_HEALTH = "view_health"  # the health assessments (penilaian kesehatan) of the cooperative
    # Assess the cooperative's health and fill the management questionnaire: no role gives it,
    # only a Dinas grant that is not read-only and covers the cooperative (the examiner).
    ASSESS_HEALTH = "assess_health"
    # Coaching (pembinaan, docs/coaching.md): the trainings, mentoring visits and findings of
    # the cooperative. Read by its officers and the supervisors in scope but CSR partners.
    VIEW_COACHING = "view_coaching"
    # Plan and record visits and trainings, raise and close findings: only the examiner.
    MANAGE_COACHING = "manage_coaching"
    # Add a follow-up note to a finding: the pengurus and the manajer, and the examiner.
    FOLLOW_UP_FINDINGS = "follow_up_findings"


# The pengurus, the pengawas and the manajer: who reads the books, the funds, the SHU, the RAT.
OFFICERS = frozenset(
    {
        "ketua",
        "sekretaris",
        "bendahara",
        "wakil_usaha",
        "wakil_anggota",
        "manajer",
        "pengawas",
        "ketua_pengawas",
    }
)

# Roles that grant each capability inside the cooperative. Supervisors get only the read ones.
ROLE_CAPABILITIES: dict[Capability, frozenset[str]] = {
    Capability.VIEW: frozenset(Role.Kind.values),
    Capability.EDIT_PROFILE: frozenset({"ketua", "sekretaris", "manajer"}),
    Capability.MANAGE_OFFICERS: frozenset({"ketua", "sekretaris"}),
    Capability.CHANGE_POLICY: frozenset({"ketua"}),
    Capability.VIEW_AUDIT: frozenset({"ketua", "pengawas", "ketua_pengawas"}),
    Capability.VIEW_BOOKS: OFFICERS,
    Capability.KEEP_BOOKS: frozenset({"bendahara", "manajer"}),
    Capability.APPROVE_JOURNAL: frozenset({"ketua", "bendahara", "manajer"}),
    Capability.REOPEN_PERIOD: frozenset({"ketua"}),
    Capability.VIEW_MEMBERS: OFFICERS | {"kasir"},
    Capability.MANAGE_MEMBERS: frozenset({"ketua", "sekretaris", "wakil_anggota", "manajer"}),
    Capability.VIEW_KTP: frozenset({"ketua", "sekretaris", "wakil_anggota"}),
    Capability.HANDLE_CASH: frozenset({"bendahara", "kasir"}),
    Capability.MANAGE_SAVINGS: frozenset({"bendahara", "manajer"}),
    Capability.VIEW_LOANS: OFFICERS | {"kasir"},
    Capability.APPLY_LOANS: frozenset(
        {"ketua", "sekretaris", "bendahara", "manajer", "wakil_usaha", "wakil_anggota"}
    ),
    Capability.DECIDE_LOANS: frozenset({"ketua", "bendahara", "manajer"}),
    Capability.COSIGN_LOANS: frozenset({"pengawas", "ketua_pengawas"}),
    Capability.MANAGE_LOANS: frozenset({"ketua", "bendahara", "manajer"}),
    Capability.VIEW_COMMERCE: OFFICERS | {"kasir"},
    Capability.MANAGE_CATALOGUE: frozenset({"ketua", "bendahara", "manajer", "wakil_usaha"}),
    Capability.MANAGE_STOCK: frozenset({"ketua", "bendahara", "manajer", "wakil_usaha"}),
    Capability.APPROVE_STOCK: frozenset({"ketua", "bendahara", "manajer"}),
    Capability.VIEW_FUNDING: OFFICERS,
    Capability.VIEW_RAT: OFFICERS,
    Capability.VIEW_SHU: OFFICERS,
    Capability.MANAGE_FUNDING: frozenset({"ketua", "bendahara"}),
    Capability.REVIEW_FUNDING: frozenset({"pengawas", "ketua_pengawas"}),
    Capability.MANAGE_RAT: frozenset({"ketua", "sekretaris"}),
    Capability.PUBLISH_ANNOUNCEMENTS: frozenset({"ketua", "sekretaris"}),
    Capability.MANAGE_SHU: frozenset({"ketua", "bendahara"}),
    Capability.VIEW_HEALTH: OFFICERS,
    Capability.ASSESS_HEALTH: frozenset(),
    Capability.VIEW_COACHING: OFFICERS,
    Capability.MANAGE_COACHING: frozenset(),
    Capability.FOLLOW_UP_FINDINGS: frozenset(Role.PENGURUS) | {"manajer"},
}
SUPERVISOR_CAPABILITIES = frozenset(
    {
        Capability.VIEW,
        Capability.VIEW_AUDIT,
        Capability.VIEW_BOOKS,
        Capability.VIEW_LOANS,
        Capability.VIEW_COMMERCE,
        Capability.VIEW_FUNDING,
        Capability.VIEW_SHU,
        Capability.VIEW_RAT,
        Capability.VIEW_HEALTH,
        Capability.VIEW_COACHING,
    }
)
# What the officials' grants give and a CSR partner's does not.
OFFICIAL_ONLY_CAPABILITIES = frozenset({Capability.VIEW_COACHING})
# What an examiner's grant (a Dinas grant that is not read-only) adds to the read ones.
EXAMINER_CAPABILITIES = frozenset(
    {Capability.ASSESS_HEALTH, Capability.MANAGE_COACHING, Capability.FOLLOW_UP_FINDINGS}
)


def active_roles(user: User) -> QuerySet[Role]:
    """Roles that give rights today: started (a role dated in the future gives nothing yet) and
    not ended."""
    return Role.objects.filter(
        user=user, ended_on__isnull=True, started_on__lte=timezone.localdate()
    )


def active_grants(user: User) -> QuerySet[SupervisionGrant]:
    return SupervisionGrant.objects.filter(user=user, revoked_at__isnull=True)


def supervised_filter(user: User) -> Q | None:
    """A filter on Cooperative for everything the person's live grants cover, or None."""
    return _grant_filters(user)[0]


def _grant_filters(user: User) -> tuple[Q | None, Q | None, Q | None]:
    """(what the person's live grants cover, what their examiner grants cover: a Dinas grant
    that is not read-only, what their grants other than a CSR partner's cover), each a filter
    on Cooperative or None."""
    condition: Q | None = None
    examined: Q | None = None
    official: Q | None = None
    for grant in active_grants(user).prefetch_related("cooperatives"):
        if grant.agency == SupervisionGrant.Agency.CSR:
            part = Q(pk__in=[c.pk for c in grant.cooperatives.all()])
        elif grant.region_prefix:
            part = Q(village__code__startswith=grant.region_prefix + ".") | Q(
                village__code=grant.region_prefix
            )
        else:
            part = Q()  # a national grant (ministry) covers every cooperative
        condition = _either(condition, part)
        if grant.agency != SupervisionGrant.Agency.CSR:
            official = _either(official, part)
        if grant.agency == SupervisionGrant.Agency.DINAS and not grant.read_only:
            examined = _either(examined, part)
    return condition, examined, official


def _either(before: Q | None, part: Q) -> Q:
    """`before | part`, where an empty Q (a national grant) covers everything: Django drops an
    empty Q from an OR, which would turn "everything or these" into "these"."""
    if before is None:
        return part
    if not before or not part:
        return Q()
    return before | part


def _supervisor_capabilities(user: User, cooperative: Cooperative) -> frozenset[Capability]:
    """What the person's grants give in `cooperative`: the read ones where a grant covers it,
    and the examiner's where a Dinas grant that is not read-only covers it; a CSR partner's
    grant alone gives no official-only read (the coaching). One query besides the grants."""
    supervised, examined, official = _grant_filters(user)
    if supervised is None:
        return frozenset()
    found = (
        Cooperative.objects.filter(supervised, pk=cooperative.pk)
        .annotate(examined=_flag(examined), official=_flag(official))
        .values_list("examined", "official")
        .first()
    )
    if found is None:
        return frozenset()
    is_examined, is_official = (bool(x) for x in found)
    granted = (
        SUPERVISOR_CAPABILITIES
        if is_official
        else (SUPERVISOR_CAPABILITIES - OFFICIAL_ONLY_CAPABILITIES)
    )
    return granted | EXAMINER_CAPABILITIES if is_examined else granted


def _flag(condition: Q | None) -> ExpressionWrapper | Value:
    """`condition` as a boolean column: none is False, an empty one (a national grant) True."""
    if condition is None:
        return Value(False)
    if not condition:
        return Value(True)
    return ExpressionWrapper(condition, output_field=BooleanField())


def examines_anywhere(user: User) -> bool:
    """Whether the person is an examiner somewhere (a live Dinas grant that is not read-only),
    or a superuser: who may revise the health assessment's methods (ADR 0033)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return (
        active_grants(user).filter(agency=SupervisionGrant.Agency.DINAS, read_only=False).exists()
    )


def coaching_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Where the person sees the coaching (VIEW_COACHING): the cooperatives where they hold an
    officer's role, and those their grants other than a CSR partner's cover."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    kinds = ROLE_CAPABILITIES[Capability.VIEW_COACHING]
    official = _grant_filters(user)[2]
    if official is not None and not official:
        return Cooperative.objects.all()  # a national grant
    condition = Q(pk__in=active_roles(user).filter(kind__in=kinds).values("cooperative_id"))
    if official is not None:
        condition |= official
    return Cooperative.objects.filter(condition)


def examined_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Where the person is the examiner (MANAGE_COACHING): their Dinas grants that are not
    read-only (every cooperative for a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    examined = _grant_filters(user)[1]
    if examined is None:
        return Cooperative.objects.none()
    return Cooperative.objects.filter(examined)


def supervised_cooperatives(user: User) -> QuerySet[Cooperative]:
    condition = supervised_filter(user)
    if user.is_superuser:
        return Cooperative.objects.all()
    if condition is None:
        return Cooperative.objects.none()
    return Cooperative.objects.filter(condition)


def visible_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Every cooperative the person can open: where they hold a role, or within a grant."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    condition = Q(pk__in=active_roles(user).values("cooperative_id"))
    supervised = supervised_filter(user)
    if supervised is not None:
        condition |= supervised
    return Cooperative.objects.filter(condition)


def role_kinds(user: User, cooperative: Cooperative) -> set[str]:
    return set(active_roles(user).filter(cooperative=cooperative).values_list("kind", flat=True))


def capabilities(user: User, cooperative: Cooperative) -> set[Capability]:
    """What `user` may do in `cooperative` (empty when they have nothing to do with it)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Capability)
    kinds = role_kinds(user, cooperative)
    allowed = {cap for cap, roles in ROLE_CAPABILITIES.items() if kinds & roles}
    return allowed | _supervisor_capabilities(user, cooperative)


def holds(user: User, cooperative: Cooperative, *needed: Capability) -> bool:
    """Whether `user` holds one of `needed` in `cooperative` (`capabilities(...) & needed`), read
    in the fewest queries: the roles first; the supervision grants only when the roles do not
    give it and one of `needed` is a capability a grant gives (the read ones, and the
    examiner's: ASSESS_HEALTH, MANAGE_COACHING, FOLLOW_UP_FINDINGS; any other write is never
    checked against the grants). The services' check, once per call."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    kinds = role_kinds(user, cooperative)
    if any(kinds & ROLE_CAPABILITIES[need] for need in needed):
        return True
    if not (SUPERVISOR_CAPABILITIES | EXAMINER_CAPABILITIES).intersection(needed):
        return False
    return bool(_supervisor_capabilities(user, cooperative).intersection(needed))


def cooperative_access(
    user: User, public_id: uuid.UUID | str, *, need: Capability = Capability.VIEW
) -> Cooperative:
    """The cooperative `public_id` if `user` has `need` there; NotFound otherwise (absent or not theirs)."""
    key = parse_public_id(public_id)
    cooperative = (
        Cooperative.objects.select_related("village__district__regency__province")
        .filter(public_id=key)
        .first()
    )
    if cooperative is None or need not in capabilities(user, cooperative):
        raise NotFound()
    return cooperative
