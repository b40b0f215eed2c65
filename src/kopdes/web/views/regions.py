"""Public pages of the region tree (/wilayah/): region codes are public data, so no login.

Each page costs a bounded number of queries (the selectors count with annotate), whatever the
size of the region; a malformed or unknown code is the ordinary 404 page.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kopdes.core.errors import NotFound, ValidationFailed
from kopdes.regions import selectors
from kopdes.regions.models import Regency, Village
from kopdes.regions.rules import Level

LEVEL_LABELS = {
    Level.PROVINCE: _("Province"),
    Level.REGENCY: _("Kabupaten/kota"),
    Level.DISTRICT: _("Kecamatan"),
    Level.VILLAGE: _("Desa/kelurahan"),
}
CHILD_HEADINGS = {
    Level.PROVINCE: _("Kabupaten and kota"),
    Level.REGENCY: _("Kecamatan"),
    Level.DISTRICT: _("Desa and kelurahan"),
}


def kind_label(region: selectors.Region) -> str:
    """What to call the region: Kabupaten/Kota, Desa/Kelurahan, else its level."""
    if region.level == Level.REGENCY and region.kind in Regency.Kind.values:
        return str(Regency.Kind(region.kind).label)
    if region.level == Level.VILLAGE and region.kind in Village.Kind.values:
        return str(Village.Kind(region.kind).label)
    return str(LEVEL_LABELS[region.level])


def _row(region: selectors.Region) -> dict:
    return {
        "region": region,
        "label": kind_label(region),
        "url": reverse("web:region_detail", args=[region.code]),
    }


def _search(request: HttpRequest, *, within: str | None = None) -> dict:
    """The search box's state: the text, the hits, or the reason there are none."""
    q = request.GET.get("q", "")
    if not q.strip():
        return {"q": "", "searched": False, "hits": [], "error": ""}
    try:
        hits = selectors.village_search(q=q, within=within)
    except ValidationFailed as exc:
        shown = "".join(ch for ch in q[:200] if ch.isprintable())
        return {"q": shown, "searched": False, "hits": [], "error": exc.render()}
    return {
        "q": q,
        "searched": True,
        "error": "",
        "limit": selectors.SEARCH_LIMIT,
        "hits": [
            {
                "hit": hit,
                "url": reverse("web:region_detail", args=[hit.code]),
                "label": Village.Kind(hit.kind).label if hit.kind in Village.Kind.values else "",
            }
            for hit in hits
        ],
    }


@require_safe
def region_index(request: HttpRequest) -> HttpResponse:
    provinces = [_row(province) for province in selectors.province_list()]
    totals = {
        name: sum(getattr(row["region"].counts, name) or 0 for row in provinces)
        for name in ("regencies", "districts", "villages", "desa", "kelurahan")
    }
    return render(
        request,
        "web/regions/index.html",
        {
            "provinces": provinces,
            "totals": totals,
            "search": _search(request),
        },
    )


@require_safe
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        detail = selectors.region_detail(code=code)
    except (ValidationFailed, NotFound):
        raise Http404 from None
    region = detail.region
    if region.code != code:
        # Digits-only (3603012003) or padded codes land on the one dotted address.
        url = reverse("web:region_detail", args=[region.code])
        if request.GET:
            url += "?" + urlencode(request.GET, doseq=True)
        return HttpResponsePermanentRedirect(url)
    return render(
        request,
        "web/regions/detail.html",
        {
            "region": region,
            "label": kind_label(region),
            "ancestors": [_row(ancestor) for ancestor in detail.ancestors],
            "children": [_row(child) for child in detail.children],
            "children_heading": CHILD_HEADINGS.get(region.level, ""),
            "level": region.level.value,
            "search": _search(request, within=region.code)
            if region.level != Level.VILLAGE
            else None,
        },
    )


urlpatterns = [
    path("wilayah/", region_index, name="regions"),
    path("wilayah/<str:code>/", region_detail, name="region_detail"),
]
