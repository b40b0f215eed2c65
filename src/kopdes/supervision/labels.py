"""How an early warning and its thresholds read for people (pages, API): one sentence per kind
from the warning's facts, and each threshold's label. Code strings are English with gettext;
the Indonesian is in the catalogue."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.core.money import format_rupiah
from kopdes.supervision.models import EarlyWarning, WarningKind

THRESHOLD_LABELS: dict[str, Any] = {
    "cash_limit": gettext_lazy("Cash on hand limit (Rp)"),
    "bank_deposit_days": gettext_lazy("Days without a bank deposit"),
    "lookback_days": gettext_lazy("Postings and withdrawals looked at (days)"),
    "backdate_days": gettext_lazy("A manual entry back-dated by more than (days)"),
    "office_open_hour": gettext_lazy("Office opens at (hour)"),
    "office_close_hour": gettext_lazy("Office closes at (hour)"),
    "round_amount_min": gettext_lazy("Round amount: from (Rp)"),
    "round_amount_unit": gettext_lazy("Round amount: a multiple of (Rp)"),
    "large_withdrawal_amount": gettext_lazy("Large withdrawal from (Rp)"),
    "shrinkage_days": gettext_lazy("Stock shrinkage looked at (days)"),
    "shrinkage_percent": gettext_lazy("Stock shrinkage above (% of sales)"),
    "wajib_rate_percent": gettext_lazy("Simpanan wajib collection below (%)"),
    "period_close_days": gettext_lazy("A month closed within (days after its end)"),
    "rat_months": gettext_lazy("RAT held within (months after the fiscal year)"),
    "checkpoint_days": gettext_lazy("Ledger checkpoint older than (days)"),
}
MONEY_THRESHOLDS = frozenset(
    {"cash_limit", "round_amount_min", "round_amount_unit", "large_withdrawal_amount"}
)


def threshold_value(key: str, value: int) -> str:
    return format_rupiah(value) if key in MONEY_THRESHOLDS else str(value)


def _rp(value: Any) -> str:
    return format_rupiah(int(value or 0))


def describe(warning: EarlyWarning) -> str:
    """One sentence saying what the warning found, from its facts."""
    f: dict[str, Any] = warning.facts or {}
    k = WarningKind
    if warning.kind == k.CASH_ABOVE_LIMIT:
        return _("Cash on hand %(balance)s is above the limit of %(limit)s.") % {
            "balance": _rp(f.get("balance")),
            "limit": _rp(f.get("limit")),
        }
    if warning.kind == k.NO_BANK_DEPOSIT:
        if not f.get("last_deposit"):
            return _("Cash on hand %(cash)s and no deposit into the bank ever.") % {
                "cash": _rp(f.get("cash"))
            }
        return _("Cash on hand %(cash)s; the last bank deposit was on %(last)s.") % {
            "cash": _rp(f.get("cash")),
            "last": f.get("last_deposit"),
        }
    if warning.kind == k.BACKDATED_POSTING:
        return _(
            "Manual entry no. %(number)s of %(amount)s dated %(date)s was posted on "
            "%(posted)s, %(days)s days later."
        ) % {
            "number": f.get("number"),
            "amount": _rp(f.get("amount")),
            "date": f.get("date"),
            "posted": f.get("posted_at"),
            "days": f.get("days_late"),
        }
    if warning.kind == k.AFTER_HOURS_POSTING:
        return _(
            "Manual entry no. %(number)s of %(amount)s was posted at %(posted)s, outside "
            "office hours (%(opens)s:00-%(closes)s:00)."
        ) % {
            "number": f.get("number"),
            "amount": _rp(f.get("amount")),
            "posted": f.get("posted_at"),
            "opens": f.get("opens"),
            "closes": f.get("closes"),
        }
    if warning.kind == k.ROUND_AMOUNT_POSTING:
        return _("Manual entry no. %(number)s is a round amount: %(amount)s.") % {
            "number": f.get("number"),
            "amount": _rp(f.get("amount")),
        }
    if warning.kind == k.LARGE_WITHDRAWAL:
        return _("A savings withdrawal of %(amount)s on %(date)s (limit %(limit)s).") % {
            "amount": _rp(f.get("amount")),
            "date": f.get("date"),
            "limit": _rp(f.get("limit")),
        }
    if warning.kind == k.RELATED_PARTY_LOAN:
        return _(
            "Loan %(number)s of %(principal)s to a related party (pengurus, pengawas or their family)."
        ) % {
            "number": f.get("number"),
            "principal": _rp(f.get("principal")),
        }
    if warning.kind == k.FUND_OUTSIDE_LINES:
        return _(
            "%(amount)s of a restricted fund spent on %(line)s, outside its permitted lines, on %(date)s."
        ) % {
            "amount": _rp(f.get("amount")),
            "line": f.get("line"),
            "date": f.get("date"),
        }
    if warning.kind == k.STOCK_SHRINKAGE:
        return _(
            "Stock losses (opname and write-offs) of %(loss)s against sales of %(sales)s, "
            "above %(limit)s %%."
        ) % {"loss": _rp(f.get("loss")), "sales": _rp(f.get("sales")), "limit": f.get("limit")}
    if warning.kind == k.WAJIB_COLLECTION_FALLING:
        return _("Simpanan wajib of %(period)s collected %(rate)s %% (below %(limit)s %%).") % {
            "period": f.get("period"),
            "rate": f.get("rate"),
            "limit": f.get("limit"),
        }
    if warning.kind == k.RAT_OVERDUE:
        return _("The RAT of fiscal year %(year)s was not held by %(deadline)s.") % {
            "year": f.get("year"),
            "deadline": f.get("deadline"),
        }
    if warning.kind == k.PERIOD_NOT_CLOSED:
        return _("The month %(month)s is still open, %(days)s days after its end.") % {
            "month": f.get("month"),
            "days": f.get("days"),
        }
    if warning.kind == k.LEDGER_VERIFICATION:
        return _("The ledger does not verify: the last check failed or a checkpoint was refused.")
    if warning.kind == k.CHECKPOINT_STALE:
        if not f.get("last"):
            return _("The books have no signed checkpoint.")
        return _("The last signed checkpoint is of %(last)s.") % {"last": f.get("last")}
    return warning.get_kind_display()
