"""The Beranda (a cooperative's home page): tiles with today's work and numbers, and the actions
a role uses most.

One registry: `TILES` is a list of (capability, provider); a provider takes the request and the
cooperative and returns a `Tile` (or None to show nothing). A tile is shown only to a person
who holds its capability. A later capability (loans, outlets, funding) adds its tiles here with
`@tile(Capability.X)`, reading its numbers through its own app's selectors (no ORM here).
The quick actions are URL names: an action is shown when the person may open its page
(`kopdes.web.nav.may_open`, the page's own declared capability).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kopdes.accounts.access import Capability
from kopdes.announcements import selectors as announcement_selectors
from kopdes.commerce import reports as commerce_reports
from kopdes.commerce import selectors as commerce_selectors
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.money import format_rupiah
from kopdes.core.months import month_text
from kopdes.funding import selectors as funding_selectors
from kopdes.ledger import selectors as ledger_selectors
from kopdes.loans import selectors as loan_selectors
from kopdes.members import selectors as member_selectors
from kopdes.savings import selectors as savings_selectors
from kopdes.shu import selectors as shu_selectors
from kopdes.supervision import selectors as supervision_selectors
from kopdes.web.nav import may_open


@dataclass(frozen=True)
class Tile:
    key: str  # stable, for the page's anchors and the tests
    title: str
    value: str  # the number, formatted
    detail: str = ""
    url: str = ""
    link: str = ""  # the link's text
    todo: bool = False  # something waits for this person


Provider = Callable[[HttpRequest, Cooperative], Tile | None]
TILES: list[tuple[Capability, Provider]] = []


def tile(capability: Capability) -> Callable[[Provider], Provider]:
    """Register a provider: shown to the people who hold `capability`, in registration order."""

    def register(provider: Provider) -> Provider:
        TILES.append((capability, provider))
        return provider

    return register


def _url(name: str, cooperative: Cooperative) -> str:
    return reverse(f"web:{name}", args=[cooperative.public_id])


def _month(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "F Y")


@tile(Capability.MANAGE_MEMBERS)
def membership_requests(request: HttpRequest, cooperative: Cooperative) -> Tile:
    waiting = member_selectors.pending_request_count(cooperative=cooperative)
    return Tile(
        key="requests",
        title=_("Membership requests"),
        value=str(waiting),
        detail=ngettext("request waiting", "requests waiting", waiting),
        url=_url("member_requests", cooperative),
        link=_("Decide"),
        todo=waiting > 0,
    )


@tile(Capability.VIEW_MEMBERS)
def arrears(request: HttpRequest, cooperative: Cooperative) -> Tile:
    today = clock.today()
    overdue = savings_selectors.overdue(
        cooperative=cooperative, before_period=month_text(today.year, today.month)
    )
    return Tile(
        key="arrears",
        title=_("Arrears"),
        value=format_rupiah(overdue.amount),
        detail=ngettext(
            "%(n)s member with overdue bills", "%(n)s members with overdue bills", overdue.members
        )
        % {"n": overdue.members},
        url=_url("savings_bills", cooperative),
        link=_("Bills and arrears"),
        todo=overdue.members > 0,
    )


@tile(Capability.APPROVE_JOURNAL)
def manual_journals(request: HttpRequest, cooperative: Cooperative) -> Tile:
    waiting = ledger_selectors.pending_manual_journal_count(cooperative=cooperative)
    return Tile(
        key="manual_journals",
        title=_("Manual journals"),
        value=str(waiting),
        detail=_("awaiting approval"),
        url=_url("manual_journals", cooperative),
        link=_("Review"),
        todo=waiting > 0,
    )


@tile(Capability.KEEP_BOOKS)
def months_to_close(request: HttpRequest, cooperative: Cooperative) -> Tile:
    months = ledger_selectors.months_to_close(cooperative=cooperative, today=clock.today())
    if months:
        detail = _("From %(first)s to %(last)s") % {
            "first": _month(*months[0]),
            "last": _month(*months[-1]),
        }
        if len(months) == 1:
            detail = _month(*months[0])
    else:
        detail = _("Every ended month is closed")
    return Tile(
        key="months_to_close",
        title=_("Months to close"),
        value=str(len(months)),
        detail=detail,
        url=_url("periods", cooperative),
        link=_("Periods"),
        todo=bool(months),
    )


@tile(Capability.VIEW_BOOKS)
def cash_on_hand(request: HttpRequest, cooperative: Cooperative) -> Tile:
    return Tile(
        key="cash",
        title=_("Cash on hand"),
        value=format_rupiah(ledger_selectors.cash_on_hand(cooperative=cooperative)),
        detail=_("Balance of the kas accounts"),
        url=_url("accounts", cooperative),
        link=_("Chart of accounts"),
    )


@tile(Capability.HANDLE_CASH)
def counter_today(request: HttpRequest, cooperative: Cooperative) -> Tile:
    day = savings_selectors.counter_day(cooperative=cooperative, day=clock.today())
    return Tile(
        key="counter",
        title=_("Counter today"),
        value=format_rupiah(day.deposit_total),
        detail=_("%(deposits)s deposits; %(withdrawals)s withdrawals, %(withdrawal_total)s")
        % {
            "deposits": day.deposits,
            "withdrawals": day.withdrawals,
            "withdrawal_total": format_rupiah(day.withdrawal_total),
        },
    )


@tile(Capability.MANAGE_FUNDING)
def bank_loan_warnings(request: HttpRequest, cooperative: Cooperative) -> Tile | None:
    """The bank loan installments due soon that the bank and office cash cannot cover (the
    daily job's warnings, open until paid): for the ketua and bendahara, shown only when any."""
    warnings = funding_selectors.open_bank_loan_warnings(cooperative)
    if not warnings:
        return None
    first = warnings[0]
    return Tile(
        key="bank_loan_warnings",
        title=_("Bank loan installments short of cash"),
        value=format_rupiah(first.needed - first.cash),
        detail=_("Installment %(number)s of %(loan)s due on %(due)s: %(short)s short")
        % {
            "number": first.installment.number,
            "loan": str(first.loan),
            "due": date_format(first.due_on, "j F Y"),
            "short": format_rupiah(first.needed - first.cash),
        },
        url=_url("funding_bank_loans", cooperative),
        link=_("Bank loans"),
        todo=True,
    )


# The loans' tiles are for the people who handle loans (the counter, or managing them); one
# query for both, kept on the request.
LOAN_HANDLERS = frozenset({Capability.HANDLE_CASH, Capability.MANAGE_LOANS})


def _loan_numbers(
    request: HttpRequest, cooperative: Cooperative
) -> loan_selectors.LoanTiles | None:
    allowed = request.capabilities  # type: ignore[attr-defined]  # set by cooperative_page
    if not LOAN_HANDLERS & allowed:
        return None
    numbers = getattr(request, "_loan_tiles", None)
    if numbers is None:
        numbers = loan_selectors.loan_tiles(cooperative=cooperative, today=clock.today())
        request._loan_tiles = numbers  # type: ignore[attr-defined]  # one read per request
    return numbers


def _optional_url(name: str, request: HttpRequest, cooperative: Cooperative) -> str:
    """The page's URL when the person may open it, else no link."""
    allowed = request.capabilities  # type: ignore[attr-defined]  # set by cooperative_page
    return _url(name, cooperative) if may_open(name, allowed) else ""


@tile(Capability.VIEW_LOANS)
def loans_due_today(request: HttpRequest, cooperative: Cooperative) -> Tile | None:
    numbers = _loan_numbers(request, cooperative)
    if numbers is None:
        return None
    link = _optional_url("loans_repay", request, cooperative)
    return Tile(
        key="loans_due",
        title=_("Loan installments due today"),
        value=format_rupiah(numbers.due_today_amount),
        detail=ngettext("%(n)s loan", "%(n)s loans", numbers.due_today) % {"n": numbers.due_today},
        url=link,
        link=_("Take a loan repayment") if link else "",
        todo=numbers.due_today > 0,
    )


@tile(Capability.VIEW_LOANS)
def loans_arrears(request: HttpRequest, cooperative: Cooperative) -> Tile | None:
    numbers = _loan_numbers(request, cooperative)
    if numbers is None:
        return None
    link = _optional_url("loans_arrears", request, cooperative)
    return Tile(
        key="loans_arrears",
        title=_("Loan installments in arrears"),
        value=format_rupiah(numbers.arrears_amount),
        detail=ngettext("%(n)s loan past due", "%(n)s loans past due", numbers.arrears)
        % {"n": numbers.arrears},
        url=link,
        link=_("Open the arrears list") if link else "",
        todo=numbers.arrears > 0,
    )


# -- the funds (issue 13): one query ----------------------------------------------------------------


@tile(Capability.REVIEW_FUNDING)
def fund_flags(request: HttpRequest, cooperative: Cooperative) -> Tile:
    """Uses of a restricted fund outside its permitted lines, waiting for the pengawas."""
    count = funding_selectors.open_flag_count(cooperative)
    link = _optional_url("funding_flags", request, cooperative)
    return Tile(
        key="fund_flags",
        title=_("Flagged fund uses"),
        value=str(count),
        detail=ngettext(
            "use outside a fund's permitted lines", "uses outside a fund's permitted lines", count
        ),
        url=link,
        link=_("Flagged uses") if link else "",
        todo=count > 0,
    )


# -- the outlets (issue 12): one query each ------------------------------------------------------


@tile(Capability.VIEW_COMMERCE)
def outlet_sales_today(request: HttpRequest, cooperative: Cooperative) -> Tile:
    day = commerce_reports.sales_today(cooperative=cooperative, day=clock.today())
    detail = " · ".join(f"{name} {format_rupiah(revenue)}" for name, _n, revenue in day.units)
    link = _optional_url("commerce_report_sales", request, cooperative)
    return Tile(
        key="outlet_sales",
        title=_("Outlet sales today"),
        value=format_rupiah(day.revenue),
        detail=detail or ngettext("%(n)s sale", "%(n)s sales", day.count) % {"n": day.count},
        url=link,
        link=_("Outlet reports") if link else "",
    )


@tile(Capability.MANAGE_STOCK)
def stock_below_minimum(request: HttpRequest, cooperative: Cooperative) -> Tile:
    count = commerce_reports.below_minimum_count(cooperative=cooperative)
    link = _optional_url("commerce_report_stock", request, cooperative)
    return Tile(
        key="stock_low",
        title=_("Below minimum stock"),
        value=str(count),
        detail=ngettext("item to reorder", "items to reorder", count),
        url=link,
        link=_("Stock position") if link else "",
        todo=count > 0,
    )


@tile(Capability.MANAGE_STOCK)
def stock_expiring(request: HttpRequest, cooperative: Cooperative) -> Tile:
    count = commerce_reports.expiring_count(cooperative=cooperative, today=clock.today(), days=30)
    link = _optional_url("commerce_report_expiring", request, cooperative)
    return Tile(
        key="stock_expiring",
        title=_("Expiring within 30 days"),
        value=str(count),
        detail=ngettext("lot on hand", "lots on hand", count),
        url=f"{link}?days=30" if link else "",
        link=_("Expiring items") if link else "",
        todo=count > 0,
    )


@tile(Capability.HANDLE_CASH)
def pickup_orders_waiting(request: HttpRequest, cooperative: Cooperative) -> Tile:
    count = commerce_selectors.waiting_orders_count(cooperative=cooperative)
    link = _optional_url("commerce_orders", request, cooperative)
    return Tile(
        key="pickup_orders",
        title=_("Pickup orders"),
        value=str(count),
        detail=ngettext("order waits", "orders wait", count),
        url=link,
        link=_("Hand over orders") if link else "",
        todo=count > 0,
    )


@tile(Capability.VIEW)
def latest_announcement(request: HttpRequest, cooperative: Cooperative) -> Tile | None:
    announcement = announcement_selectors.latest_announcement(cooperative, on=clock.today())
    if announcement is None:
        return None
    return Tile(
        key="announcement",
        title=_("Latest announcement"),
        value=date_format(announcement.publish_on),
        detail=announcement.title,
        url=reverse(
            "web:announcements_detail", args=[cooperative.public_id, announcement.public_id]
        ),
        link=_("Read"),
    )


def _actions() -> list[tuple[str, str]]:
    """(URL name, label): the actions a role uses most, most frequent first."""
    return [
        ("savings_deposit", _("Deposit (setor)")),
        ("savings_withdraw", _("Withdraw (tarik)")),
        ("member_new", _("New member")),
        ("savings_collective", _("Collective deposit")),
    ]


def tiles(request: HttpRequest, cooperative: Cooperative) -> list[Tile]:
    allowed = request.capabilities  # type: ignore[attr-defined]  # set by cooperative_page
    shown = []
    for capability, provider in TILES:
        if capability in allowed:
            result = provider(request, cooperative)
            if result is not None:
                shown.append(result)
    return shown


def actions(request: HttpRequest, cooperative: Cooperative) -> list[dict]:
    allowed = request.capabilities  # type: ignore[attr-defined]  # set by cooperative_page
    return [
        {"name": name, "label": label, "url": _url(name, cooperative)}
        for name, label in _actions()
        if may_open(name, allowed)
    ]


# -- the SHU (issue 13): one query ---------------------------------------------------------------


@tile(Capability.MANAGE_SHU)
def shu_last_year(request: HttpRequest, cooperative: Cooperative) -> Tile:
    year = clock.today().year - 1
    found = shu_selectors.shu_proposal(cooperative, year)
    link = _optional_url("shu_years", request, cooperative)
    return Tile(
        key="shu",
        title=_("SHU %(year)s") % {"year": year},
        value=found.get_status_display() if found else _("Not simulated yet"),
        detail=format_rupiah(found.shu_total)
        if found
        else _("Simulate it once the year is closed"),
        url=link,
        link=_("SHU by year") if link else "",
        todo=found is None or found.status != found.Status.PAID,
    )


# -- the health assessment (issue 15): one query ------------------------------------------------


@tile(Capability.VIEW_HEALTH)
def health(request: HttpRequest, cooperative: Cooperative) -> Tile:
    """The latest health assessment by the Dinas (read-only for the cooperative)."""
    latest = supervision_selectors.current_assessment(cooperative)
    return Tile(
        key="health",
        title=_("Health assessment"),
        value=latest.get_predicate_display() if latest else _("Not assessed yet"),
        detail=_("Score %(score)s, fiscal year %(year)s")
        % {"score": number_format(latest.score, 2), "year": latest.year}
        if latest
        else _("The Dinas assesses a closed year"),
        url=_url("health", cooperative),
        link=_("Health assessment"),
    )
