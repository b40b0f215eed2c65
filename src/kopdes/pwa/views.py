"""The member app's three URLs: the shell page, the web manifest and the service worker.

None of them carries personal data (the member's data come from the API, with the token the
app keeps), so they are the same for everyone and public. The service worker is served from
/m/ so that its scope is /m/ and nothing else of the site; its precache list and version come
from the assets' contents, so a changed file makes a new worker and a fresh cache."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

# The app's ES modules, loaded by app.js through relative imports (so by their plain names,
# never a hashed copy): every one is precached by the service worker.
MODULES = (
    "app.js",
    "i18n.js",
    "api.js",
    "login.js",
    "home.js",
    "savings.js",
    "card.js",
    "account.js",
    "form.js",
    "signup.js",
    "pin.js",
    "pay.js",
    "loans.js",
    "more.js",
    "send.js",
    "shop.js",
    "shu.js",
    "rat.js",
    "transparency.js",
)
# Modules of the site the app imports (by their plain names, relative to static/pwa/): the
# public verifier's checks, shared with /transparansi/<code>/verifikasi/ (docs/adr/0032).
SHARED = ("web/verifier.js",)
STYLE = "pwa/app.css"
ICONS = {
    "pwa/icon.svg": ("any", "image/svg+xml"),
    "pwa/icon-192.png": ("192x192", "image/png"),
    "pwa/icon-512.png": ("512x512", "image/png"),
    "pwa/icon-maskable-512.png": ("512x512", "image/png"),
}
THEME = "#b71c1c"
# The shell's few fixed words, before the app's modules put in the member's chosen language
# (Bahasa Indonesia unless they chose English): what a browser without JavaScript shows.
SHELL_WORDS = {
    "id": {
        "skip": "Langsung ke isi",
        "loading": "Memuat…",
        "nav": "Menu utama",
        "home": "Beranda",
        "savings": "Simpanan",
        "card": "Kartu",
        "account": "Akun",
        "more": "Lainnya",
        "noscript": "Aplikasi anggota memerlukan JavaScript.",
        "staff": "Beranda Kopdes",
    },
    "en": {
        "skip": "Skip to content",
        "loading": "Loading…",
        "nav": "Main menu",
        "home": "Home",
        "savings": "Savings",
        "card": "Card",
        "account": "Account",
        "more": "More",
        "noscript": "The member app needs JavaScript.",
        "staff": "Kopdes home",
    },
}


def _source(name: str) -> bytes:
    found = finders.find(name)
    if found:
        return Path(str(found)).read_bytes()
    return (Path(settings.STATIC_ROOT) / name).read_bytes()


def _module_url(name: str) -> str:
    return f"{settings.STATIC_URL}pwa/{name}"


def _assets() -> list[str]:
    """What the service worker precaches: the shell, its style and every module."""
    return [
        reverse("pwa:shell"),
        static(STYLE),
        static("pwa/icon.svg"),
        *(_module_url(name) for name in MODULES),
        *(f"{settings.STATIC_URL}{name}" for name in SHARED),
    ]


def _version() -> str:
    digest = hashlib.sha256()
    for name in (STYLE, *(f"pwa/{m}" for m in MODULES), *SHARED):
        digest.update(_source(name))
    digest.update(Path(__file__).with_name("templates").joinpath("pwa", "shell.html").read_bytes())
    digest.update(Path(__file__).with_name("templates").joinpath("pwa", "sw.js").read_bytes())
    return digest.hexdigest()[:12]


# Computed once per process in production (the files do not change under a running server);
# every time in development, so an edited module makes a new worker.
_version_once = cache(_version)


def version() -> str:
    return _version() if settings.DEBUG else _version_once()


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """The one page of the app: a header, an empty main for the screens, the bottom menu."""
    lang = "en" if translation.get_language() == "en" else "id"
    response = render(
        request,
        "pwa/shell.html",
        {
            "app_js": _module_url("app.js"),
            "style": static(STYLE),
            "theme": THEME,
            "lang": lang,
            "words": SHELL_WORDS[lang],
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    scope = reverse("pwa:shell")
    icons = []
    for name, (sizes, kind) in ICONS.items():
        icon = {"src": static(name), "sizes": sizes, "type": kind}
        if "maskable" in name:
            icon["purpose"] = "maskable"
        icons.append(icon)
    body = {
        "name": "Kopdes",
        "short_name": "Kopdes",
        "description": "Aplikasi anggota Koperasi Desa Merah Putih: simpanan, tagihan, pinjaman, "
        "kartu anggota.",
        "lang": "id",
        "dir": "ltr",
        "id": scope,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": icons,
    }
    return JsonResponse(
        body,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "pwa/sw.js",
        {"version": version(), "assets": json.dumps(_assets()), "scope": reverse("pwa:shell")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("pwa:shell")
    return response
