from datetime import date

import pytest
from django.urls import reverse

from kopdes.members.models import Member
from kopdes.savings import services
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

COOP_PAGES = [
    "savings_deposit",
    "savings_withdraw",
    "savings_transfer",
    "savings_bills",
    "savings_reconciliation",
    "savings_position",
]
MEMBER_PAGES = ["member_savings", "savings_statement", "savings_resign"]


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def member(coop_a):
    m = make_member(coop_a, name="Siti Aminah")
    Member.objects.filter(pk=m.pk).update(phone="+6281234567890")
    m.refresh_from_db()
    return m


def deposit(coop, member, amount=100_000, kind="sukarela"):
    return services.savings_deposit(
        actor=None, cooperative=coop, member=member, kind=kind, amount=amount, on=date(2026, 3, 2)
    )


@pytest.mark.parametrize("name", COOP_PAGES)
def test_cross_tenant_coop_pages(client, cross_tenant, place_a, coop_b, name):
    cross_tenant(client, place_a.bendahara, url(name, coop_b))


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_cross_tenant_member_pages(client, cross_tenant, place_a, place_b, member, name):
    # Another cooperative's officer, and a member id of another cooperative under one's own.
    cross_tenant(client, place_b.bendahara, url(name, place_b.cooperative, member.public_id))
    cross_tenant(client, place_b.bendahara, url(name, place_a.cooperative, member.public_id))


def test_receipt_cross_tenant(client, cross_tenant, place_a, place_b, member):
    txn = deposit(place_a.cooperative, member)
    cross_tenant(client, place_b.kasir, url("savings_receipt", place_b.cooperative, txn.public_id))
    cross_tenant(client, place_b.kasir, url("savings_receipt", place_a.cooperative, txn.public_id))


def test_roles(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.anggota)
    assert client.get(url("savings_deposit", coop)).status_code == 404
    client.force_login(place_a.pengawas)
    assert client.get(url("savings_deposit", coop)).status_code == 404
    assert client.get(url("savings_reconciliation", coop)).status_code == 200
    client.force_login(place_a.kasir)
    assert client.get(url("savings_deposit", coop)).status_code == 200
    assert client.get(url("savings_resign", coop, member.public_id)).status_code == 404
    # a kasir may not run bills
    response = client.post(url("savings_bills", coop), {"action": "bill", "month": "2026-03"})
    assert response.status_code == 404 and not Bill.objects.exists()


def test_deposit_form_to_receipt(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = client.get(url("savings_deposit", coop) + f"?member={member.public_id}&kind=wajib")
    assert page.status_code == 200
    key = page.context["form"].initial["idempotency_key"]
    data = {
        "member": member.number,
        "kind": "sukarela",
        "amount": "Rp1.500.000",
        "channel": "cash",
        "on": "2026-03-02",
        "memo": "",
        "idempotency_key": key,
    }
    summary = client.post(url("savings_deposit", coop), data)  # the confirmation step
    assert summary.status_code == 200 and not SavingsTransaction.objects.exists()
    data["confirm"] = "1"
    response = client.post(url("savings_deposit", coop), data)
    txn = SavingsTransaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("savings_receipt", coop, txn.public_id)
    again = client.post(url("savings_deposit", coop), data)  # a double click
    assert again["Location"] == response["Location"] and SavingsTransaction.objects.count() == 1
    receipt = client.get(response["Location"])
    body = receipt.content.decode()
    assert "satu juta lima ratus ribu rupiah" in body
    assert str(txn.entry) in body and txn.entry.short_hash in body
    assert "https://wa.me/6281234567890?text=" in body


def test_bad_input_is_400_and_saves_nothing(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    base = {"member": member.number, "channel": "cash", "on": "2026-03-02", "idempotency_key": "k"}
    for data in (
        {**base, "amount": "abc", "kind": "sukarela"},
        {**base, "amount": "0", "kind": "sukarela"},
        {**base, "amount": "1000", "kind": "sukarela", "member": 999},
    ):
        assert client.post(url("savings_deposit", coop), data).status_code == 400
    # Refused before the summary (the balance is told before anything is saved), and at saving.
    for extra in ({}, {"confirm": "1"}):
        response = client.post(url("savings_withdraw", coop), {**base, "amount": "5000", **extra})
        assert response.status_code == 400
    assert "5.000" in response.content.decode()  # the insufficient-balance message
    assert not SavingsTransaction.objects.exists()


def test_transfer_form(client, place_a, member):
    coop = place_a.cooperative
    other = make_member(coop, name="Budi")
    deposit(coop, member)
    client.force_login(place_a.bendahara)
    response = client.post(
        url("savings_transfer", coop),
        {
            "member": member.number,
            "to_member": other.number,
            "amount": "40.000",
            "on": "2026-03-03",
            "idempotency_key": "t1",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert SavingsAccount.objects.get(member=other).balance == 40_000


def test_member_panel_partial_and_page(client, place_a, member):
    coop = place_a.cooperative
    deposit(coop, member, 75_000)
    client.force_login(place_a.sekretaris)
    full = client.get(url("member_savings", coop, member.public_id))
    assert full.status_code == 200 and b"<html" in full.content
    part = client.get(url("member_savings", coop, member.public_id), HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and b"<html" not in part.content
    assert "Rp75.000" in part.content.decode()


def test_statement_page_and_pdf(client, place_a, member, monkeypatch):
    from kopdes.core import pdf as core_pdf

    rendered = []
    original = core_pdf.render_pdf
    monkeypatch.setattr(
        core_pdf, "render_pdf", lambda html: rendered.append(html) or original(html)
    )
    coop = place_a.cooperative
    deposit(coop, member, 75_000)
    client.force_login(place_a.bendahara)
    page = client.get(
        url("savings_statement", coop, member.public_id),
        {"date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert page.status_code == 200 and "Rp75.000" in page.content.decode()
    bad = client.get(
        url("savings_statement", coop, member.public_id),
        {"date_from": "2026-12-31", "date_to": "2026-01-01"},
    )
    assert bad.status_code == 400
    pdf = client.get(
        url("savings_statement", coop, member.public_id),
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "format": "pdf"},
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(rendered) == 1 and "Rp75.000" in rendered[0]  # through core.pdf, the one renderer


def test_bill_run_button_and_arrears(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(url("savings_bills", coop), {"action": "bill", "month": "2026-03"})
    assert response.status_code == 302
    assert Bill.objects.filter(member=member).count() == 2
    page = client.get(url("savings_bills", coop))
    assert page.status_code == 200 and "Siti Aminah" in page.content.decode()
    bad = client.post(url("savings_bills", coop), {"action": "interest", "month": "2099-01"})
    assert bad.status_code == 400


def test_reconciliation_and_position(client, place_a, member):
    coop = place_a.cooperative
    deposit(coop, member, 50_000, "pokok")
    deposit(coop, member, 10_000)
    client.force_login(place_a.pengawas)
    page = client.get(url("savings_reconciliation", coop))
    assert page.status_code == 200 and page.context["balanced"] and not page.context["mismatches"]
    position = client.get(url("savings_position", coop))
    assert position.context["total"] == 60_000


def test_resign_page(client, place_a, member):
    coop = place_a.cooperative
    deposit(coop, member, 50_000, "pokok")
    client.force_login(place_a.bendahara)
    response = client.post(
        url("savings_resign", coop, member.public_id),
        {"on": "2026-03-05", "reason": "Pindah domisili", "channel": "cash"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "resigned"
    assert SavingsTransaction.objects.filter(kind="refund").count() == 1


# -- corrections (maker-checker) ----------------------------------------------------------------


def test_correction_pages_maker_then_checker(client, place_a, member):
    from kopdes.savings import selectors
    from kopdes.savings.models import Correction

    coop = place_a.cooperative
    wrong = deposit(coop, member, amount=100_000)
    receipt = url("savings_receipt", coop, wrong.public_id)
    ask = url("savings_correction_request", coop, wrong.public_id)
    client.force_login(place_a.kasir)
    assert ask in client.get(receipt).content.decode()  # the Koreksi action
    page = client.get(ask)
    assert page.status_code == 200 and "Koreksi" in page.content.decode()
    blank = client.post(ask, {"reason": "  "})
    assert blank.status_code == 400 and not Correction.objects.exists()
    assert client.post(ask, {"reason": "Salah ketik"}).status_code == 302
    again = client.post(ask, {"reason": "Lagi"})
    assert again.status_code == 400 and "sudah dikoreksi" in again.content.decode()
    # The kasir has no approval rights: the list is not there for them.
    assert client.get(url("savings_corrections", coop)).status_code == 404
    correction = Correction.objects.get()
    decide = url("savings_correction_decide", coop, correction.public_id)
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    # The ketua sees it and approves; the account and the GL move together.
    client.force_login(place_a.ketua)
    listing = client.get(url("savings_corrections", coop))
    assert listing.status_code == 200 and "Salah ketik" in listing.content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 0
    assert all(r.difference == 0 for r in selectors.reconciliation(cooperative=coop))
    wrong.refresh_from_db()
    assert wrong.corrected
    assert "Sudah dikoreksi" in client.get(receipt).content.decode()
    twice = client.post(decide, {"decision": "approve"})
    assert twice.status_code == 400 and "sudah diputuskan" in twice.content.decode()


def test_correction_maker_cannot_approve_own_and_reject_moves_nothing(client, place_a, member):
    from kopdes.savings.models import Correction

    coop = place_a.cooperative
    wrong = deposit(coop, member, amount=50_000)
    client.force_login(place_a.bendahara)
    client.post(url("savings_correction_request", coop, wrong.public_id), {"reason": "Salah"})
    correction = Correction.objects.get()
    decide = url("savings_correction_decide", coop, correction.public_id)
    own = client.post(decide, {"decision": "approve"})
    assert own.status_code == 400 and "petugas lain" in own.content.decode()
    bad = client.post(decide, {"decision": "maybe"})
    assert bad.status_code == 400
    client.force_login(place_a.manajer)
    assert client.post(decide, {"decision": "reject", "note": "Bukti kurang"}).status_code == 302
    correction.refresh_from_db()
    assert correction.status == "rejected" and correction.decision_note == "Bukti kurang"
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 50_000


def test_correction_pages_cross_tenant_and_roles(client, cross_tenant, place_a, place_b, member):
    from kopdes.savings import services as savings_services

    coop = place_a.cooperative
    wrong = deposit(coop, member)
    correction = savings_services.savings_correction_request(
        actor=place_a.kasir, transaction=wrong, reason="Salah"
    )
    cross_tenant(client, place_b.ketua, url("savings_corrections", coop))
    cross_tenant(client, place_b.kasir, url("savings_correction_request", coop, wrong.public_id))
    cross_tenant(
        client,
        place_b.ketua,
        url("savings_correction_decide", coop, correction.public_id),
        method="post",
        data={"decision": "approve"},
    )
    # Under one's own cooperative, another cooperative's ids are 404 too.
    cross_tenant(
        client,
        place_b.ketua,
        url("savings_correction_decide", place_b.cooperative, correction.public_id),
        method="post",
        data={"decision": "approve"},
    )


def test_pengawas_has_no_correction_action(client, place_a, member):
    coop = place_a.cooperative
    txn = deposit(coop, member)
    ask = url("savings_correction_request", coop, txn.public_id)
    client.force_login(place_a.pengawas)
    receipt = client.get(url("savings_receipt", coop, txn.public_id))
    assert receipt.status_code == 200 and ask not in receipt.content.decode()
    assert client.get(ask).status_code == 404
    assert client.post(ask, {"reason": "Salah"}).status_code == 404
    client.force_login(place_a.kasir)
    assert ask in client.get(url("savings_receipt", coop, txn.public_id)).content.decode()


@pytest.mark.parametrize(
    "amount",
    ["9.000.000.000.000.000.000", "99.999.999.999.999.999.999", "10000000000001", "2000000000"],
)
def test_too_large_deposit_is_a_clear_400(client, place_a, member, amount):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    response = client.post(
        url("savings_deposit", coop),
        {
            "member": member.number,
            "kind": "sukarela",
            "amount": amount,
            "channel": "cash",
            "on": "2026-03-02",
            "idempotency_key": f"big-{amount}",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not SavingsTransaction.objects.exists()


def test_receipt_shows_a_waiting_correction(client, place_a, member):
    from kopdes.savings import services as savings_services

    coop = place_a.cooperative
    wrong = deposit(coop, member)
    savings_services.savings_correction_request(
        actor=place_a.kasir, transaction=wrong, reason="Salah"
    )
    client.force_login(place_a.bendahara)
    page = client.get(url("savings_receipt", coop, wrong.public_id)).content.decode()
    assert "menunggu persetujuan" in page
    assert url("savings_correction_request", coop, wrong.public_id) not in page
