"""The counter (issue 9, item 6): the member found as the cashier types, shown with balances and
bills before anything is saved, a confirmation step, an idempotent save, the receipt with
`Catat lagi`, `Cetak` and `Koreksi`, and the search kept inside the cooperative."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kopdes.members.models import Member
from kopdes.members.rules import card_id_from_scan, initials, niak_ranges
from kopdes.savings import rules, services
from kopdes.savings.models import Correction, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def member(coop_a):
    m = make_member(coop_a, name="Siti Aminah")
    Member.objects.filter(pk=m.pk).update(phone=PHONE)
    m.refresh_from_db()
    return m


@pytest.fixture
def member_b(coop_b):
    m = make_member(coop_b, name="Siti Badriah")
    Member.objects.filter(pk=m.pk).update(phone="+6281299998888")
    m.refresh_from_db()
    return m


def search(client, coop, q, **params):
    return client.get(
        url("savings_member_search", coop), {"q": q, **params}, headers={"HX-Request": "true"}
    )


# -- pure rules ------------------------------------------------------------------------------


def test_card_scan_niak_prefix_and_initials_rules():
    card = "5f0c6a8e-3b7d-4f4e-9a51-0c2b9d7e1a23"
    assert str(card_id_from_scan(f"https://kopdes.example/kartu/{card}/")) == card
    assert str(card_id_from_scan(card.upper())) == card
    assert card_id_from_scan("Siti") is None and card_id_from_scan("") is None
    assert niak_ranges("004") == [(4, 4), (40, 49)]
    assert niak_ranges("42") == [(42, 42), (4200, 4299)]
    assert niak_ranges("12345") == [(12345, 12345)]
    assert niak_ranges("٤٢") == [] and niak_ranges("1234567890") == []
    assert initials("Siti Aminah binti Ahmad") == "SA" and initials("") == "?"


def test_default_kind_rule():
    assert rules.default_kind(owed="wajib", preferred="sukarela") == "wajib"
    assert rules.default_kind(owed=None, preferred="pokok") == "pokok"
    assert rules.default_kind(owed=None, preferred="bogus") == "sukarela"


# -- the search --------------------------------------------------------------------------------


def test_search_by_name_niak_phone_and_card_stays_in_the_cooperative(
    client, place_a, member, member_b
):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    by_name = search(client, coop, "siti")
    body = by_name.content.decode()
    assert by_name.status_code == 200
    assert "Siti Aminah" in body and "Siti Badriah" not in body
    # The phone is shown masked, never in clear.
    assert PHONE not in body and "+62812****7890" in body
    assert f"?member={member.public_id}" in body
    for q in ("0812-3456-7890", "6281234567890", member.niak, str(member.number)):
        assert "Siti Aminah" in search(client, coop, q).content.decode(), q
    card_url = "http://testserver" + reverse("web:card_check", args=[member.card_id])
    assert "Siti Aminah" in search(client, coop, card_url).content.decode()
    # B's member by B's card, B's phone or B's name: nothing, not even a hint.
    b_card = "http://testserver" + reverse("web:card_check", args=[member_b.card_id])
    for q in (b_card, "081299998888", "Badriah"):
        answer = search(client, coop, q).content.decode()
        assert "Badriah" not in answer and 'class="member-pick"' not in answer, q
    # Never a NIK, and at most ten answers.
    assert 'class="member-pick"' not in search(client, coop, member.nik).content.decode()
    for i in range(12):
        make_member(coop, name=f"Siti Nomor {i}")
    assert search(client, coop, "siti").content.decode().count('class="member-pick"') == 10


def test_search_page_without_javascript_and_roles(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = client.get(url("savings_member_search", coop), {"q": "Aminah", "for": "withdraw"})
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<h1") == 1
    assert url("savings_withdraw", coop) + f"?member={member.public_id}" in body
    client.force_login(place_a.pengawas)  # no cash handling: the page is not there
    assert client.get(url("savings_member_search", coop), {"q": "Siti"}).status_code == 404


# -- before anything is saved ------------------------------------------------------------------


def test_picked_member_shows_panel_and_the_kind_they_owe(client, place_a, member):
    coop = place_a.cooperative
    services.savings_deposit(
        actor=None, cooperative=coop, member=member, kind="sukarela", amount=75_000
    )
    client.force_login(place_a.kasir)
    fresh = client.get(url("savings_deposit", coop))
    assert fresh.context["form"].initial["kind"] == "sukarela"
    # The date is today, written as <input type="date"> reads it, in Indonesian too.
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in fresh.content.decode()
    page = client.get(url("savings_deposit", coop), {"member": member.public_id})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Siti Aminah" in body and ">SA<" in body and "Rp75.000" in body
    assert page.context["form"].initial["member"] == member.niak
    assert not SavingsTransaction.objects.filter(kind="deposit", amount=0).exists()
    # With open bills the kind proposed is the oldest bill's (pokok, billed with wajib).
    services.savings_bills_create(actor=None, cooperative=coop, month="2026-03")
    owed = client.get(url("savings_deposit", coop), {"member": member.public_id, "last": "wajib"})
    assert owed.context["form"].initial["kind"] == "pokok"
    assert owed.context["bills"] and owed.context["arrears"] > 0
    # What the cashier chose explicitly wins; `last` applies when nothing is owed.
    chosen = client.get(url("savings_deposit", coop), {"member": member.public_id, "kind": "wajib"})
    assert chosen.context["form"].initial["kind"] == "wajib"
    other = make_member(coop, name="Budi")
    carried = client.get(url("savings_deposit", coop), {"member": other.public_id, "last": "wajib"})
    assert carried.context["form"].initial["kind"] == "wajib"


# -- confirmation and idempotent save ----------------------------------------------------------


def form_data(who, **extra):
    return {
        "member": who.niak,
        "kind": "sukarela",
        "amount": "25.000",
        "channel": "cash",
        "on": timezone.localdate().isoformat(),
        "memo": "",
        "idempotency_key": "k-25000",
        **extra,
    }


def test_confirmation_then_one_save_however_often_it_is_sent(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    summary = client.post(url("savings_deposit", coop), form_data(member))
    body = summary.content.decode()
    assert summary.status_code == 200 and summary.context["step"] == "confirm"
    assert "Siti Aminah" in body and "Rp25.000" in body and "dua puluh lima ribu" in body
    assert "Benar, simpan" in body and "Ubah" in body
    assert not SavingsTransaction.objects.exists()
    # "Ubah" goes back to the form with what was typed, still nothing saved.
    edit = client.post(url("savings_deposit", coop), form_data(member, edit="1"))
    assert edit.status_code == 200 and edit.context["step"] == "form"
    assert 'value="25.000"' in edit.content.decode()
    assert not SavingsTransaction.objects.exists()
    # "Benar, simpan", twice (a double tap): one transaction, the same receipt.
    first = client.post(url("savings_deposit", coop), form_data(member, confirm="1"))
    second = client.post(url("savings_deposit", coop), form_data(member, confirm="1"))
    txn = SavingsTransaction.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("savings_receipt", coop, txn.public_id)
    assert txn.amount == 25_000 and txn.account.kind == "sukarela"
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 25_000


def test_a_scanned_card_or_phone_in_the_box_names_the_member_without_javascript(
    client, place_a, member, member_b
):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    card_url = "https://kopdes.example" + reverse("web:card_check", args=[member.card_id])
    for typed in (card_url, "0812 3456 7890"):
        summary = client.post(url("savings_deposit", coop), form_data(member, member=typed))
        assert summary.status_code == 200 and summary.context["summary"]["member_obj"] == member
    # A name is not enough: the matches are listed as links to pick from.
    named = client.post(url("savings_deposit", coop), form_data(member, member="Aminah"))
    body = named.content.decode()
    assert named.status_code == 400 and "Pilih anggota dari daftar." in body
    assert f"?member={member.public_id}" in body
    # B's card is nobody here.
    b_card = "https://kopdes.example" + reverse("web:card_check", args=[member_b.card_id])
    refused = client.post(url("savings_deposit", coop), form_data(member, member=b_card))
    assert refused.status_code == 400 and "Badriah" not in refused.content.decode()
    assert not SavingsTransaction.objects.exists()


def test_refusals_are_told_before_the_summary(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    Member.objects.filter(pk=member.pk).update(status=Member.Status.RESIGNED)
    gone = client.post(url("savings_deposit", coop), form_data(member))
    assert gone.status_code == 400 and gone.context["step"] == "form"
    Member.objects.filter(pk=member.pk).update(status=Member.Status.ACTIVE)
    too_much = client.post(url("savings_withdraw", coop), form_data(member, amount="5.000"))
    assert too_much.status_code == 400 and "5.000" in too_much.content.decode()
    assert not SavingsTransaction.objects.exists()


# -- the receipt -------------------------------------------------------------------------------


def test_receipt_record_again_print_signatures(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    done = client.post(
        url("savings_deposit", coop), form_data(member, kind="wajib", channel="bank", confirm="1")
    )
    receipt = client.get(done["Location"])
    body = receipt.content.decode()
    again = re.search(r'href="([^"]+)"[^>]*>Catat lagi<', body) or re.search(
        r'class="record-again" href="([^"]+)"', body
    )
    assert again is not None
    assert again.group(1).replace("&amp;", "&") == url("savings_deposit", coop) + (
        "?last=wajib&channel=bank"
    )
    assert "data-print" in body and "Cetak" in body and "web/print.js" in body
    assert body.count("signature-line") == 2 and 'class="receipt slip"' in body
    fresh = client.get(again.group(1).replace("&amp;", "&"))
    assert fresh.context["form"].initial["kind"] == "wajib"
    assert fresh.context["form"].initial["channel"] == "bank"
    assert "member" not in fresh.context["form"].initial
    # The print stylesheet is on every page, for print only.
    assert 'web/print.css" media="print"' in body


def test_same_day_correction_from_the_receipt_end_to_end(client, place_a, member):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    done = client.post(url("savings_deposit", coop), form_data(member, confirm="1"))
    txn = SavingsTransaction.objects.get()
    assert txn.date == timezone.localdate()
    ask = url("savings_correction_request", coop, txn.public_id)
    assert ask in client.get(done["Location"]).content.decode()  # Koreksi on the receipt
    assert client.post(ask, {"reason": "Salah anggota"}).status_code == 302
    correction = Correction.objects.get()
    decide = url("savings_correction_decide", coop, correction.public_id)
    # The maker cannot decide; a second officer with approval rights does.
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    client.force_login(place_a.ketua)
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 0
    client.force_login(place_a.kasir)
    after = client.get(done["Location"]).content.decode()
    assert "Sudah dikoreksi" in after and ask not in after


def test_card_prints_with_a_signature_line(client, place_a, member):
    client.force_login(place_a.kasir)
    card = client.get(
        reverse("web:member_card", args=[place_a.cooperative.public_id, member.public_id])
    )
    body = card.content.decode()
    assert card.status_code == 200 and "signature-line" in body and "data-print" in body


def test_search_reads_are_few(client, place_a, member, django_assert_max_num_queries):
    client.force_login(place_a.kasir)
    with django_assert_max_num_queries(12):
        assert search(client, place_a.cooperative, "siti").status_code == 200


def test_old_dates_still_allowed(client, place_a, member):
    """A back-dated deposit (a paper slip from last week) still goes through the two steps."""
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    data = form_data(member, on=date(2026, 3, 2).isoformat(), confirm="1")
    assert client.post(url("savings_deposit", coop), data).status_code == 302
