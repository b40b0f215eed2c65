"""core.bulk: column lists tied to the models, inserts and updates as the ORM would write them."""

import pytest

from kopdes.core import bulk
from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine
from kopdes.ledger.services import posting

pytestmark = pytest.mark.django_db


def test_columns_are_the_models_concrete_columns_without_the_key():
    assert bulk.columns(AccountMonth) == (
        "public_id",
        "cooperative_id",
        "account_id",
        "year",
        "month",
        "debit",
        "credit",
    )
    assert "id" not in bulk.columns(JournalEntry)


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (JournalLine, posting._LINE_COLUMNS),
        (AccountMonth, posting._SNAPSHOT_COLUMNS),
    ],
)
def test_every_hand_written_column_list_fits_its_model(model, names):
    bulk.check_columns(model, tuple(names))  # raises if it no longer fits
    assert set(names) <= set(bulk.columns(model))


def test_a_list_that_leaves_out_a_required_column_or_names_a_stranger_is_refused():
    with pytest.raises(ValueError, match="leaves out NOT NULL"):
        bulk.check_columns(JournalLine, tuple(c for c in posting._LINE_COLUMNS if c != "debit"))
    with pytest.raises(ValueError, match="no column nope"):
        bulk.check_columns(JournalLine, (*posting._LINE_COLUMNS, "nope"))


def test_insert_and_updates_write_what_the_orm_reads(coop_a):
    accounts = list(Account.objects.filter(cooperative=coop_a, is_header=False)[:3])
    adapt = bulk.adapters()
    bulk.insert(
        AccountMonth,
        [(adapt.uuid(), coop_a.pk, a.pk, 2026, 1, 10 * n, 0) for n, a in enumerate(accounts)],
    )
    rows = list(AccountMonth.objects.filter(cooperative=coop_a).order_by("debit"))
    assert [(r.account_id, r.debit, r.credit) for r in rows] == [
        (a.pk, 10 * n, 0) for n, a in enumerate(accounts)
    ]
    assert all(r.public_id.version == 4 for r in rows)
    bulk.update_column(AccountMonth, "credit", [(r.pk, r.pk * 7) for r in rows])
    bulk.update_rows(AccountMonth, ("debit", "month"), [(5, 2, rows[0].pk)])
    again = {r.pk: r for r in AccountMonth.objects.filter(cooperative=coop_a)}
    assert [again[r.pk].credit for r in rows] == [r.pk * 7 for r in rows]
    assert (again[rows[0].pk].debit, again[rows[0].pk].month) == (5, 2)


def test_update_columns_sets_and_adds_over_many_batches(coop_a, monkeypatch):
    accounts = list(Account.objects.filter(cooperative=coop_a, is_header=False)[:5])
    adapt = bulk.adapters()
    bulk.insert(AccountMonth, [(adapt.uuid(), coop_a.pk, a.pk, 2026, 1, 100, 3) for a in accounts])
    rows = list(AccountMonth.objects.filter(cooperative=coop_a).order_by("pk"))
    monkeypatch.setattr(bulk, "UPDATE_BATCH", 2)  # (2 * 2) // 3: one row per statement
    bulk.update_columns(
        AccountMonth,
        ("month", "debit", "credit"),
        [(r.pk, 2, n, 10 * n) for n, r in enumerate(rows)],
        add=("credit",),
    )
    again = list(AccountMonth.objects.filter(cooperative=coop_a).order_by("pk"))
    assert [(r.month, r.debit, r.credit) for r in again] == [
        (2, n, 3 + 10 * n) for n in range(len(rows))
    ]
    with pytest.raises(ValueError, match="not updated"):
        bulk.update_columns(AccountMonth, ("debit",), [(rows[0].pk, 1)], add=("credit",))


def test_row_maker_adapts_uuids_dates_and_datetimes(coop_a):
    from datetime import date

    from django.utils import timezone

    entry = JournalEntry(
        cooperative=coop_a,
        number=1,
        date=date(2026, 3, 1),
        memo="x",
        source_kind="test",
        request_hash="",
        actor_label="system",
        posted_at=timezone.now(),
        posted_at_text="t",
        prev_hash="0",
        entry_hash="1",
        total=5,
    )
    values = dict(zip(bulk.columns(JournalEntry), bulk.row_maker(JournalEntry)(entry), strict=True))
    assert values["date"] == bulk.db_date(date(2026, 3, 1))
    assert values["public_id"] == bulk.db_uuid(entry.public_id)
    assert values["posted_at"] == bulk.db_datetime(entry.posted_at)
    assert (values["number"], values["total"], values["cooperative_id"]) == (1, 5, coop_a.pk)
