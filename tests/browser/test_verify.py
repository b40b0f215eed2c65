"""The check in the browser on /transparansi/<code>/verifikasi/ (static/web/verify.js) against the
live server: a cooperative with signed checkpoints and a receipt in the URL shows "Terverifikasi";
a checkpoint changed in the database shows "GAGAL"; without JavaScript the page still shows the
checkpoints and how to run the verifier script. On a 360 px phone."""

import base64
import os
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from browser.lazy_expect import expect

from kopdes import testing
from kopdes.ledger import checkpoints, merkle, services
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.services import EntryDraft, Line

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)
PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]


def screenshot(page, name: str) -> None:
    """For a person to judge: var/artefacts/screenshots/ (or $KOPDES_ARTEFACTS/screenshots/)."""
    folder = Path(os.environ.get("KOPDES_ARTEFACTS") or ROOT / "var" / "artefacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=JAKARTA), tick=False)


def seeded():
    cooperative = testing.make_place("36.03.01.2003", "A").cooperative
    for day, count in ((D1, 20), (D2, 3)):
        with at(day):
            services.journal_entries_post_bulk(
                cooperative=cooperative,
                drafts=[
                    EntryDraft(
                        date=day,
                        memo=f"Setoran {i}",
                        lines=[Line("1-102", debit=1_000 + i), Line("3-103", credit=1_000 + i)],
                        source_kind="test",
                    )
                    for i in range(count)
                ],
            )
    with at(D3):
        checkpoints.checkpoint_create(cooperative=cooperative, day=D2)  # D1 and D2
    return cooperative


def receipt_url(cooperative, number: int) -> str:
    leaf = [row.leaf for row in checkpoints.journal_rows(cooperative)][number - 1]
    text = base64.urlsafe_b64encode(leaf).decode().rstrip("=")
    return f"/transparansi/{cooperative.village_id}/verifikasi/?nomor={number}&leaf={text}"


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width}px wide"


def test_the_page_verifies_the_checkpoints_and_a_receipt(page):
    cooperative = seeded()
    page.set_viewport_size(PHONE)
    page.goto(receipt_url(cooperative, 21))
    expect(page.locator("h1")).to_have_count(1)
    button = page.get_by_role("button", name="Periksa sekarang")
    button.click()
    result = page.locator("#verify-result[aria-live=polite]")
    expect(result).to_contain_text("Terverifikasi: 2 checkpoint", timeout=30_000)
    expect(result).to_contain_text("entri nomor 21")
    fits(page)
    screenshot(page, "transparency-verify-phone")
    assert page.console_errors == []


def test_a_wrong_receipt_fails(page):
    cooperative = seeded()
    wrong = receipt_url(cooperative, 21).replace("nomor=21", "nomor=20")
    page.set_viewport_size(PHONE)
    page.goto(wrong)
    page.get_by_role("button", name="Periksa sekarang").click()
    expect(page.locator("#verify-result")).to_contain_text("GAGAL: entri nomor 20", timeout=30_000)


def test_a_checkpoint_tampered_with_in_the_database_shows_gagal(page):
    cooperative = seeded()
    first = Checkpoint.objects.get(cooperative=cooperative, date=D1)
    root = base64.b64encode(bytes.fromhex(first.root_hash)).decode()
    forged = base64.b64encode(merkle.leaf_hash(b"forged")).decode()
    Checkpoint.objects.filter(pk=first.pk).update(
        note=first.note.replace(root, forged), root_hash=merkle.leaf_hash(b"forged").hex()
    )
    page.set_viewport_size(PHONE)
    page.goto(f"/transparansi/{cooperative.village_id}/verifikasi/")
    page.get_by_role("button", name="Periksa sekarang").click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("GAGAL", timeout=30_000)
    expect(result).to_contain_text("9 Mar 2026")
    fits(page)
    screenshot(page, "transparency-verify-failed-phone")


def test_without_javascript_the_page_still_explains(browser, live_server):
    cooperative = seeded()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(f"/transparansi/{cooperative.village_id}/verifikasi/")
        expect(page.locator("#verify-now")).to_be_hidden()
        expect(page.locator("table")).to_contain_text("23")  # the latest tree size
        expect(page.locator("#verifier pre")).to_contain_text(
            f"kopdes_verify.py {live_server.url} {cooperative.village_id}"
        )
        expect(page.locator("#verifier a[download]")).to_have_attribute(
            "href", "/transparansi/kopdes_verify.py"
        )
    finally:
        context.close()


# A browser whose Web Crypto has no Ed25519 (Chrome before 137, older Android phones): the page
# imports the vendored @noble/ed25519 instead. Injected through the DevTools protocol (the CSP
# forbids an inline script; the page itself never does this).
NO_WEB_CRYPTO_ED25519 = """
(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, data, algorithm, ...rest) =>
    (algorithm && (algorithm === "Ed25519" || algorithm.name === "Ed25519"))
      ? Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"))
      : importKey(format, data, algorithm, ...rest);
})();
"""


def test_without_web_crypto_ed25519_the_vendored_library_checks(page):
    cooperative = seeded()
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.add_init_script(NO_WEB_CRYPTO_ED25519)
    page.set_viewport_size(PHONE)
    page.goto(receipt_url(cooperative, 21))
    page.get_by_role("button", name="Periksa sekarang").click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("Terverifikasi: 2 checkpoint", timeout=30_000)
    assert any(url.endswith("/vendor/noble-ed25519/index.js") for url in loaded)
    # And it still catches a forged signature.
    first = Checkpoint.objects.get(cooperative=cooperative, date=D1)
    Checkpoint.objects.filter(pk=first.pk).update(note=first.note.replace("\n20\n", "\n19\n"))
    page.reload()
    page.get_by_role("button", name="Periksa sekarang").click()
    expect(result).to_contain_text("GAGAL: tanda tangan checkpoint 9 Mar 2026", timeout=30_000)
    assert page.console_errors == []
