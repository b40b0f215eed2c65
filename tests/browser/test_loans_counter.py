"""The loans counter on a cheap phone (360 x 740), as place A's kasir: type part of a name, pick
the member, see what is due today, type 312000 and see 312.000, see the split, confirm, see the
receipt (terbilang, WhatsApp text, a 58 mm slip when printed)."""

import re
from datetime import timedelta

from browser.lazy_expect import expect
from browser.test_counter import PHONE, _fits, _log_in, _shots
from django.utils import timezone

from kopdes.loans.models import Loan, LoanTransaction
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.members.models import Member
from kopdes.savings.tests.factories import make_member


def test_a_repayment_at_the_counter_on_a_phone(page, context, live_server, place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Siti Aminah")
    Member.objects.filter(pk=member.pk).update(phone="+6281234567890")
    make_member(coop, name="Budi Santoso")
    # 1,200,000 over 4 months, flat 12%: 312,000 a month, the first due about ten days ago.
    start = timezone.localdate() - timedelta(days=40)
    loan = make_active_loan(place_a, member, principal=1_200_000, months=4, start=start)
    _log_in(context, live_server, place_a.kasir)
    page.set_viewport_size(PHONE)
    shots = _shots()

    page.goto(f"/app/{coop.public_id}/pinjaman/angsuran/")
    expect(page.locator("h1")).to_have_text("Angsuran pinjaman")
    box = page.locator("input[name=member]")
    box.click()
    box.press_sequentially("amin", delay=60)
    pick = page.locator("#member-results a.member-pick")
    expect(pick).to_have_count(1)
    expect(pick).to_contain_text("+62812****7890")  # the phone, masked
    pick.click()

    # The member and their loan, what is due today, before anything is saved.
    expect(page.locator(".counter-member .member-name")).to_have_text("Siti Aminah")
    expect(page.locator("#member-loans")).to_contain_text(loan.number)
    expect(page.locator("#member-loans .due-total")).to_be_visible()
    expect(page.locator("select[name=loan]")).to_have_value(str(loan.public_id))
    amount = page.locator("input[name=amount]")
    expect(amount).to_be_focused()
    amount.press_sequentially("312000", delay=60)
    expect(amount).to_have_value("312.000")
    _fits(page)
    page.screenshot(path=str(shots / "loans-counter-member-phone.png"), full_page=True)
    page.get_by_role("button", name="Lanjut").click()

    # The split, then "Benar, simpan".
    expect(page.locator("#confirm-title")).to_have_text("Periksa sebelum disimpan")
    expect(page.locator(".summary-amount")).to_have_text("Rp312.000")
    expect(page.locator(".repay-split")).to_contain_text("Rp12.000")
    expect(page.locator(".repay-split")).to_contain_text("Rp300.000")
    assert not LoanTransaction.objects.filter(kind="repayment").exists()
    _fits(page)
    page.get_by_role("button", name="Benar, simpan").click()

    # The receipt: KWP number, terbilang, the WhatsApp text; a 58 mm slip when printed.
    expect(page.locator(".receipt h1")).to_contain_text("KWP-000001")
    expect(page.locator(".receipt")).to_contain_text("tiga ratus dua belas ribu rupiah")
    expect(page.locator("#wa-text")).to_contain_text("Sisa pokok pinjaman: Rp900.000")
    expect(page.locator("button[data-print]")).to_be_visible()
    _fits(page)
    page.screenshot(path=str(shots / "loans-counter-receipt-phone.png"), full_page=True)
    page.emulate_media(media="print")
    slip = page.pdf(prefer_css_page_size=True)
    width = re.search(rb"/MediaBox \[0 0 ([0-9.]+) ", slip)
    assert width is not None and abs(float(width.group(1)) - 58 / 25.4 * 72) < 1, "not 58 mm"
    page.emulate_media(media="screen")

    txn = LoanTransaction.objects.get(kind="repayment")
    assert (txn.amount, txn.interest, txn.principal) == (312_000, 12_000, 300_000)
    assert Loan.objects.get(pk=loan.pk).outstanding_principal == 900_000
    assert page.console_errors == []
