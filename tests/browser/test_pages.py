"""Every staff page in Chromium, on a 360x740 phone and a 1366x768 laptop: no page is wider than
the viewport, and axe-core finds no serious or critical accessibility violation.

The pages come from Django's URL resolver (namespace `web`, as the security matrices:
`security.probe.staff_pages()`), their ids from `probe.ID_MAKERS` / `probe.PUBLIC_PAGES`, so a
page added later joins this test by itself. Each page is opened by a persona who may open it:
the first persona of place A who may also POST there, so the forms show (`probe.actor_for`), the Dinas
supervisor for /pantau/, nobody for the login page, the ketua for the other pages outside a
cooperative. One login per persona (the session cookie of `Client.force_login`), pages in
sequence; a URL that answers GET with something other than an HTML page (a POST-only action:
405; a download) is not a page and is left out, and the test fails if too few pages were seen.

Full-page screenshots of the main pages are written to var/artefacts/screenshots/ (or the folder
named by KOPDES_ARTEFACTS), as `<url name>-<size>.png`, for a person to judge the layout.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from security import probe

from kopdes import testing

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "src" / "kopdes" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1366, "height": 768}}

# The main pages, photographed at both sizes (by URL name; a page not present is not taken).
SCREENSHOTS = {
    "login",
    "home",
    "cooperative",
    "members",
    "member",
    "savings_deposit",
    "savings_bills",
    "journal",
    "trial_balance",
    "policy",
    "supervision",
    "supervision_table",
    "transparency",
}
# Pages that need more than their URL: a query string (the role an officer's form is about) ...
QUERIES = {
    "role_end": lambda side: f"?role={officer_role(side).public_id}",
    "password_reset": lambda side: f"?role={officer_role(side).public_id}",
}
# ... or a persona with more than the page's capability (a correction is asked by the cash desk).
PERSONA = {"savings_correction_request": "kasir"}
# URLs that are not pages by design: the KTP photo and the loans' guarantor and collateral
# documents (images or PDFs, 404 until one is uploaded), the
# public log's plain bytes and JSON (404 or 400 until a checkpoint exists; tested in
# web/tests/test_transparency_log.py and web/tests/test_transparency.py).
NOT_PAGES = {
    "member_ktp",
    "loans_guarantor_document",
    "loans_collateral_document",
    "announcements_document_file",
    "log_checkpoint",
    "log_tile",
    "log_consistency",
    "log_inclusion",
    "log_checkpoints",
    "log_balances",
}

# The fewest pages a run must have checked (there are about 50 today): fewer means the
# resolver or the personas went wrong, not that the pages are fine.
MIN_PAGES = 40

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
    }));
}"""

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The elements that stick out past the right edge, to name in the failure.
WIDE = """() => {
  const limit = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0) {
      let inner = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden") {
          inner = true;
          break;
        }
      }
      if (!inner) {
        out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
          + " (right " + Math.round(box.right) + ")");
      }
    }
  }
  return out.slice(0, 8);
}"""


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;typeof axe"


def artefacts() -> Path:
    folder = Path(os.environ.get("KOPDES_ARTEFACTS") or ROOT / "var" / "artefacts")
    folder = folder / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def officer_role(side: probe.Side):
    from kopdes.accounts.models import Role

    return Role.objects.get(cooperative=side.place.cooperative, user=side.place.kasir)


def persona_for(page: probe.Page, side: probe.Side, supervisor):
    """Who opens the page: None for the login page (anonymous)."""
    name = page.name.removeprefix("web:")
    if name in PERSONA:
        return side.place.people[PERSONA[name]]
    if name == "login":
        return None
    if name == "csr_overview":  # the CSR partner funding the place
        return probe.outside_grants(side.place).get(agency="csr").user
    if name == "supervision" or (not page.tenant and page.route.startswith("pantau/")):
        return supervisor  # the supervision pages outside one cooperative, with their forms
    if not page.tenant:
        return side.place.ketua
    # Someone who may also POST, so that the page shows its forms too.
    return probe.actor_for(page, side.place, write=True) or probe.actor_for(
        page, side.place, write=False
    )


def login_cookie(live_server_url: str, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


def check(tab, staff_page: probe.Page, url: str, size: str) -> list[str]:
    """What is wrong with the page loaded in `tab`, at the viewport it has now."""
    problems = []
    where = f"{staff_page} {url} at {size} size"
    scroll_width, inner_width = tab.evaluate(WIDTH)
    if scroll_width > inner_width:
        wide = ", ".join(tab.evaluate(WIDE))
        problems.append(
            f"{where}: {scroll_width} px wide in a {inner_width} px viewport; sticking out: {wide}"
        )
    for violation in tab.evaluate(AXE_RUN):
        nodes = "\n      ".join(violation["nodes"])
        problems.append(
            f"{where}: axe {violation['impact']} {violation['id']} ({violation['help']}):"
            f"\n      {nodes}"
        )
    return problems


def check_pages(
    browser,
    live_server,
    person,
    urls: dict[str, str],
    *,
    on_page: Callable[[str, Any], None] | None = None,
    after: Callable[[Any], None] | None = None,
) -> None:
    """Open each of `urls` ({URL name: url}) as `person` in Chromium, in Indonesian: it answers
    200 with one h1, passes `on_page(name, tab)` (the page's own checks, at phone size), and at
    every viewport fits the screen with no serious axe violation (screenshots in /tmp).
    `after(tab)` runs last, on the same tab."""
    pages = {p.name.removeprefix("web:"): p for p in probe.staff_pages()}
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_cookies([login_cookie(live_server.url, person)])
    tab = context.new_page()
    problems: list[str] = []
    try:
        for name, url in urls.items():
            tab.set_viewport_size(VIEWPORTS["phone"])
            response = tab.goto(url)
            assert response is not None and response.status == 200, (name, response)
            assert tab.locator("h1").count() == 1, name
            if on_page is not None:
                on_page(name, tab)
            tab.evaluate(axe_source())
            for size in VIEWPORTS:
                tab.set_viewport_size(VIEWPORTS[size])
                problems += check(tab, pages[name], url, size)
                tab.screenshot(path=f"/tmp/kopdes-{name}-{size}.png", full_page=True)
        if after is not None:
            after(tab)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_every_staff_page_fits_the_screen_and_passes_axe(browser, live_server):
    side = probe.make_side(testing.persona_place("A"))
    supervisor = testing.make_supervisor(  # the examiner: the forms of /pantau/ shown too
        agency="dinas", organisation="Dinas Koperasi", region_prefix="36.03", read_only=False
    )
    shots = artefacts()
    tabs: dict = {}  # persona pk (or None) -> a tab of a context logged in once
    problems: list[str] = []
    checked: list[str] = []
    try:
        for staff_page in probe.staff_pages():
            name = staff_page.name.removeprefix("web:")
            if name == "logout" or name in NOT_PAGES:
                continue  # GET /keluar/ leads to the login page, seen already
            person = persona_for(staff_page, side, supervisor)
            if person is None and name != "login":
                problems.append(f"{staff_page}: no persona of place A may open it")
                continue
            key = person.pk if person is not None else None
            if key not in tabs:
                context = browser.new_context(
                    base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta"
                )
                context.set_default_timeout(15_000)
                if person is not None:
                    context.add_cookies([login_cookie(live_server.url, person)])
                tabs[key] = context.new_page()
            tab = tabs[key]
            url = probe.url_for(staff_page, side) + QUERIES.get(name, lambda side: "")(side)
            # Is it a page? A POST-only action answers 405; a download is not HTML; an htmx
            # fragment (a journal line) is no document of its own.
            head = tab.context.request.get(url)
            kind = head.headers.get("content-type", "")
            if head.status == 405 or (head.ok and not kind.startswith("text/html")):
                continue
            if head.ok and "<html" not in head.text()[:500].lower():
                continue
            if head.status >= 400:
                problems.append(f"{staff_page} {url}: {head.status} for {person}")
                continue
            tab.set_viewport_size(VIEWPORTS["phone"])
            response = tab.goto(url)
            assert response is not None
            if response.status != 200:
                problems.append(f"{staff_page} {url}: {response.status}")
                continue
            checked.append(name)
            headings = tab.locator("h1").count()
            if headings != 1:
                problems.append(f"{staff_page} {url}: {headings} h1 (one per page)")
            # Evaluated through the DevTools protocol: the page's CSP forbids an inline
            # <script> (add_script_tag), and no page of Kopdes loads axe itself.
            tab.evaluate(axe_source())
            for size in VIEWPORTS:
                tab.set_viewport_size(VIEWPORTS[size])
                problems += check(tab, staff_page, url, size)
                if name in SCREENSHOTS:
                    tab.screenshot(path=str(shots / f"{name}-{size}.png"), full_page=True)
    finally:
        for tab in tabs.values():
            tab.context.close()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    assert len(checked) >= MIN_PAGES, f"only {len(checked)} pages checked: {checked}"
