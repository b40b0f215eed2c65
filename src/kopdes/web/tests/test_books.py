"""The books pages: chart of accounts, journal, manual journals, periods, posting rules."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kopdes.ledger import services
from kopdes.ledger.errors import (
    AccountInUse,
    AlreadyReversed,
    ApprovalRefused,
    ControlAccount,
    FutureDate,
    PeriodClosed,
    SubledgerEntry,
    TooManyLines,
)
from kopdes.ledger.models import Account, JournalEntry, ManualJournal, Period, PostingRule
from kopdes.ledger.services import EntryDraft, Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
PAGES = ["accounts", "journal", "manual_journals", "periods", "posting_rules"]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 5, 15, 10, 0, tzinfo=JAKARTA), tick=False):
        yield


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def post_entry(coop, *, day=date(2026, 3, 10), amount=1_000_000, memo="Modal CSR"):
    return services.journal_entry_post(
        cooperative=coop,
        date=day,
        memo=memo,
        lines=[Line("1-102", debit=amount), Line("3-103", credit=amount)],
        source_kind="capital.csr_received",
    )


def lines_of(entry):
    return [
        (ln.account.code, ln.debit, ln.credit)
        for ln in entry.lines.select_related("account").order_by("line_no")
    ]


def shows(response, error) -> bool:
    """The page carries the service's message (HTML-escaped, in the request's language)."""
    return escape(error.render()) in response.content.decode()


# -- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["bendahara", "ketua", "manajer", "pengawas", "kepala_desa"])
def test_officers_with_the_books_read_every_page(client, place_a, name, who):
    client.force_login(place_a.people[who])
    assert client.get(url(name, place_a.cooperative)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_supervisors_read_every_page(client, place_a, dinas, kejaksaan, name):
    for person in (dinas, kejaksaan):
        client.force_login(person)
        assert client.get(url(name, place_a.cooperative)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["kasir", "anggota"])
def test_kasir_and_anggota_get_404(client, place_a, name, who):
    client.force_login(place_a.people[who])
    assert client.get(url(name, place_a.cooperative)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_cross_tenant_pages_are_404(
    client, cross_tenant, place_a, coop_b, camat_balaraja, csr_a, outsider, name
):
    for person in (place_a.ketua, place_a.bendahara, camat_balaraja, csr_a, outsider):
        cross_tenant(client, person, url(name, coop_b))


def test_entry_page_by_role(client, place_a, dinas):
    coop = place_a.cooperative
    entry = post_entry(coop)
    target = url("journal_entry", coop, entry.public_id)
    for person, status in [
        (place_a.ketua, 200),
        (place_a.pengawas, 200),
        (dinas, 200),
        (place_a.kasir, 404),
        (place_a.anggota, 404),
    ]:
        client.force_login(person)
        assert client.get(target).status_code == status
    client.force_login(place_a.kasir)
    reverse_url = url("journal_reverse", coop, entry.public_id)
    assert client.post(reverse_url, {"date": "2026-05-01"}).status_code == 404
    assert not JournalEntry.objects.filter(reverses=entry).exists()


def test_anonymous_is_sent_to_login(client, coop_a):
    response = client.get(url("journal", coop_a))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_entry_page_cross_tenant(client, cross_tenant, place_a, place_b):
    mine = post_entry(place_a.cooperative)
    theirs = post_entry(place_b.cooperative)
    client.force_login(place_a.bendahara)
    assert client.get(url("journal_entry", place_a.cooperative, mine.public_id)).status_code == 200
    # coop B's entry under coop A's URL, and under coop B's URL, by a coop A officer
    cross_tenant(
        client, place_a.bendahara, url("journal_entry", place_a.cooperative, theirs.public_id)
    )
    cross_tenant(
        client, place_a.bendahara, url("journal_entry", place_b.cooperative, theirs.public_id)
    )
    # and no reversing it either way
    for coop in (place_a.cooperative, place_b.cooperative):
        cross_tenant(
            client,
            place_a.bendahara,
            url("journal_reverse", coop, theirs.public_id),
            method="post",
            data={"date": "2026-05-01"},
        )
    assert not JournalEntry.objects.filter(reverses=theirs).exists()


def test_actions_cross_tenant(client, cross_tenant, place_a, place_b):
    coop_b = place_b.cooperative
    account = Account.objects.get(cooperative=coop_b, code="5-209")
    journal = services.manual_journal_draft(
        actor=place_b.bendahara,
        cooperative=coop_b,
        date=date(2026, 5, 2),
        memo="Sewa",
        lines=[
            {"account": "5-202", "debit": 300_000, "credit": 0},
            {"account": "1-102", "debit": 0, "credit": 300_000},
        ],
    )
    post_entry(coop_b)
    for person in (place_a.bendahara, place_a.ketua):
        for target in (
            url("account_close", coop_b, account.public_id),
            url("account_remove", coop_b, account.public_id),
            url("account_close", place_a.cooperative, account.public_id),
            url("manual_journal_decide", coop_b, journal.public_id),
            url("manual_journal_decide", place_a.cooperative, journal.public_id),
            url("period_close", coop_b),
            url("period_reopen", coop_b),
            url("year_end_close", coop_b),
            url("posting_rules", coop_b),
            url("manual_journals", coop_b),
            url("accounts", coop_b),
        ):
            cross_tenant(
                client,
                person,
                target,
                method="post",
                data={"decision": "approve", "year": "2026", "month": "3", "reason": "x"},
            )
    account.refresh_from_db()
    journal.refresh_from_db()
    assert not account.is_closed and journal.status == ManualJournal.Status.PENDING
    assert not Period.objects.filter(cooperative=coop_b).exists()


def test_readers_cannot_write(client, place_a, dinas):
    coop = place_a.cooperative
    post_entry(coop)
    for person in (dinas, place_a.pengawas):
        client.force_login(person)
        assert client.post(url("accounts", coop), {"code": "5-210"}).status_code == 404
        assert client.post(url("manual_journals", coop), {"memo": "x"}).status_code == 404
        assert client.post(url("posting_rules", coop), {"event": "x"}).status_code == 404
        data = {"year": "2026", "month": "3"}
        assert client.post(url("period_close", coop), data).status_code == 404
    assert not Period.objects.filter(cooperative=coop).exists()
    client.force_login(dinas)
    page = client.get(url("accounts", coop)).content.decode()
    assert "account_close" not in page and "/tutup/" not in page


# -- chart of accounts ------------------------------------------------------------------------


def test_chart_shows_the_tree_with_balances(client, place_a):
    coop = place_a.cooperative
    post_entry(coop, amount=1_500_000)
    client.force_login(place_a.pengawas)
    response = client.get(url("accounts", coop))
    rows = {row.account.code: row for row in response.context["rows"]}
    assert rows["1-102"].balance == 1_500_000 and rows["1"].balance == 1_500_000
    assert "Rp1.500.000" in response.content.decode()


def test_add_close_and_remove_accounts(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("accounts", coop),
        {"parent_code": "5", "code": "5-210", "name": "Beban keamanan", "cash_flow": "operating"},
    )
    assert response.status_code == 302
    added = Account.objects.get(cooperative=coop, code="5-210")
    assert (added.kind, added.parent.code) == ("expense", "5")

    response = client.post(
        url("accounts", coop),
        {"parent_code": "5", "code": "5-210", "name": "Lagi", "cash_flow": "operating"},
    )
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert Account.objects.filter(cooperative=coop, code="5-210").count() == 1

    assert client.post(url("account_close", coop, added.public_id)).status_code == 302
    added.refresh_from_db()
    assert added.is_closed

    assert client.post(url("account_remove", coop, added.public_id)).status_code == 302
    assert not Account.objects.filter(cooperative=coop, code="5-210").exists()


def test_removing_a_used_account_is_refused(client, place_a):
    coop = place_a.cooperative
    post_entry(coop)
    used = Account.objects.get(cooperative=coop, code="3-103")
    client.force_login(place_a.manajer)
    response = client.post(url("account_remove", coop, used.public_id))
    assert response.status_code == 400
    assert shows(response, AccountInUse(code="3-103"))
    assert Account.objects.filter(pk=used.pk).exists()


# -- journal ----------------------------------------------------------------------------------


def test_journal_filters_and_pagination(client, place_a):
    coop = place_a.cooperative
    drafts = [
        EntryDraft(
            date=date(2026, 3, 1 + i % 28),
            memo=f"Setoran {i}",
            lines=[Line("1-102", debit=1_000 + i), Line("3-103", credit=1_000 + i)],
            source_kind="test",
        )
        for i in range(55)
    ]
    services.journal_entries_post_bulk(cooperative=coop, drafts=drafts)
    post_entry(coop, day=date(2026, 4, 5), memo="Modal CSR tahap 2")
    client.force_login(place_a.kepala_desa)
    first = client.get(url("journal", coop))
    assert [e.number for e in first.context["page"]][:2] == [56, 55]
    assert len(first.context["page"]) == 50
    second = client.get(url("journal", coop), {"page": 2})
    assert [e.number for e in second.context["page"]] == [6, 5, 4, 3, 2, 1]
    found = client.get(url("journal", coop), {"q": "tahap", "account": "3-103"})
    assert [e.memo for e in found.context["page"]] == ["Modal CSR tahap 2"]
    april = client.get(url("journal", coop), {"date_from": "2026-04-01", "source": "test"})
    assert list(april.context["page"]) == []
    bad = client.get(url("journal", coop), {"date_from": "kemarin"})
    assert bad.status_code == 400 and bad.context["form"].errors["date_from"]


def test_entry_detail(client, place_a):
    coop = place_a.cooperative
    entry = post_entry(coop, amount=2_500_000)
    client.force_login(place_a.pengawas)
    response = client.get(url("journal_entry", coop, entry.public_id))
    page = response.content.decode()
    assert "JU-000001" in page and entry.entry_hash[:12] in page and entry.prev_hash[:12] in page
    assert "Rp2.500.000" in page and "3-103" in page
    local = entry.posted_at.astimezone(JAKARTA)
    assert local.strftime("%H:%M:%S") in page
    assert response.context["form"] is None  # the pengawas reads, does not reverse


def test_reversal_through_the_page(client, place_a):
    coop = place_a.cooperative
    entry = post_entry(coop, amount=750_000)
    client.force_login(place_a.bendahara)
    response = client.post(
        url("journal_reverse", coop, entry.public_id),
        {"date": "2026-05-02", "memo": "Salah akun"},
    )
    reversal = JournalEntry.objects.get(cooperative=coop, reverses=entry)
    assert response["Location"] == url("journal_entry", coop, reversal.public_id)
    assert lines_of(reversal) == [("1-102", 0, 750_000), ("3-103", 750_000, 0)]
    assert (reversal.date, reversal.memo) == (date(2026, 5, 2), "Salah akun")
    page = client.get(url("journal_entry", coop, entry.public_id)).content.decode()
    assert str(reversal) in page  # "reversed by"
    again = client.post(url("journal_reverse", coop, entry.public_id), {"date": "2026-05-02"})
    assert again.status_code == 400
    assert shows(again, AlreadyReversed(number=str(entry)))
    assert JournalEntry.objects.filter(cooperative=coop).count() == 2


def test_reversal_into_a_closed_period_is_refused(client, place_a):
    coop = place_a.cooperative
    entry = post_entry(coop)
    services.period_close(actor=None, cooperative=coop, year=2026, month=3)
    client.force_login(place_a.bendahara)
    response = client.post(url("journal_reverse", coop, entry.public_id), {"date": "2026-03-31"})
    assert response.status_code == 400
    assert shows(response, PeriodClosed(period="2026-03"))
    assert JournalEntry.objects.filter(cooperative=coop).count() == 1


# -- manual journals --------------------------------------------------------------------------


def journal_form(*rows, day="2026-05-04", memo="Bayar sewa kios"):
    data = {"date": day, "memo": memo}
    for i, (account, debit, credit) in enumerate(rows):
        data[f"line-{i}-account"] = account
        data[f"line-{i}-debit"] = debit
        data[f"line-{i}-credit"] = credit
    return data


def test_draft_and_approve_manual_journal_exact_lines(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("manual_journals", coop),
        journal_form(
            ("5-202", "1.500.000", ""),
            ("5-203", "Rp250.000", ""),
            ("1-102", "", "1.750.000"),
            ("", "", ""),  # a blank row is skipped
        ),
    )
    assert response.status_code == 302
    journal = ManualJournal.objects.get(cooperative=coop)
    assert journal.lines == [
        {"account": "5-202", "debit": 1_500_000, "credit": 0},
        {"account": "5-203", "debit": 250_000, "credit": 0},
        {"account": "1-102", "debit": 0, "credit": 1_750_000},
    ]
    assert not JournalEntry.objects.filter(cooperative=coop).exists()  # nothing posts yet

    # the maker cannot approve their own journal
    own = client.post(
        url("manual_journal_decide", coop, journal.public_id), {"decision": "approve"}
    )
    assert own.status_code == 400 and shows(own, ApprovalRefused())
    journal.refresh_from_db()
    assert journal.status == ManualJournal.Status.PENDING

    client.force_login(place_a.ketua)
    page = client.get(url("manual_journals", coop))
    assert [j.may_decide for j in page.context["pending"]] == [True]
    done = client.post(
        url("manual_journal_decide", coop, journal.public_id), {"decision": "approve"}
    )
    assert done.status_code == 302
    journal.refresh_from_db()
    assert journal.status == ManualJournal.Status.POSTED
    assert journal.checker_label == str(place_a.ketua)
    assert lines_of(journal.entry) == [
        ("5-202", 1_500_000, 0),
        ("5-203", 250_000, 0),
        ("1-102", 0, 1_750_000),
    ]
    assert (journal.entry.date, journal.entry.source_kind) == (date(2026, 5, 4), "manual")


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ((("5-202", "1.500.000", ""), ("1-102", "", "1.000.000")), "form"),  # unbalanced
        ((("9-999", "1.000", ""), ("1-102", "", "1.000")), "line"),  # unknown account
        ((("1-101", "1.000", ""), ("1-102", "", "1.000")), "line"),  # a header
        ((("5-202", "1.000", "1.000"), ("1-102", "", "1.000")), "line"),  # both sides
        ((("5-202", "1,5 juta", ""), ("1-102", "", "1.000")), "line"),  # not an amount
        ((("5-202", "1.000", ""), ("", "", "")), "form"),  # one line only
        ((("", "1.000", ""), ("1-102", "", "1.000")), "line"),  # amount without account
    ],
)
def test_bad_manual_journal_saves_nothing(client, place_a, rows, where):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(url("manual_journals", coop), journal_form(*rows))
    assert response.status_code == 400
    if where == "form":
        assert response.context["form"].non_field_errors()
    else:
        assert any(line.errors for line in response.context["lines"])
        assert response.context["line_errors"]
    assert not ManualJournal.objects.filter(cooperative=coop).exists()


def test_manual_journal_in_a_closed_period_is_refused(client, place_a):
    coop = place_a.cooperative
    services.period_close(actor=None, cooperative=coop, year=2026, month=3)
    client.force_login(place_a.bendahara)
    response = client.post(
        url("manual_journals", coop),
        journal_form(("5-202", "1.000", ""), ("1-102", "", "1.000"), day="2026-03-20"),
    )
    assert response.status_code == 400 and shows(response, PeriodClosed(period="2026-03"))
    assert not ManualJournal.objects.filter(cooperative=coop).exists()


def test_a_61st_line_is_refused_not_dropped(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    rows = [("5-202", "1.000", "")] * 60 + [("1-102", "", "60.000")]
    response = client.post(url("manual_journals", coop), journal_form(*rows))
    assert response.status_code == 400
    assert shows(response, TooManyLines(limit=60, count=61))
    assert not ManualJournal.objects.filter(cooperative=coop).exists()


def test_manual_journal_to_a_control_account_or_the_future_is_refused(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("manual_journals", coop), journal_form(("1-102", "1.000", ""), ("2-101", "", "1.000"))
    )
    assert response.status_code == 400 and shows(response, ControlAccount(codes="2-101"))
    response = client.post(
        url("manual_journals", coop),
        journal_form(("5-202", "1.000", ""), ("1-102", "", "1.000"), day="2099-01-01"),
    )
    assert response.status_code == 400
    assert shows(response, FutureDate(today=timezone.localdate().isoformat()))
    assert not ManualJournal.objects.filter(cooperative=coop).exists()


def test_the_journal_page_refuses_to_reverse_a_savings_entry(client, place_a):
    coop = place_a.cooperative
    entry = services.journal_entry_post(
        cooperative=coop,
        date=date(2026, 3, 10),
        memo="Setoran sukarela",
        lines=[
            Line("1-101-01", debit=50_000),
            Line("2-101", credit=50_000, subledger_kind="savings", subledger_id="acc-1"),
        ],
        source_kind="savings.deposit",
    )
    client.force_login(place_a.bendahara)
    response = client.post(url("journal_reverse", coop, entry.public_id), {"date": "2026-03-31"})
    assert response.status_code == 400
    assert shows(response, SubledgerEntry(number=str(entry), kind="savings"))
    assert JournalEntry.objects.filter(cooperative=coop).count() == 1


def test_reject_needs_a_reason(client, place_a):
    coop = place_a.cooperative
    journal = services.manual_journal_draft(
        actor=place_a.bendahara,
        cooperative=coop,
        date=date(2026, 5, 2),
        memo="Sewa",
        lines=[
            {"account": "5-202", "debit": 300_000, "credit": 0},
            {"account": "1-102", "debit": 0, "credit": 300_000},
        ],
    )
    client.force_login(place_a.manajer)
    target = url("manual_journal_decide", coop, journal.public_id)
    response = client.post(target, {"decision": "reject", "reason": " "})
    assert response.status_code == 400
    journal.refresh_from_db()
    assert journal.status == ManualJournal.Status.PENDING
    assert client.post(target, {"decision": "reject", "reason": "Bukti kurang"}).status_code == 302
    journal.refresh_from_db()
    assert (journal.status, journal.reason) == (ManualJournal.Status.REJECTED, "Bukti kurang")
    assert not JournalEntry.objects.filter(cooperative=coop).exists()
    client.force_login(place_a.pengawas)  # reads the books, does not approve
    assert client.post(target, {"decision": "approve"}).status_code == 404


def test_adding_a_line(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    partial = client.get(url("manual_journal_line", coop), {"n": 4}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'name="line-4-account"' in html and "n=5" in html and 'hx-swap-oob="true"' in html
    # without JavaScript: the same form back with one more row, nothing saved
    data = journal_form(("5-202", "1.000", ""), ("1-102", "", "1.000"))
    response = client.post(url("manual_journals", coop), {**data, "add_line": "1"})
    assert response.status_code == 200 and len(response.context["lines"]) == 3
    assert 'value="1.000"' in response.content.decode()
    assert not ManualJournal.objects.filter(cooperative=coop).exists()
    client.force_login(place_a.pengawas)
    assert client.get(url("manual_journal_line", coop)).status_code == 404


# -- periods ----------------------------------------------------------------------------------


def test_close_and_reopen_a_month(client, place_a, dinas):
    coop = place_a.cooperative
    post_entry(coop)
    client.force_login(place_a.bendahara)
    response = client.post(url("period_close", coop), {"year": "2026", "month": "3"})
    assert response.status_code == 302
    assert Period.objects.get(cooperative=coop, year=2026, month=3).status == "closed"
    current = client.post(url("period_close", coop), {"year": "2026", "month": "5"})
    assert current.status_code == 400 and current.context["failed"].errors
    assert not Period.objects.filter(cooperative=coop, month=5).exists()

    # only the ketua reopens
    data = {"year": "2026", "month": "3", "reason": "Koreksi persediaan"}
    assert client.post(url("period_reopen", coop), data).status_code == 404
    client.force_login(place_a.ketua)
    no_reason = client.post(url("period_reopen", coop), {**data, "reason": ""})
    assert no_reason.status_code == 400 and no_reason.context["failed"].errors["reason"]
    assert Period.objects.get(cooperative=coop, year=2026, month=3).status == "closed"
    assert client.post(url("period_reopen", coop), data).status_code == 302
    assert Period.objects.get(cooperative=coop, year=2026, month=3).status == "open"

    for person in (place_a.pengawas, dinas):
        client.force_login(person)
        page = client.get(url("periods", coop), {"tahun": 2026})
        assert "Koreksi persediaan" in page.content.decode()
        assert [e.reason for e in page.context["history"]] == ["Koreksi persediaan"]


def test_year_end_close(client, place_a):
    coop = place_a.cooperative
    services.journal_entry_post(
        cooperative=coop,
        date=date(2026, 6, 1),
        memo="Jasa administrasi",
        lines=[Line("1-102", debit=400_000), Line("4-301", credit=400_000)],
        source_kind="test",
    )
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=JAKARTA), tick=False):
        client.force_login(place_a.bendahara)
        unconfirmed = client.post(url("year_end_close", coop), {"year": "2026"})
        assert unconfirmed.status_code == 400
        assert not Period.objects.filter(cooperative=coop).exists()
        response = client.post(url("year_end_close", coop), {"year": "2026", "confirm": "on"})
        assert response.status_code == 302
    entry = JournalEntry.objects.get(cooperative=coop, source_kind="year_end")
    assert lines_of(entry) == [("4-301", 400_000, 0), ("3-106", 0, 400_000)]
    # Closed from the month of the first entry (June) through December; nothing before it.
    closed = Period.objects.filter(cooperative=coop, year=2026, status="closed")
    assert sorted(closed.values_list("month", flat=True)) == list(range(6, 13))
    assert Period.objects.filter(cooperative=coop).count() == 7


# -- posting rules ----------------------------------------------------------------------------


def test_new_posting_rule_version(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    prefilled = client.get(url("posting_rules", coop), {"event": "capital.csr_received", "key": ""})
    assert "3-103" in prefilled.context["form"].initial["lines"]
    response = client.post(
        url("posting_rules", coop),
        {
            "event": "capital.csr_received",
            "key": "",
            "effective_from": "2026-06-01",
            "description": "Modal CSR ke kas kantor",
            "lines": '[{"amount": "amount", "debit": "1-101-01", "credit": "3-103"}]',
        },
    )
    assert response.status_code == 302
    rule = PostingRule.objects.filter(cooperative=coop, event="capital.csr_received").latest(
        "version"
    )
    assert (rule.version, rule.effective_from) == (2, date(2026, 6, 1))
    assert rule.lines == [{"amount": "amount", "debit": "1-101-01", "credit": "3-103"}]


@pytest.mark.parametrize(
    "lines",
    [
        "not json",
        '{"amount": "amount"}',
        '[{"amount": "amount", "debit": "9-999", "credit": "3-103"}]',
        '[{"amount": "amount", "debit": "1-101", "credit": "3-103"}]',  # a header
    ],
)
def test_bad_posting_rule_saves_nothing(client, place_a, lines):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    before = PostingRule.objects.filter(cooperative=coop).count()
    response = client.post(
        url("posting_rules", coop),
        {"event": "capital.csr_received", "effective_from": "2026-06-01", "lines": lines},
    )
    assert response.status_code == 400 and response.context["form"].errors
    assert PostingRule.objects.filter(cooperative=coop).count() == before
