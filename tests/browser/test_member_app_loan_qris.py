"""A member pays their active loan by QRIS from the member app on a phone in Chromium: the amount
(the next installment's to start with; a refusal above what closes the loan, shown beside the
field; then an amount of their choosing), the QR, paid through the payment
simulator (the provider's signed notification) while the app polls, then the loan again with
the lower outstanding. The screen passes axe-core; a screenshot goes to
$KOPDES_ARTEFACTS/screenshots (member-app-pinjaman-qris.png)."""

from __future__ import annotations

import re

from browser.lazy_expect import expect
from browser.test_member_app import PHONE, _check, _shots
from browser.test_member_app_more import _sign_in

from kopdes import testing
from kopdes.core.money import format_rupiah
from kopdes.loans.models import LoanTransaction
from kopdes.loans.tests.factories import make_active_loan
from kopdes.payments.models import PaymentIntent
from kopdes.payments.services import payment_simulate_paid
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings.tests.factories import make_member


def test_pay_the_next_installment_by_qris(browser, live_server):
    place = testing.persona_place("A")
    coop = place.cooperative
    member = make_member(coop, user=place.anggota, name=place.anggota.full_name)
    make_merchant(coop)
    loan = make_active_loan(place, member=member, principal=1_200_000, months=12)
    first = loan.installments.order_by("number").first()
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _sign_in(page, place)
        page.goto("/m/#/pinjaman")
        expect(page.get_by_role("heading", level=1)).to_have_text("Pinjaman")
        view = page.locator("#view")
        expect(view).to_contain_text(f"Sisa pokok: {format_rupiah(loan.outstanding_principal)}")
        amount = page.get_by_label("Jumlah yang dibayar (Rp)")
        expect(amount).to_have_value(str(first.remaining))
        expect(view).to_contain_text(f"Angsuran berikutnya {format_rupiah(first.remaining)}")
        pay = page.get_by_role("button", name="Bayar dengan QRIS", exact=True)
        # More than closes the loan today: the server's refusal, beside the field too.
        amount.fill("99.000.000")
        pay.tap()
        expect(amount).to_have_attribute("aria-invalid", "true")
        expect(view).to_contain_text("Paling banyak")
        _check(page, "pinjaman-jumlah")
        amount.fill("0")
        pay.tap()
        expect(view).to_contain_text("Masukkan jumlah Rupiah bulat di atas nol.")
        chosen = first.remaining + 50_000
        amount.fill(format_rupiah(chosen).removeprefix("Rp"))
        pay.tap()
        qr = page.get_by_role("img", name=re.compile("Kode QRIS untuk membayar"))
        expect(qr).to_be_visible()
        expect(page.locator("#pay-status")).to_contain_text("Menunggu pembayaran")
        _check(page, "pinjaman-qris")
        page.screenshot(path=str(_shots() / "member-app-pinjaman-qris.png"), full_page=True)
        intent = PaymentIntent.objects.get(status=PaymentIntent.Status.PENDING)
        assert (intent.purpose, intent.amount) == ("loans.repayment", chosen)
        payment_simulate_paid(intent)
        expect(page.locator("#paid")).to_contain_text("diterima", timeout=20_000)
        loan.refresh_from_db()
        # Split as at the counter (ADR 0014): the jasa due first, then pokok.
        txn = LoanTransaction.objects.get(loan=loan, channel="qris")
        assert txn.amount == chosen and txn.principal > 0
        assert loan.outstanding_principal == 1_200_000 - txn.principal
        expect(view).to_contain_text(f"Sisa pokok: {format_rupiah(loan.outstanding_principal)}")
        assert errors == []
    finally:
        context.close()
