"""The demo's SHU (issue 13.7): last year's SHU of one cooperative, through the SHU services as
the officers would: the bendahara simulates it from the closed books; when the RAT approved it
(`rat_resolution`, the resolution's public id text) the ketua records the approval and posts the
allocation (the second person), and the bendahara pays every member's share into simpanan
sukarela. Deterministic: the books decide every number (nothing is drawn). `kopdes demo` runs
it around the RAT of 2025, once 2025 is closed (`demo.seed`)."""

from __future__ import annotations

from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.shu import services as shu
from kopdes.shu.errors import Deficit, NoBasis
from kopdes.shu.models import ShuYear


def _officers(cooperative: Cooperative) -> dict[str, User]:
    found: dict[str, User] = {}
    for role in (
        Role.objects.filter(cooperative=cooperative, ended_on__isnull=True)
        .select_related("user")
        .order_by("pk")
    ):
        found.setdefault(role.kind, role.user)
    return found


def shu_seed_cooperative(
    cooperative: Cooperative, *, year: int = 2025, rat_resolution: str | None = None
) -> ShuYear | None:
    """The SHU of `year`: simulated when it has none; approved when the RAT's `rat_resolution` is
    given (the RAT's own vote approves it otherwise: `rat.services.resolution_close`); once
    approved, posted (by the second person) and paid into every member's simpanan sukarela.
    None when the year has nothing to divide (a deficit, or no member with savings or
    transactions). Run again, it books nothing twice. Raises YearNotClosed when the year's books
    are not closed."""
    who = _officers(cooperative)
    maker = who.get("bendahara") or who.get("ketua")
    checker = who.get("ketua") if maker != who.get("ketua") else who.get("sekretaris")
    shu_year = ShuYear.objects.filter(cooperative=cooperative, year=year).first()
    if shu_year is None:
        try:
            shu_year = shu.shu_simulate(actor=maker, cooperative=cooperative, year=year)
        except (Deficit, NoBasis):
            return None
    if shu_year.status == ShuYear.Status.SIMULATED:
        if not rat_resolution:
            return shu_year
        shu_year = shu.shu_approve(actor=checker, shu_year=shu_year, resolution=rat_resolution)
    if shu_year.status == ShuYear.Status.APPROVED:
        shu_year = shu.shu_post(actor=checker, shu_year=shu_year)
    if shu_year.status == ShuYear.Status.POSTED:
        shu_year = shu.shu_pay(actor=maker, shu_year=shu_year, channel="sukarela")
    return shu_year
