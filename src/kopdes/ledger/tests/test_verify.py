"""`kopdes ledger verify|checkpoint|key`, and tampering: the triggers refuse it, and when someone
drops them, verify names the first broken entry or checkpoint."""

import json
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from kopdes.ledger import chain, checkpoints, errors, merkle, selectors, services, signing
from kopdes.ledger.models import Account, Checkpoint, JournalEntry, JournalLine, TreeTile
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, amount, memo="Setoran", day=D1):
    return services.journal_entry_post(
        cooperative=coop,
        date=day,
        memo=memo,
        lines=[Line("1-102", debit=amount), Line("3-103", credit=amount)],
        source_kind="test",
    )


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def books(coop_a, coop_b):
    """Three entries in A over two days, one in B, and the checkpoints of both days."""
    with at(D1):
        post(coop_a, 1_000)
        post(coop_a, 2_000)
        post(coop_b, 5_000)
    with at(D2):
        post(coop_a, 3_000, day=D2)
    with at(D3):
        call_command("ledger", "checkpoint", stdout=StringIO())
    return coop_a


def verify(*args) -> str:
    out = StringIO()
    call_command("ledger", "verify", *args, stdout=out)
    return out.getvalue()


def break_triggers(table: str) -> None:
    """What an attacker with database access would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_no_update")
            cursor.execute(f"DROP TRIGGER {table}_no_delete")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_immutable")


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def entry(coop, number):
    return JournalEntry.objects.get(cooperative=coop, number=number)


def test_an_untouched_ledger_verifies(books):
    output = verify()
    assert "Verified 4 entries and 3 checkpoints of 2 cooperatives" in output
    assert "entries/s" in output and "hold" in output
    assert "Verified 3 entries and 2 checkpoints of 1 " in verify("--cooperative", "36.03.01.2003")


def test_checkpoint_command_defaults_to_yesterday(books):
    assert Checkpoint.objects.filter(cooperative=books).count() == 2
    with at(D3):
        assert set(Checkpoint.objects.values_list("date", flat=True)) == {D1, D2}
    assert Checkpoint.objects.filter(date=D2, tree_size=3, cooperative=books).exists()


def test_checkpoint_command_refuses_a_running_day(books):
    with at(D3), pytest.raises(CommandError, match="not ended"):
        call_command("ledger", "checkpoint", "--date", D3.isoformat(), stdout=StringIO())


def test_key_command_prints_the_verifier_key():
    out = StringIO()
    call_command("ledger", "key", stdout=out)
    assert out.getvalue().startswith(signing.platform_key().verifier_key + "\n")
    assert "BEGIN PUBLIC KEY" in out.getvalue()


def test_unknown_cooperative():
    with pytest.raises(CommandError, match=r"99\.99"):
        verify("--cooperative", "99.99.99.9999")


@pytest.mark.parametrize("table", ["ledger_journalentry", "ledger_journalline"])
def test_raw_updates_are_refused_by_the_triggers(books, table):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"UPDATE {table} SET cooperative_id = cooperative_id", [])  # noqa: S608


def test_a_changed_amount_is_named(books):
    break_triggers("ledger_journalline")
    target = entry(books, 2)
    raw(
        "UPDATE ledger_journalline SET debit = 20000 WHERE entry_id = %s AND debit > 0",
        [target.pk],
    )
    with pytest.raises(CommandError) as caught:
        verify()
    message = str(caught.value)
    assert "36.03.01.2003 JU-000002 (entry 2)" in message
    assert "no longer matches its hash" in message


def test_a_changed_memo_is_named_and_the_other_cooperative_still_verifies(books, coop_b):
    break_triggers("ledger_journalentry")
    raw("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", ["Setoran?", entry(books, 1).pk])
    out = StringIO()
    with pytest.raises(CommandError, match=r"JU-000001 \(entry 1\)"):
        call_command("ledger", "verify", stdout=out)
    assert "36.03.13.2001" not in out.getvalue()  # B is intact
    assert "Verified 1 entries" in verify("--cooperative", coop_b.village_id)


def test_a_rewritten_chain_is_caught_by_the_signed_checkpoint(books):
    """Someone changes entry 2 and recomputes every hash after it: the chain looks whole, but the
    signed checkpoints commit to the old entries."""
    break_triggers("ledger_journalentry")
    break_triggers("ledger_journalline")
    target = entry(books, 2)
    raw(
        "UPDATE ledger_journalline SET debit = 1, credit = 0 WHERE entry_id = %s AND debit > 0",
        [target.pk],
    )
    raw("UPDATE ledger_journalline SET credit = 1 WHERE entry_id = %s AND credit > 0", [target.pk])
    raw("UPDATE ledger_journalentry SET total = 1 WHERE id = %s", [target.pk])
    prev = entry(books, 1).entry_hash
    for number in (2, 3):
        row = next(r for r in checkpoints.journal_rows(books) if r.number == number)
        document = json.loads(row.canonical)
        document["prev"] = prev
        digest = chain.entry_hash(document)
        raw(
            "UPDATE ledger_journalentry SET prev_hash = %s, entry_hash = %s WHERE cooperative_id = %s AND number = %s",
            [prev, digest, books.pk, number],
        )
        prev = digest
    raw("UPDATE ledger_sequence SET last_hash = %s WHERE cooperative_id = %s", [prev, books.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", "--cooperative", books.village_id, stdout=out)
    listing = out.getvalue()
    assert "checkpoint 2026-03-09: root" in listing  # the signed checkpoint catches it
    assert "snapshot of account 1-102" in listing  # and so do the snapshots left unchanged
    assert "JU-0000" not in listing  # the rewritten chain itself looks whole


def test_a_deleted_entry_is_named(books):
    break_triggers("ledger_journalentry")
    break_triggers("ledger_journalline")
    target = entry(books, 2)
    raw("DELETE FROM ledger_journalline WHERE entry_id = %s", [target.pk])
    raw("DELETE FROM ledger_journalentry WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=r"JU-000003 \(entry 3\): numbers jump from 1 to 3"):
        verify()


def test_a_forged_checkpoint_is_named(books):
    checkpoint = Checkpoint.objects.get(cooperative=books, date=D1)
    forged = checkpoint.summary.replace("day 2026-03-09 2 3000", "day 2026-03-09 2 2000")
    assert forged != checkpoint.summary
    Checkpoint.objects.filter(pk=checkpoint.pk).update(summary=forged)
    with pytest.raises(CommandError, match="checkpoint 2026-03-09: the signature does not verify"):
        verify()


def test_a_checkpoint_signed_by_another_key_is_named(books, settings, tmp_path):
    settings.KOPDES_LEDGER_KEY_PATH = str(tmp_path / "other.pem")
    with pytest.raises(CommandError, match="signature does not verify"):
        verify()


def test_lines_changed_under_an_intact_hash_are_named(books):
    """A line moved to another account without touching amounts still breaks the hash."""
    break_triggers("ledger_journalline")
    target = entry(books, 3)
    line = JournalLine.objects.filter(entry=target, debit__gt=0).get()
    other = line.account.__class__.objects.get(cooperative=books, code="1-101-01")
    raw("UPDATE ledger_journalline SET account_id = %s WHERE id = %s", [other.pk, line.pk])
    with pytest.raises(CommandError, match=r"JU-000003"):
        verify()


def test_a_changed_snapshot_is_named(books):
    """The statements read the monthly snapshots: verify checks they are the journal's sums."""
    raw(
        "UPDATE ledger_accountmonth SET debit = debit + 1 WHERE cooperative_id = %s AND debit > 0",
        [books.pk],
    )
    with pytest.raises(CommandError, match=r"snapshot of account 1-102 for 2026-03 says debit"):
        verify()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_accountmonth SET debit = debit + 10000000 "
        "WHERE cooperative_id = %s AND month = 3",
        "DELETE FROM ledger_accountmonth WHERE cooperative_id = %s AND month = 3",
        "UPDATE ledger_accountmonth SET month = 4 WHERE cooperative_id = %s AND month = 3",
    ],
)
def test_a_closed_months_snapshots_are_as_hard_to_alter_as_the_lines(books, sql):
    """The audit's attack on the statements: Rp10 juta added to snapshot rows. Once the month
    is closed the database refuses it, as it refuses changes to posted lines."""
    with time_machine.travel(datetime(2026, 4, 2, 10, tzinfo=JAKARTA), tick=False):
        services.period_close(actor=None, cooperative=books, year=2026, month=3)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(sql, [books.pk])
    unused = (
        Account.objects.filter(cooperative=books)
        .exclude(pk__in=JournalLine.objects.values("account_id"))
        .values_list("pk", flat=True)[0]
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(
            "INSERT INTO ledger_accountmonth (public_id, cooperative_id, account_id, year, month,"
            " debit, credit) VALUES (%s, %s, %s, 2026, 3, 5, 0)",
            ["0" * 32, books.pk, unused],
        )


def test_an_open_months_snapshot_still_moves_with_postings(books):
    """Only closed months are frozen: posting into the open month adds to its snapshot, and a
    reopened month takes postings again."""
    with time_machine.travel(datetime(2026, 4, 2, 10, tzinfo=JAKARTA), tick=False):
        services.period_close(actor=None, cooperative=books, year=2026, month=3)
        post(books, 500, day=date(2026, 4, 1))
    assert "hold" in verify()


def test_verify_runs_one_check_per_promise():
    names = [check.__name__ for check in checkpoints.CHECKS]
    assert len(names) == len(set(names)) >= 10
    assert {"chain_is_intact", "hashes_match_the_rows", "checkpoints_are_signed"} <= set(names)
    assert {"checkpoint_roots_match", "snapshots_equal_the_journal"} <= set(names)


# -- a rewritten history is never signed (tlog-checkpoint: no inconsistent checkpoint) ---------


def _refusals(coop):
    from kopdes.core.models import AuditEvent

    return AuditEvent.objects.filter(action="ledger.checkpoint_refused", cooperative_id=coop.pk)


def _rewrite_history_in_the_stored_tree(coop, number: int, memo: str) -> None:
    """The whole attack on the stored tree: alter an entry's memo with SQL and put its new leaf
    hash into the stored tile, so the tiles agree with the altered journal."""
    break_triggers("ledger_journalentry")
    break_triggers("ledger_treetile")
    raw("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", [memo, entry(coop, number).pk])
    (row,) = checkpoints.journal_rows(coop, after=number - 1, upto=number)
    tile = TreeTile.objects.get(cooperative=coop, level=0, number=0)
    hashes = bytearray(tile.hashes)
    hashes[(number - 1) * 32 : number * 32] = row.leaf
    raw("UPDATE ledger_treetile SET hashes = %s WHERE id = %s", [bytes(hashes), tile.pk])


def test_a_history_rewritten_in_the_stored_tree_is_never_signed(books, coop_b):
    """The audit's attack on the stored tree: a memo altered with SQL and the stored tile made to
    match it, then the next day's checkpoint asked for. The stored tree no longer extends the root
    signed before; signing it would give two valid checkpoints of one size with different roots.
    It is refused and audited, the other cooperative is still signed, the command exits non-zero,
    and supervisors see the cooperative as failing verification."""
    signed = Checkpoint.objects.filter(cooperative=books).count()
    with at(D3):
        post(books, 700, day=D3)
        post(coop_b, 800, day=D3)
    _rewrite_history_in_the_stored_tree(books, 2, "Diubah")
    with at(D3 + (D3 - D2)), pytest.raises(CommandError, match="refused") as refused:
        call_command("ledger", "checkpoint", stdout=StringIO())
    assert books.name in str(refused.value)
    assert Checkpoint.objects.filter(cooperative=books).count() == signed  # nothing signed
    assert Checkpoint.objects.filter(cooperative=coop_b, date=D3).exists()  # the others are
    (event,) = _refusals(books)
    assert event.after["last"] == D2.isoformat() and event.after["size"] == 3
    assert selectors.failing_verification(cooperative_ids=[books.pk, coop_b.pk]) == {books.pk}
    with at(D3 + (D3 - D2)), pytest.raises(errors.CheckpointInconsistent):
        checkpoints.checkpoint_create(cooperative=books, day=D3)
    assert _refusals(books).count() == 2


def test_a_memo_altered_behind_the_apps_back_is_named_and_its_proof_fails(books):
    """The journal altered but not the stored tree: the stored tree still holds the original
    leaf, so the next checkpoint extends the signed tree honestly (the signed history is not
    rewritten). The alteration is named by `ledger verify` (the entry's hash, the checkpoints'
    roots and the stored tile) and the altered entry's proof no longer reaches the signed root,
    while the others' still do."""
    break_triggers("ledger_journalentry")
    raw("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", ["Diubah", entry(books, 2).pk])
    with at(D3):
        post(books, 700, day=D3)
    with at(D3 + (D3 - D2)):
        made = checkpoints.checkpoint_create(cooperative=books, day=D3)
    assert (made.date, made.tree_size, made.previous.tree_size) == (D3, 4, 3)
    with pytest.raises(CommandError, match=r"First break: 36.03.01.2003 JU-000002 \(entry 2\)"):
        verify("--cooperative", books.village_id)
    problems = [str(p) for p in checkpoints.ledger_verify(cooperative=books).problems]
    assert "JU-000002 (entry 2): the stored row no longer matches its hash" in problems[0]
    assert any("tile/0/000.p/4 differs from the tree recomputed" in p for p in problems)
    for number, holds in [(1, True), (2, False), (3, True), (4, True)]:
        proof = checkpoints.entry_proof(entry=entry(books, number))
        assert (
            merkle.verify_inclusion(
                index=proof.leaf_index,
                size=proof.checkpoint.tree_size,
                leaf=proof.leaf_hash,
                proof=proof.proof,
                root_hash=bytes.fromhex(proof.checkpoint.root_hash),
            )
            is holds
        )


def test_a_stored_tile_that_differs_is_named_by_verify(books):
    break_triggers("ledger_treetile")
    tile = TreeTile.objects.get(cooperative=books, level=0, number=0)
    raw("UPDATE ledger_treetile SET hashes = %s WHERE id = %s", [bytes(96), tile.pk])
    with pytest.raises(CommandError) as caught:
        verify("--cooperative", books.village_id)
    assert "checkpoint 2026-03-10: stored tile tile/0/000.p/3 differs" in str(caught.value)


def test_stored_tiles_only_grow(books):
    tile = TreeTile.objects.get(cooperative=books, level=0, number=0)
    changed = bytearray(tile.hashes)
    changed[0] ^= 1
    for sql, params in [
        ("UPDATE ledger_treetile SET hashes = %s WHERE id = %s", [bytes(changed), tile.pk]),
        (
            "UPDATE ledger_treetile SET width = 2, hashes = %s WHERE id = %s",
            [tile.hashes[:64], tile.pk],
        ),
        ("UPDATE ledger_treetile SET width = 4, hashes = %s WHERE id = %s", [bytes(128), tile.pk]),
        ("UPDATE ledger_treetile SET number = 1 WHERE id = %s", [tile.pk]),
        ("DELETE FROM ledger_treetile WHERE id = %s", [tile.pk]),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(sql, params)
    grown = bytes(tile.hashes) + bytes(32)
    raw("UPDATE ledger_treetile SET width = 4, hashes = %s WHERE id = %s", [grown, tile.pk])


def test_a_removed_entry_is_never_signed(books):
    break_triggers("ledger_journalline")
    break_triggers("ledger_journalentry")
    last = entry(books, 3)
    raw("DELETE FROM ledger_journalline WHERE entry_id = %s", [last.pk])
    raw("DELETE FROM ledger_journalentry WHERE id = %s", [last.pk])
    with at(D3 + (D3 - D2)), pytest.raises(errors.CheckpointInconsistent):
        checkpoints.checkpoint_create(cooperative=books, day=D3)
    assert not Checkpoint.objects.filter(cooperative=books, date=D3).exists()


def test_an_honest_journal_keeps_being_signed_and_does_not_fail(books):
    with at(D3):
        post(books, 700, day=D3)
    with at(D3 + (D3 - D2)):
        made = checkpoints.checkpoint_create(cooperative=books, day=D3)
    assert made.tree_size == 4
    assert selectors.failing_verification(cooperative_ids=[books.pk]) == set()


def test_supervisors_and_the_public_see_the_failed_verification(books, coop_b, dinas, client):
    with at(D3):
        post(books, 700, day=D3)
    _rewrite_history_in_the_stored_tree(books, 1, "Diubah")
    with at(D3 + (D3 - D2)), pytest.raises(CommandError):
        call_command("ledger", "checkpoint", stdout=StringIO())
    public = client.get(f"/transparansi/{books.village_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Verification failed" in public.content.decode()
    honest = client.get(f"/transparansi/{coop_b.village_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Verification failed" not in honest.content.decode()
    client.force_login(dinas)
    listing = client.get("/pantau/koperasi/", {"q": books.name}).content.decode()
    assert listing.count("badge-danger") == 1


def test_a_failed_verification_shows_until_a_run_passes_again(books, coop_b):
    """Rows altered behind the app's back need not stop checkpoints (the signed tree keeps the
    original leaves); `ledger verify` finds them, and supervisors see it until a run passes."""
    break_triggers("ledger_journalentry")
    original = entry(books, 2).memo
    raw("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", ["Diubah", entry(books, 2).pk])
    with pytest.raises(CommandError, match="JU-000002"):
        verify()
    assert selectors.failing_verification(cooperative_ids=[books.pk, coop_b.pk]) == {books.pk}
    with pytest.raises(CommandError):
        verify()  # still failing: one more row, still shown
    with at(D3):
        post(books, 700, day=D3)
    raw("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", [original, entry(books, 2).pk])
    with at(D3 + (D3 - D2)):
        call_command("ledger", "checkpoint", stdout=StringIO())
    assert selectors.failing_verification(cooperative_ids=[books.pk]) == {books.pk}  # not cleared
    verify()
    assert selectors.failing_verification(cooperative_ids=[books.pk]) == set()
    from kopdes.core.models import AuditEvent

    actions = list(
        AuditEvent.objects.filter(cooperative_id=books.pk, action__startswith="ledger.verify")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["ledger.verify_failed", "ledger.verify_failed", "ledger.verify_passed"]
    verify()  # a ledger that keeps verifying writes nothing more
    assert AuditEvent.objects.filter(action__startswith="ledger.verify").count() == 3
