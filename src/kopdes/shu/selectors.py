"""Reads of the SHU: the year's result from the closed books, the members' bases, the years and
shares, and the member statement (the one read behind the page, the PDF, the API and
`kopdes shu explain`)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractMonth

from kopdes.commerce.selectors import member_purchases
from kopdes.cooperatives.models import Cooperative
from kopdes.ledger.models import Account, JournalLine, Period
from kopdes.loans.models import LoanTransaction
from kopdes.members.models import Member
from kopdes.savings.models import Kind, SavingsAccount, SavingsTransaction
from kopdes.shu import rules
from kopdes.shu.errors import ShuYearNotFound, YearNotClosed
from kopdes.shu.models import ShuAllocationLine, ShuMemberShare, ShuYear

YEAR_END_SOURCE = "year_end"  # ledger.services.year_end_close's entry
RETAINED = "3-106"


@dataclass(frozen=True)
class YearResult:
    shu_total: int  # the year's result carried to 3-106 (negative: a deficit)
    member_income: int
    non_member_income: int


def year_closed(cooperative: Cooperative, year: int) -> bool:
    return Period.objects.filter(
        cooperative=cooperative, year=year, month=12, status=Period.Status.CLOSED
    ).exists()


def year_result(cooperative: Cooperative, year: int) -> YearResult:
    """The year's result from its closing entry (ledger.services.year_end_close): the SHU (the
    line to 3-106) and the income it closed, by the income accounts' participation (member; every
    other income, non-member or unmarked, counts as non-member). YearNotClosed until December
    is closed."""
    if not year_closed(cooperative, year):
        raise YearNotClosed(year=year)
    lines = JournalLine.objects.filter(
        cooperative=cooperative,
        entry__source_kind=YEAR_END_SOURCE,
        entry__source_id=str(year),
    )
    totals = lines.aggregate(
        shu=Sum(
            Case(
                When(account__code=RETAINED, then=F("credit") - F("debit")),
                default=0,
            )
        ),
        member=Sum(
            Case(
                When(
                    account__kind=Account.Kind.INCOME,
                    account__participation="member",
                    then=F("debit") - F("credit"),
                ),
                default=0,
            )
        ),
        income=Sum(
            Case(
                When(account__kind=Account.Kind.INCOME, then=F("debit") - F("credit")),
                default=0,
            )
        ),
    )
    member = totals["member"] or 0
    return YearResult(
        shu_total=totals["shu"] or 0,
        member_income=member,
        non_member_income=(totals["income"] or 0) - member,
    )


def members_at_year_end(cooperative: Cooperative, year: int) -> QuerySet[Member]:
    """Who shares in the year's SHU: the members at 31 December (joined by then, and not left
    by then; a member who left during the year gets no share, one who left after still does)."""
    end = date(year, 12, 31)
    return (
        Member.objects.filter(cooperative=cooperative, joined_on__lte=end)
        .filter(status__in=[Member.Status.ACTIVE, Member.Status.RESIGNED])
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .order_by("number")
    )


def _signed():
    return Case(When(kind__in=SavingsTransaction.CREDITS, then=F("amount")), default=-F("amount"))


def savings_bases(
    cooperative: Cooperative, year: int, *, basis: str, include_sukarela: bool
) -> dict[int, int]:
    """Each member's savings basis: pokok + wajib (+ sukarela) at 31 December (`year_end`), or
    the average of the twelve month-end balances (`average`), from the savings sub-ledger (the
    balance now less the movements after the date). Two grouped queries."""
    kinds = [Kind.POKOK, Kind.WAJIB] + ([Kind.SUKARELA] if include_sukarela else [])
    end = date(year, 12, 31)
    balance_now: dict[int, int] = defaultdict(int)
    after: dict[int, int] = defaultdict(int)
    by_month: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for member_id, balance in SavingsAccount.objects.filter(
        cooperative=cooperative, kind__in=kinds
    ).values_list("member_id", "balance"):
        balance_now[member_id] += balance
    moves = SavingsTransaction.objects.filter(
        cooperative=cooperative, account__kind__in=kinds, date__gte=date(year, 1, 1)
    )
    for row in (
        moves.filter(date__gt=end)
        .values("account__member_id")
        .annotate(s=Sum(_signed()))
        .order_by()
    ):
        after[row["account__member_id"]] += row["s"] or 0
    if basis == "average":
        for row in (
            moves.filter(date__lte=end)
            .values("account__member_id", month=ExtractMonth("date"))
            .annotate(s=Sum(_signed()))
            .order_by()
        ):
            by_month[row["account__member_id"]][row["month"]] += row["s"] or 0
    out: dict[int, int] = {}
    for member_id, now in balance_now.items():
        at_end = now - after.get(member_id, 0)
        if basis == "average":
            month_ends, running = [], at_end
            for month in range(12, 0, -1):
                month_ends.append(running)
                running -= by_month[member_id].get(month, 0)
            out[member_id] = rules.average_balance(month_ends)
        else:
            out[member_id] = at_end
    return out


def transaction_bases(cooperative: Cooperative, year: int) -> tuple[dict[int, int], dict[int, int]]:
    """(purchases, loan interest paid) per member in `year`: the gerai purchases net of returns
    (`commerce.selectors.member_purchases`) and the jasa paid on the member's loans."""
    purchases: dict[int, int] = defaultdict(int)
    for row in member_purchases(cooperative, year):
        purchases[row.member_id] += row.net
    interest = {
        row["loan__member_id"]: row["s"] or 0
        for row in LoanTransaction.objects.filter(
            cooperative=cooperative,
            kind__in=[LoanTransaction.Kind.REPAYMENT, LoanTransaction.Kind.PAYOFF],
            date__year=year,
        )
        .values("loan__member_id")
        .annotate(s=Sum("interest"))
        .order_by()
    }
    return dict(purchases), interest


# -- years, shares ------------------------------------------------------------------------------


def shu_years(cooperative: Cooperative) -> QuerySet[ShuYear]:
    return ShuYear.objects.filter(cooperative=cooperative).order_by("-year")


def shu_proposal(cooperative: Cooperative, year: int) -> ShuYear | None:
    """The year's SHU as it stands (simulated, approved, posted or paid), or None."""
    return ShuYear.objects.filter(cooperative=cooperative, year=year).first()


def shu_year_for(cooperative: Cooperative, year: int) -> ShuYear:
    found = shu_proposal(cooperative, year)
    if found is None:
        raise ShuYearNotFound()
    return found


def allocation_lines(shu_year: ShuYear) -> QuerySet[ShuAllocationLine]:
    return ShuAllocationLine.objects.filter(shu_year=shu_year).order_by("position")


def member_shares(shu_year: ShuYear, *, query: str = "") -> QuerySet[ShuMemberShare]:
    rows = ShuMemberShare.objects.filter(shu_year=shu_year).select_related("member")
    if query:
        condition = Q(member__full_name__icontains=query)
        if query.isdigit():
            condition |= Q(member__number=int(query))
        rows = rows.filter(condition)
    return rows.order_by("member__number")


def share_for(shu_year: ShuYear, member: Member) -> ShuMemberShare | None:
    return (
        ShuMemberShare.objects.filter(shu_year=shu_year, member=member)
        .select_related("member")
        .first()
    )


def my_shu_years(member: Member) -> QuerySet[ShuMemberShare]:
    """The member's shares of the years the RAT approved (a simulation is not yet theirs)."""
    return (
        ShuMemberShare.objects.filter(member=member, cooperative_id=member.cooperative_id)
        .exclude(shu_year__status=ShuYear.Status.SIMULATED)
        .select_related("shu_year")
        .order_by("-shu_year__year")
    )


# -- the member statement -----------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """Every number a member needs to recompute their SHU share by hand:

    JMA = savings / savings_total x jasa_modal_pool, JUA = transactions / transactions_total x
    jasa_usaha_pool, where jasa_modal_pool + jasa_usaha_pool = members_line = the "anggota"
    percent of the SHU earned from members (member_part = shu_total x member_income /
    total income). The amounts paid are these rounded by the largest-remainder rule."""

    cooperative: str
    year: int
    status: str
    member_name: str
    niak: str
    shu_total: int
    member_income: int
    non_member_income: int
    member_part: int
    members_line_percent: Decimal
    members_line: int
    jasa_modal_percent: Decimal
    jasa_usaha_percent: Decimal
    jasa_modal_pool: int
    jasa_usaha_pool: int
    savings_basis: str
    savings_include_sukarela: bool
    transaction_basis: str
    savings: int
    savings_total: int
    purchases: int
    interest: int
    transactions: int
    transactions_total: int
    jasa_modal_exact: Decimal
    jasa_usaha_exact: Decimal
    jasa_modal: int
    jasa_usaha: int
    total: int
    paid_channel: str
    paid_on: date | None
    resolution: str
    lines: list[tuple[str, str, Decimal, int]] = field(default_factory=list)

    @property
    def savings_ratio(self) -> Decimal:
        return (
            Decimal(self.savings) / Decimal(self.savings_total)
            if self.savings_total
            else Decimal(0)
        )

    @property
    def transactions_ratio(self) -> Decimal:
        return (
            Decimal(self.transactions) / Decimal(self.transactions_total)
            if self.transactions_total
            else Decimal(0)
        )

    def as_text(self) -> str:
        """The statement as plain text (the CLI, `kopdes shu explain`)."""
        from kopdes.core.money import format_rupiah as rp

        out = [
            f"SHU {self.year} - {self.cooperative} ({self.status})",
            f"Anggota: {self.member_name} (NIAK {self.niak})",
            "",
            f"SHU tahun {self.year}: {rp(self.shu_total)}",
            f"Pendapatan dari anggota: {rp(self.member_income)}; "
            f"dari non-anggota: {rp(self.non_member_income)}",
            f"SHU dari anggota = {rp(self.shu_total)} x {rp(self.member_income)} / "
            f"{rp(self.member_income + self.non_member_income)} = {rp(self.member_part)}",
            f"Bagian jasa anggota ({self.members_line_percent}%): {rp(self.members_line)}",
            f"  Jasa modal {self.jasa_modal_percent}%: {rp(self.jasa_modal_pool)}",
            f"  Jasa usaha {self.jasa_usaha_percent}%: {rp(self.jasa_usaha_pool)}",
            "",
            f"Simpanan Anda ({self.savings_basis}"
            + (", termasuk sukarela" if self.savings_include_sukarela else "")
            + f"): {rp(self.savings)} dari {rp(self.savings_total)}",
            f"Transaksi Anda ({self.transaction_basis}): belanja {rp(self.purchases)} + "
            f"jasa pinjaman {rp(self.interest)} = {rp(self.transactions)} "
            f"dari {rp(self.transactions_total)}",
            "",
            f"JMA = {rp(self.savings)} / {rp(self.savings_total)} x {rp(self.jasa_modal_pool)} "
            f"= {self.jasa_modal_exact:.2f} -> {rp(self.jasa_modal)}",
            f"JUA = {rp(self.transactions)} / {rp(self.transactions_total)} x "
            f"{rp(self.jasa_usaha_pool)} = {self.jasa_usaha_exact:.2f} -> {rp(self.jasa_usaha)}",
            f"SHU Anda = JMA + JUA = {rp(self.jasa_modal)} + {rp(self.jasa_usaha)} "
            f"= {rp(self.total)}",
            "(pembulatan: sisa rupiah dibagi ke pecahan terbesar, sama besar ke nomor anggota "
            "terkecil)",
        ]
        return "\n".join(out)


def member_statement(shu_year: ShuYear, member: Member) -> Statement:
    """The member's SHU statement of `shu_year` (ShuYearNotFound when they have no share)."""

    share = share_for(shu_year, member)
    if share is None or member.cooperative_id != shu_year.cooperative_id:
        raise ShuYearNotFound()
    lines = list(allocation_lines(shu_year))
    members_percent = next((ln.percent for ln in lines if ln.key == rules.MEMBERS_LINE), Decimal(0))
    return Statement(
        cooperative=shu_year.cooperative.name,
        year=shu_year.year,
        status=str(ShuYear.Status(shu_year.status).label),
        member_name=member.full_name,
        niak=member.niak,
        shu_total=shu_year.shu_total,
        member_income=shu_year.member_income,
        non_member_income=shu_year.non_member_income,
        member_part=shu_year.member_part,
        members_line_percent=members_percent,
        members_line=shu_year.members_line,
        jasa_modal_percent=shu_year.jasa_modal_percent,
        jasa_usaha_percent=shu_year.jasa_usaha_percent,
        jasa_modal_pool=shu_year.jasa_modal_pool,
        jasa_usaha_pool=shu_year.jasa_usaha_pool,
        savings_basis=shu_year.savings_basis,
        savings_include_sukarela=shu_year.savings_include_sukarela,
        transaction_basis=shu_year.transaction_basis,
        savings=share.savings,
        savings_total=shu_year.savings_total,
        purchases=share.purchases,
        interest=share.interest,
        transactions=share.transactions,
        transactions_total=shu_year.transactions_total,
        jasa_modal_exact=rules.exact_share(
            basis=share.savings, basis_total=shu_year.savings_total, pool=shu_year.jasa_modal_pool
        ),
        jasa_usaha_exact=rules.exact_share(
            basis=share.transactions,
            basis_total=shu_year.transactions_total,
            pool=shu_year.jasa_usaha_pool,
        ),
        jasa_modal=share.jasa_modal,
        jasa_usaha=share.jasa_usaha,
        total=share.total,
        paid_channel=share.paid_channel,
        paid_on=share.paid_on,
        resolution=shu_year.resolution,
        lines=[(ln.key, ln.label, ln.percent, ln.amount) for ln in lines],
    )
