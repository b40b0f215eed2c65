"""Canonical version 2 (ledger/chain.py): memo, actor and sub-ledger references are salted
commitments, so the hashed bytes name nobody; an opening proves one field; entries posted in
version 1 before it stay verifiable next to the new ones."""

import hashlib
import json
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from kopdes.ledger import chain, checkpoints, selectors, services
from kopdes.ledger.models import JournalEntry
from kopdes.ledger.services import Line, posting

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)
SITI = "Siti Aminah"


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post_sale(coop, actor, *, memo=f"Penjualan beras {SITI}", ref="A-0007"):
    return services.post_event(
        cooperative=coop,
        event="sale.cash",
        key="sembako:member",
        amounts={"revenue": 75_000, "cost": 60_000},
        date=D1,
        memo=memo,
        subledger_kind="member",
        subledger_id=ref,
        actor=actor,
    )


def canonical(entry: JournalEntry) -> bytes:
    rows = {row.number: row for row in checkpoints.journal_rows(entry.cooperative)}
    return rows[entry.number].canonical


def independent_commit(secret_hex: str, label: str, value: str) -> str:
    """The definition in chain.py's docstring and docs/invariants.md, written out again."""
    salt = hashlib.blake2b(
        b"kopdes.id/ledger/v2/" + label.encode(), key=bytes.fromhex(secret_hex), digest_size=32
    ).digest()
    return hashlib.sha256(salt + value.encode("utf-8")).hexdigest()


def test_version_2_bytes_name_nobody_and_each_opening_proves_one_field(coop_a, place_a):
    with at(D1):
        sale = post_sale(coop_a, place_a.kasir)
    assert sale.format_version == 2 and len(sale.secret) == 64
    text = canonical(sale).decode("utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == sale.entry_hash
    for name in (SITI, "Penjualan", str(place_a.kasir), "A-0007", sale.secret):
        assert name not in text
    document = json.loads(text)
    assert document["v"] == 2
    assert document["memo"] == independent_commit(sale.secret, "memo", sale.memo)
    assert document["actor"] == independent_commit(sale.secret, "actor", str(place_a.kasir))
    for line in document["lines"]:
        label = f"lines/{line['n']}/subledger"
        assert line["subledger"] == independent_commit(sale.secret, label, "member:A-0007")
    every = selectors.entry_openings(sale)
    assert [o.field for o in every] == ["memo", "actor"] + [
        f"lines/{n}/subledger" for n in range(1, 5)
    ]
    assert all(o.matches(document) for o in every)
    memo = every[0]
    assert not chain.Opening("memo", "Penjualan beras Budi", memo.salt).matches(document)
    assert not chain.Opening("actor", memo.value, memo.salt).matches(document)
    assert not chain.Opening("memo", memo.value, "not hex").matches(document)
    assert not chain.Opening("lines/9/subledger", "member:A-0007", memo.salt).matches(document)
    # Only the lines asked for: what a member gets for their own reference.
    mine = selectors.entry_openings(sale, refs={"member:A-0007"})
    assert {o.field for o in mine} == {f"lines/{n}/subledger" for n in range(1, 5)}
    assert selectors.entry_openings(sale, refs={"member:A-0008"}) == []


def test_a_source_id_is_committed_to_and_its_kind_stays_readable(coop_a, place_a):
    with at(D1):
        entry = services.journal_entry_post(
            cooperative=coop_a,
            date=D1,
            memo="Setoran",
            lines=[Line("1-102", debit=10), Line("3-103", credit=10)],
            source_kind="savings.deposit",
            source_id="5f0c9a1e-account-of-a-member",
            actor=place_a.kasir,
        )
    document = json.loads(canonical(entry))
    kind, _colon, committed = document["source"].partition(":")
    assert kind == "savings.deposit"
    assert committed == independent_commit(entry.secret, "source", entry.source_id)
    [source] = [o for o in selectors.entry_openings(entry) if o.field == "source"]
    assert source.value == entry.source_id and source.matches(document)


def test_the_same_content_posted_twice_gives_unrelated_commitments(coop_a, place_a):
    with at(D1):
        one = post_sale(coop_a, place_a.kasir)
        two = post_sale(coop_a, place_a.kasir)
    first, second = json.loads(canonical(one)), json.loads(canonical(two))
    assert one.secret != two.secret
    assert first["memo"] != second["memo"] and first["actor"] != second["actor"]


def post_in_version_1(monkeypatch, coop, actor, **kwargs):
    """An entry as posting wrote them before version 2."""
    with monkeypatch.context() as patch:
        patch.setattr(posting, "FORMAT_VERSION", 1)
        patch.setattr(posting, "new_secret", lambda: "")
        return post_sale(coop, actor, **kwargs)


@pytest.fixture
def mixed(monkeypatch, coop_a, place_a):
    """Two version 1 entries, then two version 2 ones, in one chain, checkpointed."""
    with at(D1):
        old = [post_in_version_1(monkeypatch, coop_a, place_a.kasir) for _ in range(2)]
        new = [post_sale(coop_a, place_a.kasir) for _ in range(2)]
    with at(D2):
        checkpoints.checkpoints_close_day(day=D1)
    return old, new


def test_version_1_and_version_2_entries_verify_in_one_chain(mixed, coop_a):
    old, new = mixed
    assert [e.format_version for e in old + new] == [1, 1, 2, 2]
    assert [e.secret for e in old] == ["", ""]
    assert new[0].prev_hash == old[1].entry_hash  # one chain across the versions
    assert SITI in canonical(old[0]).decode() and SITI not in canonical(new[0]).decode()
    assert json.loads(canonical(old[0]))["lines"][0]["subledger"] == "member:A-0007"
    assert selectors.entry_openings(old[0]) == []  # nothing committed in version 1
    report = checkpoints.ledger_verify(cooperative=coop_a)
    assert report.ok, report.problems
    assert report.entries == 4
    out = StringIO()
    with translation.override("en"):
        call_command("ledger", "verify", "--cooperative", coop_a.village_id, stdout=out)
    assert "Verified 4 entries" in out.getvalue()


def break_entry_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_journalentry_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_journalentry_immutable"
            )


@pytest.mark.parametrize(
    "change",
    [
        ("memo = %s", "Penjualan beras Budi"),  # the clear memo behind its commitment
        ("actor_label = %s", "Orang lain"),
        ("secret = %s", "ab" * 32),  # another secret opens the commitments to other values
    ],
)
def test_a_changed_committed_field_of_a_version_2_entry_is_named(mixed, coop_a, change):
    _old, new = mixed
    break_entry_triggers()
    assignment, value = change
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE ledger_journalentry SET {assignment} WHERE id = %s",  # noqa: S608
            [value, new[0].pk],
        )
    with pytest.raises(CommandError, match=rf"JU-{new[0].number:06d}"):
        call_command("ledger", "verify", stdout=StringIO())


def test_a_version_2_entry_passed_off_as_version_1_is_named(mixed, coop_a):
    _old, new = mixed
    break_entry_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_journalentry SET format_version = 1, secret = '' WHERE id = %s",
            [new[1].pk],
        )
    report = checkpoints.ledger_verify(cooperative=coop_a)
    assert not report.ok
    assert report.problems[0].number == new[1].number


def test_the_database_refuses_a_version_2_entry_without_its_secret(mixed):
    _old, new = mixed
    break_entry_triggers()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_journalentry SET secret = '' WHERE id = %s",
            [new[0].pk],
        )


def test_bulk_posting_writes_version_2(coop_a):
    drafts = [
        services.EntryDraft(
            date=D1,
            memo=f"Bunga {SITI}",
            lines=[
                Line("5-209", debit=100),
                Line("1-101-01", credit=100, subledger_kind="member", subledger_id=f"A-{i}"),
            ],
            source_kind="test",
        )
        for i in range(3)
    ]
    with at(D1):
        entries = services.journal_entries_post_bulk(cooperative=coop_a, drafts=drafts)
    assert {e.format_version for e in entries} == {2}
    assert len({e.secret for e in entries}) == 3
    for entry in entries:
        assert SITI not in canonical(entry).decode()
    assert checkpoints.ledger_verify(cooperative=coop_a).ok
