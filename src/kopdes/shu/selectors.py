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
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core.errors import NotFound
from kopdes.ledger.models import YEAR_END_SOURCE, Account, JournalLine, Period
from kopdes.loans.models import LoanTransaction
from kopdes.members.models import Member
from kopdes.savings.models import Kind, SavingsAccount, SavingsTransaction
from kopdes.savings.selectors import memberships
from kopdes.shu import rules
from kopdes.shu.errors import NoBasis, ShuYearNotFound, YearNotClosed
from kopdes.shu.models import ShuAllocationLine, ShuMemberShare, ShuYear

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


@dataclass(frozen=True)
class Division:
    """A year's result divided by a policy: the member part, the allocation lines, the pools and
    every member's share (rules.member_shares over the bases of the members at 31 December)."""

    member_part: int
    non_member_part: int
    lines: list[rules.AllocationLine]
    members_line: int
    jasa_modal_pool: int
    jasa_usaha_pool: int
    members: list[Member]
    bases: list[rules.Basis]
    shares: list[rules.Share]
    purchases: dict[int, int]
    interest: dict[int, int]
    with_interest: bool


def division(cooperative: Cooperative, year: int, result: YearResult, policy) -> Division:
    """The SHU's division, as `shu_simulate` records it and the member's estimate shows it."""
    member_part, non_member_part = rules.member_part(
        shu_total=result.shu_total,
        member_income=result.member_income,
        non_member_income=result.non_member_income,
    )
    lines = rules.allocation(
        shu_total=result.shu_total, member_share=member_part, lines=policy.shu_allocation
    )
    members_line = sum(ln.amount for ln in lines if ln.key == rules.MEMBERS_LINE)
    modal_pool, usaha_pool = rules.pools(
        members_line=members_line, jasa_modal_percent=policy.shu_jasa_modal_percent
    )
    members = list(members_at_year_end(cooperative, year))
    savings = savings_bases(
        cooperative,
        year,
        basis=policy.shu_savings_basis,
        include_sukarela=policy.shu_savings_include_sukarela,
    )
    purchases, interest = transaction_bases(cooperative, year)
    with_interest = policy.shu_transaction_basis == "purchases_and_interest"

    def transactions(member: Member) -> int:
        bought = max(purchases.get(member.pk, 0), 0)
        return bought + (interest.get(member.pk, 0) if with_interest else 0)

    bases = [
        rules.Basis(
            number=m.number or 0, savings=max(savings.get(m.pk, 0), 0), transactions=transactions(m)
        )
        for m in members
    ]
    modal_pool, usaha_pool, shares = rules.member_shares(
        jasa_modal_pool=modal_pool, jasa_usaha_pool=usaha_pool, bases=bases
    )
    return Division(
        member_part=member_part,
        non_member_part=non_member_part,
        lines=lines,
        members_line=members_line,
        jasa_modal_pool=modal_pool,
        jasa_usaha_pool=usaha_pool,
        members=members,
        bases=bases,
        shares=shares,
        purchases=purchases,
        interest=interest,
        with_interest=with_interest,
    )


def year_to_date_result(cooperative: Cooperative, year: int, through: date) -> YearResult:
    """The result of `year` so far, from the books as they stand (no closing entry yet): income
    less expenses dated 1 January to `through`, member income by the income accounts'
    participation as in `year_result`."""
    lines = JournalLine.objects.filter(
        cooperative=cooperative,
        date__gte=date(year, 1, 1),
        date__lte=through,
        account__kind__in=[Account.Kind.INCOME, Account.Kind.EXPENSE],
    ).exclude(entry__source_kind=YEAR_END_SOURCE)
    totals = lines.aggregate(
        income=Sum(
            Case(
                When(account__kind=Account.Kind.INCOME, then=F("credit") - F("debit")),
                default=0,
            )
        ),
        member=Sum(
            Case(
                When(
                    account__kind=Account.Kind.INCOME,
                    account__participation="member",
                    then=F("credit") - F("debit"),
                ),
                default=0,
            )
        ),
        expense=Sum(
            Case(
                When(account__kind=Account.Kind.EXPENSE, then=F("debit") - F("credit")),
                default=0,
            )
        ),
    )
    income, member = totals["income"] or 0, totals["member"] or 0
    return YearResult(
        shu_total=income - (totals["expense"] or 0),
        member_income=member,
        non_member_income=income - member,
    )


@dataclass(frozen=True)
class Estimate:
    """A member's estimated share of this year's SHU: the year-to-date result divided by the
    policy in force as the RAT would divide it at year end. Not a statement: the result, the
    bases and the policy will change before the year is closed."""

    cooperative: Cooperative
    year: int
    through: date
    shu_total: int
    member_part: int
    members_line: int
    jasa_modal_pool: int
    jasa_usaha_pool: int
    savings: int
    savings_total: int
    transactions: int
    transactions_total: int
    jasa_modal: int
    jasa_usaha: int
    total: int


def my_estimates(user, on: date) -> list[Estimate]:
    """The person's estimated SHU of `on`'s year in each cooperative where they are an active
    member and a policy is in force; nothing where the year so far is a deficit or gives no
    basis (the estimate is then zero: the API says so)."""
    out = []
    for member in memberships(user=user):
        cooperative = member.cooperative
        policy = policy_in_force(cooperative=cooperative, on=on)
        result = year_to_date_result(cooperative, on.year, on)
        shares: dict[int, tuple[int, int]] = {}
        d = None
        if policy is not None and result.shu_total > 0:
            try:
                d = division(cooperative, on.year, result, policy)
            except NoBasis:
                d = None
        if d is not None:
            shares = {s.number: (s.jasa_modal, s.jasa_usaha) for s in d.shares}
        basis = next((b for b in (d.bases if d else []) if b.number == (member.number or 0)), None)
        modal, usaha = shares.get(member.number or 0, (0, 0))
        out.append(
            Estimate(
                cooperative=cooperative,
                year=on.year,
                through=on,
                shu_total=result.shu_total,
                member_part=d.member_part if d else 0,
                members_line=d.members_line if d else 0,
                jasa_modal_pool=d.jasa_modal_pool if d else 0,
                jasa_usaha_pool=d.jasa_usaha_pool if d else 0,
                savings=basis.savings if basis else 0,
                savings_total=sum(b.savings for b in d.bases) if d else 0,
                transactions=basis.transactions if basis else 0,
                transactions_total=sum(b.transactions for b in d.bases) if d else 0,
                jasa_modal=modal,
                jasa_usaha=usaha,
                total=modal + usaha,
            )
        )
    return out


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


def my_shares(user) -> QuerySet[ShuMemberShare]:
    """The person's SHU shares in every cooperative where they are a member, of the years the
    RAT approved (a simulation is not yet theirs), newest first."""
    if not user.is_authenticated:
        return ShuMemberShare.objects.none()
    return (
        ShuMemberShare.objects.filter(member__in=memberships(user=user))
        .exclude(shu_year__status=ShuYear.Status.SIMULATED)
        .select_related("shu_year", "member", "cooperative")
        .order_by("-shu_year__year", "cooperative_id")
    )


def my_statement(user, year: int, cooperative_id=None) -> "Statement":
    """The person's statement of `year` (in the cooperative named, else their first one with a
    share that year); otherwise the API's one 404, `request.not_found` (absent and another
    person's look the same)."""
    rows = my_shares(user).filter(shu_year__year=year)
    if cooperative_id is not None:
        rows = rows.filter(cooperative__public_id=cooperative_id)
    share = rows.first()
    if share is None:
        raise NotFound()
    return member_statement(share.shu_year, share.member)


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
        """The statement as plain text (the CLI, `kopdes shu explain`), in the active language."""
        from django.utils.translation import gettext as _

        from kopdes.core.money import format_rupiah as rp

        def text(message: str, **values: object) -> str:
            return message % values

        savings_basis = (
            _("average month-end balance")
            if self.savings_basis == "average"
            else (_("year-end balance"))
        )
        out = [
            text(
                _("SHU %(year)s - %(cooperative)s (%(status)s)"),
                year=self.year,
                cooperative=self.cooperative,
                status=self.status,
            ),
            text(_("Member: %(name)s (NIAK %(niak)s)"), name=self.member_name, niak=self.niak),
            "",
            text(_("SHU of %(year)s: %(shu)s"), year=self.year, shu=rp(self.shu_total)),
            text(
                _("Income from members: %(member)s; from non-members: %(other)s"),
                member=rp(self.member_income),
                other=rp(self.non_member_income),
            ),
            text(
                _("SHU from members = %(shu)s x %(member)s / %(income)s = %(part)s"),
                shu=rp(self.shu_total),
                member=rp(self.member_income),
                income=rp(self.member_income + self.non_member_income),
                part=rp(self.member_part),
            ),
            text(
                _("Members' line (%(percent)s%%): %(amount)s"),
                percent=self.members_line_percent,
                amount=rp(self.members_line),
            ),
            text(
                _("  Jasa modal %(percent)s%%: %(amount)s"),
                percent=self.jasa_modal_percent,
                amount=rp(self.jasa_modal_pool),
            ),
            text(
                _("  Jasa usaha %(percent)s%%: %(amount)s"),
                percent=self.jasa_usaha_percent,
                amount=rp(self.jasa_usaha_pool),
            ),
            "",
            text(
                _("Your savings (%(basis)s): %(savings)s of %(total)s"),
                basis=savings_basis
                + (_(", with simpanan sukarela") if self.savings_include_sukarela else ""),
                savings=rp(self.savings),
                total=rp(self.savings_total),
            ),
            text(
                _(
                    "Your transactions: purchases %(purchases)s + loan interest %(interest)s = "
                    "%(transactions)s of %(total)s"
                ),
                purchases=rp(self.purchases),
                interest=rp(self.interest),
                transactions=rp(self.transactions),
                total=rp(self.transactions_total),
            ),
            "",
            f"JMA = {rp(self.savings)} / {rp(self.savings_total)} x {rp(self.jasa_modal_pool)} "
            f"= {self.jasa_modal_exact:.2f} -> {rp(self.jasa_modal)}",
            f"JUA = {rp(self.transactions)} / {rp(self.transactions_total)} x "
            f"{rp(self.jasa_usaha_pool)} = {self.jasa_usaha_exact:.2f} -> {rp(self.jasa_usaha)}",
            text(
                _("Your SHU = JMA + JUA = %(jma)s + %(jua)s = %(total)s"),
                jma=rp(self.jasa_modal),
                jua=rp(self.jasa_usaha),
                total=rp(self.total),
            ),
            _(
                "(Rounding: the rupiah left over go to the largest fractions, equal ones to the "
                "lower member number.)"
            ),
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
