"""The member app's first screen in one request (`GET /me/home`) and the member card
(`GET /me/card`).

`/me/home` gathers what the app's home shows, for every cooperative where the caller is an
active member (matched by Member.user): simpanan balances by kind, open bills (count, total,
the next few), loans (outstanding principal, the next installment), the latest announcements,
and the server's time (the app shows it as "terakhir diperbarui"). It reuses the apps'
selectors (savings, loans, announcements) and costs a fixed number of queries whatever the
data (pinned in `api/tests/test_member_home.py`). Labels are words, never codes.

The answer is cached per member (ADR 0034): the key holds the user, the language, the day and
the data version of each cooperative where the caller is an active member (core.versions, read
in the same query as the memberships); any committed write to one of those cooperatives bumps
its version, so the next request builds the answer again. A hit costs the token's query and that
one query. The name and the server's time are never cached.

`/me/card` is the member card: the cooperative, name, NIAK and a QR code (an SVG data URI made
by segno on the server) that holds only the URL of the public card check page, as the printed
card does (`web:card_check`).
"""

import functools
import json
from datetime import date, datetime
from uuid import UUID

import segno
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import Field

from kopdes.announcements import selectors as announcement_selectors
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.core.models import CooperativeVersion
from kopdes.loans import selectors as loan_selectors
from kopdes.loans.models import Loan
from kopdes.members.models import Member
from kopdes.savings import selectors as savings_selectors
from kopdes.savings.models import Bill, Kind

router = Router(tags=["member app"])

NEXT_BILLS = 3  # the open bills listed on the home screen (oldest period first)
LATEST_ANNOUNCEMENTS = 3


class BalanceOut(Schema):
    kind: str = Field(description="pokok, wajib or sukarela")
    label: str = Field(description="e.g. Simpanan wajib, in the caller's language")
    balance: int


class BillDueOut(Schema):
    id: UUID
    kind: str
    label: str
    period: str = Field(description="YYYY-MM")
    outstanding: int
    status: str
    status_label: str


class BillsDueOut(Schema):
    count: int
    total: int
    next: list[BillDueOut] = Field(description=f"The oldest {NEXT_BILLS} open bills")


class NextInstallmentOut(Schema):
    loan_id: UUID
    product: str
    number: int
    due_date: date
    amount: int = Field(description="What is left to pay of that installment, in rupiah")


class LoansSummaryOut(Schema):
    count: int = Field(description="Active (disbursed, not yet repaid) loans")
    outstanding: int = Field(description="Principal still owed over the active loans")
    penalty_due: int
    next_installment: NextInstallmentOut | None = Field(
        description="The earliest unpaid installment of the active loans"
    )


class HomeMembershipOut(Schema):
    cooperative: CooperativeRef
    member_id: UUID
    niak: str
    savings: list[BalanceOut]
    savings_total: int
    bills_due: BillsDueOut
    loans: LoansSummaryOut


class HomeAnnouncementOut(Schema):
    id: UUID
    cooperative_id: UUID
    kind_label: str
    title: str
    body: str
    publish_on: date


class HomeDataOut(Schema):
    memberships: list[HomeMembershipOut]
    announcements: list[HomeAnnouncementOut] = Field(
        description=f"The {LATEST_ANNOUNCEMENTS} newest announcements of those cooperatives"
    )


class HomeOut(HomeDataOut):
    server_time: datetime = Field(description="When the answer was made (the app's last sync)")
    full_name: str


@router.get("/me/home", response={200: HomeOut, **errors(401)})
def my_home(request):
    """Everything the member app's home screen shows, in one answer: per active membership the
    simpanan balances by kind, open bills, loans and the next installment; the latest
    announcements; the server's time. Only the caller's own data."""
    user = request.user
    key = _cache_key(user)
    cache = caches["member_home"]
    data = cache.get(key)
    if data is None:
        # Validated and rendered once per version, as ninja would for every answer.
        data = json.dumps(
            HomeDataOut.model_validate(_home(user)).model_dump(), cls=NinjaJSONEncoder
        )
        cache.set(key, data)
    # The name and the time are never cached: they head the cached rendering of the rest.
    head = json.dumps(
        {"server_time": clock.now(), "full_name": user.full_name}, cls=NinjaJSONEncoder
    )
    return HttpResponse(f"{head[:-1]}, {data[1:]}", content_type=api.get_content_type())


def _cache_key(user) -> str:
    """The user, the language, the day (what is visible depends on it: scheduled announcements)
    and the version of each cooperative where the user is an active member, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(), [user.pk, Member.Status.ACTIVE])
        versions = ",".join(f"{c}.{v}" for c, v in sorted(set(cursor.fetchall())))
    return f"home:1:{user.pk}:{translation.get_language()}:{clock.today().isoformat()}:{versions}"


@functools.cache
def _versions_sql() -> str:
    """`savings.selectors.memberships` (active memberships by Member.user) with each one's
    cooperative data version: written once, as the app's most frequent statement (the ORM
    would build it on every request, which costs more than running it)."""
    q = connection.ops.quote_name
    member, version = q(Member._meta.db_table), q(CooperativeVersion._meta.db_table)
    return (
        f"SELECT {member}.cooperative_id, COALESCE({version}.version, 0) FROM {member} "  # noqa: S608
        f"LEFT OUTER JOIN {version} ON {version}.cooperative_id = {member}.cooperative_id "
        f"WHERE {member}.user_id = %s AND {member}.status = %s"
    )


def _home(user) -> dict:
    """The cached part of the answer (everything but the name and the server's time)."""
    # The selectors' querysets, narrowed to the columns the answer uses (fewer joins and
    # columns to compile and read: the endpoint is the app's most frequent request).
    memberships = list(
        savings_selectors.memberships(user=user).only(
            "public_id",
            "number",
            "cooperative__public_id",
            "cooperative__name",
            "cooperative__village_id",
        )
    )
    balances: dict[int, dict[str, int]] = {}
    for member_id, kind, balance in savings_selectors.my_accounts(user=user).values_list(
        "member_id", "kind", "balance"
    ):
        balances.setdefault(member_id, {})[kind] = balance
    bills: dict[int, list[Bill]] = {}
    open_bills = (
        savings_selectors.my_bills(user=user)
        .filter(status__in=savings_selectors.OPEN_BILLS)
        .select_related(None)
        .only("public_id", "member_id", "kind", "period", "amount", "paid_amount", "status")
    )
    for bill in open_bills.order_by("period", "kind"):
        bills.setdefault(bill.member_id, []).append(bill)
    loans: dict[int, list[Loan]] = {}
    active = (
        loan_selectors.my_loans_with_next(user=user)
        .filter(status=Loan.Status.ACTIVE)
        .select_related(None)
        .select_related("product")
        .only(
            "public_id",
            "member_id",
            "outstanding_principal",
            "penalty_due",
            "product__name",
        )
    )
    for loan in active:
        loans.setdefault(loan.member_id, []).append(loan)
    announcements = (
        announcement_selectors.announcements_visible([m.cooperative for m in memberships])
        .select_related(None)
        .select_related("cooperative")
        .only("public_id", "kind", "title", "body", "publish_on", "cooperative__public_id")[
            :LATEST_ANNOUNCEMENTS
        ]
    )
    return {
        "memberships": [
            _membership(m, balances.get(m.pk, {}), bills.get(m.pk, []), loans.get(m.pk, []))
            for m in memberships
        ],
        "announcements": [
            {
                "id": a.public_id,
                "cooperative_id": a.cooperative.public_id,
                "kind_label": a.get_kind_display(),
                "title": a.title,
                "body": a.body,
                "publish_on": a.publish_on,
            }
            for a in announcements
        ],
    }


def _membership(member, balances: dict[str, int], bills: list[Bill], loans: list[Loan]) -> dict:
    savings = [
        {"kind": kind, "label": str(label), "balance": balances.get(kind, 0)}
        for kind, label in Kind.choices
    ]
    return {
        "cooperative": cooperative_ref(member.cooperative),
        "member_id": member.public_id,
        "niak": member.niak,
        "savings": savings,
        "savings_total": sum(s["balance"] for s in savings),
        "bills_due": {
            "count": len(bills),
            "total": sum(b.outstanding for b in bills),
            "next": [
                {
                    "id": b.public_id,
                    "kind": b.kind,
                    "label": b.get_kind_display(),
                    "period": b.period,
                    "outstanding": b.outstanding,
                    "status": b.status,
                    "status_label": b.get_status_display(),
                }
                for b in bills[:NEXT_BILLS]
            ],
        },
        "loans": _loans(loans),
    }


def _loans(loans: list[Loan]) -> dict:
    upcoming = [
        (loan.open_installments[0], loan)  # type: ignore[attr-defined]  # the selector's Prefetch
        for loan in loans
        if loan.open_installments  # type: ignore[attr-defined]
    ]
    upcoming.sort(key=lambda pair: (pair[0].due_date, pair[0].number))
    first = None
    if upcoming:
        installment, loan = upcoming[0]
        first = {
            "loan_id": loan.public_id,
            "product": loan.product.name,
            "number": installment.number,
            "due_date": installment.due_date,
            "amount": installment.remaining,
        }
    return {
        "count": len(loans),
        "outstanding": sum(loan.outstanding_principal for loan in loans),
        "penalty_due": sum(loan.penalty_due for loan in loans),
        "next_installment": first,
    }


class CardOut(Schema):
    cooperative: CooperativeRef
    member_id: UUID
    full_name: str
    niak: str
    joined_on: date | None
    check_url: str = Field(description="The public page that says whether the card is valid")
    qr_svg: str = Field(description="The QR code of `check_url`, an SVG data URI (for an <img>)")


@router.get("/me/card", response={200: list[CardOut], **errors(401)})
def my_card(request):
    """The caller's member cards, one per active membership with a member number: what the
    printed card carries, and its QR code (only the URL of the public card check page)."""
    out = []
    for member in savings_selectors.memberships(user=request.user):
        if member.number is None:
            continue
        url = request.build_absolute_uri(reverse("web:card_check", args=[member.card_id]))
        qr = segno.make(url, error="m")
        out.append(
            {
                "cooperative": cooperative_ref(member.cooperative),
                "member_id": member.public_id,
                "full_name": member.full_name,
                "niak": member.niak,
                "joined_on": member.joined_on,
                "check_url": url,
                "qr_svg": qr.svg_data_uri(scale=6, border=2, dark="#000", light="#fff"),
            }
        )
    return out


api.add_router("/", router)
