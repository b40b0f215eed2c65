"""The member app (/m/) on a cheap Android phone (360 x 740, touch, mobile) in Chromium: sign in
with phone and password, read the balances on the Beranda, open Simpanan and the member card,
switch to English and back, then go offline and reload: the cached home opens with its
"Terakhir diperbarui". Every screen passes axe-core (no serious or critical violation) and fits
the screen; screenshots go to $KOPDES_ARTEFACTS/screenshots (member-app-*.png).

The weight (issue 14, item 6): every response the browser and its service worker receive,
counted from Playwright's network events (the worker's precache fetches included, even those
the browser's HTTP cache answered), on a first visit (at most 150 KB) and a repeat visit (under
20 KB); no request leaves the origin. The test server sends files uncompressed (whitenoise
serves its pre-compressed copies only after `collectstatic` in production), so each body is
gzipped here and the budget, which the issue sets on compressed bytes, is checked on those
sizes; the uncompressed bytes are printed beside them (run with `-s` to see the table: about
140 KB uncompressed, 26 KB gzipped on a first visit, which precaches every screen's module).
"""

from __future__ import annotations

import gzip
import os
from datetime import date
from pathlib import Path

from browser.lazy_expect import expect
from browser.test_pages import AXE_RUN, WIDTH, axe_source

from kopdes import testing
from kopdes.announcements import services as announcement_services
from kopdes.loans.tests.factories import make_active_loan
from kopdes.savings import services
from kopdes.savings.tests.factories import make_member

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}
FIRST_VISIT_BUDGET = 150 * 1024
REPEAT_VISIT_BUDGET = 20 * 1024


def _shots() -> Path:
    folder = Path(os.environ.get("KOPDES_ARTEFACTS", "var/artefacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _member(place):
    coop = place.cooperative
    member = make_member(coop, user=place.anggota, name=place.anggota.full_name)
    for kind, amount in (("pokok", 100_000), ("wajib", 50_000), ("sukarela", 1_250_000)):
        services.savings_deposit(
            actor=None,
            cooperative=coop,
            member=member,
            kind=kind,
            amount=amount,
            on=date(2026, 2, 2),
        )
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    make_active_loan(place, member=member, principal=6_000_000, months=12)
    announcement_services.announcement_publish(
        actor=None,
        cooperative=coop,
        title="Rapat Anggota Tahunan",
        body="RAT diadakan Sabtu pukul 09.00 di balai desa.",
    )
    return member


class Meter:
    """Every response of the context (page and service worker): bytes on the wire and gzip."""

    def __init__(self, context, origin: str) -> None:
        self.origin = origin
        self.rows: list[tuple[str, int, int, bool]] = []
        self.foreign: list[str] = []
        context.on("requestfinished", self._finished)
        context.on("request", self._request)

    def _request(self, request) -> None:
        if not request.url.startswith((self.origin, "data:", "blob:")):
            self.foreign.append(request.url)

    def _finished(self, request) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return  # answered by the worker from its cache: nothing crossed the network
        sizes = request.sizes()
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted body
            body = b""
        # An upper bound: a body the browser took from its HTTP cache (responseBodySize 0, as
        # the worker's precache of files the page had just loaded) counts as if sent again.
        headers = sizes["responseHeadersSize"]
        wire = headers + max(sizes["responseBodySize"], len(body))
        packed = headers + min(len(gzip.compress(body)), len(body))
        self.rows.append((request.url, wire, packed, request.service_worker is not None))

    def reset(self) -> None:
        self.rows.clear()

    def total(self) -> tuple[int, int]:
        return sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)

    def report(self, label: str) -> str:
        wire, packed = self.total()
        lines = [f"{label}: {wire} bytes on the wire, {packed} gzipped, {len(self.rows)} responses"]
        lines += [f"  {w:>7} {p:>7} {'sw ' if sw else '   '}{url}" for url, w, p, sw in self.rows]
        return "\n".join(lines)


FORGET_CARD = """async () => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("kopdes-m-data-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (request.url.includes("/me/card")) await cache.delete(request);
    }
  }
}"""


def _check(page, where: str) -> None:
    page.evaluate(axe_source())
    violations = page.evaluate(AXE_RUN)
    assert not violations, f"{where}: {violations}"
    scroll_width, inner_width = page.evaluate(WIDTH)
    assert scroll_width <= inner_width, f"{where}: {scroll_width} px wide"
    assert page.locator("h1").count() == 1, where


def test_member_app_on_a_phone(browser, live_server):
    place = testing.persona_place("A")
    member = _member(place)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    meter = Meter(context, live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = _shots()
    try:
        # First visit: the sign-in screen.
        page.goto("/m/")
        expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        _check(page, "masuk")
        # Installable: Chromium's own check of the manifest, icons and worker. (Playwright's
        # contexts are incognito profiles, where Chromium never offers to install.)
        cdp = context.new_cdp_session(page)
        found = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert [e["errorId"] for e in found if e["errorId"] != "in-incognito"] == [], found
        manifest = cdp.send("Page.getAppManifest")
        assert not manifest.get("errors"), manifest
        cdp.detach()
        page.screenshot(path=str(shots / "member-app-masuk.png"), full_page=True)

        page.get_by_label("Nomor HP").fill("0" + place.anggota.phone.removeprefix("+62"))
        page.get_by_label("Kata sandi").fill("salah-sekali")
        page.get_by_role("button", name="Masuk").tap()
        expect(page.locator("#login-error")).to_contain_text("Gagal masuk")
        page.get_by_label("Kata sandi").fill(testing.PASSWORD)
        page.get_by_role("button", name="Masuk").tap()
        # The PIN offer after a password sign-in (test_member_app_accounts.py sets one): later.
        expect(page.get_by_role("heading", level=1)).to_have_text("Buat PIN")
        page.get_by_role("button", name="Nanti saja").tap()

        # Beranda: balances by their labels, the bill, the loan, the announcement.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Halo, {place.anggota.full_name}"
        )
        view = page.locator("#view")
        expect(view).to_contain_text("Rp1.250.000")
        expect(view).to_contain_text("Rp1.400.000")  # the total
        expect(view).to_contain_text("Rp6.000.000")  # the loan outstanding
        expect(view).to_contain_text("Rapat Anggota Tahunan")
        expect(view).to_contain_text(member.niak)
        expect(page.locator("#updated")).to_contain_text("Terakhir diperbarui")
        text = view.inner_text().lower()
        assert "sukarela" in text and "wajib" in text
        for code in ("unpaid", "partial", "bill_payment", "deposit", "active"):
            assert code not in view.inner_text(), code
        _check(page, "beranda")
        page.screenshot(path=str(shots / "member-app-beranda.png"), full_page=True)
        first_wire, first_packed = meter.total()
        first = meter.report("first visit (sign-in, home)")

        # Simpanan.
        page.get_by_role("link", name="Simpanan").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("Simpanan")
        expect(page.locator("#view")).to_contain_text("Riwayat transaksi")
        expect(page.locator("#view")).to_contain_text("+Rp1.250.000")
        # the mutasi of a period (this year so far by default), with the closing balances
        page.get_by_role("button", name="Tampilkan mutasi").tap()
        statement = page.locator("#statement-result")
        expect(statement).to_contain_text("Saldo akhir")
        expect(statement).to_contain_text("Simpanan sukarela")
        _check(page, "simpanan")
        page.screenshot(path=str(shots / "member-app-simpanan.png"), full_page=True)

        # The member card with its QR code.
        page.get_by_role("link", name="Kartu").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kartu anggota")
        qr = page.get_by_role("img", name=f"Kode QR kartu anggota {member.niak}")
        expect(qr).to_be_visible()
        assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
        _check(page, "kartu")
        page.screenshot(path=str(shots / "member-app-kartu.png"), full_page=True)

        # English, remembered across a reload; then back to Bahasa Indonesia.
        page.get_by_role("link", name="Akun").tap()
        page.get_by_label("English").check()
        expect(page.get_by_role("heading", level=1)).to_have_text("Account")
        page.reload()
        expect(page.get_by_role("link", name="Home")).to_be_visible()
        _check(page, "akun")
        page.get_by_label("Bahasa Indonesia").check()
        expect(page.get_by_role("heading", level=1)).to_have_text("Akun")

        # Every tap target of the menu is at least 44 px high and wide.
        for box in page.locator("#tabs a").evaluate_all(
            "(links) => links.map((a) => a.getBoundingClientRect()).map((r) => [r.width, r.height])"
        ):
            assert box[0] >= 44 and box[1] >= 44, box

        # A repeat visit: the shell from the worker's cache, only the home's data from the server.
        page.get_by_role("link", name="Beranda").tap()
        expect(page.locator("#updated")).to_be_visible()
        meter.reset()
        page.reload()
        expect(page.locator("#updated")).to_contain_text("Terakhir diperbarui")
        page.wait_for_load_state("networkidle")
        repeat_wire, repeat_packed = meter.total()
        repeat = meter.report("repeat visit (home)")
        print(f"\n{first}\n{repeat}")
        # the budget is on compressed bytes (production's whitenoise sends its gzip and
        # brotli copies); the uncompressed total stays printed beside it
        assert first_packed <= FIRST_VISIT_BUDGET, first
        assert repeat_packed < REPEAT_VISIT_BUDGET, repeat
        assert not meter.foreign, meter.foreign

        # Offline: the home opens from the kept copy, marked as such, with its time.
        context.set_offline(True)
        page.reload()
        expect(page.locator("#updated")).to_have_attribute("data-offline", "1")
        expect(page.locator("#updated")).to_contain_text("Terakhir diperbarui")
        expect(page.locator("#view")).to_contain_text("Rp1.250.000")
        expect(page.locator("#net")).to_have_text("Tanpa koneksi")
        page.screenshot(path=str(shots / "member-app-beranda-offline.png"), full_page=True)
        # The card opens from its kept copy too.
        page.get_by_role("link", name="Kartu").tap()
        expect(qr).to_be_visible()
        # A screen whose answer was never kept says plainly that it needs the network.
        page.get_by_role("link", name="Simpanan").tap()
        expect(page.locator("#updated")).to_have_attribute("data-offline", "1")
        page.evaluate(FORGET_CARD)
        page.get_by_role("link", name="Kartu").tap()
        expect(page.locator("#view")).to_have_attribute("data-screen", "kartu")
        expect(page.locator("#view [role=alert]")).to_contain_text("Perlu koneksi internet")

        # Signing out offline: the token and every kept answer are gone from the phone.
        page.get_by_role("link", name="Akun").tap()
        page.get_by_role("button", name="Keluar").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
        expect(page.locator("#view [role=status]")).to_contain_text("Anda keluar dari HP ini")
        kept = page.evaluate(
            "async () => (await caches.keys()).filter((n) => n.startsWith('kopdes-m-data-'))"
        )
        assert kept == []
        assert page.evaluate("() => localStorage.getItem('kopdes.m.token')") is None
        page.get_by_label("Nomor HP").fill(place.anggota.phone)
        page.get_by_label("Kata sandi").fill(testing.PASSWORD)
        page.get_by_role("button", name="Masuk").tap()
        expect(page.locator("#login-error")).to_contain_text("Tidak ada koneksi internet")
        assert not errors, errors
    finally:
        context.close()
    assert first_packed <= first_wire and repeat_packed <= repeat_wire
