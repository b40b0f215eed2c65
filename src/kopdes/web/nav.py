"""Role-aware navigation: the places a person can switch between, the menu of the current one and
its sub-menus.

Who may see a link is never written here: a menu lists (URL name, label) pairs, and a link is
shown when the person holds the capability the page itself declares (`cooperative_page(need)`
stores it on the view as `capability`; `may_open` reads it through the URL resolver). So a menu
can never offer a page that answers 404 for the person, and a page's rule lives in one place.
"""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, capabilities, outside_views
from kopdes.accounts.models import Role
from kopdes.accounts.selectors import roles_of
from kopdes.payments.services import simulator_enabled

# A menu entry: (URL name of the page it opens, label, other URL names that mark it current).
MenuEntry = tuple[str, str, frozenset[str]]


@cache
def _page_capabilities() -> dict[str, Capability | None]:
    """URL name of every staff page -> the capability that opens it (None: no cooperative)."""
    from kopdes.web import urls  # the views import this module's users: resolve lazily

    return {
        pattern.name: getattr(pattern.callback, "capability", None)
        for pattern in urls.urlpatterns
        if pattern.name
    }


def may_open(url_name: str, allowed: set[Capability] | frozenset[Capability]) -> bool:
    """Whether a person with `allowed` may open the page `url_name` (a `web` URL name).

    An unknown name is a KeyError: a typo in a menu fails loudly in the tests."""
    need = _page_capabilities()[url_name]
    return need is None or need in allowed


def _section_pages(prefix: str) -> list[str]:
    """Every page whose URL name starts with `prefix` (a section's pages, whoever added them)."""
    return [name for name in _page_capabilities() if name.startswith(prefix)]


def _entry(name: str, label: str, *also: str) -> MenuEntry:
    return (name, label, frozenset({name, *also}))


def _cooperative_menu() -> list[MenuEntry]:
    return [
        _entry("cooperative_home", _("Home")),
        _entry("cooperative", _("Profile"), "cooperative_edit", "business_unit_add"),
        _entry("officers", _("Officers"), "role_end", "employee_add", "password_reset"),
        _entry(
            "members",
            _("Members"),
            "member",
            "member_new",
            "member_requests",
            "member_import",
            "member_card",
            "member_status",
            "member_kk",
            "member_contact",
            "member_photo",
        ),
        _entry(
            "savings_bills",
            _("Savings"),
            "savings_deposit",
            "savings_withdraw",
            "savings_transfer",
            "savings_collective",
            "savings_receipt",
            "savings_corrections",
            "savings_correction_request",
            "savings_correction_decide",
            "member_savings",
            "savings_statement",
            "savings_resign",
        ),
        _entry("loans", _("Loans"), *_section_pages("loans_")),
        _entry("commerce_home", _("Outlets"), *_section_pages("commerce_")),
        _entry("funding", _("Funds"), *_section_pages("funding_")),
        _entry("shu_years", _("SHU"), *_section_pages("shu_")),
        _entry(
            "journal",
            _("Books"),
            "journal_entry",
            "accounts",
            "manual_journals",
            "periods",
            "posting_rules",
            "savings_reconciliation",
            "savings_position",
        ),
        _entry(
            "statements",
            _("Reports"),
            "trial_balance",
            "general_ledger",
            "balance_sheet",
            "income_statement",
            "equity_changes",
            "cash_flow",
        ),
        _entry("announcements", _("Announcements"), *_section_pages("announcements_")),
        _entry("rat", _("RAT"), *_section_pages("rat_")),
        _entry("policy", _("Policy (AD/ART)")),
        _entry("audit", _("Audit log")),
    ]


def _submenus() -> dict[str, list[MenuEntry]]:
    """The sections' own menus (templates: `nav_sub.<section>`, see web/_subnav.html)."""
    return {
        "savings": [
            _entry("savings_deposit", _("Deposit")),
            _entry("savings_withdraw", _("Withdrawal")),
            _entry("savings_transfer", _("Transfer")),
            _entry("loans_repay", _("Loan repayment"), "loans_receipt", "loans_payoff"),
            _entry("savings_collective", _("Collective deposit")),
            _entry("savings_bills", _("Bills and arrears")),
            _entry("savings_position", _("Savings position")),
            _entry("savings_reconciliation", _("Reconciliation")),
            _entry("savings_corrections", _("Corrections"), "savings_correction_decide"),
        ],
        "shu": [
            _entry("shu_years", _("SHU by year")),
        ],
        "loans": [
            _entry("loans", _("Loans"), "loans_detail", "loans_decide", "loans_cosign"),
            _entry("loans_apply", _("New application"), "loans_member_search"),
            _entry("loans_products", _("Products"), "loans_product_new", "loans_product_edit"),
            _entry("loans_portfolio", _("Portfolio")),
            _entry("loans_aging", _("Collectibility")),
            _entry("loans_arrears", _("Arrears"), "loans_card"),
            _entry(
                "loans_restructures",
                _("Restructuring"),
                "loans_restructure_request",
                "loans_restructure_decide",
            ),
            _entry("loans_reconciliation", _("Reconciliation")),
            _entry("loans_simulate", _("Loan simulation")),
        ],
        "commerce_reports": [
            _entry("commerce_report_sales", _("Sales")),
            _entry("commerce_report_margins", _("Margins")),
            _entry("commerce_report_stock", _("Stock position")),
            _entry("commerce_report_movers", _("Slow and fast movers")),
            _entry("commerce_report_expiring", _("Expiring items")),
            _entry("commerce_report_shrinkage", _("Shrinkage")),
        ],
        # The funding sources (kopdes.funding): sources, the report, the flags for the pengawas;
        # the bank loan's pages add their entry here.
        "funding": [
            _entry(
                "funding",
                _("Funding sources"),
                "funding_source_new",
                "funding_source",
                "funding_receive",
                "funding_spend",
                "funding_attach",
                "funding_document_add",
                "funding_use",
            ),
            _entry("funding_report", _("Fund-use report")),
            _entry("funding_flags", _("Flagged uses")),
            _entry("funding_bank_loans", _("Bank loans"), *_section_pages("funding_bank_loan")),
        ],
        # The gerai (outlets): the back office first, then what the other parts add (point of
        # sale, shifts, reports): one entry per page family, current on its sub-pages.
        "commerce": [
            _entry("commerce_home", _("Outlets")),
            _entry(
                "commerce_products",
                _("Products"),
                "commerce_product_new",
                "commerce_product_edit",
                "commerce_stock_card",
            ),
            _entry("commerce_categories", _("Categories")),
            _entry(
                "commerce_suppliers",
                _("Suppliers"),
                "commerce_supplier_new",
                "commerce_supplier_edit",
            ),
            _entry(
                "commerce_purchase_orders",
                _("Purchase orders"),
                "commerce_purchase_order_new",
                "commerce_purchase_order",
                "commerce_purchase_order_submit",
                "commerce_purchase_order_cancel",
                "commerce_purchase_order_receive",
            ),
            _entry(
                "commerce_receipts", _("Goods receipts"), "commerce_receipt_new", "commerce_receipt"
            ),
            _entry("commerce_stock", _("Stock position")),
            _entry(
                "commerce_transfers", _("Transfers"), "commerce_transfer_new", "commerce_transfer"
            ),
            _entry("commerce_counts", _("Stock counts"), *_section_pages("commerce_count")),
            _entry(
                "commerce_write_offs",
                _("Write-offs"),
                "commerce_write_off_new",
                "commerce_write_off_decide",
            ),
            _entry("commerce_reconciliation", _("Reconciliation")),
            _entry("commerce_pos_units", _("Cashier"), "commerce_pos", "commerce_sale_receipt"),
            _entry("commerce_sales", _("Sales")),
            _entry("commerce_shifts", _("Cash shifts"), "commerce_shift"),
            _entry("commerce_devices", _("Cashier devices"), "commerce_sync_rejection"),
            _entry("commerce_orders", _("Pickup orders")),
            _entry("commerce_report_sales", _("Reports"), *_section_pages("commerce_report_")),
            _entry("commerce_qris", _("QRIS"), "commerce_qris_settle"),
            # The payment provider's simulator exists outside production only.
            *(
                [_entry("commerce_simulator", _("Payment simulator"))]
                if simulator_enabled()
                else []
            ),
        ],
        "announcements": [
            _entry(
                "announcements",
                _("Announcements"),
                "announcements_new",
                "announcements_detail",
                "announcements_withdraw",
            ),
            _entry(
                "announcements_documents",
                _("Documents"),
                *[
                    n
                    for n in _section_pages("announcements_document")
                    if n != "announcements_documents"
                ],
            ),
        ],
        "books": [
            _entry("accounts", _("Chart of accounts")),
            _entry("journal", _("Journal"), "journal_entry"),
            _entry("manual_journals", _("Manual journals")),
            _entry("periods", _("Periods")),
            _entry("posting_rules", _("Posting rules")),
        ],
    }


def menu_items(
    entries: list[MenuEntry], *, cooperative, allowed: set[Capability], url_name: str
) -> list[dict]:
    """The entries the person may open, with their URLs; the current page marked `active`."""
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(f"web:{name}", args=[cooperative.public_id]),
            "active": url_name in group,
        }
        for name, label, group in entries
        if may_open(name, allowed)
    ]


def build_navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    url_name = (match.url_name if match else "") or ""
    here = getattr(request, "cooperative", None)  # set by cooperative_page (and the 404 page)
    current_id = str(here.public_id if here is not None else kwargs.get("cooperative_id", ""))

    places, seen = [], set()
    roles = list(roles_of(user=user))
    for role in roles:
        cooperative = role.cooperative
        if cooperative.pk in seen:
            continue
        seen.add(cooperative.pk)
        places.append(
            {
                "label": cooperative.name,
                "url": reverse("web:cooperative_home", args=[cooperative.public_id]),
                "current": str(cooperative.public_id) == current_id,
            }
        )
    supervising, funding_partner = outside_views(user)
    in_supervision = request.path.startswith("/pantau/")
    in_csr = url_name.startswith("csr_")
    if supervising:
        places.append(
            {
                "label": _("Supervision"),
                "url": reverse("web:supervision"),
                "current": in_supervision and not in_csr,
            }
        )
    if funding_partner:
        places.append(
            {"label": _("CSR funds"), "url": reverse("web:csr_overview"), "current": in_csr}
        )

    items: list[dict] = []
    submenus: dict[str, list[dict]] = {}
    current_place, role_labels = None, []
    if here is not None:
        cooperative = here
        current_place = cooperative.name
        role_labels = [Role.Kind(r.kind).label for r in roles if r.cooperative_id == cooperative.pk]
        # computed once per request by kopdes.web.access.cooperative_page
        allowed = getattr(request, "capabilities", None)
        if allowed is None:
            allowed = capabilities(user, cooperative)
        items = menu_items(
            _cooperative_menu(), cooperative=cooperative, allowed=allowed, url_name=url_name
        )
        submenus = {
            section: menu_items(
                entries, cooperative=cooperative, allowed=allowed, url_name=url_name
            )
            for section, entries in _submenus().items()
        }
    elif in_csr:
        current_place = _("CSR funds")
    elif in_supervision:
        current_place = _("Supervision")
        items = [
            {
                "label": _("Dashboard"),
                "url": reverse("web:supervision"),
                "active": url_name == "supervision",
            },
            {
                "label": _("Cooperatives"),
                "url": reverse("web:supervision_table"),
                "active": url_name == "supervision_table",
            },
        ]
    if supervising or in_supervision:
        items.append(
            {
                "label": _("Regions"),
                "url": reverse("web:regions"),
                "active": url_name and url_name.startswith("region"),
            }
        )
    return {
        "nav_places": places,
        "nav_items": items,
        "nav_sub": submenus,
        "current_place": current_place,
        "nav_user_roles": role_labels,
    }
