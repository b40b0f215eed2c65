"""The counter on a cheap phone (360 x 740), as place A's kasir: type part of a name, pick the
member, see the panel, type 25000 and see 25.000, confirm, see the receipt, `Catat lagi`.

The flow's time is printed (run with -s) and written down in docs/benchmarks.md; it is not
asserted. Screenshots go to $KOPDES_ARTEFACTS/screenshots (default var/artefacts/screenshots).
"""

import os
import re
import time
from pathlib import Path

from browser.lazy_expect import expect
from django.conf import settings
from django.test import Client

from kopdes.members.models import Member
from kopdes.savings.models import SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

PHONE = {"width": 360, "height": 740}


def _shots() -> Path:
    folder = Path(os.environ.get("KOPDES_ARTEFACTS", "var/artefacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _fits(page) -> None:
    """The counter's own content fits the phone: nothing in <main> outside the menus and outside a
    box that scrolls on its own reaches past the viewport (the whole document's width, menus and header included, is the phone-layout
    test's: tests/browser of the phone-first work)."""
    wide = page.evaluate(
        "(limit) => Array.from(document.querySelectorAll('main *'))"
        ".filter(e => !e.closest('nav') && e.getBoundingClientRect().right > limit + 1)"
        ".filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {"
        " if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return false; }"
        " return true; })"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className)",
        PHONE["width"],
    )
    assert wide == [], f"{page.url}: {wide} wider than {PHONE['width']} px"


def test_a_deposit_at_the_counter_on_a_phone(page, context, live_server, place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Siti Aminah")
    Member.objects.filter(pk=member.pk).update(phone="+6281234567890")
    make_member(coop, name="Budi Santoso")
    _log_in(context, live_server, place_a.kasir)
    page.set_viewport_size(PHONE)
    shots = _shots()
    deposit_url = f"/app/{coop.public_id}/simpanan/setor/"

    started = time.monotonic()
    page.goto(deposit_url)
    expect(page.locator("h1")).to_have_text("Setoran simpanan")
    box = page.locator("input[name=member]")
    box.click()
    box.press_sequentially("amin", delay=60)
    pick = page.locator("#member-results a.member-pick")
    expect(pick).to_have_count(1)
    expect(pick).to_contain_text("Siti Aminah")
    expect(pick).to_contain_text("+62812****7890")  # the phone, masked
    page.screenshot(path=str(shots / "counter-search-phone.png"), full_page=True)
    pick.click()

    # The member, before anything is saved: name, initials, balances; the amount has the focus.
    expect(page.locator(".counter-member .member-name")).to_have_text("Siti Aminah")
    expect(page.locator(".member-initials")).to_have_text("SA")
    expect(page.locator("#member-savings")).to_be_visible()
    amount = page.locator("input[name=amount]")
    expect(amount).to_be_focused()
    amount.press_sequentially("25000", delay=60)
    expect(amount).to_have_value("25.000")
    _fits(page)
    page.screenshot(path=str(shots / "counter-member-phone.png"), full_page=True)
    page.get_by_role("button", name="Lanjut").click()

    # The summary, then "Benar, simpan".
    expect(page.locator("#confirm-title")).to_have_text("Periksa sebelum disimpan")
    expect(page.locator(".summary-amount")).to_have_text("Rp25.000")
    assert not SavingsTransaction.objects.exists()
    _fits(page)
    page.screenshot(path=str(shots / "counter-confirm-phone.png"), full_page=True)
    page.get_by_role("button", name="Benar, simpan").click()

    # The receipt, with Cetak (shown by print.js) and Catat lagi.
    expect(page.locator(".receipt h1")).to_contain_text("Kuitansi")
    expect(page.locator(".receipt")).to_contain_text("Rp25.000")
    expect(page.locator("button[data-print]")).to_be_visible()
    elapsed = time.monotonic() - started
    _fits(page)
    page.screenshot(path=str(shots / "counter-receipt-phone.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".receipt-actions")).to_be_hidden()
    # Printed, the receipt is a 58 mm slip (print.css: @page slip), signature lines included.
    slip = page.pdf(path=str(shots / "counter-receipt-slip.pdf"), prefer_css_page_size=True)
    width = re.search(rb"/MediaBox \[0 0 ([0-9.]+) ", slip)
    assert width is not None and abs(float(width.group(1)) - 58 / 25.4 * 72) < 1, "not 58 mm"
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Catat lagi").or_(
        page.get_by_role("link", name="Catat lagi")
    ).click()
    expect(page.locator("h1")).to_have_text("Setoran simpanan")
    expect(page.locator("input[name=member]")).to_have_value("")
    expect(page.locator("select[name=kind]")).to_have_value("sukarela")

    txn = SavingsTransaction.objects.get()
    assert txn.amount == 25_000 and txn.account.member_id == member.pk
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 25_000
    assert page.console_errors == []
    print(f"\ncounter flow (search to receipt): {elapsed:.1f} s")


def test_a_scanner_types_the_card_into_the_box(page, context, live_server, place_a):
    """A keyboard-wedge scanner types the card's QR payload and Enter: the member is picked."""
    coop = place_a.cooperative
    member = make_member(coop, name="Siti Aminah")
    _log_in(context, live_server, place_a.kasir)
    page.set_viewport_size(PHONE)
    page.goto(f"/app/{coop.public_id}/simpanan/setor/")
    box = page.locator("input[name=member]")
    box.fill(f"{live_server.url}/kartu/{member.card_id}/")
    box.press("Enter")
    expect(page.locator(".counter-member .member-name")).to_have_text("Siti Aminah")
    assert not SavingsTransaction.objects.exists()
    assert page.console_errors == []
