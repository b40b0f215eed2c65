"""The loans reconciliation page and the Beranda's loan tiles (issue 11.7)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kopdes.loans.models import Loan
from kopdes.loans.tests.close_factories import make_loan, pay_installments

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(8), tzinfo=JAKARTA), tick=False)


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def loans(coop_a):
    with at(date(2026, 1, 10)):
        late = make_loan(coop_a, disbursed_on=date(2026, 1, 10))  # due on the 10th
        other = make_loan(coop_a, disbursed_on=date(2026, 2, 10), principal=6_000_000, months=6)
    with at(date(2026, 3, 10)):
        pay_installments(other, 1, on=date(2026, 3, 10))
    return late, other


def test_the_reconciliation_page_shows_zero_differences(client, place_a, loans):
    client.force_login(place_a.pengawas)  # supervisors of the cooperative read it
    page = client.get(url("loans_reconciliation", place_a.cooperative))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "Rekonsiliasi pinjaman" in html and "tidak ada selisih" in html
    assert "Rp17.000.000" in html  # 12 jt + 6 jt lent, 1 jt pokok back


def test_a_difference_is_shown_with_the_loan_to_look_at(client, place_a, loans):
    late, _other = loans
    Loan.objects.filter(pk=late.pk).update(outstanding_principal=11_000_000)
    client.force_login(place_a.bendahara)
    html = client.get(url("loans_reconciliation", place_a.cooperative)).content.decode()
    assert "tidak ada selisih" not in html
    assert late.number in html and "<mark>" in html


def test_the_page_needs_view_loans_and_is_in_the_loans_menu(client, place_a):
    client.force_login(place_a.anggota)
    assert client.get(url("loans_reconciliation", place_a.cooperative)).status_code == 404
    client.force_login(place_a.ketua)
    html = client.get(url("loans", place_a.cooperative)).content.decode()
    assert url("loans_reconciliation", place_a.cooperative) in html


def tiles_of(client, coop) -> dict:
    response = client.get(url("cooperative_home", coop))
    assert response.status_code == 200
    return {tile.key: tile for tile in response.context["tiles"]}


def test_the_beranda_shows_loans_due_today_and_arrears_to_those_who_handle_loans(
    client, place_a, loans
):
    with at(date(2026, 3, 10)):
        client.force_login(place_a.kasir)
        tiles = tiles_of(client, place_a.cooperative)
    due, late = tiles["loans_due"], tiles["loans_arrears"]
    # due today: `late`'s March installment; `other` paid its own this morning
    assert (due.value, due.detail, due.todo) == ("Rp1.120.000", "1 pinjaman", True)
    # in arrears: `late`'s February installment
    assert (late.value, late.detail, late.todo) == ("Rp1.120.000", "1 pinjaman menunggak", True)
    for tile in (due, late):
        name = {"loans_due": "loans_repay", "loans_arrears": "loans_arrears"}[tile.key]
        assert tile.url == url(name, place_a.cooperative)
    with at(date(2026, 3, 10)):
        client.force_login(place_a.ketua)  # manages loans
        assert {"loans_due", "loans_arrears"} <= set(tiles_of(client, place_a.cooperative))
        for who in ("sekretaris", "pengawas", "anggota"):  # read, or nothing: no loan tiles
            client.force_login(place_a.people[who])
            keys = set(tiles_of(client, place_a.cooperative))
            assert not {"loans_due", "loans_arrears"} & keys


def test_without_loans_the_tiles_say_nothing_to_do(client, place_a):
    client.force_login(place_a.bendahara)
    tiles = tiles_of(client, place_a.cooperative)
    assert (tiles["loans_due"].value, tiles["loans_due"].todo) == ("Rp0", False)
    assert tiles["loans_arrears"].todo is False
