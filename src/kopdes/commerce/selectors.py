"""Reads of the gerai for one cooperative: what pages, the API and reports show."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum

from kopdes.commerce.models import CashShift, PosDevice, Sale, SaleReturn, SyncRejection
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.members.models import Member

# -- point of sale: member purchases (the SHU's jasa usaha basis), shifts, devices (H-sale) ----


@dataclass(frozen=True)
class MemberPurchases:
    """A member's purchases at one unit in a period, net of approved returns."""

    member_id: int
    member_public_id: str
    member_name: str
    niak: str
    unit_id: int
    unit_code: str
    unit_name: str
    purchases: int
    returns: int

    @property
    def net(self) -> int:
        return self.purchases - self.returns


def member_purchases(
    cooperative: Cooperative, year: int | None = None, member: Member | None = None
) -> list[MemberPurchases]:
    """Per member per unit: completed sales to the member less the returns approved (in `year`
    when given: sales by their date, returns by the day they were approved). The basis of the
    member's jasa usaha in the SHU. Two grouped queries."""
    sales = Sale.objects.filter(
        cooperative=cooperative, status=Sale.Status.COMPLETED, member__isnull=False
    )
    returns = SaleReturn.objects.filter(
        cooperative=cooperative, status=SaleReturn.Status.APPROVED, sale__member__isnull=False
    )
    if year is not None:
        sales = sales.filter(on__year=year)
        returns = returns.filter(on__year=year)
    if member is not None:
        sales = sales.filter(member=member)
        returns = returns.filter(sale__member=member)
    bought: dict[tuple[int, int], int] = {
        (row["member_id"], row["unit_id"]): row["total"]
        for row in sales.values("member_id", "unit_id").annotate(total=Sum("total"))
    }
    back: dict[tuple[int, int], int] = {
        (row["sale__member_id"], row["sale__unit_id"]): row["total"]
        for row in returns.values("sale__member_id", "sale__unit_id").annotate(total=Sum("amount"))
    }
    keys = set(bought) | set(back)
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in={k[0] for k in keys}).only(
            "pk", "public_id", "full_name", "number"
        )
    }
    units = {u.pk: u for u in BusinessUnit.objects.filter(pk__in={k[1] for k in keys})}
    rows = [
        MemberPurchases(
            member_id=member_id,
            member_public_id=str(members[member_id].public_id),
            member_name=members[member_id].full_name,
            niak=members[member_id].niak,
            unit_id=unit_id,
            unit_code=units[unit_id].code,
            unit_name=units[unit_id].name,
            purchases=bought.get((member_id, unit_id), 0),
            returns=back.get((member_id, unit_id), 0),
        )
        for member_id, unit_id in keys
    ]
    rows.sort(key=lambda r: (r.niak, r.unit_code))
    return rows


def expected_cash(shift: CashShift) -> dict[str, int]:
    """The shift's cash: the float, its cash sales, the cash refunded for the approved returns
    its kasir asked for during the shift, and what the drawer should hold."""
    sales = (
        Sale.objects.filter(
            shift=shift, payment=Sale.Payment.CASH, status=Sale.Status.COMPLETED
        ).aggregate(total=Sum("total"))["total"]
        or 0
    )
    refunds = (
        SaleReturn.objects.filter(
            shift=shift, refund=SaleReturn.Refund.CASH, status=SaleReturn.Status.APPROVED
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return {
        "opening_float": shift.opening_float,
        "cash_sales": sales,
        "cash_refunds": refunds,
        "expected": shift.opening_float + sales - refunds,
    }


def shift_report(shift: CashShift) -> dict[str, Any]:
    """A shift's figures: the float, cash sales, cash refunds, expected, counted and the
    difference (for a closed shift), and its sales by payment (count and total)."""
    figures = expected_cash(shift)
    by_payment = {
        row["payment"]: {"count": row["count"], "total": row["total"]}
        for row in Sale.objects.filter(shift=shift, status=Sale.Status.COMPLETED)
        .values("payment")
        .annotate(count=Count("pk"), total=Sum("total"))
    }
    return {
        **figures,
        "expected": shift.expected_cash if shift.expected_cash is not None else figures["expected"],
        "counted": shift.counted_cash,
        "difference": shift.difference,
        "by_payment": by_payment,
        "status": shift.status,
    }


def device_sync_rejections(device: PosDevice, *, open_only: bool = True) -> list[SyncRejection]:
    rows = SyncRejection.objects.filter(device=device)
    if open_only:
        rows = rows.filter(status=SyncRejection.Status.OPEN)
    return list(rows.order_by("-created_at"))
