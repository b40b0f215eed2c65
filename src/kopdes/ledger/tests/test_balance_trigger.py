"""PostgreSQL's balance check (ledger migration 0011): each entry checked once per transaction,
from a queue filled by a statement-level trigger, with the guarantee of 0002 (an unbalanced
entry never commits, raw SQL included). `SET CONSTRAINTS ALL IMMEDIATE` runs the deferred check
inside the test's transaction, as a commit would."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from kopdes.ledger import services
from kopdes.ledger.models import Account, JournalLine
from kopdes.ledger.services import Line

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers"),
]

D = date(2026, 3, 10)
LINE_SQL = (
    "INSERT INTO ledger_journalline (public_id, cooperative_id, entry_id, line_no, account_id,"
    " debit, credit, subledger_kind, subledger_id, date) VALUES {}"
)
ROW = "(gen_random_uuid(), %s, %s, %s, %s, %s, %s, '', '', %s)"


def post(coop, lines):
    return services.journal_entry_post(
        cooperative=coop, date=D, memo="Test", lines=lines, source_kind="test"
    )


def raw_lines(cursor, coop, entry, rows):
    """Insert lines (line_no, account code, debit, credit) in ONE statement."""
    accounts = dict(Account.objects.filter(cooperative=coop).values_list("code", "pk"))
    params = []
    for line_no, code, debit, credit in rows:
        params += [coop.pk, entry.pk, line_no, accounts[code], debit, credit, D]
    cursor.execute(LINE_SQL.format(", ".join([ROW] * len(rows))), params)


def queued(cursor):
    cursor.execute("SELECT entry_id FROM ledger_entry_balance_pending ORDER BY entry_id")
    return [row[0] for row in cursor.fetchall()]


def test_a_large_entry_in_several_statements_is_checked_once_and_passes(coop_a):
    lines = [Line("1-102", debit=7) for _ in range(2500)] + [Line("3-103", credit=17_500)]
    entry = services.journal_entry_post(
        cooperative=coop_a, date=D, memo="Besar", lines=lines, source_kind="test"
    )
    with connection.cursor() as cursor:
        assert queued(cursor) == [entry.pk]  # three INSERT statements, one queue row
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert queued(cursor) == []
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert JournalLine.objects.filter(entry=entry).count() == 2501


def test_lines_that_unbalance_an_entry_over_two_statements_are_refused(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with (
        pytest.raises(DatabaseError, match="ledger_journalentry_balanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        raw_lines(cursor, coop_a, entry, [(3, "1-102", 5, 0)])
        raw_lines(cursor, coop_a, entry, [(4, "3-103", 0, 4)])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_balanced_lines_added_in_two_statements_pass(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The entry's total is 10: more lines that balance each other still break the total.
    with (
        pytest.raises(DatabaseError, match="total 10"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        raw_lines(cursor, coop_a, entry, [(3, "1-102", 5, 0)])
        raw_lines(cursor, coop_a, entry, [(4, "3-103", 0, 5)])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_line_added_after_an_immediate_check_is_checked_again(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with (
        pytest.raises(DatabaseError, match="ledger_journalentry_balanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the entry passes and leaves the queue
        assert queued(cursor) == []
        raw_lines(cursor, coop_a, entry, [(3, "1-102", 5, 0)])
        assert queued(cursor) == [entry.pk]


def test_emptying_the_queue_by_hand_does_not_skip_the_check(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with (
        pytest.raises(DatabaseError, match="ledger_journalentry_balanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        raw_lines(cursor, coop_a, entry, [(3, "1-102", 5, 0)])
        cursor.execute("DELETE FROM ledger_entry_balance_pending")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_one_statement_over_many_entries_checks_each(coop_a):
    first = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    second = post(coop_a, [Line("1-102", debit=20), Line("3-103", credit=20)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with (
        pytest.raises(DatabaseError, match="ledger_journalentry_balanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        accounts = dict(Account.objects.filter(cooperative=coop_a).values_list("code", "pk"))
        cursor.execute(
            LINE_SQL.format(", ".join([ROW] * 4)),
            [
                *(coop_a.pk, first.pk, 3, accounts["1-102"], 3, 0, D),
                *(coop_a.pk, second.pk, 3, accounts["1-102"], 1, 0, D),
                *(coop_a.pk, first.pk, 4, accounts["3-103"], 0, 3, D),
                *(coop_a.pk, second.pk, 4, accounts["3-103"], 0, 1, D),
            ],
        )
        assert queued(cursor) == sorted([first.pk, second.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
