"""The member app's own accounts, QRIS and loans on a 360 x 740 phone in Chromium: a member in
the register activates the account with the activation code the cooperative printed, sets a
PIN, and after the token is gone opens the app with the PIN; pays an open bill by QRIS (the
payment simulator sends the provider's signed notification while the app polls) and sees the
bill paid; simulates a loan on the server and applies for it; signs out and resets the forgotten
PIN with a code from the outbox. A newcomer registers with a code
from the outbox and asks to join the cooperative of their village with the KTP photo. Every new screen passes axe-core
and fits the screen; screenshots go to $KOPDES_ARTEFACTS/screenshots (member-app-*.png)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from browser.lazy_expect import expect
from browser.test_member_app import PHONE, _check, _shots

from kopdes import testing
from kopdes.core.models import OutboxMessage
from kopdes.loans.tests.factories import make_product
from kopdes.members import activation
from kopdes.members.models import Member
from kopdes.members.rules import nik_make
from kopdes.payments.models import PaymentIntent
from kopdes.payments.services import payment_simulate_paid
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings import services
from kopdes.savings.tests.factories import make_member

ICON = Path(__file__).resolve().parents[2] / "src/kopdes/pwa/static/pwa/icon-192.png"
NEW_PHONE = "081299887766"
PIN = "135792"


def test_activate_pin_pay_by_qris_and_apply_for_a_loan(browser, live_server):
    place = testing.persona_place("A")
    coop = place.cooperative
    member = make_member(coop, name="Dewi Lestari")
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    make_merchant(coop)
    make_product(coop, name="Pinjaman Usaha Mikro")
    code, _row = activation.activation_code_issue(actor=place.sekretaris, member=member)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = _shots()
    heading = page.get_by_role("heading", level=1)
    try:
        # Activation with the printed code, NIK and date of birth.
        page.goto("/m/")
        page.get_by_role("link", name="Aktifkan akun").tap()
        expect(heading).to_have_text("Aktifkan akun")
        _check(page, "aktifkan")
        page.get_by_label("Nomor HP").fill(NEW_PHONE)
        page.get_by_label("Kode aktivasi (dari koperasi)").fill(code)
        page.get_by_label("NIK (16 angka, sesuai KTP)").fill("3603010000000000")
        page.get_by_label("Tanggal lahir").fill("1990-01-01")
        page.get_by_label("Kata sandi baru").fill(testing.PASSWORD)
        page.get_by_role("button", name="Aktifkan").tap()
        # A wrong NIK: the server's message, said plainly.
        expect(page.locator("#activate-error")).not_to_be_empty()
        page.get_by_label("NIK (16 angka, sesuai KTP)").fill(member.nik)
        page.get_by_role("button", name="Aktifkan").tap()

        # The PIN offer: two different PINs are refused beside the field, then it is kept.
        expect(heading).to_have_text("Buat PIN")
        _check(page, "pin")
        page.get_by_label("PIN (6 angka)").fill(PIN)
        page.get_by_label("Ulangi PIN").fill("246813")
        page.get_by_role("button", name="Simpan PIN").tap()
        expect(page.get_by_label("Ulangi PIN")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Ulangi PIN").fill(PIN)
        page.get_by_role("button", name="Simpan PIN").tap()
        expect(heading).to_have_text("Halo, Dewi Lestari")
        kept = page.evaluate("() => JSON.parse(localStorage.getItem('kopdes.m.device'))")
        assert set(kept) == {"device_id", "device_key"}

        # The token gone (lapsed): the PIN pad opens the app again.
        page.evaluate("() => localStorage.removeItem('kopdes.m.token')")
        page.reload()
        expect(heading).to_have_text("Masukkan PIN")
        expect(page.get_by_role("link", name="Lupa PIN?")).to_be_visible()
        expect(page.get_by_role("link", name="Masuk dengan kata sandi")).to_be_visible()
        _check(page, "buka")
        page.screenshot(path=str(shots / "member-app-pin.png"), full_page=True)
        page.get_by_label("PIN (6 angka)").fill("975310")
        page.get_by_role("button", name="Buka", exact=True).tap()
        expect(page.locator("#unlock-error")).not_to_be_empty()
        # The on-screen keypad types the PIN (the field still takes typing, above): ten digit
        # keys and delete, each at least 44 px, in three columns within the 360 px screen.
        pad = page.get_by_role("group", name="Tombol angka PIN")
        keys = pad.get_by_role("button")
        expect(keys).to_have_count(11)
        for width, height, right in keys.evaluate_all(
            "(ks) => ks.map((k) => k.getBoundingClientRect()).map((r) => [r.width, r.height, r.right])"
        ):
            assert width >= 44 and height >= 44 and right <= 360, (width, height, right)
        for digit in PIN + "9":
            pad.get_by_role("button", name=f"Angka {digit}", exact=True).tap()
        expect(page.get_by_label("PIN (6 angka)")).to_have_value(PIN)  # six digits at most
        pad.get_by_role("button", name="Hapus angka terakhir").tap()
        pad.get_by_role("button", name=f"Angka {PIN[-1]}", exact=True).tap()
        expect(page.get_by_label("PIN (6 angka)")).to_have_value(PIN)
        page.get_by_role("button", name="Buka", exact=True).tap()
        expect(heading).to_have_text("Halo, Dewi Lestari")

        # Paying the open bill by QRIS: the QR, the amount, the expiry; paid through the
        # simulator while the app polls, then the balances again.
        page.get_by_role("link", name="Simpanan").tap()
        expect(heading).to_have_text("Simpanan")
        bills = page.get_by_role("button", name=re.compile(r"^Bayar Rp[\d.]+ dengan QRIS$"))
        open_bills = bills.count()
        bills.first.tap()
        qr = page.get_by_role("img", name=re.compile("Kode QRIS untuk membayar"))
        expect(qr).to_be_visible()
        assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
        expect(page.locator("#pay")).to_contain_text("Berlaku sampai")
        expect(page.locator("#pay-status")).to_contain_text("Menunggu pembayaran")
        _check(page, "simpanan-qris")
        page.screenshot(path=str(shots / "member-app-qris.png"), full_page=True)
        intent = PaymentIntent.objects.get(status=PaymentIntent.Status.PENDING)
        payment_simulate_paid(intent)
        expect(page.locator("#paid")).to_contain_text("diterima", timeout=20_000)
        expect(bills).to_have_count(open_bills - 1)
        expect(page.locator("#view")).to_contain_text(f"+Rp{intent.amount:,}".replace(",", "."))

        # Loans: from the home's link; a simulation by the server, then the application.
        page.get_by_role("link", name="Beranda").tap()
        page.get_by_role("link", name=re.compile("^Pinjaman:")).first.tap()
        expect(heading).to_have_text("Pinjaman")
        expect(page.locator("#view")).to_contain_text("Belum ada pinjaman atau pengajuan.")
        page.get_by_label("Jumlah pinjaman (Rp)").fill("1.200.000")
        page.get_by_label("Lama (bulan)").fill("12")
        page.get_by_role("button", name="Hitung angsuran").tap()
        expect(page.locator("#sim-result")).to_contain_text("Angsuran pertama Rp112.000")
        page.get_by_label("Keperluan").fill("Modal warung")
        _check(page, "pinjaman")
        page.screenshot(path=str(shots / "member-app-pinjaman.png"), full_page=True)
        page.get_by_role("button", name="Ajukan pinjaman").tap()
        expect(page.locator("#applied")).to_contain_text("terkirim")
        expect(page.locator("#view")).to_contain_text("Diajukan, menunggu keputusan pengurus")
        page.get_by_role("button", name="Lihat jadwal angsuran").tap()
        expect(page.locator("#view table")).to_contain_text("Rp112.000")
        _check(page, "pinjaman-jadwal")

        # Signing out keeps the PIN (the sign-in offers it); a forgotten PIN is reset with a code to the phone.
        page.get_by_role("link", name="Akun").tap()
        page.get_by_role("button", name="Keluar").tap()
        expect(heading).to_have_text("Masuk")
        page.get_by_role("link", name="Masuk dengan PIN").tap()
        expect(heading).to_have_text("Masukkan PIN")
        page.get_by_role("link", name="Lupa PIN?").tap()
        expect(heading).to_have_text("Atur ulang PIN")
        page.get_by_label("Nomor HP").fill(NEW_PHONE)
        page.get_by_role("button", name="Kirim kode").tap()
        expect(page.locator("#reset-sent")).not_to_be_empty()
        _check(page, "lupa-pin")
        sent = OutboxMessage.objects.get(purpose="otp.pin_reset")
        page.get_by_label("Kode dari pesan").fill(re.search(r"\b(\d{6})\b", sent.text).group(1))
        page.get_by_label("PIN baru (6 angka)").fill("864209")
        page.get_by_role("button", name="Simpan PIN baru").tap()
        expect(heading).to_have_text("Halo, Dewi Lestari")
        assert page.evaluate("() => JSON.parse(localStorage.getItem('kopdes.m.device'))") != kept

        # Akun lists the phones with a PIN: the reset disabled the first; this one is disabled
        # from here (its PIN no longer opens the app, the kept device is forgotten, and its
        # session ends: the sign-in page says so).
        page.get_by_role("link", name="Akun").tap()
        devices = page.locator("#devices li")
        expect(devices).to_have_count(2)
        expect(devices.first).to_contain_text("(HP ini)")
        expect(devices.nth(1)).to_contain_text("Nonaktif sejak")
        _check(page, "akun-hp")
        page.screenshot(path=str(shots / "member-app-akun-hp.png"), full_page=True)
        page.get_by_role("button", name=re.compile(r"^Nonaktifkan .*\(HP ini\)$")).tap()
        expect(heading).to_have_text("Masuk")
        expect(page.locator("p.notice")).to_contain_text("HP ini dinonaktifkan")
        assert page.evaluate("() => localStorage.getItem('kopdes.m.device')") is None
        assert page.evaluate("() => localStorage.getItem('kopdes.m.token')") is None
        _check(page, "hp-ini-dinonaktifkan")
        assert not errors, errors
    finally:
        context.close()


def test_register_then_ask_to_join_the_village_cooperative(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    testing.persona_place("A")  # the cooperative of Cangkudu (36.03.01.2003)
    born = date(1992, 5, 17)
    nik = nik_make(district_digits="360301", sex="F", birth_date=born, serial=7)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    heading = page.get_by_role("heading", level=1)
    try:
        page.goto("/m/")
        page.get_by_role("link", name="Daftar").tap()
        expect(heading).to_have_text("Daftar")
        page.get_by_label("Nomor HP").fill("081377788800")
        page.get_by_role("button", name="Kirim kode").tap()
        expect(page.get_by_label("Kode dari pesan")).to_be_visible()
        _check(page, "daftar")
        sent = OutboxMessage.objects.get(phone="+6281377788800", purpose="otp.register")
        code = re.search(r"\b(\d{6})\b", sent.text).group(1)
        page.get_by_label("Kode dari pesan").fill(code)
        page.get_by_label("Nama lengkap (sesuai KTP)").fill("Rina Wati")
        page.get_by_label("Kata sandi baru").fill(testing.PASSWORD)
        page.get_by_role("button", name="Buat akun").tap()
        expect(heading).to_have_text("Buat PIN")
        page.get_by_role("button", name="Nanti saja").tap()

        # Joining: the village by name, the KTP's data and photo; pending approval.
        expect(heading).to_have_text("Gabung koperasi")
        expect(page.get_by_label("Nama lengkap (sesuai KTP)")).to_have_value("Rina Wati")
        page.get_by_label("Desa/kelurahan", exact=True).fill("Cangkudu")
        expect(page.locator("#village_code option")).to_have_count(2)
        page.locator("#village_code").select_option(value="36.03.01.2003")
        page.get_by_label("NIK (16 angka, sesuai KTP)").fill(nik)
        page.get_by_label("Perempuan").check()
        page.get_by_label("Tanggal lahir").fill(born.isoformat())
        page.get_by_label("Alamat (sesuai KTP)").fill("Kp. Cangkudu RT 003/RW 001")
        page.get_by_label("Foto KTP").set_input_files(str(ICON))
        _check(page, "gabung")
        page.get_by_role("button", name="Kirim pengajuan").tap()
        expect(page.locator("#view [role=status]")).to_contain_text("Pengajuan terkirim")
        member = Member.objects.get(nik=nik)
        assert member.status == Member.Status.REQUESTED and member.ktp_photo
        page.screenshot(path=str(_shots() / "member-app-gabung.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
