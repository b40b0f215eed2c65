"""Reads of the health assessment (the method in force, a cooperative's assessments and
questionnaire, and the inputs read from the closed books of a year) and of the early warnings
(thresholds in force, the warnings a person sees, a warning's history)."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from kopdes.accounts.access import watched_cooperatives
from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.core.models import AuditEvent
from kopdes.ledger import statements
from kopdes.ledger.selectors import closed_through
from kopdes.supervision import warning_rules
from kopdes.supervision.models import (
    Assessment,
    EarlyWarning,
    HealthMethod,
    ManagementAnswers,
    WarningThresholds,
)

# What each input of the ratios is, in the words of the statements.
INPUT_LABELS = {
    "own_capital": "modal sendiri",
    "total_assets": "total aset",
    "loans_outstanding": "pinjaman diberikan",
    "member_loans": "pinjaman anggota",
    "loan_allowance": "cadangan kerugian piutang",
    "productive_assets": "aktiva produktif",
    "operating_costs": "beban operasi",
    "member_income": "partisipasi bruto",
    "operating_expenses": "beban usaha",
    "gross_result": "SHU kotor",
    "salaries": "beban gaji dan honor",
    "total_income": "pendapatan",
    "cash_and_bank": "kas dan bank",
    "current_liabilities": "kewajiban lancar",
    "funds_received": "dana yang diterima",
    "shu": "SHU",
    "total_costs": "beban",
    "member_and_other_income": "partisipasi bruto dan pendapatan lain",
}


def method_in_force(kind: str = HealthMethod.Kind.RATIO) -> HealthMethod:
    method = HealthMethod.objects.filter(kind=kind).order_by("-version").first()
    if method is None:  # the data migration seeds version 1
        raise HealthMethod.DoesNotExist(kind)
    return method


def year_closed(cooperative: Cooperative, year: int) -> bool:
    through = closed_through(cooperative=cooperative)
    return through is not None and through >= date(year, 12, 31)


def closed_years(cooperative: Cooperative) -> list[int]:
    """The fiscal years whose books are closed, the latest first."""
    through = closed_through(cooperative=cooperative)
    if through is None:
        return []
    last = through.year if through.month == 12 and through.day == 31 else through.year - 1
    first = cooperative.founded_on.year if cooperative.founded_on else last
    return list(range(last, min(first, last) - 1, -1))


def assessments(cooperative: Cooperative) -> QuerySet[Assessment]:
    """Every assessment of the cooperative, the latest year and the latest first."""
    return Assessment.objects.filter(cooperative=cooperative).select_related("method")


def current_assessment(cooperative: Cooperative, year: int | None = None) -> Assessment | None:
    rows = assessments(cooperative).filter(is_current=True)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.first()


def management_answers(cooperative: Cooperative, year: int) -> ManagementAnswers | None:
    return ManagementAnswers.objects.filter(cooperative=cooperative, year=year).first()


def book_inputs(cooperative: Cooperative, year: int) -> dict[str, int]:
    """The rupiah the ratios read, from the year's balance sheet (31 December) and income
    statement (the whole year, without the closing entry)."""
    period = statements.ReportPeriod.whole_year(year)
    sheet = statements.balance_sheet(cooperative=cooperative, period=period)
    income = statements.income_statement(cooperative=cooperative, period=period)
    assets = {
        line.code: line.current
        for line in sheet.current_assets.lines + sheet.non_current_assets.lines
    }
    expenses = {line.code: line.current for line in income.operating_expenses.lines}
    member_loans = assets.get("1-103", 0)
    loans = member_loans + assets.get("1-105", 0)
    total_assets = sheet.total_assets[0]
    own_capital = sheet.equity.total
    total_income = income.total_income[0]
    total_costs = income.cost_of_sales.total + income.total_expenses[0]
    member_income = income.member_income.total
    return {
        "own_capital": own_capital,
        "total_assets": total_assets,
        "loans_outstanding": loans,
        "member_loans": member_loans,
        "loan_allowance": abs(assets.get("1-104", 0)),
        "productive_assets": loans + assets.get("1-201", 0),
        "operating_costs": income.cost_of_sales.total + income.operating_expenses.total,
        "member_income": member_income,
        "operating_expenses": income.operating_expenses.total,
        "gross_result": income.gross_result[0],
        "salaries": expenses.get("5-201", 0),
        "total_income": total_income,
        "cash_and_bank": assets.get("1-101", 0) + assets.get("1-102", 0),
        "current_liabilities": sheet.short_term_liabilities.total,
        "funds_received": sheet.total_liabilities[0] + own_capital,
        "shu": income.shu[0],
        "total_costs": total_costs,
        "member_and_other_income": total_income,
    }


# -- early warnings (peringatan dini) ---------------------------------------------------------


def thresholds_in_force() -> dict[str, WarningThresholds]:
    """The newest version of every scope's thresholds (a small table: one query)."""
    found: dict[str, WarningThresholds] = {}
    for row in WarningThresholds.objects.order_by("scope", "-version"):
        found.setdefault(row.scope, row)
    return found


def thresholds_for(cooperatives: Iterable[Cooperative]) -> dict[int, dict[str, int]]:
    """Each cooperative's thresholds: the defaults, overridden by its region's and its own."""
    in_force = {scope: row.values for scope, row in thresholds_in_force().items()}
    return {
        c.pk: warning_rules.merged(warning_rules.scope_chain(c.village_id), in_force)
        for c in cooperatives
    }


def thresholds_history(scope: str) -> QuerySet[WarningThresholds]:
    return WarningThresholds.objects.filter(scope=scope).order_by("-version")


def thresholds_versions() -> QuerySet[WarningThresholds]:
    """Every version of every scope, the newest first (the thresholds page's history)."""
    return WarningThresholds.objects.order_by("-created_at", "-id")


def warnings_visible(user: User) -> QuerySet[EarlyWarning]:
    """The warnings of every cooperative whose warnings the person sees (VIEW_WARNINGS)."""
    return EarlyWarning.objects.filter(cooperative__in=watched_cooperatives(user)).select_related(
        "cooperative__village__district"
    )


def warning_for(user: User, public_id: uuid.UUID | str) -> EarlyWarning:
    """One warning the person may see; NotFound for absent and forbidden alike."""
    key = parse_public_id(public_id)
    found = warnings_visible(user).filter(public_id=key).first()
    if found is None:
        raise NotFound()
    return found


def warning_history(warning: EarlyWarning) -> QuerySet[AuditEvent]:
    """Every change of the warning, oldest first: the audit log's `warning.*` rows."""
    return AuditEvent.objects.filter(
        object_type=EarlyWarning._meta.label_lower, object_id=str(warning.public_id)
    ).order_by("at", "id")


def evidence_url(warning: EarlyWarning) -> str:
    """The staff page that shows the warning's evidence ("" when none)."""
    evidence = warning.evidence or {}
    if not evidence.get("name"):
        return ""
    try:
        return reverse(evidence["name"], kwargs=evidence.get("kwargs", {}))
    except NoReverseMatch:
        return ""
