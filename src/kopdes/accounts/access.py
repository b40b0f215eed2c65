"""Who may see and do what: request id -> object, tenant first, role second.

Absent and forbidden give the same NotFound, so nobody can probe for other cooperatives.
Supervisors (Dinas, province, ministry, Kejaksaan) see the cooperatives in their grant's scope,
read-only; a Dinas grant that is not read-only also assesses their health (ASSESS_HEALTH, the
examiner); the examiner and the Kejaksaan export the evidence of a period (EXPORT_EVIDENCE,
docs/evidence.md) and runs their coaching (MANAGE_COACHING, FOLLOW_UP_FINDINGS). A CSR partner
sees only the cooperatives its grant names, and of them only
the CSR funds' use and aggregate figures (VIEW_CSR_REPORT).
"""

import uuid
from dataclasses import dataclass
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
    # What a CSR partner sees of the cooperatives it funds: its CSR funds' receipts and uses by
    # business line with their evidence, and the cooperative's aggregate figures. No role gives
    # it (the officers read the funds with VIEW_FUNDING); only a CSR grant naming the cooperative.
    VIEW_CSR_REPORT = "view_csr_report"
    # Export the evidence of a period (the ledger, sub-ledgers, audit log, checkpoints and
    # proofs in one ZIP, docs/evidence.md): no role gives it, only a Kejaksaan grant or a Dinas
    # examiner's grant (not read-only) covering the cooperative.
    EXPORT_EVIDENCE = "export_evidence"
    # The early warnings (peringatan dini) of the cooperative: its officers and every supervisor
    # in scope but the CSR partners.
    VIEW_WARNINGS = "view_warnings"
    # Acknowledge and resolve early warnings: only the examiner (a Dinas grant that is not
    # read-only and covers the cooperative), like ASSESS_HEALTH.
    FOLLOW_UP_WARNINGS = "follow_up_warnings"
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
    Capability.VIEW_CSR_REPORT: frozenset(),
    Capability.EXPORT_EVIDENCE: frozenset(),
    Capability.VIEW_WARNINGS: frozenset({*Role.PENGURUS, *Role.PENGAWAS_KINDS}),
    Capability.FOLLOW_UP_WARNINGS: frozenset(),
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
        Capability.VIEW_WARNINGS,
        Capability.VIEW_COACHING,
    }
)
# What an examiner's grant (a Dinas grant that is not read-only) adds to the read ones.
EXAMINER_CAPABILITIES = frozenset(
    {
        Capability.ASSESS_HEALTH,
        Capability.FOLLOW_UP_WARNINGS,
        Capability.MANAGE_COACHING,
        Capability.FOLLOW_UP_FINDINGS,
    }
)
# A CSR partner's grant: only the funded cooperatives' CSR fund use and aggregate figures; none
# of the books, members, loans or officers (issue 15.1).
CSR_CAPABILITIES = frozenset({Capability.VIEW_CSR_REPORT})
# What a grant of the Kejaksaan or of the examiner adds: the evidence export (docs/evidence.md).
EVIDENCE_CAPABILITIES = frozenset({Capability.EXPORT_EVIDENCE})
GRANTED_CAPABILITIES = (
    SUPERVISOR_CAPABILITIES | EXAMINER_CAPABILITIES | CSR_CAPABILITIES | EVIDENCE_CAPABILITIES
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
    scopes = _grant_scopes(user)
    return _either(scopes.read, scopes.csr)


@dataclass(frozen=True)
class _Scopes:
    """What a person's live grants cover, each a filter on Cooperative or None: the read grants
    (Dinas, province, ministry, Kejaksaan), the CSR grants, the examiner grants (a Dinas grant
    that is not read-only), and the evidence grants (the examiner's and the Kejaksaan's)."""

    read: Q | None = None
    csr: Q | None = None
    examined: Q | None = None
    evidence: Q | None = None


def _either(first: Q | None, second: Q | None) -> Q | None:
    """`first | second` where None is nothing and `Q()` everything (Django's `Q() | q` is `q`)."""
    if first is None or second is None:
        return first if second is None else second
    if not first or not second:
        return Q()
    return first | second


def _grant_scopes(user: User) -> _Scopes:
    read = csr = examined = evidence = None
    for grant in active_grants(user).prefetch_related("cooperatives"):
        if grant.agency == SupervisionGrant.Agency.CSR:
            csr = _either(csr, Q(pk__in=[c.pk for c in grant.cooperatives.all()]))
            continue
        if grant.region_prefix:
            part = Q(village__code__startswith=grant.region_prefix + ".") | Q(
                village__code=grant.region_prefix
            )
        else:
            part = Q()  # a national grant (ministry) covers every cooperative
        read = _either(read, part)
        examiner = grant.agency == SupervisionGrant.Agency.DINAS and not grant.read_only
        if examiner:
            examined = _either(examined, part)
        if examiner or grant.agency == SupervisionGrant.Agency.KEJAKSAAN:
            evidence = _either(evidence, part)
    return _Scopes(read=read, csr=csr, examined=examined, evidence=evidence)


def reporting_filter(user: User) -> Q | None:
    """A filter on Cooperative for what the person's live grants of the Dinas, the province, the
    ministry or the Kejaksaan cover (not a CSR partner's: a partner sees fund use and aggregate
    figures only), or None: the reach of a regional export (SIMKOPDES)."""
    return _grant_scopes(user).read


def _flag(condition: Q | None) -> ExpressionWrapper | Value:
    """`condition` as a boolean column: False for no grant, True for a national one (`Q()`)."""
    if condition is None:
        return Value(False)
    if not condition:
        return Value(True)
    return ExpressionWrapper(condition, output_field=BooleanField())


def _supervisor_capabilities(user: User, cooperative: Cooperative) -> frozenset[Capability]:
    """What the person's grants give in `cooperative`: the read ones where a read grant covers
    it, the examiner's where a Dinas grant that is not read-only covers it, the evidence export
    where the examiner's or a Kejaksaan grant covers it, the CSR report where a CSR grant names
    it (one query besides the grants)."""
    scopes = _grant_scopes(user)
    covered = _either(scopes.read, scopes.csr)
    if covered is None:
        return frozenset()
    found = (
        Cooperative.objects.filter(covered, pk=cooperative.pk)
        .annotate(
            read=_flag(scopes.read),
            csr=_flag(scopes.csr),
            examined=_flag(scopes.examined),
            evidence=_flag(scopes.evidence),
        )
        .values_list("read", "csr", "examined", "evidence")
        .first()
    )
    if found is None:
        return frozenset()
    read, csr, examined, evidence = found
    given: frozenset[Capability] = frozenset()
    if read:
        given |= SUPERVISOR_CAPABILITIES
    if csr:
        given |= CSR_CAPABILITIES
    if examined:
        given |= EXAMINER_CAPABILITIES
    if evidence:
        given |= EVIDENCE_CAPABILITIES
    return given


def outside_views(user: User) -> tuple[bool, bool]:
    """(whether the person reads cooperatives as a supervisor somewhere: a live grant other than
    a CSR partner's, or a superuser; whether they hold a live CSR grant), in one query: who
    opens the supervision pages (`/pantau/`) and who the CSR partner's view."""
    if not getattr(user, "is_authenticated", False):
        return False, False
    agencies = set(active_grants(user).values_list("agency", flat=True))
    csr = SupervisionGrant.Agency.CSR in agencies
    return user.is_superuser or bool(agencies - {SupervisionGrant.Agency.CSR}), csr


def supervises_anywhere(user: User) -> bool:
    return outside_views(user)[0]


def examiner_prefixes(user: User) -> list[str]:
    """The region prefixes of the person's live examiner grants ("" for a national one)."""
    return list(
        active_grants(user)
        .filter(agency=SupervisionGrant.Agency.DINAS, read_only=False)
        .values_list("region_prefix", flat=True)
    )


def _officially_seen(user: User, capability: Capability) -> QuerySet[Cooperative]:
    """Where the person holds `capability` as an officer or through a read grant (not a CSR
    partner's); every cooperative for a superuser."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    kinds = ROLE_CAPABILITIES[capability]
    own = Q(pk__in=active_roles(user).filter(kind__in=kinds).values("cooperative_id"))
    return Cooperative.objects.filter(_either(own, _grant_scopes(user).read))


def watched_cooperatives(user: User) -> QuerySet[Cooperative]:
    """The cooperatives whose early warnings the person sees (VIEW_WARNINGS): where they are
    pengurus or pengawas, and what their grants cover but a CSR partner's."""
    return _officially_seen(user, Capability.VIEW_WARNINGS)


def coaching_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Where the person sees the coaching (VIEW_COACHING): the cooperatives where they hold an
    officer's role, and those their grants other than a CSR partner's cover."""
    return _officially_seen(user, Capability.VIEW_COACHING)


def examined_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Where the person is the examiner (MANAGE_COACHING): their Dinas grants that are not
    read-only (every cooperative for a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    examined = _grant_scopes(user).examined
    return Cooperative.objects.none() if examined is None else Cooperative.objects.filter(examined)


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


def supervised_cooperatives(user: User) -> QuerySet[Cooperative]:
    """The cooperatives the person supervises through a read grant (the Dinas, the province, the
    ministry, the Kejaksaan; everything for a superuser): the supervision dashboard's scope. A CSR
    partner's funded cooperatives are `csr_funded_cooperatives`, with their CSR report only."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    condition = _grant_scopes(user).read
    if user.is_superuser:
        return Cooperative.objects.all()
    if condition is None:
        return Cooperative.objects.none()
    return Cooperative.objects.filter(condition)


def csr_funded_cooperatives(user: User) -> QuerySet[Cooperative]:
    """The cooperatives the person's live CSR grants name (the CSR partner's view)."""
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    csr = _grant_scopes(user).csr
    return Cooperative.objects.none() if csr is None else Cooperative.objects.filter(csr)


def visible_cooperatives(user: User) -> QuerySet[Cooperative]:
    """Every cooperative the person can open: where they hold a role, or within a grant."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    if user.is_superuser:
        return Cooperative.objects.all()
    condition = _either(
        Q(pk__in=active_roles(user).values("cooperative_id")), supervised_filter(user)
    )
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
    give it and one of `needed` is a capability a grant gives (the read ones, the examiner's
    ASSESS_HEALTH, EXPORT_EVIDENCE; any other write is never checked against the grants). The
    services' check, once per call."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    kinds = role_kinds(user, cooperative)
    if any(kinds & ROLE_CAPABILITIES[need] for need in needed):
        return True
    if not GRANTED_CAPABILITIES.intersection(needed):
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
