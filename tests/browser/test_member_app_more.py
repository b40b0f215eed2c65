"""The member app's "Lainnya" screens (issue 14 items 6-9) on a 360 x 740 phone in Chromium:
the shop (an order too large is refused with the server's words, then an order for pickup), the
SHU (this year's estimate, labelled so, and last year's statement), the RAT (attendance online,
one vote; a second vote from a stale screen shows the server's message) and the transparency
screen's "Verifikasi transaksi saya": the member's own deposit checked in the browser with the
public verifier's module ("Terverifikasi"), then, with the checkpoint changed in the database,
"GAGAL"; then the SHU in English, and the RAT offline from its kept answer. Every screen passes axe-core and fits the phone; screenshots go to
$KOPDES_ARTEFACTS/screenshots (member-app-*.png). The clock stands at the RAT's day (20 March
2026, ticking), for the server as for the seeded books."""

from __future__ import annotations

import base64
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from browser.lazy_expect import expect
from browser.test_member_app import PHONE, _check, _shots

from kopdes import testing
from kopdes.commerce import services as commerce
from kopdes.commerce.tests.factories import make_product, stock_in, unit_of
from kopdes.funding.tests.factories import funded, spend
from kopdes.ledger import checkpoints, merkle
from kopdes.ledger.models import Checkpoint
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.shu import services as shu

JAKARTA = ZoneInfo("Asia/Jakarta")
D1 = date(2026, 3, 9)


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


def _seed(place) -> None:
    coop = place.cooperative
    me = make_member(coop, user=place.anggota, name=place.anggota.full_name)
    with time_machine.travel(moment(date(2026, 1, 10)), tick=False):
        year = testing.make_shu_year(place, me, year=2025)
        shu.shu_approve(actor=place.ketua, shu_year=year, resolution="RAT/2026/01")
    with time_machine.travel(moment(D1), tick=False):
        beras = make_product(coop)
        stock_in(place, beras, 10, unit_cost=60_000)
        savings.savings_deposit(
            actor=None, cooperative=coop, member=me, kind="sukarela", amount=250_000, on=D1
        )
        commerce.sale_record(
            actor=place.kasir, unit=unit_of(coop), lines=[(beras, 1)], payment="cash", member=me
        )
        source = funded(place, amount=50_000_000)
        spend(place, source, 12_500_000, line="sembako", kind="asset", on=D1)
    with time_machine.travel(moment(date(2026, 3, 10)), tick=False):
        checkpoints.checkpoint_create(cooperative=coop, day=D1)
    testing.make_rat(place, make_member(coop), vote=False)


def _sign_in(page, place) -> None:
    page.goto("/m/")
    page.get_by_label("Nomor HP").fill(place.anggota.phone)
    page.get_by_label("Kata sandi").fill(testing.PASSWORD)
    page.get_by_role("button", name="Masuk").tap()
    page.get_by_role("button", name="Nanti saja").tap()  # the PIN offered after a sign-in
    expect(page.get_by_role("heading", level=1)).to_contain_text("Halo")


def _open(page, name: str, heading: str) -> None:
    page.get_by_role("link", name="Lainnya").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lainnya")
    page.get_by_role("link", name=name).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_shop_shu_rat_and_verify_my_transaction(browser, live_server):
    place = testing.persona_place("A")
    with time_machine.travel(moment(date(2026, 3, 20), 11), tick=True):
        _seed(place)
        context = browser.new_context(base_url=live_server.url, **PHONE)
        context.set_default_timeout(20_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        shots = _shots()
        try:
            _sign_in(page, place)
            # Five tabs at most, each a 44 px target.
            assert page.locator("#tabs a").count() == 5
            for box in page.locator("#tabs a").evaluate_all(
                "(ls) => ls.map((a) => a.getBoundingClientRect()).map((r) => [r.width, r.height])"
            ):
                assert box[0] >= 44 and box[1] >= 44, box
            page.get_by_role("link", name="Lainnya").tap()
            _check(page, "lainnya")

            # Belanja: the catalogue at member prices; too many is refused in plain words.
            _open(page, "Belanja di gerai koperasi", "Belanja")
            view = page.locator("#view")
            page.get_by_label("Gerai").select_option(label="Sembako")
            expect(view).to_contain_text("Beras 5 kg")
            expect(view).to_contain_text("Tersedia 9")
            _check(page, "belanja")
            quantity = page.get_by_label("Jumlah Beras 5 kg")
            quantity.fill("50")
            page.get_by_role("button", name="Pesan untuk diambil").tap()
            expect(page.locator("#order-error")).not_to_be_empty()
            refused = page.locator("#order-error").inner_text()
            assert "commerce." not in refused and "HTTP" not in refused, refused
            quantity.fill("2")
            page.get_by_role("button", name="Pesan untuk diambil").tap()
            expect(page.locator("#order-done")).to_contain_text("diterima")
            expect(page.get_by_role("heading", name="Pesanan saya")).to_be_visible()
            expect(view).to_contain_text("2 \u00d7 Beras 5 kg")
            expect(view).to_contain_text("Riwayat belanja")
            page.get_by_label("Cari barang").fill("tidak ada")
            page.get_by_role("button", name="Cari", exact=True).tap()
            expect(view).to_contain_text("Tidak ada barang yang cocok")
            page.get_by_label("Cari barang").fill("beras")
            page.get_by_role("button", name="Cari", exact=True).tap()
            expect(view).to_contain_text("Tersedia 7")
            _check(page, "belanja-pesan")
            page.screenshot(path=str(shots / "member-app-belanja.png"), full_page=True)

            # SHU: the estimate says it is one; last year's statement opens with its breakdown.
            _open(page, "SHU", "SHU")
            expect(page.locator("#shu-estimate-note")).to_contain_text("hanya perkiraan")
            expect(view).to_contain_text("Perkiraan SHU tahun 2026")
            expect(view).to_contain_text("Perkiraan SHU Anda")  # the beras sold at a profit
            page.get_by_role("button", name="Lihat rincian 2025").tap()
            expect(view).to_contain_text("Rincian SHU 2025")
            expect(view).to_contain_text("Keputusan RAT RAT/2026/01")
            _check(page, "shu")
            page.screenshot(path=str(shots / "member-app-shu.png"), full_page=True)

            # RAT: the notice, attendance online, one vote; a stale second screen gets 409.
            _open(page, "RAT", "RAT")
            expect(view).to_contain_text("Balai Desa")
            expect(view).to_contain_text("Pembagian SHU")
            with page.expect_download() as pack:
                page.get_by_role("button", name="Unduh Laporan Pengurus").tap()
            assert pack.value.suggested_filename == "Laporan Pengurus.pdf"
            page.get_by_role("button", name="Catat kehadiran saya (daring)").tap()
            expect(view).to_contain_text("Kehadiran Anda sudah tercatat")
            stale = context.new_page()
            stale.goto("/m/#/rat")
            expect(stale.get_by_role("button", name="Setuju", exact=True)).to_be_visible()
            page.get_by_role("button", name="Setuju", exact=True).tap()
            expect(view).to_contain_text("Suara Anda sudah tercatat")
            stale.get_by_role("button", name="Tidak setuju").tap()
            second = stale.locator(".resolution [role=alert]")
            expect(second).not_to_be_empty()
            assert "rat." not in second.inner_text()
            stale.close()
            _check(page, "rat")
            page.screenshot(path=str(shots / "member-app-rat.png"), full_page=True)

            # Transparansi: the CSR funds, the documents, and my deposit verified here.
            _open(page, "Transparansi", "Transparansi")
            expect(view).to_contain_text("Penggunaan dana CSR")
            expect(page.locator("#fund-lines")).to_contain_text("Rp12.500.000")
            page.get_by_label("Transaksi", exact=True).select_option(index=0)
            page.get_by_role("button", name="Verifikasi", exact=True).tap()
            result = page.locator("#verify-mine")
            expect(result).to_contain_text(
                "Terverifikasi: transaksi ini tercatat di buku besar yang ditandatangani pada",
                timeout=30_000,
            )
            expect(result).to_contain_text("9 Mar 2026")
            _check(page, "transparansi")
            page.screenshot(path=str(shots / "member-app-transparansi.png"), full_page=True)
            # The checkpoint changed in the database: the same check fails.
            signed = Checkpoint.objects.get(cooperative=place.cooperative, date=D1)
            root = base64.b64encode(bytes.fromhex(signed.root_hash)).decode()
            forged = merkle.leaf_hash(b"forged")
            Checkpoint.objects.filter(pk=signed.pk).update(
                note=signed.note.replace(root, base64.b64encode(forged).decode()),
                root_hash=forged.hex(),
            )
            page.get_by_role("button", name="Verifikasi", exact=True).tap()
            expect(result).to_contain_text("GAGAL", timeout=30_000)
            page.screenshot(path=str(shots / "member-app-transparansi-gagal.png"), full_page=True)
            # In English, the same screens in English words.
            page.get_by_role("link", name="Akun").tap()
            page.get_by_label("English").check()
            page.get_by_role("link", name="More").tap()
            page.get_by_role("link", name="SHU").tap()
            expect(page.locator("#shu-estimate-note")).to_contain_text("Only an estimate")
            expect(view).to_contain_text("Estimated SHU for 2026")
            # Offline: a screen opened before shows its kept answers, marked as such.
            context.set_offline(True)
            page.get_by_role("link", name="More").tap()
            page.locator("#view a[href='#/rat']").tap()
            expect(page.locator("#updated")).to_have_attribute("data-offline", "1")
            expect(view).to_contain_text("Balai Desa")
            context.set_offline(False)
            assert not errors, errors
        finally:
            context.close()
