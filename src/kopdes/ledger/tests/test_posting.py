from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from kopdes.core.errors import IdempotencyConflict
from kopdes.ledger import services
from kopdes.ledger.errors import (
    AccountNotPostable,
    AlreadyReversed,
    InvalidLine,
    NoPostingRule,
    PeriodClosed,
    UnbalancedEntry,
    UnknownAccount,
)
from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine, Period
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

D = date(2026, 3, 10)


def post(coop, lines, **kw):
    return services.journal_entry_post(
        cooperative=coop,
        date=kw.pop("day", D),
        memo=kw.pop("memo", "Test"),
        lines=lines,
        source_kind="test",
        **kw,
    )


def lines_of(entry):
    return [
        (ln.account.code, ln.debit, ln.credit)
        for ln in entry.lines.select_related("account").order_by("line_no")
    ]


def test_chart_has_template_and_per_unit_accounts(coop_a):
    codes = set(Account.objects.filter(cooperative=coop_a).values_list("code", flat=True))
    assert {
        "1-102",
        "1-103",
        "2-101",
        "3-101",
        "3-102",
        "3-103",
        "3-106",
        "4-102",
        "5-201",
    } <= codes
    assert {
        "1-101-01",
        "1-101-02",
        "1-107-02",
        "4-101-02",
        "4-201-02",
        "5-101-02",
    } <= codes  # kantor, sembako
    assert "1-107-01" not in codes  # the office holds no stock
    assert services.chart_create(cooperative=coop_a) == 0  # idempotent


def test_chart_rows_written_in_bulk_are_whole(coop_a):
    """chart_create writes plain rows (core.bulk): each has its parent, unit, flags, a public id
    and a creation time as the ORM would give them, and the rules' lines read back as JSON;
    a gerai added later gets its accounts under the existing headers and its rules."""
    from uuid import UUID

    from kopdes.cooperatives.services import business_unit_add
    from kopdes.ledger import rules
    from kopdes.ledger.models import PostingRule

    specs = {spec.code: spec for spec in rules.FIXED_ACCOUNTS}
    accounts = Account.objects.filter(cooperative=coop_a).select_related("parent", "business_unit")
    for account in accounts:
        assert isinstance(account.public_id, UUID) and account.created_at is not None
        assert account.is_control == (account.code in rules.SUBLEDGER_CONTROL_ACCOUNTS)
        assert not account.is_closed
        parent = account.code.rsplit("-", 1)[0] if "-" in account.code else None
        assert (account.parent.code if account.parent else None) == parent, account.code
        if account.code in specs:
            spec = specs[account.code]
            assert (account.name, account.kind, account.is_header, account.is_cash) == (
                spec.name,
                spec.kind,
                spec.is_header,
                spec.is_cash,
            )
            assert account.business_unit is None
        else:  # a gerai's own account
            assert account.business_unit is not None and account.parent is not None
    assert len({a.public_id for a in accounts}) == accounts.count()
    rule = PostingRule.objects.get(cooperative=coop_a, event="capital.csr_received", key="")
    assert rule.version == 1 and rule.effective_from == date(2000, 1, 1)
    assert rule.lines and all(isinstance(line, dict) for line in rule.lines)
    assert rule.created_at is not None

    unit = business_unit_add(
        actor=None, cooperative=coop_a, kind="sembako", name="Sembako Dua", code="sembako2"
    )
    added = services.chart_create(cooperative=coop_a)
    own = Account.objects.filter(cooperative=coop_a, business_unit=unit).select_related("parent")
    assert added == own.count() > 0
    assert all(a.parent is not None and a.parent.business_unit_id is None for a in own)
    assert PostingRule.objects.filter(cooperative=coop_a, key__startswith="sembako2").exists()
    assert services.chart_create(cooperative=coop_a) == 0


def test_post_event_csr_capital_exact_lines(coop_a):
    entry = services.post_event(
        cooperative=coop_a,
        event="capital.csr_received",
        amounts={"amount": 100_000_000},
        date=D,
        memo="Modal CSR tahap 1",
    )
    assert lines_of(entry) == [("1-102", 100_000_000, 0), ("3-103", 0, 100_000_000)]
    assert (entry.number, entry.total, entry.source_kind) == (
        1,
        100_000_000,
        "capital.csr_received",
    )


def test_post_event_member_sale_exact_lines(coop_a):
    entry = services.post_event(
        cooperative=coop_a,
        event="sale.cash",
        key="sembako:member",
        amounts={"revenue": 75_000, "cost": 60_000},
        date=D,
        memo="Penjualan beras",
    )
    assert lines_of(entry) == [
        ("1-101-02", 75_000, 0),
        ("4-101-02", 0, 75_000),
        ("5-101-02", 60_000, 0),
        ("1-107-02", 0, 60_000),
    ]
    assert {ln.business_unit.code for ln in entry.lines.all()} == {"sembako"}


def test_numbers_are_gapless_and_chained(coop_a, coop_b):
    first = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    other = post(coop_b, [Line("1-102", debit=10), Line("3-103", credit=10)])
    second = post(coop_a, [Line("1-102", debit=5), Line("3-103", credit=5)])
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert second.prev_hash == first.entry_hash and first.prev_hash == "0" * 64


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([Line("1-102", debit=10), Line("3-103", credit=9)], UnbalancedEntry),
        ([Line("1-102", debit=10)], InvalidLine),
        ([Line("1-102", debit=0), Line("3-103", credit=0)], InvalidLine),
        ([Line("1-102", debit=-5), Line("3-103", credit=-5)], InvalidLine),
        ([Line("1-102", debit=5, credit=5), Line("3-103", credit=5)], InvalidLine),
        ([Line("9-999", debit=5), Line("3-103", credit=5)], UnknownAccount),
        ([Line("1-101", debit=5), Line("3-103", credit=5)], AccountNotPostable),  # a header
    ],
)
def test_refused_entries_save_nothing(coop_a, lines, error):
    with pytest.raises(error):
        post(coop_a, lines)
    assert not JournalEntry.objects.exists() and not AccountMonth.objects.exists()


def test_float_amounts_are_refused(coop_a):
    with pytest.raises(InvalidLine):
        post(coop_a, [Line("1-102", debit=10.0), Line("3-103", credit=10.0)])


def test_other_cooperatives_accounts_are_unknown(coop_a, coop_b):
    Account.objects.filter(cooperative=coop_b, code="1-102").update(
        name="B's bank"
    )  # accounts are per cooperative
    Account.objects.filter(cooperative=coop_a, code="5-209").update(is_closed=True)
    with pytest.raises(AccountNotPostable):
        post(coop_a, [Line("5-209", debit=5), Line("1-102", credit=5)])


def test_idempotency(coop_a):
    first = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], idempotency_key="k-1")
    again = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], idempotency_key="k-1")
    assert again.pk == first.pk and JournalEntry.objects.count() == 1
    with pytest.raises(IdempotencyConflict):
        post(coop_a, [Line("1-102", debit=11), Line("3-103", credit=11)], idempotency_key="k-1")


@pytest.mark.parametrize(
    "change", [{"memo": "Other"}, {"day": date(2026, 3, 11)}, {"source_id": "x"}]
)
def test_same_key_another_request_is_a_conflict(coop_a, change):
    lines = [Line("1-102", debit=10), Line("3-103", credit=10)]
    first = post(coop_a, lines, idempotency_key="k-1")
    with pytest.raises(IdempotencyConflict) as raised:
        post(coop_a, lines, idempotency_key="k-1", **change)
    assert (raised.value.code, raised.value.status) == ("idempotency.key_reused", 409)
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [first.pk]


def test_bulk_skips_done_keys_and_refuses_changed_ones(coop_a):
    def draft(amount, key):
        return services.EntryDraft(
            date=D,
            memo="Bulk",
            lines=[Line("1-102", debit=amount), Line("3-103", credit=amount)],
            source_kind="test",
            idempotency_key=key,
        )

    services.journal_entries_post_bulk(cooperative=coop_a, drafts=[draft(10, "a")])
    again = services.journal_entries_post_bulk(
        cooperative=coop_a, drafts=[draft(10, "a"), draft(20, "b")]
    )
    assert len(again) == 1 and JournalEntry.objects.count() == 2
    with pytest.raises(IdempotencyConflict):
        services.journal_entries_post_bulk(cooperative=coop_a, drafts=[draft(30, "a")])
    assert JournalEntry.objects.count() == 2


def test_closed_period_refuses_and_reopen(coop_a, place_a):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 1, 5))
    for month in (1, 2, 3):
        services.period_close(actor=None, cooperative=coop_a, year=2026, month=month)
    with pytest.raises(PeriodClosed):
        post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 2, 5))
    with pytest.raises(Exception, match="ketua"):
        services.period_reopen(
            actor=place_a.bendahara,
            cooperative=coop_a,
            year=2026,
            month=2,
            reason="x",
        )
    services.period_reopen(
        actor=place_a.ketua,
        cooperative=coop_a,
        year=2026,
        month=2,
        reason="Salah catat",
    )
    assert set(
        Period.objects.filter(cooperative=coop_a, status="open").values_list("month", flat=True)
    ) == {2, 3}
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 2, 5))


def test_reversal(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    reversal = services.journal_entry_reverse(entry=entry, date=D, actor=None)
    assert lines_of(reversal) == [("1-102", 0, 10), ("3-103", 10, 0)]
    assert reversal.reverses == entry
    with pytest.raises(AlreadyReversed):
        services.journal_entry_reverse(entry=entry, date=D, actor=None)
    with pytest.raises(AlreadyReversed):
        services.journal_entry_reverse(entry=reversal, date=D, actor=None)
    month = AccountMonth.objects.get(cooperative=coop_a, account__code="1-102", year=2026, month=3)
    assert (month.debit, month.credit) == (10, 10)


def test_snapshots_follow_postings(coop_a):
    post(coop_a, [Line("1-102", debit=100), Line("3-103", credit=100)])
    post(coop_a, [Line("1-102", debit=50), Line("3-103", credit=50)])
    post(coop_a, [Line("5-201", debit=30), Line("1-102", credit=30)], day=date(2026, 4, 1))
    rows = {
        (m.account.code, m.month): (m.debit, m.credit)
        for m in AccountMonth.objects.filter(cooperative=coop_a).select_related("account")
    }
    assert rows == {
        ("1-102", 3): (150, 0),
        ("3-103", 3): (0, 150),
        ("5-201", 4): (30, 0),
        ("1-102", 4): (0, 30),
    }


def test_no_posting_rule(coop_a):
    with pytest.raises(NoPostingRule):
        services.post_event(
            cooperative=coop_a, event="nothing", amounts={"amount": 1}, date=D, memo="x"
        )


def test_year_end_close_carries_result_to_shu(coop_a):
    services.post_event(
        cooperative=coop_a,
        event="sale.cash",
        key="sembako:member",
        amounts={"revenue": 1_000, "cost": 700},
        date=date(2025, 11, 3),
        memo="Jual",
    )
    services.post_event(
        cooperative=coop_a,
        event="expense.cash",
        key="5-203",
        amounts={"amount": 100},
        date=date(2025, 12, 3),
        memo="Listrik",
    )
    entry = services.year_end_close(actor=None, cooperative=coop_a, year=2025)
    assert sorted(lines_of(entry)) == sorted(
        [("4-101-02", 1_000, 0), ("5-101-02", 0, 700), ("5-203", 0, 100), ("3-106", 0, 200)]
    )
    # Every month from the first entry's (November) through December is closed; the empty
    # months before the cooperative's first entry get no row.
    closed = Period.objects.filter(cooperative=coop_a, year=2025, status="closed")
    assert sorted(closed.values_list("month", flat=True)) == [11, 12]
    assert not Period.objects.filter(cooperative=coop_a, status="open").exists()


@pytest.mark.parametrize("table", ["ledger_journalentry", "ledger_journalline"])
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET cooperative_id = cooperative_id", "DELETE FROM {table}"]
)
def test_raw_sql_cannot_change_posted_rows(coop_a, table, statement):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    assert JournalLine.objects.count() == 2


def test_manual_journal_maker_checker(coop_a, place_a):
    journal = services.manual_journal_draft(
        actor=place_a.bendahara,
        cooperative=coop_a,
        date=D,
        memo="Koreksi kas",
        lines=[{"account": "5-209", "debit": 5_000}, {"account": "1-101-01", "credit": 5_000}],
    )
    assert not JournalEntry.objects.exists()
    with pytest.raises(Exception, match="maker"):
        services.manual_journal_decide(actor=place_a.bendahara, journal=journal, approve=True)
    decided = services.manual_journal_decide(actor=place_a.ketua, journal=journal, approve=True)
    assert decided.status == "posted" and lines_of(decided.entry) == [
        ("5-209", 5_000, 0),
        ("1-101-01", 0, 5_000),
    ]
    with pytest.raises(UnbalancedEntry):
        services.manual_journal_draft(
            actor=place_a.bendahara,
            cooperative=coop_a,
            date=D,
            memo="x",
            lines=[{"account": "5-209", "debit": 5}, {"account": "1-101-01", "credit": 4}],
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's deferred constraint trigger"
)
def test_postgres_refuses_an_unbalanced_entry_at_commit(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    account = Account.objects.get(cooperative=coop_a, code="1-102")
    with (
        pytest.raises(DatabaseError, match="balanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_journalline (public_id, cooperative_id, entry_id, line_no, account_id, debit, credit,"
            " subledger_kind, subledger_id, date) VALUES (gen_random_uuid(), %s, %s, 3, %s, 5, 0, '', '', %s)",
            [coop_a.pk, entry.pk, account.pk, D],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_close_through_closes_every_open_month_in_one_go(coop_a):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2025, 11, 5))
    services.period_close(actor=None, cooperative=coop_a, year=2025, month=11)
    assert services.period_close_through(actor=None, cooperative=coop_a, year=2026, month=3) == 4
    closed = set(
        Period.objects.filter(cooperative=coop_a, status="closed").values_list("year", "month")
    )
    assert closed == {(2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)}
    assert services.period_close_through(actor=None, cooperative=coop_a, year=2026, month=3) == 0
    with pytest.raises(PeriodClosed):
        post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 3, 31))
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 4, 1))


def test_a_posting_records_the_pinned_posting_time(coop_a):
    """The demo books a day as it happened and posts it with the import (core.clock)."""
    from datetime import UTC, date, datetime

    from kopdes.core import clock
    from kopdes.ledger.services import Line, journal_entry_post

    cooperative = coop_a
    opening = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    with clock.posted_as_of(opening), clock.as_of(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)):
        entry = journal_entry_post(
            cooperative=cooperative,
            date=clock.today(),
            memo="Uji",
            lines=[Line("1-102", debit=1_000), Line("3-103", credit=1_000)],
            source_kind="manual",
        )
    assert entry.posted_at == opening
    assert entry.date == date(2026, 3, 2)
