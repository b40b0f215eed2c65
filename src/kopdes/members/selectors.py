"""Reads of membership, always for one cooperative (tenant first), plus the public card check."""

import csv
import gzip
import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db.models import Count, F, Q, QuerySet

from kopdes.accounts.rules import InvalidPhone, normalize_phone
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.members.models import Member, MemberImport
from kopdes.members.rules import KnownRegions, card_id_from_scan, niak_ranges, render_issue
from kopdes.regions.models import District, Province, Regency
from kopdes.regions.services import NATIONAL_FILE


@cache
def _national_codes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Province, regency and kecamatan codes of the whole country from the packaged Kemendagri
    file (read once per process): the NIK of a Tangerang resident often comes from elsewhere,
    and the database may hold only Banten."""
    provinces: set[str] = set()
    regencies: set[str] = set()
    districts: set[str] = set()
    try:
        with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                districts.add(row["district_code"].replace(".", ""))
                regencies.add(row["regency_code"].replace(".", ""))
                provinces.add(row["province_code"])
    except FileNotFoundError:  # pragma: no cover - the file ships with the package
        pass
    return frozenset(provinces), frozenset(regencies), frozenset(districts)


def known_regions() -> KnownRegions:
    """The region codes a NIK may start with: today's national list and whatever is loaded."""
    provinces, regencies, districts = _national_codes()
    return KnownRegions(
        provinces=provinces | set(Province.objects.values_list("code", flat=True)),
        regencies=regencies
        | {c.replace(".", "") for c in Regency.objects.values_list("code", flat=True)},
        districts=districts
        | {c.replace(".", "") for c in District.objects.values_list("code", flat=True)},
    )


def members(cooperative: Cooperative) -> QuerySet[Member]:
    return Member.objects.filter(cooperative=cooperative)


def member_list(
    *,
    cooperative: Cooperative,
    q: str = "",
    status: str = "",
    sex: str = "",
    joined_year: int | None = None,
    allow_nik: bool = False,
) -> QuerySet[Member]:
    """The cooperative's members, searched and filtered.

    `q` matches part of the name, a NIAK (digits, with or without leading zeros), and, when
    `allow_nik` (officers who handle members), an exact full NIK: never a part of one, so the
    list cannot be used to guess NIKs digit by digit.
    """
    rows = members(cooperative).select_related("domicile")
    q = " ".join((q or "").split())[:100]
    if q:
        condition = Q(full_name__icontains=q)
        digits = q.lstrip("#")
        if digits.isdigit() and len(digits) <= 9:
            condition |= Q(number=int(digits))
        if allow_nik and len(digits) == 16 and digits.isdigit():
            condition |= Q(nik=digits)
        rows = rows.filter(condition)
    if status:
        rows = rows.filter(status=status)
    if sex:
        rows = rows.filter(sex=sex)
    if joined_year:
        rows = rows.filter(joined_on__year=joined_year)
    return rows.order_by(F("number").asc(nulls_last=True), "full_name", "id")


def status_counts(*, cooperative: Cooperative) -> dict[str, int]:
    """How many members in each status (every status present, zero when none)."""
    counts = dict.fromkeys(Member.Status.values, 0)
    for row in members(cooperative).values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def joined_years(*, cooperative: Cooperative) -> list[int]:
    dates = members(cooperative).filter(joined_on__isnull=False).dates("joined_on", "year")
    return sorted({d.year for d in dates}, reverse=True)


def pending_requests(*, cooperative: Cooperative) -> QuerySet[Member]:
    return (
        members(cooperative)
        .filter(status=Member.Status.REQUESTED)
        .select_related("domicile", "user")
        .order_by("requested_on", "id")
    )


def pending_request_count(*, cooperative: Cooperative) -> int:
    """Membership requests waiting for a decision (the Beranda's to-do)."""
    return members(cooperative).filter(status=Member.Status.REQUESTED).count()


def member_get(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> Member:
    """One member of `cooperative`; NotFound when absent or another cooperative's."""
    key = parse_public_id(public_id)
    member = (
        members(cooperative)
        .select_related("domicile__district", "user")
        .filter(public_id=key)
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def member_history(*, member: Member) -> dict:
    return {
        "status_changes": list(member.status_changes.order_by("created_at", "id")),
        "kk_history": list(member.kk_history.order_by("-valid_from", "-created_at")),
    }


def warning_messages(warnings: list[dict]) -> list[str]:
    """The stored NIK warnings as sentences in the reader's language."""
    return [render_issue(w.get("code", ""), w.get("params")) for w in warnings or []]


def memberships_of(*, user) -> QuerySet[Member]:
    """The person's memberships (the member app): every cooperative they joined or asked to."""
    return (
        Member.objects.filter(user=user)
        .select_related("cooperative__village")
        .order_by("requested_on", "id")
    )


def imports(*, cooperative: Cooperative) -> QuerySet[MemberImport]:
    return MemberImport.objects.filter(cooperative=cooperative).order_by("-created_at", "-id")


def import_get(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> MemberImport:
    key = parse_public_id(public_id)
    row = imports(cooperative=cooperative).filter(public_id=key).first()
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True, slots=True)
class CardCheck:
    """What the public card check shows: no NIK, address, birth date, phone or photo; only what
    is printed on the card itself (the cooperative, the name, the NIAK) and whether it is valid."""

    cooperative_name: str
    member_name: str
    niak: str
    valid: bool
    status: str
    status_label: str
    since: date | None
    ended_on: date | None


def card_check(*, card_id: uuid.UUID | str) -> CardCheck:
    """The public check of a member card by the id in its QR code. NotFound for an unknown id or
    a person who never became a member (no card was ever issued)."""
    key = parse_public_id(card_id)
    member = (
        Member.objects.select_related("cooperative")
        .filter(card_id=key, number__isnull=False)
        .first()
    )
    if member is None:
        raise NotFound()
    return CardCheck(
        cooperative_name=member.cooperative.name,
        member_name=member.full_name,
        niak=member.niak,
        valid=member.status == Member.Status.ACTIVE,
        status=member.status,
        status_label=str(member.get_status_display()),
        since=member.joined_on,
        ended_on=member.ended_on,
    )


SEARCH_LIMIT = 10


def _exact_condition(text: str) -> Q | None:
    """What identifies one member exactly: a member card's QR payload, the full NIAK, or the
    phone number (normalised, so 0812-..., 62812... and +62812... are the same)."""
    card_id = card_id_from_scan(text)
    if card_id is not None:
        return Q(card_id=card_id)
    digits = text.lstrip("#")
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:
        return Q(number=int(digits))
    try:
        return Q(phone=normalize_phone(text))
    except InvalidPhone:
        return None


def member_search(*, cooperative: Cooperative, q: str, limit: int = SEARCH_LIMIT) -> list[Member]:
    """At most `limit` members of this cooperative (numbered ones: the counter needs a NIAK) for
    what a cashier types: part of the name (two letters or more), a NIAK or its beginning (`004`
    finds 0040-0049), a phone number (whole, normalised), or a member card's QR payload. Exact
    hits (card, NIAK, phone) come first. Never a NIK."""
    q = " ".join((q or "").split())[:200]
    if not q:
        return []
    rows = members(cooperative).filter(number__isnull=False)
    exact = _exact_condition(q)
    hits = list(rows.filter(exact).order_by("number")[:limit]) if exact is not None else []
    digits = q.lstrip("#")
    condition = Q(pk__in=[])
    for low, high in niak_ranges(digits):
        condition |= Q(number__gte=low, number__lte=high)
    if len(q) >= 2 and not digits.isdigit() and card_id_from_scan(q) is None:
        condition |= Q(full_name__icontains=q)
    order = ("number",) if digits.isdigit() else ("full_name", "number")
    rest = rows.filter(condition).exclude(pk__in=[m.pk for m in hits]).order_by(*order)
    return hits + list(rest[: limit - len(hits)])


def member_find(*, cooperative: Cooperative, q: str) -> Member | None:
    """The one member of this cooperative that `q` names exactly (card QR payload, NIAK or phone
    number), else None (nothing, or more than one: two members may share a phone)."""
    exact = _exact_condition(" ".join((q or "").split())[:200])
    if exact is None:
        return None
    found = list(members(cooperative).filter(exact).filter(number__isnull=False)[:2])
    return found[0] if len(found) == 1 else None
