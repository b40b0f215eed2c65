"""Money integrity and honest error codes: what an outside probe tried against the ledger."""

import uuid
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from kopdes.core.money import AMOUNT_MAX
from kopdes.ledger import rules, services
from kopdes.ledger.errors import (
    AmountTooLarge,
    ControlAccount,
    FutureDate,
    InvalidAccount,
    InvalidMemo,
    InvalidMonth,
    JournalAlreadyDecided,
    JournalNotAllowed,
    PeriodNotClosed,
    PeriodNotEnded,
    PeriodOutOfOrder,
    ReopenNotAllowed,
    ReopenReasonMissing,
    ReversalBeforeEntry,
    SubledgerEntry,
    SubledgerMismatch,
    TooManyLines,
    UnknownUnit,
)
from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine, ManualJournal
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


def draft(place, coop, lines, **kw):
    return services.manual_journal_draft(
        actor=place.bendahara,
        cooperative=coop,
        date=kw.pop("day", D),
        memo=kw.pop("memo", "Koreksi"),
        lines=lines,
    )


# -- one code per failure ----------------------------------------------------------------------


def test_each_failure_has_its_own_code(coop_a, place_a):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 1, 5))
    cases = [
        (
            InvalidMonth,
            "ledger.invalid_month",
            lambda: services.period_close(actor=None, cooperative=coop_a, year=2026, month=13),
        ),
        (
            InvalidMonth,
            "ledger.invalid_month",
            lambda: services.period_close_through(
                actor=None, cooperative=coop_a, year=2026, month=0
            ),
        ),
        (
            PeriodNotEnded,
            "ledger.period_not_ended",
            lambda: services.period_close(actor=None, cooperative=coop_a, year=2099, month=1),
        ),
        (
            PeriodOutOfOrder,
            "ledger.period_out_of_order",
            lambda: services.period_close(actor=None, cooperative=coop_a, year=2026, month=3),
        ),
        (
            PeriodNotClosed,
            "ledger.period_not_closed",
            lambda: services.period_reopen(
                actor=place_a.ketua, cooperative=coop_a, year=2026, month=1, reason="x"
            ),
        ),
        (
            ReopenReasonMissing,
            "ledger.reopen_reason_missing",
            lambda: services.period_reopen(
                actor=place_a.ketua, cooperative=coop_a, year=2026, month=1, reason=" "
            ),
        ),
        (
            InvalidAccount,
            "ledger.invalid_account",
            lambda: services.account_add(
                actor=None, cooperative=coop_a, code="", name="Kas kecil", parent_code="1"
            ),
        ),
        (
            InvalidMemo,
            "ledger.invalid_memo",
            lambda: post(coop_a, [Line("1-102", debit=1), Line("3-103", credit=1)], memo=" "),
        ),
        (
            UnknownUnit,
            "ledger.unknown_unit",
            lambda: post(coop_a, [Line("1-102", debit=1, unit="nope"), Line("3-103", credit=1)]),
        ),
    ]
    for error, code, call in cases:
        with pytest.raises(error) as raised:
            call()
        assert raised.value.code == code


def test_a_decided_journal_is_not_decided_twice(coop_a, place_a):
    journal = draft(
        place_a, coop_a, [{"account": "5-209", "debit": 5}, {"account": "1-102", "credit": 5}]
    )
    services.manual_journal_decide(actor=place_a.ketua, journal=journal, approve=False, reason="x")
    with pytest.raises(JournalAlreadyDecided) as raised:
        services.manual_journal_decide(actor=place_a.ketua, journal=journal, approve=True)
    assert (raised.value.code, raised.value.status) == ("ledger.journal_already_decided", 409)
    assert not JournalEntry.objects.exists()


# -- the reopen service checks the role itself --------------------------------------------------


def test_only_the_ketua_reopens_whatever_the_caller_says(coop_a, place_a):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 1, 5))
    services.period_close(actor=None, cooperative=coop_a, year=2026, month=1)
    for actor in (place_a.bendahara, place_a.kasir, None):
        with pytest.raises(ReopenNotAllowed) as raised:
            services.period_reopen(
                actor=actor, cooperative=coop_a, year=2026, month=1, reason="Salah catat"
            )
        assert (raised.value.code, raised.value.status) == ("ledger.reopen_not_ketua", 403)
    services.period_reopen(
        actor=place_a.ketua, cooperative=coop_a, year=2026, month=1, reason="Salah catat"
    )


def test_a_ketua_of_another_cooperative_cannot_reopen(coop_a, place_a, coop_b, place_b):
    post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)], day=date(2026, 1, 5))
    services.period_close(actor=None, cooperative=coop_a, year=2026, month=1)
    with pytest.raises(ReopenNotAllowed):
        services.period_reopen(
            actor=place_b.ketua, cooperative=coop_a, year=2026, month=1, reason="x"
        )


def test_manual_journal_services_check_the_role_themselves(coop_a, place_a, place_b):
    lines = [{"account": "5-209", "debit": 5}, {"account": "1-102", "credit": 5}]
    for actor in (place_a.kasir, place_a.pengawas, place_b.bendahara, None):
        with pytest.raises(JournalNotAllowed) as raised:
            services.manual_journal_draft(
                actor=actor, cooperative=coop_a, date=D, memo="x", lines=lines
            )
        assert (raised.value.code, raised.value.status) == ("ledger.journal_not_allowed", 403)
    journal = draft(place_a, coop_a, lines)
    for actor in (place_a.kasir, place_a.pengawas, place_b.ketua):
        with pytest.raises(JournalNotAllowed):
            services.manual_journal_decide(actor=actor, journal=journal, approve=True)
    assert not JournalEntry.objects.exists()
    services.manual_journal_decide(actor=place_a.manajer, journal=journal, approve=True)


# -- sub-ledger entries ------------------------------------------------------------------------


def savings_deposit_entry(coop):
    return post(
        coop,
        [
            Line("1-101-01", debit=50_000),
            Line("2-101", credit=50_000, subledger_kind="savings", subledger_id="acc-1"),
        ],
    )


def test_the_journal_page_reversal_refuses_a_subledger_entry(coop_a, place_a):
    entry = savings_deposit_entry(coop_a)
    with pytest.raises(SubledgerEntry) as raised:
        services.journal_entry_reverse(entry=entry, date=D, actor=place_a.bendahara)
    assert raised.value.code == "ledger.subledger_entry"
    with pytest.raises(SubledgerMismatch):
        services.journal_entry_reverse(
            entry=entry, date=D, actor=place_a.bendahara, subledger="loans"
        )
    assert JournalEntry.objects.count() == 1
    reversal = services.journal_entry_reverse(
        entry=entry, date=D, actor=place_a.bendahara, subledger="savings"
    )
    assert reversal.reverses_id == entry.pk


def test_a_subledger_cannot_reverse_a_plain_gl_entry(coop_a, place_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with pytest.raises(SubledgerMismatch) as raised:
        services.journal_entry_reverse(entry=entry, date=D, actor=None, subledger="savings")
    assert raised.value.code == "ledger.subledger_mismatch"


def test_a_reversal_is_not_dated_before_its_entry(coop_a):
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    with pytest.raises(ReversalBeforeEntry) as raised:
        services.journal_entry_reverse(entry=entry, date=date(2026, 3, 9), actor=None)
    assert raised.value.code == "ledger.reversal_before_entry"
    assert JournalEntry.objects.count() == 1


# -- control accounts --------------------------------------------------------------------------


def test_the_chart_marks_the_subledger_control_accounts(coop_a):
    marked = set(
        Account.objects.filter(cooperative=coop_a, is_control=True).values_list("code", flat=True)
    )
    present = set(Account.objects.filter(cooperative=coop_a).values_list("code", flat=True))
    assert marked == rules.SUBLEDGER_CONTROL_ACCOUNTS & present
    assert {"2-101", "3-101", "3-102", "1-103"} <= marked


def test_manual_journals_cannot_touch_a_control_account(coop_a, place_a):
    with pytest.raises(ControlAccount) as raised:
        draft(
            place_a,
            coop_a,
            [{"account": "1-102", "debit": 1_000}, {"account": "2-101", "credit": 1_000}],
        )
    assert raised.value.code == "ledger.control_account" and "2-101" in raised.value.render()
    assert not ManualJournal.objects.exists()
    # Approval checks again: a draft made before the account became a control account.
    journal = draft(
        place_a,
        coop_a,
        [{"account": "1-102", "debit": 1_000}, {"account": "2-102", "credit": 1_000}],
    )
    Account.objects.filter(cooperative=coop_a, code="2-102").update(is_control=True)
    with pytest.raises(ControlAccount):
        services.manual_journal_decide(actor=place_a.ketua, journal=journal, approve=True)
    journal.refresh_from_db()
    assert journal.status == "pending" and not JournalEntry.objects.exists()


# -- dates and sizes of manual journals --------------------------------------------------------


def test_a_manual_journal_cannot_be_dated_in_the_future(coop_a, place_a):
    lines = [{"account": "5-209", "debit": 5}, {"account": "1-102", "credit": 5}]
    with pytest.raises(FutureDate) as raised:
        draft(place_a, coop_a, lines, day=date(2099, 1, 1))
    assert raised.value.code == "ledger.future_date"
    # A draft already stored with a future date (before this rule) is refused at approval.
    journal = ManualJournal.objects.create(
        cooperative=coop_a,
        date=date(2099, 1, 1),
        memo="Lama",
        lines=[{**ln, "credit": ln.get("credit", 0), "debit": ln.get("debit", 0)} for ln in lines],
        maker_id=place_a.bendahara.pk,
        maker_label="x",
    )
    with pytest.raises(FutureDate):
        services.manual_journal_decide(actor=place_a.ketua, journal=journal, approve=True)
    assert not JournalEntry.objects.exists()


def test_a_manual_journal_with_too_many_lines_is_refused_not_cut(coop_a, place_a):
    limit = rules.MANUAL_JOURNAL_MAX_LINES
    lines = [{"account": "5-209", "debit": 1} for _ in range(limit)]
    lines.append({"account": "1-102", "credit": limit})
    with pytest.raises(TooManyLines) as raised:
        draft(place_a, coop_a, lines)
    assert raised.value.code == "ledger.too_many_lines"
    assert not ManualJournal.objects.exists()


# -- money limits ------------------------------------------------------------------------------


def test_amounts_above_the_limit_are_refused_before_the_database(coop_a):
    with pytest.raises(AmountTooLarge) as raised:
        post(coop_a, [Line("1-102", debit=AMOUNT_MAX + 1), Line("3-103", credit=AMOUNT_MAX + 1)])
    assert raised.value.code == "ledger.amount_too_large"
    post(coop_a, [Line("1-102", debit=AMOUNT_MAX), Line("3-103", credit=AMOUNT_MAX)])


def _copy_entry_sql(entry: JournalEntry, total) -> tuple[str, list]:
    columns = [f.column for f in JournalEntry._meta.concrete_fields if f.column != "id"]
    values = {
        "public_id": "%s",
        "number": "number + 1000",
        "idempotency_key": "NULL",
        "total": "%s",
    }
    select = ", ".join(values.get(c, c) for c in columns)
    sql = (
        f"INSERT INTO ledger_journalentry ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {select} FROM ledger_journalentry WHERE id = %s"
    )
    return sql, [uuid.uuid4().hex, total, entry.pk]


@pytest.mark.parametrize("amount", [1.5, 10**14])
def test_the_database_refuses_bad_money_on_ledger_tables(coop_a, amount):
    if amount == 1.5 and connection.vendor == "postgresql":
        # PostgreSQL's BIGINT never holds a fraction: 1.5 is rounded on the way in. The CHECK
        # matters on SQLite, which stores whatever it is given.
        with connection.cursor() as cursor:
            cursor.execute("SELECT CAST(%s AS bigint)", [amount])
            assert cursor.fetchone()[0] == 2
        return
    entry = post(coop_a, [Line("1-102", debit=10), Line("3-103", credit=10)])
    account = Account.objects.get(cooperative=coop_a, code="1-102")
    attempts = {
        "ledger_journalline_money": (
            "INSERT INTO ledger_journalline (public_id, cooperative_id, entry_id, line_no, "
            "account_id, debit, credit, subledger_kind, subledger_id, date) "
            "VALUES (%s, %s, %s, 3, %s, %s, 0, '', '', %s)",
            [uuid.uuid4().hex, coop_a.pk, entry.pk, account.pk, amount, D.isoformat()],
        ),
        "ledger_accountmonth_money": (
            "INSERT INTO ledger_accountmonth (public_id, cooperative_id, account_id, year, month, "
            "debit, credit) VALUES (%s, %s, %s, 2030, 1, 0, %s)",
            [uuid.uuid4().hex, coop_a.pk, account.pk, amount],
        ),
        "ledger_journalentry_total_money": _copy_entry_sql(entry, amount),
    }
    for constraint, (sql, params) in attempts.items():
        with (
            pytest.raises(IntegrityError, match=constraint),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert JournalLine.objects.count() == 2 and JournalEntry.objects.count() == 1
    assert not AccountMonth.objects.filter(year=2030).exists()
