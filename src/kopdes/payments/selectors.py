"""Reads of payments for one cooperative or one person."""

import uuid

from django.db.models import QuerySet, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.ledger.models import AccountMonth
from kopdes.members.models import Member
from kopdes.payments.models import PaymentIntent, PaymentNotification, QrisMerchant

CLEARING = "1-109"  # Dana QRIS dalam penyelesaian: QRIS money the provider still owes


def merchants(*, cooperative: Cooperative) -> list[QrisMerchant]:
    return list(
        QrisMerchant.objects.filter(cooperative=cooperative)
        .select_related("unit")
        .order_by("unit__code")
    )


def intents(*, cooperative: Cooperative, status: str | None = None) -> QuerySet[PaymentIntent]:
    rows = PaymentIntent.objects.filter(cooperative=cooperative).select_related(
        "member", "unit", "merchant"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def intent(*, cooperative: Cooperative, public_id: uuid.UUID | str) -> PaymentIntent:
    """One intent of the cooperative; NotFound for a malformed id, another cooperative's or none."""
    found = (
        PaymentIntent.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("member", "unit", "merchant")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def my_intent(*, user, public_id: uuid.UUID | str) -> PaymentIntent:
    """One of the person's own intents (as a member, matched by Member.user); NotFound for anyone
    else's, as for an id that does not exist."""
    found = (
        PaymentIntent.objects.filter(
            public_id=parse_public_id(public_id),
            member__in=Member.objects.filter(user=user),
        )
        .select_related("member", "cooperative")
        .first()
    )
    if found is None or user is None or not user.is_authenticated:
        raise NotFound()
    return found


def notifications(*, cooperative: Cooperative) -> QuerySet[PaymentNotification]:
    """The notifications of the cooperative's intents (the unmatched ones belong to nobody)."""
    return PaymentNotification.objects.filter(intent__cooperative=cooperative).select_related(
        "intent"
    )


def qris_owed(*, cooperative: Cooperative) -> int:
    """The balance of 1-109, from the monthly snapshots: what the provider still owes."""
    totals = AccountMonth.objects.filter(cooperative=cooperative, account__code=CLEARING).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (totals["debit"] or 0) - (totals["credit"] or 0)
