from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes.core.errors import NotFound
from kopdes.ledger import selectors, services
from kopdes.ledger.models import ManualJournal, Period
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(coop, lines, *, day=date(2026, 3, 10), memo="Test", source="test"):
    return services.journal_entry_post(
        cooperative=coop, date=day, memo=memo, lines=lines, source_kind=source
    )


def by_code(rows):
    return {row.account.code: row for row in rows}


def test_account_tree_balances_on_the_normal_side_from_snapshots(coop_a, coop_b):
    post(coop_a, [Line("1-102", debit=100_000_000), Line("3-103", credit=100_000_000)])
    post(
        coop_a,
        [Line("5-201", debit=2_000_000), Line("1-102", credit=2_000_000)],
        day=date(2026, 4, 2),
    )
    post(coop_a, [Line("5-401", debit=500_000), Line("1-104", credit=500_000)])
    post(coop_b, [Line("1-102", debit=7), Line("3-103", credit=7)])

    rows = selectors.account_tree(cooperative=coop_a)
    table = by_code(rows)
    assert table["1-102"].balance == 98_000_000
    assert table["1-104"].balance == 500_000  # contra asset: credit-normal
    assert table["1"].balance == 97_500_000  # the header nets its contra account
    assert table["3-103"].balance == 100_000_000
    assert table["5"].balance == 2_500_000
    assert (table["1"].depth, table["1-101"].depth, table["1-101-01"].depth) == (0, 1, 2)
    codes = [row.account.code for row in rows]
    assert codes.index("1") < codes.index("1-101") < codes.index("1-101-01") < codes.index("1-102")
    assert all(row.account.cooperative_id == coop_a.pk for row in rows)

    march = by_code(selectors.account_tree(cooperative=coop_a, through=(2026, 3)))
    assert march["1-102"].balance == 100_000_000
    assert march["5-201"].balance == 0


def test_journal_entries_filters_newest_first_and_scoped(coop_a, coop_b):
    first = post(coop_a, [Line("1-102", debit=1_000), Line("3-103", credit=1_000)], memo="Modal")
    second = post(
        coop_a,
        [Line("1-101-01", debit=500), Line("1-102", credit=500)],
        day=date(2026, 4, 1),
        memo="Tarik tunai kas kantor",
        source="cash.bank_withdrawal",
    )
    post(coop_b, [Line("1-102", debit=9), Line("3-103", credit=9)], memo="Modal")

    assert list(selectors.journal_entries(cooperative=coop_a)) == [second, first]
    assert list(selectors.journal_entries(cooperative=coop_a, text="modal")) == [first]
    assert list(
        selectors.journal_entries(cooperative=coop_a, source_kind="cash.bank_withdrawal")
    ) == [second]
    assert list(selectors.journal_entries(cooperative=coop_a, account_code="1-101")) == [second]
    assert list(selectors.journal_entries(cooperative=coop_a, account_code="1-10")) == []
    assert list(
        selectors.journal_entries(
            cooperative=coop_a, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)
        )
    ) == [first]
    assert selectors.journal_source_kinds(cooperative=coop_a) == ["cash.bank_withdrawal", "test"]


def test_journal_entry_tenant_first(coop_a, coop_b):
    entry = post(coop_a, [Line("1-102", debit=1_000), Line("3-103", credit=1_000)])
    reversal = services.journal_entry_reverse(entry=entry, date=date(2026, 4, 1), actor=None)
    found = selectors.journal_entry(cooperative=coop_a, public_id=entry.public_id)
    assert [(ln.account.code, ln.debit, ln.credit) for ln in found.line_rows] == [
        ("1-102", 1_000, 0),
        ("3-103", 0, 1_000),
    ]
    assert found.reversed_by == reversal
    assert selectors.journal_entry(cooperative=coop_a, public_id=reversal.public_id).reverses == (
        entry
    )
    with pytest.raises(NotFound):
        selectors.journal_entry(cooperative=coop_b, public_id=entry.public_id)
    with pytest.raises(NotFound):
        selectors.journal_entry(cooperative=coop_a, public_id="not-a-uuid")


def test_periods_without_rows_are_open_and_reopen_history(place_a, coop_b):
    coop = place_a.cooperative
    post(coop, [Line("1-102", debit=1_000), Line("3-103", credit=1_000)])
    services.period_close(actor=place_a.bendahara, cooperative=coop, year=2026, month=3)
    rows = selectors.periods(cooperative=coop, year=2026)
    assert [r.month for r in rows] == list(range(1, 13))
    assert [r.month for r in rows if r.is_closed] == [3]
    assert rows[2].closed_by_label == str(place_a.bendahara)
    assert not any(r.is_closed for r in selectors.periods(cooperative=coop_b, year=2026))

    services.period_reopen(
        actor=place_a.ketua,
        cooperative=coop,
        year=2026,
        month=3,
        reason="Koreksi stok",
    )
    history = list(selectors.reopen_history(cooperative=coop))
    assert [(e.reason, e.actor_label) for e in history] == [("Koreksi stok", str(place_a.ketua))]
    assert Period.objects.get(cooperative=coop, year=2026, month=3).reopen_count == 1
    assert not selectors.reopen_history(cooperative=coop_b).exists()


def test_manual_journals_pending_and_decided(place_a, coop_b):
    coop = place_a.cooperative
    lines = [
        {"account": "5-202", "debit": 300_000, "credit": 0},
        {"account": "1-102", "debit": 0, "credit": 300_000},
    ]
    kept = services.manual_journal_draft(
        actor=place_a.bendahara, cooperative=coop, date=date(2026, 5, 2), memo="Sewa", lines=lines
    )
    decided = services.manual_journal_draft(
        actor=place_a.bendahara, cooperative=coop, date=date(2026, 5, 2), memo="Sewa 2", lines=lines
    )
    services.manual_journal_decide(actor=place_a.ketua, journal=decided, approve=False, reason="x")
    assert list(selectors.manual_journals(cooperative=coop, pending=True)) == [kept]
    assert [j.status for j in selectors.manual_journals(cooperative=coop, pending=False)] == [
        ManualJournal.Status.REJECTED
    ]
    assert selectors.manual_journal(cooperative=coop, public_id=kept.public_id) == kept
    with pytest.raises(NotFound):
        selectors.manual_journal(cooperative=coop_b, public_id=kept.public_id)
    assert not selectors.manual_journals(cooperative=coop_b, pending=True).exists()


def test_posting_rules_in_force_take_the_latest_effective_version(coop_a, coop_b):
    new_lines = [{"amount": "amount", "debit": "1-101-01", "credit": "3-103"}]
    services.posting_rule_change(
        actor=None,
        cooperative=coop_a,
        event="capital.csr_received",
        key="",
        lines=new_lines,
        effective_from=date(2026, 5, 1),
    )
    services.posting_rule_change(
        actor=None,
        cooperative=coop_a,
        event="capital.csr_received",
        key="",
        lines=[{"amount": "amount", "debit": "1-102", "credit": "3-103"}],
        effective_from=date(2026, 7, 1),
    )
    in_force = {(r.event, r.key): r for r in selectors.posting_rules_in_force(cooperative=coop_a)}
    assert in_force[("capital.csr_received", "")].version == 2
    assert in_force[("capital.csr_received", "")].lines == new_lines
    later = selectors.posting_rules_in_force(cooperative=coop_a, on=date(2026, 8, 1))
    assert {(r.event, r.key): r.version for r in later}[("capital.csr_received", "")] == 3
    history = selectors.posting_rule_history(
        cooperative=coop_a, event="capital.csr_received", key=""
    )
    assert [r.version for r in history] == [3, 2, 1]
    assert {r.cooperative_id for r in selectors.posting_rule_history(cooperative=coop_a)} == {
        coop_a.pk
    }
    other = selectors.posting_rules_in_force(cooperative=coop_b)
    assert {(r.event, r.key): r.version for r in other}[("capital.csr_received", "")] == 1
