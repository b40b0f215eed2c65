"""Reads of the funding sources for one cooperative: the fund-use report (`fund_use`), per CSR
partner (`fund_use_by_partner`), the open flags, the entries that may be attached."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.funding import rules
from kopdes.funding.models import FundingSource, FundReceipt, FundUse
from kopdes.ledger.models import JournalEntry


@dataclass
class LineUse:
    line: str
    label: str
    amount: int


@dataclass
class FundUseRow:
    """One fund in the fund-use report: what came in, what went out by business line, what is
    left, and how many uses carry evidence (all of them: evidence is required)."""

    source: FundingSource
    received: int
    spent: int
    balance: int
    by_line: list[LineUse] = field(default_factory=list)
    use_count: int = 0
    evidence_count: int = 0
    open_flags: int = 0


@dataclass
class PartnerRow:
    partner: str
    sources: list[FundUseRow]
    received: int
    spent: int
    balance: int
    by_line: list[LineUse]


def sources(cooperative: Cooperative) -> QuerySet[FundingSource]:
    return FundingSource.objects.filter(cooperative=cooperative).order_by("-created_at", "-id")


def fund_use(cooperative: Cooperative, source: FundingSource | None = None) -> list[FundUseRow]:
    """Per fund (of the cooperative, or only `source`): received, spent by line, balance, the
    number of uses with their evidence and of open flags. Three queries whatever the count."""
    chosen = sources(cooperative)
    if source is not None:
        chosen = chosen.filter(pk=source.pk)
    funds = list(chosen)
    ids = [f.pk for f in funds]
    received = dict(
        FundReceipt.objects.filter(cooperative=cooperative, source_id__in=ids)
        .values("source_id")
        .annotate(t=Sum("amount"))
        .values_list("source_id", "t")
    )
    by_line: dict[int, list[LineUse]] = defaultdict(list)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for source_id, line, amount, uses, evidence, flags in (
        FundUse.objects.filter(cooperative=cooperative, source_id__in=ids)
        .values("source_id", "line")
        .annotate(
            t=Sum("amount"),
            n=Count("id"),
            e=Count("id", filter=~Q(evidence_sha256="")),
            f=Count("id", filter=Q(flag_state="open")),
        )
        .order_by("source_id", "line")
        .values_list("source_id", "line", "t", "n", "e", "f")
    ):
        by_line[source_id].append(LineUse(line, rules.line_label(line), amount))
        counts[source_id][0] += uses
        counts[source_id][1] += evidence
        counts[source_id][2] += flags
    rows = []
    for fund in funds:
        got = received.get(fund.pk, 0)
        spent = sum(u.amount for u in by_line[fund.pk])
        uses, evidence, flags = counts[fund.pk]
        rows.append(
            FundUseRow(
                source=fund,
                received=got,
                spent=spent,
                balance=got - spent,
                by_line=by_line[fund.pk],
                use_count=uses,
                evidence_count=evidence,
                open_flags=flags,
            )
        )
    return rows


def fund_use_by_partner(cooperative: Cooperative) -> list[PartnerRow]:
    """The fund-use report per partner (the CSR company, the dinas, the bank): its funds and
    their totals, spent by line across them."""
    groups: dict[str, list[FundUseRow]] = defaultdict(list)
    for row in fund_use(cooperative):
        groups[row.source.partner or row.source.name].append(row)
    out = []
    for partner, rows in sorted(groups.items()):
        lines: dict[str, int] = defaultdict(int)
        for row in rows:
            for use in row.by_line:
                lines[use.line] += use.amount
        out.append(
            PartnerRow(
                partner=partner,
                sources=rows,
                received=sum(r.received for r in rows),
                spent=sum(r.spent for r in rows),
                balance=sum(r.balance for r in rows),
                by_line=[LineUse(k, rules.line_label(k), v) for k, v in sorted(lines.items())],
            )
        )
    return out


def receipts(source: FundingSource) -> QuerySet[FundReceipt]:
    return FundReceipt.objects.filter(source=source).select_related("entry").order_by("on", "id")


def uses(source: FundingSource) -> QuerySet[FundUse]:
    return (
        FundUse.objects.filter(source=source).select_related("entry", "unit").order_by("on", "id")
    )


def open_flags(cooperative: Cooperative) -> QuerySet[FundUse]:
    """Uses outside a restricted fund's permitted lines that the pengawas has not resolved."""
    return (
        FundUse.objects.filter(cooperative=cooperative, flagged=True)
        .exclude(flag_state="resolved")
        .select_related("source", "entry")
        .order_by("on", "id")
    )


def open_flag_count(cooperative: Cooperative) -> int:
    return FundUse.objects.filter(cooperative=cooperative, flag_state="open").count()


def attachable_entries(
    cooperative: Cooperative, number: int | None = None
) -> QuerySet[JournalEntry]:
    """Entries that paid money out of the bank or a cash box (newest first) and are not a fund's
    own receipt, spending or a reversal: what `fund_attach` may attribute to a fund."""
    rows = (
        JournalEntry.objects.filter(
            cooperative=cooperative, lines__account__is_cash=True, lines__credit__gt=0
        )
        .exclude(source_kind__in=("fund.spent", "fund.received", "reversal"))
        .distinct()
        .order_by("-number")
    )
    if number is not None:
        rows = rows.filter(number=number)
    return rows
