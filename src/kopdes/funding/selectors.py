"""Reads of the funding sources for one cooperative: the fund-use report (`fund_use`, as of a
day or everything recorded), per partner (`by_partner`), the open flags, the
entries that may be attached; the state-bank loans (`bank_loans`, `bank_loan_file`,
`open_bank_loan_warnings`, `bank_loans_reconcile`)."""

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.funding import rules
from kopdes.funding.models import (
    BankLoan,
    BankLoanDisbursement,
    BankLoanInstallment,
    BankLoanWarning,
    FundingSource,
    FundReceipt,
    FundUse,
    SourceKind,
)
from kopdes.ledger.models import JournalEntry
from kopdes.ledger.selectors import account_balances


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


@dataclass(frozen=True)
class FundTotals:
    """Funds in total: a cooperative's (the CSR partner's list: its CSR grants), or, without a
    cooperative, those of many."""

    cooperative: Cooperative | None
    funds: list[FundUseRow]

    @property
    def received(self) -> int:
        return sum(f.received for f in self.funds)

    @property
    def spent(self) -> int:
        return sum(f.spent for f in self.funds)

    @property
    def balance(self) -> int:
        return sum(f.balance for f in self.funds)

    @property
    def uses(self) -> int:
        return sum(f.use_count for f in self.funds)

    @property
    def evidence(self) -> int:
        return sum(f.evidence_count for f in self.funds)

    @property
    def flags(self) -> int:
        return sum(f.open_flags for f in self.funds)


# What a CSR partner reads of a funded cooperative's funds (its grant names the cooperative).
CSR_KINDS = (SourceKind.CSR,)


def sources(
    cooperative: Cooperative, *, kinds: Collection[str] | None = None
) -> QuerySet[FundingSource]:
    """The cooperative's funding sources, newest first; only those of `kinds` when given (a CSR
    partner reads only the CSR grants)."""
    found = FundingSource.objects.filter(cooperative=cooperative)
    if kinds is not None:
        found = found.filter(kind__in=kinds)
    return found.order_by("-created_at", "-id")


def fund_use(
    cooperative: Cooperative,
    source: FundingSource | None = None,
    *,
    on: date | None = None,
    kinds: Collection[str] | None = None,
) -> list[FundUseRow]:
    """Per fund (of the cooperative, or only `source`): received, spent by line, balance, the
    number of uses with their evidence and of open flags. Three queries whatever the count.

    As of `on`, only the receipts and uses dated on or before that day count, and only the funds
    recorded, agreed or with money received or used by then appear (a report of a past year
    leaves out a fund that came later); without `on`, everything recorded."""
    chosen = sources(cooperative, kinds=kinds)
    if source is not None:
        chosen = chosen.filter(pk=source.pk)
    money_in = FundReceipt.objects.filter(cooperative=cooperative)
    money_out = FundUse.objects.filter(cooperative=cooperative)
    if on is not None:
        money_in = money_in.filter(on__lte=on)
        money_out = money_out.filter(on__lte=on)
        chosen = chosen.filter(
            Q(created_at__date__lte=on)
            | Q(agreement_date__lte=on)
            | Q(pk__in=money_in.values("source_id"))
            | Q(pk__in=money_out.values("source_id"))
        )
    return _fund_rows(list(chosen), money_in, money_out)


def fund_use_by_cooperative(
    cooperatives: Sequence[Cooperative], *, kinds: Collection[str] | None = None
) -> dict[int, list[FundUseRow]]:
    """`fund_use` of many cooperatives at once (the CSR partner's list), by cooperative id:
    three queries whatever the count."""
    ids = [c.pk for c in cooperatives]
    chosen = FundingSource.objects.filter(cooperative_id__in=ids)
    if kinds is not None:
        chosen = chosen.filter(kind__in=kinds)
    rows = _fund_rows(
        list(chosen.order_by("-created_at", "-id")),
        FundReceipt.objects.filter(cooperative_id__in=ids),
        FundUse.objects.filter(cooperative_id__in=ids),
    )
    grouped: dict[int, list[FundUseRow]] = {pk: [] for pk in ids}
    for row in rows:
        grouped[row.source.cooperative_id].append(row)
    return grouped


def _fund_rows(
    funds: list[FundingSource],
    money_in: QuerySet[FundReceipt],
    money_out: QuerySet[FundUse],
) -> list[FundUseRow]:
    """Each fund's row from its receipts and uses among `money_in` and `money_out`."""
    ids = [f.pk for f in funds]
    received = dict(
        money_in.filter(source_id__in=ids)
        .values("source_id")
        .annotate(t=Sum("amount"))
        .values_list("source_id", "t")
    )
    by_line: dict[int, list[LineUse]] = defaultdict(list)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for source_id, line, amount, uses, evidence, flags in (
        money_out.filter(source_id__in=ids)
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


def by_partner(rows: list[FundUseRow]) -> list[PartnerRow]:
    """The fund-use rows per partner (the CSR company, the dinas, the bank): its funds and
    their totals, spent by line across them."""
    groups: dict[str, list[FundUseRow]] = defaultdict(list)
    for row in rows:
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


def uses(source: FundingSource, *, on: date | None = None) -> QuerySet[FundUse]:
    """The source's uses, oldest first; as of `on`, those dated on or before it."""
    found = FundUse.objects.filter(source=source)
    if on is not None:
        found = found.filter(on__lte=on)
    return found.select_related("entry", "unit").order_by("on", "id")


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


# -- the state-bank loan (PMK 49/2025) --------------------------------------------------------


@dataclass(frozen=True)
class BankLoanSummary:
    """One bank loan as the lists show it (staff, pengawas, supervisors)."""

    loan: BankLoan
    drawn: int  # principal disbursed into the bank
    principal_paid: int
    interest_paid: int
    outstanding: int  # drawn - principal_paid: what 2-201 owes the bank for this loan
    next_installment: BankLoanInstallment | None
    overdue: int  # unpaid installments past their due date
    warnings: int  # open warnings (installment due without enough cash, not yet paid)


def bank_loans(cooperative: Cooperative, *, today: date | None = None) -> list[BankLoanSummary]:
    """Every bank loan of the cooperative, newest first, with what was drawn, repaid and is
    owed, the next installment, the overdue ones and the open warnings (a fixed number of
    queries, whatever the number of loans)."""
    today = today or clock.today()
    loans = list(BankLoan.objects.filter(cooperative=cooperative).order_by("-created_at", "-id"))
    ids = [loan.pk for loan in loans]
    drawn = dict(
        BankLoanDisbursement.objects.filter(loan_id__in=ids)
        .values("loan_id")
        .annotate(total=Sum("amount"))
        .values_list("loan_id", "total")
    )
    paid = {
        row["loan_id"]: row
        for row in BankLoanInstallment.objects.filter(loan_id__in=ids, paid_on__isnull=False)
        .values("loan_id")
        .annotate(principal=Sum("principal"), interest=Sum("interest"))
    }
    unpaid = list(
        BankLoanInstallment.objects.filter(loan_id__in=ids, paid_on__isnull=True).order_by(
            "loan_id", "number"
        )
    )
    warned = dict(
        BankLoanWarning.objects.filter(loan_id__in=ids, installment__paid_on__isnull=True)
        .values("loan_id")
        .annotate(n=Count("id"))
        .values_list("loan_id", "n")
    )
    out = []
    for loan in loans:
        mine = [i for i in unpaid if i.loan_id == loan.pk]
        principal_paid = (paid.get(loan.pk) or {}).get("principal") or 0
        out.append(
            BankLoanSummary(
                loan=loan,
                drawn=drawn.get(loan.pk, 0) or 0,
                principal_paid=principal_paid,
                interest_paid=(paid.get(loan.pk) or {}).get("interest") or 0,
                outstanding=(drawn.get(loan.pk, 0) or 0) - principal_paid,
                next_installment=mine[0] if mine else None,
                overdue=sum(1 for i in mine if i.due_on < today),
                warnings=warned.get(loan.pk, 0),
            )
        )
    return out


def bank_loan_for_officer(cooperative: Cooperative, public_id: uuid.UUID | str) -> BankLoan:
    """A bank loan of `cooperative` by its public id; NotFound for another cooperative's loan
    exactly as for one that does not exist or a malformed id."""
    found = (
        BankLoan.objects.filter(cooperative=cooperative, public_id=parse_public_id(public_id))
        .select_related("source")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def bank_loan_installment(loan: BankLoan, public_id: uuid.UUID | str) -> BankLoanInstallment:
    """One installment of `loan` by its public id (NotFound otherwise)."""
    found = BankLoanInstallment.objects.filter(
        cooperative_id=loan.cooperative_id, loan=loan, public_id=parse_public_id(public_id)
    ).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class BankLoanFile:
    """The loan page: its schedule (each row marked paid, overdue or warned), drawings and the
    open warnings."""

    summary: BankLoanSummary
    installments: list[BankLoanInstallment]
    disbursements: list[BankLoanDisbursement]
    warnings: list[BankLoanWarning]


def bank_loan_file(loan: BankLoan, *, today: date | None = None) -> BankLoanFile:
    today = today or clock.today()
    summary = next(s for s in bank_loans(loan.cooperative, today=today) if s.loan.pk == loan.pk)
    installments = list(
        BankLoanInstallment.objects.filter(loan=loan)
        .select_related("paid_entry")
        .order_by("number")
    )
    warned = set(BankLoanWarning.objects.filter(loan=loan).values_list("installment_id", flat=True))
    for installment in installments:
        # for the template: the row's marks
        installment.overdue = installment.paid_on is None and installment.due_on < today  # type: ignore[attr-defined]
        installment.warned = installment.pk in warned  # type: ignore[attr-defined]
    return BankLoanFile(
        summary=summary,
        installments=installments,
        disbursements=list(
            BankLoanDisbursement.objects.filter(loan=loan)
            .select_related("receipt__entry")
            .order_by("on", "id")
        ),
        warnings=list(
            BankLoanWarning.objects.filter(loan=loan, installment__paid_on__isnull=True)
            .select_related("installment")
            .order_by("due_on")
        ),
    )


def open_bank_loan_warnings(cooperative: Cooperative) -> list[BankLoanWarning]:
    """The warnings whose installment is still unpaid, soonest due first: the Beranda tile, the
    bank loans page (pengawas and supervisors read it there)."""
    return list(
        BankLoanWarning.objects.filter(cooperative=cooperative, installment__paid_on__isnull=True)
        .select_related("loan", "installment")
        .order_by("due_on", "id")
    )


def bank_loans_reconcile(cooperative: Cooperative) -> tuple[int, int]:
    """(what the bank loans owe: drawn minus principal repaid, the balance of 2-201 as a
    liability): equal when every movement of 2-201 went through the bank loans' services."""
    owed = sum(s.outstanding for s in bank_loans(cooperative))
    balance = account_balances(cooperative=cooperative, codes=["2-201"]).get("2-201", 0)
    return owed, -balance
