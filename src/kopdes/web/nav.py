"""Role-aware navigation: the places a person can switch between and the menu of the current one."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, active_grants, capabilities
from kopdes.accounts.models import Role
from kopdes.accounts.selectors import roles_of


def _cooperative_menu() -> list[tuple[str, str, Capability, set[str]]]:
    """(landing URL name, label, capability needed, URL names that mark the item active)."""
    return [
        (
            "cooperative",
            _("Profile"),
            Capability.VIEW,
            {"cooperative", "cooperative_edit", "business_unit_add"},
        ),
        ("officers", _("Officers"), Capability.VIEW, {"officers", "role_end", "employee_add"}),
        (
            "members",
            _("Members"),
            Capability.VIEW_MEMBERS,
            {"members", "member", "member_new", "member_requests", "member_import", "member_card"},
        ),
        (
            "savings_bills",
            _("Savings"),
            Capability.VIEW_MEMBERS,
            {
                "savings_bills",
                "savings_deposit",
                "savings_withdraw",
                "savings_transfer",
                "savings_receipt",
                "member_savings",
                "savings_statement",
            },
        ),
        (
            "journal",
            _("Books"),
            Capability.VIEW_BOOKS,
            {
                "journal",
                "journal_entry",
                "accounts",
                "manual_journals",
                "periods",
                "posting_rules",
                "savings_reconciliation",
                "savings_position",
            },
        ),
        (
            "statements",
            _("Reports"),
            Capability.VIEW_BOOKS,
            {
                "statements",
                "trial_balance",
                "general_ledger",
                "balance_sheet",
                "income_statement",
                "equity_changes",
                "cash_flow",
            },
        ),
        ("policy", _("Policy (AD/ART)"), Capability.VIEW, {"policy"}),
        ("audit", _("Audit log"), Capability.VIEW_AUDIT, {"audit"}),
    ]


def build_navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    url_name = (match.url_name if match else "") or ""
    current_id = str(kwargs.get("cooperative_id", ""))

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
                "url": reverse("web:cooperative", args=[cooperative.public_id]),
                "current": str(cooperative.public_id) == current_id,
            }
        )
    supervising = user.is_superuser or active_grants(user).exists()
    in_supervision = request.path.startswith("/pantau/")
    if supervising:
        places.append(
            {
                "label": _("Supervision"),
                "url": reverse("web:supervision"),
                "current": in_supervision,
            }
        )

    items: list[dict] = []
    current_place, role_labels = None, []
    here = getattr(request, "cooperative", None)  # set by the cooperative views
    if here is not None:
        cooperative = here
        current_place = cooperative.name
        role_labels = [Role.Kind(r.kind).label for r in roles if r.cooperative_id == cooperative.pk]
        # computed once per request by kopdes.web.access.cooperative_page
        allowed = getattr(request, "capabilities", None)
        if allowed is None:
            allowed = capabilities(user, cooperative)
        items = [
            {
                "label": label,
                "url": reverse(f"web:{name}", args=[cooperative.public_id]),
                "active": url_name in group,
            }
            for name, label, need, group in _cooperative_menu()
            if need in allowed
        ]
    elif in_supervision:
        current_place = _("Supervision")
        items = [
            {
                "label": _("Cooperatives"),
                "url": reverse("web:supervision"),
                "active": url_name == "supervision",
            }
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
        "current_place": current_place,
        "nav_user_roles": role_labels,
    }
