"""The member app's shell, manifest and service worker: public, CSP without inline script,
the worker's scope /m/ and a precache list of files that exist."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def fetch(url: str) -> tuple[int, bytes]:
    """A static file's status and first bytes (whitenoise streams it: the file is closed)."""
    response = Client().get(url)
    try:
        body = b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()
    return response.status_code, body[:8]


def test_the_shell_is_one_small_page_without_inline_script(client):
    response = client.get("/m/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 4_000
    assert '<html lang="id">' in html
    assert 'rel="manifest" href="/m/manifest.webmanifest"' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == ""  # every script is a file (type=module src=...)
    assert 'type="module"' in html
    assert "<h1>" in html and 'aria-label="Menu utama"' in html


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/m/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    body = json.loads(response.content)
    assert body["name"] == "Kopdes" and body["lang"] == "id"
    assert body["start_url"] == "/m/" and body["scope"] == "/m/"
    assert body["display"] == "standalone" and body["theme_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in body["icons"]:
        status, head = fetch(icon["src"])
        assert status == 200, icon["src"]
        assert head[:4] in (b"\x89PNG", b"<svg")


def test_the_service_worker_is_scoped_to_the_app(client):
    response = client.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert 'addEventListener("fetch"' in source
    assets = json.loads(re.search(r"var ASSETS = (\[.*?\]);", source).group(1))
    assert "/m/" in assets and "/static/pwa/app.js" in assets
    for url in assets:  # everything precached exists (an install fails on one 404)
        assert fetch(url)[0] == 200, url
    version = re.search(r'var VERSION = "(\w+)";', source).group(1)
    assert len(version) == 12
    # Member data are kept per session and only from the member API.
    assert '"/api/v1/me/"' in source and "kopdes-m-data-" in source


def test_the_pages_carry_no_personal_data_and_take_no_post(client, place_a):
    client.force_login(place_a.anggota)
    for url in ("/m/", "/m/manifest.webmanifest", "/m/sw.js"):
        response = client.get(url)
        assert place_a.anggota.full_name.encode() not in response.content
        assert client.post(url).status_code in (403, 405)


def test_every_module_the_app_imports_is_precached(client):
    """A module imported by another (static or dynamic import) but missing from the precache
    list would not load offline."""
    from django.contrib.staticfiles import finders

    from kopdes.pwa.views import MODULES

    seen = set()
    for name in MODULES:
        source = Path(finders.find(f"pwa/{name}")).read_text(encoding="utf-8")
        seen |= set(
            re.findall(r"""import\(?\s*(?:[^"']*from\s*)?["']\./([\w-]+\.js)["']""", source)
        )
    assert seen <= set(MODULES), seen - set(MODULES)
    assert seen, "no import found"


def test_the_shared_verifier_module_is_precached_and_the_only_one_from_outside(client):
    """The transparency screen imports the public verifier's checks (static/web/verifier.js),
    not a copy: that file is in the precache list, and nothing else outside static/pwa/ is
    imported."""
    from django.contrib.staticfiles import finders

    from kopdes.pwa.views import MODULES, SHARED

    outside = set()
    for name in MODULES:
        source = Path(finders.find(f"pwa/{name}")).read_text(encoding="utf-8")
        outside |= set(re.findall(r"""from\s*["']\.\./([\w/-]+\.js)["']""", source))
    assert outside == set(SHARED) == {"web/verifier.js"}
    assets = re.search(r"var ASSETS = (\[.*?\]);", client.get("/m/sw.js").content.decode())
    assert "/static/web/verifier.js" in json.loads(assets.group(1))
    page = Path(finders.find("web/verify.js")).read_text(encoding="utf-8")
    assert 'from "./verifier.js"' in page and "function rootFromInclusion" not in page
