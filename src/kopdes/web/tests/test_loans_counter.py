"""The loans counter (issue 11, items 5 and 7): repayments with the member picked as at the
savings counter, what is due shown before saving, a confirmation step, an idempotent save, the
receipt; early payoff with its quote; restructure requests and decisions by two people."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kopdes.loans.models import Loan, LoanRestructure, LoanTransaction
from kopdes.loans.tests.repay_factories import make_active_loan
from kopdes.members.models import Member
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

DAY = "2026-02-12"


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


@pytest.fixture
def member(coop_a):
    m = make_member(coop_a, name="Siti Aminah")
    Member.objects.filter(pk=m.pk).update(phone="+6281234567890")
    m.refresh_from_db()
    return m


@pytest.fixture
def loan(place_a, member):
    # 1,200,000 over 4 months, flat 12%: 312,000 due on the 10th of Feb, Mar, Apr, May 2026.
    return make_active_loan(place_a, member, principal=1_200_000, months=4, start=date(2026, 1, 10))


def form_data(member, loan, amount="312.000", **extra):
    return {
        "member": member.niak,
        "loan": str(loan.public_id),
        "amount": amount,
        "channel": "cash",
        "on": DAY,
        "idempotency_key": "key-1",
        **extra,
    }


def test_the_member_their_loans_and_what_is_due_before_saving(client, place_a, member, loan):
    client.force_login(place_a.kasir)
    page = client.get(url("loans_repay", place_a.cooperative), {"member": member.public_id})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Siti Aminah" in body and loan.number in body
    assert "+62812****7890" in body and "+6281234567890" not in body  # the phone, masked
    assert 'class="due-total"' in body  # what is due today, with denda, jasa and pokok
    assert f'value="{loan.public_id}" selected' in body  # the only loan, chosen


def test_search_links_back_to_the_loans_counter(client, place_a, member):
    client.force_login(place_a.kasir)
    found = client.get(
        url("savings_member_search", place_a.cooperative),
        {"q": "amin", "for": "loan_repay"},
        headers={"HX-Request": "true"},
    )
    assert url("loans_repay", place_a.cooperative) + f"?member={member.public_id}" in (
        found.content.decode()
    )


def test_confirm_then_one_save_however_often_it_is_sent(client, place_a, member, loan):
    client.force_login(place_a.kasir)
    target = url("loans_repay", place_a.cooperative)
    summary = client.post(target, form_data(member, loan))
    body = summary.content.decode()
    assert summary.status_code == 200 and 'id="confirm-title"' in body
    assert "Rp12.000" in body and "Rp300.000" in body  # the split: jasa then pokok
    assert not LoanTransaction.objects.filter(kind="repayment").exists()
    saved = client.post(target, {**form_data(member, loan), "confirm": "1"})
    again = client.post(target, {**form_data(member, loan), "confirm": "1"})
    txn = LoanTransaction.objects.get(kind="repayment")
    receipt = url("loans_receipt", place_a.cooperative, txn.public_id)
    assert saved.status_code == again.status_code == 302 and saved["Location"] == receipt
    page = client.get(receipt).content.decode()
    assert "KWP-000001" in page and "tiga ratus dua belas ribu rupiah" in page
    assert "https://wa.me/6281234567890?text=" in page
    assert "Sisa pokok pinjaman: Rp900.000" in page
    assert page.count("Rp900.000") >= 2  # on the slip too
    assert Loan.objects.get(pk=loan.pk).outstanding_principal == 900_000


def test_an_overpayment_is_refused_on_the_form(client, place_a, member, loan):
    client.force_login(place_a.kasir)
    refused = client.post(
        url("loans_repay", place_a.cooperative), form_data(member, loan, amount="5.000.000")
    )
    assert refused.status_code == 400
    assert "early payoff" in refused.content.decode() or "pelunasan" in refused.content.decode()
    assert not LoanTransaction.objects.filter(kind="repayment").exists()


def test_payoff_page_shows_the_quote_then_closes_the_loan(client, place_a, member, loan):
    client.force_login(place_a.kasir)
    target = url("loans_payoff", place_a.cooperative, loan.public_id)
    page = client.get(target, {"on": DAY})
    body = page.content.decode()
    # On 12 Feb: pokok 1,200,000, jasa of installment 1 (due) and 2 (the current month).
    assert page.status_code == 200 and "Rp1.224.000" in body
    data = {"channel": "cash", "on": DAY, "quoted_total": "1224000", "idempotency_key": "p-1"}
    stale = client.post(target, {**data, "quoted_total": "1000"})
    assert stale.status_code == 400 and not LoanTransaction.objects.filter(kind="payoff").exists()
    done = client.post(target, data)
    txn = LoanTransaction.objects.get(kind="payoff")
    assert done.status_code == 302 and txn.amount == 1_224_000
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.PAID


def test_restructure_asked_by_one_decided_by_another(client, place_a, loan):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    asked = client.post(
        url("loans_restructure_request", coop, loan.public_id),
        {"months": "6", "annual_rate": "9", "grace_months": "0", "reason": "Gagal panen"},
    )
    request = LoanRestructure.objects.get()
    decide = url("loans_restructure_decide", coop, request.public_id)
    assert asked.status_code == 302 and asked["Location"] == decide
    listed = client.get(url("loans_restructures", coop)).content.decode()
    assert loan.number in listed
    # the one who asked cannot decide: the form shows the refusal, nothing changes
    own = client.post(decide, {"decision": "approve", "reason": "ok"})
    assert own.status_code == 400
    assert LoanRestructure.objects.get().status == LoanRestructure.Status.PENDING
    client.force_login(place_a.ketua)
    page = client.get(decide).content.decode()
    assert "Gagal panen" in page and "Rp200.000" in page  # the new schedule's pokok
    done = client.post(decide, {"decision": "approve", "reason": "Rapat pengurus"})
    assert done.status_code == 302
    loan.refresh_from_db()
    assert loan.restructured_count == 1 and loan.annual_rate == Decimal("9")


def test_the_kasir_cannot_restructure_and_others_see_404(client, place_a, place_b, loan):
    client.force_login(place_a.kasir)
    assert (
        client.get(
            url("loans_restructure_request", place_a.cooperative, loan.public_id)
        ).status_code
        == 404
    )
    client.force_login(place_b.kasir)
    assert client.get(url("loans_payoff", place_b.cooperative, loan.public_id)).status_code == 404
    assert client.get(url("loans_payoff", place_a.cooperative, loan.public_id)).status_code == 404


def test_the_counter_menu_offers_the_repayment_to_the_kasir_only(client, place_a):
    target = url("loans_repay", place_a.cooperative)
    client.force_login(place_a.kasir)
    assert (
        f'href="{target}"'
        in client.get(url("savings_deposit", place_a.cooperative)).content.decode()
    )
    client.force_login(place_a.pengawas)
    assert (
        f'href="{target}"'
        not in client.get(url("savings_bills", place_a.cooperative)).content.decode()
    )
