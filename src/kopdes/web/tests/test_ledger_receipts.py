"""Receipts carry what a member needs to check their entry in the signed books (issue 10 item 6):
the counter receipt and the back of the member card show the journal entry number, its leaf hash
(short, and in full) and a QR code to /transparansi/<code>/verifikasi/?nomor=<n>&leaf=<base64url>;
until the day's checkpoint covers the entry, they say when the proof comes."""

import base64
import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kopdes.ledger import checkpoints
from kopdes.savings import services
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

PENDING = "Bukti tersedia setelah checkpoint hari ini"
READY = "Pindai kode ini: halaman transparansi membuktikan"


@pytest.fixture
def deposit(place_a):
    member = make_member(place_a.cooperative, name="Siti Aminah")
    txn = services.savings_deposit(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        member=member,
        kind="pokok",
        amount=100_000,
    )
    return txn


def leaf_of(cooperative, number: int) -> bytes:
    return [row.leaf for row in checkpoints.journal_rows(cooperative, upto=number)][number - 1]


def verification_url(body: str) -> str:
    found = [html.unescape(href) for href in re.findall(r'href="([^"]*/verifikasi/\?[^"]*)"', body)]
    assert len(found) == 1, found
    return found[0]


def test_the_receipt_carries_the_entry_leaf_and_qr(client, place_a, deposit):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = reverse("web:savings_receipt", args=[coop.public_id, deposit.public_id])
    body = client.get(page).content.decode()
    number = deposit.entry.number
    leaf = leaf_of(coop, number)
    assert f"Entri jurnal no. <strong>{number}</strong>" in body
    assert base64.b64encode(leaf).decode() in body  # in full, small print
    assert f"<code>{base64.b64encode(leaf).decode()[:12]}…</code>" in body  # short
    assert "<svg" in body and 'class="ledger-qr"' in body
    url = verification_url(body)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    assert parts.path == f"/transparansi/{coop.village_id}/verifikasi/"
    query = parse_qs(parts.query)
    assert query["nomor"] == [str(number)]
    assert base64.urlsafe_b64decode(query["leaf"][0] + "=") == leaf
    assert PENDING in body and READY not in body
    # The WhatsApp text carries the same link.
    assert f"Periksa di buku besar: {url}" in html.unescape(body)
    # The next day, once the day's checkpoint covers it, the receipt says to scan.
    tomorrow = timezone.now() + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        checkpoints.checkpoint_create(cooperative=coop, day=timezone.localdate() - timedelta(1))
        client.force_login(place_a.kasir)  # a new day: a staff session does not last overnight
        after = client.get(page).content.decode()
    assert READY in after and PENDING not in after
    # The QR's page names the receipt and lets the browser (or the script) check it.
    verify_page = client.get(url).content.decode()
    assert f"Kuitansi: entri jurnal nomor {number}, hash daun" in verify_page
    assert f"--receipt {number}:{base64.b64encode(leaf).decode()}" in verify_page


def test_the_card_back_carries_the_pokok_entry(client, place_a, deposit):
    coop = place_a.cooperative
    member = deposit.account.member
    client.force_login(place_a.kasir)
    body = client.get(
        reverse("web:member_card", args=[coop.public_id, member.public_id])
    ).content.decode()
    assert 'class="member-card member-card-back"' in body
    assert f"Entri jurnal no. <strong>{deposit.entry.number}</strong>" in body
    assert base64.b64encode(leaf_of(coop, deposit.entry.number)).decode() in body
    assert f"nomor={deposit.entry.number}" in verification_url(body)


def test_a_card_without_pokok_has_no_back(client, place_a):
    member = make_member(place_a.cooperative, name="Budi")
    client.force_login(place_a.kasir)
    body = client.get(
        reverse("web:member_card", args=[place_a.cooperative.public_id, member.public_id])
    ).content.decode()
    assert "member-card-back" not in body


@pytest.mark.parametrize(
    "query",
    ["nomor=abc&leaf=AAAA", "nomor=3&leaf=not-base64!", "nomor=3&leaf=AAAA", "nomor=3"],
)
def test_a_damaged_receipt_url_is_said_plainly(client, coop_a, query):
    body = client.get(f"/transparansi/{coop_a.village_id}/verifikasi/?{query}").content.decode()
    assert "Kuitansi pada alamat ini tidak dapat dibaca" in body
    assert "data-number" not in body
