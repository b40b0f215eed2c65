"""Role-aware navigation: the places a person can switch between and the menu of the current one."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, active_grants, capabilities
from kopdes.accounts.models import Role
from kopdes.accounts.selectors import roles_of


def build_navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    url_name = match.url_name if match else ""
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
    cooperative = getattr(request, "cooperative", None)  # set by the cooperative views
    if cooperative is not None:
        current_place = cooperative.name
        role_labels = [Role.Kind(r.kind).label for r in roles if r.cooperative_id == cooperative.pk]
        allowed = capabilities(user, cooperative)
        pages = [
            ("cooperative", _("Profile"), Capability.VIEW),
            ("officers", _("Officers"), Capability.VIEW),
            ("policy", _("Policy (AD/ART)"), Capability.VIEW),
            ("audit", _("Audit log"), Capability.VIEW_AUDIT),
        ]
        items = [
            {
                "label": label,
                "url": reverse(f"web:{name}", args=[cooperative.public_id]),
                "active": url_name == name,
            }
            for name, label, need in pages
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
