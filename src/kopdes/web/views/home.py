"""Where people land: the visitors' front door (`/`), the signed-in person's start (`/app/`) and a
cooperative's Beranda (`/app/<id>/beranda/`, its tiles in kopdes.web.home)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path

from kopdes.accounts.access import outside_views
from kopdes.accounts.selectors import roles_of
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.web import home as beranda
from kopdes.web.access import cooperative_page


def landing(request):
    """Public: what Kopdes is, sign-in and the public pages (a signed-in person: their places)."""
    return render(request, "web/landing.html")


@login_required
def home(request):
    """Straight to the Beranda of the person's only place; a choice when they have several."""
    cooperatives = list(
        {r.cooperative_id: r.cooperative for r in roles_of(user=request.user)}.values()
    )
    supervising, funding_partner = outside_views(request.user)
    if supervising and not cooperatives:
        return redirect("web:supervision")
    if funding_partner and not cooperatives:
        return redirect("web:csr_overview")
    if len(cooperatives) == 1 and not supervising:
        return redirect("web:cooperative_home", cooperatives[0].public_id)
    return render(
        request, "web/home.html", {"cooperatives": cooperatives, "supervising": supervising}
    )


@cooperative_page()
def cooperative_home(request, cooperative: Cooperative):
    return render(
        request,
        "web/home/cooperative.html",
        {
            "cooperative": cooperative,
            "today": clock.today(),
            "tiles": beranda.tiles(request, cooperative),
            "actions": beranda.actions(request, cooperative),
        },
    )


urlpatterns = [
    path("", landing, name="landing"),
    path("app/", home, name="home"),
    path("app/<uuid:cooperative_id>/beranda/", cooperative_home, name="cooperative_home"),
]
