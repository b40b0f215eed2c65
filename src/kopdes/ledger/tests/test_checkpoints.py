"""Signed notes, the canonical documents rebuilt from the rows, and daily checkpoints."""

import base64
import hashlib
import json
import stat
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kopdes.ledger import chain, checkpoints, merkle, services, signing
from kopdes.ledger.checkpoints import (
    checkpoint_create,
    checkpoints_close_day,
    entry_document_from_rows,
)
from kopdes.ledger.errors import DayNotOver
from kopdes.ledger.models import Checkpoint, JournalEntry
from kopdes.ledger.services import Line

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3, D4 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)

# golang.org/x/mod/sumdb/note's example: Ed25519 is deterministic, so signing the same text with
# the same key must give the published note byte for byte.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
    "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def at(day: date, hour: int = 10):
    """Travel to `hour` o'clock in Jakarta on `day` (the clock does not tick)."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, amount=1_000, memo="Tes", **kw):
    return services.journal_entry_post(
        cooperative=coop,
        date=kw.pop("day", D1),
        memo=memo,
        lines=kw.pop("lines", [Line("1-102", debit=amount), Line("3-103", credit=amount)]),
        source_kind="test",
        **kw,
    )


# -- signed notes ------------------------------------------------------------------------------


def go_key() -> signing.PlatformKey:
    raw = base64.b64decode(GO_SIGNER.split("+", 4)[4])
    assert raw[0] == signing.ALG_ED25519
    return signing.PlatformKey(
        name="PeterNeumann", private_key=Ed25519PrivateKey.from_private_bytes(raw[1:])
    )


def test_signed_note_matches_the_go_reference():
    key = go_key()
    assert key.verifier_key == GO_VERIFIER
    assert signing.sign_note(GO_TEXT, key) == GO_NOTE
    verifier = signing.parse_verifier_key(GO_VERIFIER)
    assert signing.open_note(GO_NOTE, verifier) == GO_TEXT
    with pytest.raises(signing.NoteError):
        signing.open_note(GO_NOTE.replace("cryptography", "Cryptography"), verifier)
    with pytest.raises(signing.NoteError):
        signing.open_note(GO_NOTE, signing.platform_key().verifier)  # another key


def test_a_note_with_a_failing_signature_by_the_known_key_is_rejected():
    """C2SP signed-note: a bad signature from a known key rejects the note, even when another
    line carries a good one; lines by unknown keys are ignored."""
    key = go_key()
    verifier = signing.parse_verifier_key(GO_VERIFIER)
    good = signing.sign_note(GO_TEXT, key)
    text, signature = good.rsplit("\n\n", 1)
    name, blob = signature.removeprefix("\u2014 ").strip().split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1  # same key name and key ID, broken signature
    bad = f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}\n"
    stranger = f"\u2014 someone.else {base64.b64encode(bytes(68)).decode()}\n"
    with pytest.raises(signing.NoteError, match="does not verify"):
        signing.open_note(f"{text}\n\n{bad}{signature}", verifier)
    with pytest.raises(signing.NoteError, match="does not verify"):
        signing.open_note(f"{text}\n\n{signature}{bad}", verifier)
    assert signing.open_note(f"{text}\n\n{stranger}{signature}", verifier) == GO_TEXT


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong id
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad base64
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_refused(bad):
    with pytest.raises(signing.NoteError):
        signing.parse_verifier_key(bad)


def test_text_must_end_in_a_newline():
    with pytest.raises(signing.NoteError):
        signing.sign_note("no newline", go_key())


def test_platform_key_is_created_once_with_mode_0600(settings, tmp_path):
    path = tmp_path / "keys" / "ledger.pem"
    settings.KOPDES_LEDGER_KEY_PATH = str(path)
    key = signing.platform_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing.platform_key() is key
    signing._keys.clear()  # a new process reads the same file
    again = signing.platform_key()
    assert again.verifier_key == key.verifier_key
    assert again.name == "kopdes.id/ledger"
    assert again.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert signing.parse_verifier_key(again.verifier_key).public_key == again.public_key


def test_key_path_from_the_environment(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KOPDES_LEDGER_KEY_PATH", str(tmp_path / "env.pem"))
    assert signing.key_path() == tmp_path / "env.pem"
    settings.KOPDES_LEDGER_KEY_PATH = str(tmp_path / "setting.pem")
    assert signing.key_path() == tmp_path / "setting.pem"


# -- documents rebuilt from rows ---------------------------------------------------------------


@pytest.mark.django_db
def test_documents_rebuilt_from_rows_reproduce_every_hash(coop_a, place_a):
    sale = services.post_event(
        cooperative=coop_a,
        event="sale.cash",
        key="sembako:member",
        amounts={"revenue": 75_000, "cost": 60_000},
        date=D1,
        memo="Penjualan beras \u2014 Bu Siti",
        subledger_kind="member",
        subledger_id="A-0007",
        actor=place_a.kasir,
    )
    booked_to_other_unit = post(
        coop_a,
        lines=[
            Line("5-209", debit=5_000, unit="sembako"),
            Line("1-101-01", credit=5_000, subledger_kind="cash", subledger_id="laci-1"),
        ],
        memo="Biaya kecil",
        idempotency_key="k-1",
    )
    reversal = services.journal_entry_reverse(
        entry=sale, date=D1, actor=place_a.bendahara, subledger="member"
    )
    journal = services.manual_journal_draft(
        actor=place_a.bendahara,
        cooperative=coop_a,
        date=D1,
        memo="Koreksi",
        lines=[{"account": "5-209", "debit": 700}, {"account": "1-101-01", "credit": 700}],
    )
    manual = services.manual_journal_decide(
        actor=place_a.ketua, journal=journal, approve=True
    ).entry
    entries = JournalEntry.objects.filter(cooperative=coop_a).select_related(
        "cooperative", "reverses"
    )
    assert {e.number for e in entries} == {
        sale.number,
        booked_to_other_unit.number,
        reversal.number,
        manual.number,
    }
    for entry in entries:
        lines = entry.lines.select_related("account", "business_unit")
        document = entry_document_from_rows(entry, lines)
        assert chain.entry_hash(document) == entry.entry_hash, entry
    rows = {row.number: row for row in checkpoints.journal_rows(coop_a)}
    for entry in entries:
        assert hashlib.sha256(rows[entry.number].canonical).hexdigest() == entry.entry_hash
    reversed_doc = entry_document_from_rows(
        reversal, reversal.lines.select_related("account", "business_unit")
    )
    assert reversed_doc["reverses"] == sale.number
    assert {ln["unit"] for ln in reversed_doc["lines"]} == {"sembako"}
    other = entry_document_from_rows(
        booked_to_other_unit,
        booked_to_other_unit.lines.select_related("account", "business_unit"),
    )
    # Version 2: a line without a sub-ledger stays "", a sub-ledger reference is committed to.
    salt = chain.field_salt(booked_to_other_unit.secret, "lines/2/subledger")
    assert [(ln["unit"], ln["subledger"]) for ln in other["lines"]] == [
        ("sembako", ""),
        ("kantor", chain.commit(salt, "cash:laci-1")),
    ]


# -- checkpoints -------------------------------------------------------------------------------


def leaves_of(coop, upto=None):
    return [row.leaf for row in checkpoints.journal_rows(coop, upto=upto)]


def opened(checkpoint):
    verifier = signing.log_verifier(checkpoints.origin(checkpoint.cooperative))
    return checkpoints.parse_checkpoint_text(signing.open_note(checkpoint.note, verifier))


def summary_of(checkpoint):
    verifier = signing.log_verifier(checkpoints.origin(checkpoint.cooperative))
    return checkpoints.parse_summary_text(signing.open_note(checkpoint.summary, verifier))


@pytest.mark.django_db
def test_checkpoint_commits_to_the_days_entries(coop_a):
    with at(D1):
        post(coop_a, 1_000)
        post(coop_a, 2_500, day=date(2026, 2, 27))  # booked late, in February
    with at(D2):
        post(coop_a, 4_000, day=D2)
        checkpoint = checkpoint_create(cooperative=coop_a, day=D1)
    assert (checkpoint.date, checkpoint.tree_size) == (D1, 2)
    assert (checkpoint.day_count, checkpoint.day_debit_total) == (2, 3_500)
    assert checkpoint.root_hash == merkle.root(leaves_of(coop_a, 2)).hex()
    origin = "kopdes.id/koperasi/36.03.01.2003"
    root = base64.b64encode(bytes.fromhex(checkpoint.root_hash)).decode()
    # A plain tlog-checkpoint: no extension lines, signed under the origin's name.
    verifier = signing.log_verifier(origin)
    assert verifier.name == origin
    assert signing.log_verifier_key(origin).startswith(origin + "+")
    text = signing.open_note(checkpoint.note, verifier)
    assert text == f"{origin}\n2\n{root}\n"
    assert checkpoint.note.startswith(text + f"\n\u2014 {origin} ")
    assert checkpoint.key_id == verifier.key_id.hex()
    assert checkpoint.note_hash == hashlib.sha256(checkpoint.note.encode()).hexdigest()
    # The summary: prev link, the trial balance's hash, the entries by accounting date.
    document = checkpoints.balances_document(
        origin_line=origin,
        tree_size=2,
        balances={
            "2026-02": {"1-102": [2_500, 0], "3-103": [0, 2_500]},
            "2026-03": {"1-102": [1_000, 0], "3-103": [0, 1_000]},
        },
    )
    balances = base64.b64encode(hashlib.sha256(document).digest()).decode()
    summary = signing.open_note(checkpoint.summary, verifier)
    assert summary == (
        f"{origin}/ringkasan\n2\n{root}\n"
        f"prev {base64.b64encode(bytes(32)).decode()}\n"
        f"balances {balances}\n"
        "day 2026-02-27 1 2500\n"
        "day 2026-03-09 1 1000\n"
    )
    assert checkpoint.balances_hash == hashlib.sha256(document).hexdigest()
    assert checkpoints.balances_at(checkpoint) == json.loads(document)["months"]
    assert checkpoint.summary_hash == hashlib.sha256(checkpoint.summary.encode()).hexdigest()
    with pytest.raises(ValueError):
        checkpoints.parse_checkpoint_text(summary)  # a summary never passes for a checkpoint
    with pytest.raises(signing.NoteError):
        signing.open_note(checkpoint.note, signing.platform_key().verifier)  # another name
    with at(D3):
        assert checkpoint_create(cooperative=coop_a, day=D1) == checkpoint  # idempotent
        assert Checkpoint.objects.count() == 1


@pytest.mark.django_db
def test_missed_days_are_caught_up_and_chained(coop_a):
    with at(D1):
        first = post(coop_a, 1_000)
    with at(D3):
        post(coop_a, 300, day=D3)
        post(coop_a, 200, day=D3)
    with at(D4 + (D4 - D3)):
        last = checkpoint_create(cooperative=coop_a, day=D4)
    made = list(Checkpoint.objects.filter(cooperative=coop_a).order_by("date"))
    assert [(c.date, c.tree_size, c.day_count, c.day_debit_total) for c in made] == [
        (D1, 1, 1, 1_000),
        (D3, 3, 2, 500),  # quiet days get none: the checkpoint before covers them
    ]
    assert last == made[-1]
    assert [d.count for d in summary_of(made[1]).days] == [2]
    before, after = made
    assert after.previous_id == before.pk
    assert summary_of(after).prev == bytes.fromhex(before.summary_hash)
    assert checkpoints.balances_at(after) == {"2026-03": {"1-102": [1_500, 0], "3-103": [0, 1_500]}}
    # Anyone holding two checkpoints can check that the later one extends the earlier one.
    leaves = leaves_of(coop_a)
    proof = merkle.consistency_proof(1, leaves[:3])
    assert merkle.verify_consistency(
        old_size=1,
        new_size=3,
        old_root=opened(made[0]).root,
        new_root=opened(made[1]).root,
        proof=proof,
    )
    assert (
        made[0].root_hash
        == merkle.leaf_hash(
            chain.canonical_bytes(
                entry_document_from_rows(
                    first, first.lines.select_related("account", "business_unit")
                )
            )
        ).hex()
    )
    with at(D4 + (D4 - D3)):
        # A day with no checkpoint of its own answers the one covering it.
        assert checkpoint_create(cooperative=coop_a, day=D2) == made[0]
        assert checkpoint_create(cooperative=coop_a, day=D4) == made[1]
    assert Checkpoint.objects.filter(cooperative=coop_a).count() == 2


@pytest.mark.django_db
def test_days_not_over_are_refused_and_earlier_days_answer_their_cover(coop_a):
    with at(D1):
        post(coop_a)
        with pytest.raises(DayNotOver):
            checkpoint_create(cooperative=coop_a, day=D1)
    with at(D3):
        post(coop_a, day=D3)
        assert checkpoint_create(cooperative=coop_a, day=D2).date == D1  # D1 caught up
        assert checkpoint_create(cooperative=coop_a, day=date(2026, 3, 1)) is None


@pytest.mark.django_db
def test_close_day_checkpoints_every_cooperative_with_entries(coop_a, coop_b, place_b):
    with at(D1):
        post(coop_a)
    with at(D2):
        assert checkpoint_create(cooperative=coop_b, day=D1) is None  # nothing posted
        made = checkpoints_close_day(day=D1)
        assert [c.cooperative_id for c in made] == [coop_a.pk]
        post(coop_b)
    with at(D3):
        made = checkpoints_close_day(day=D2)
    # A's quiet day is covered by its checkpoint of D1; B's first day gets its checkpoint.
    assert [(c.cooperative_id, c.date, c.tree_size) for c in made] == [(coop_b.pk, D2, 1)]
    assert opened(made[0]).origin.startswith("kopdes.id/koperasi/36.03.")


@pytest.mark.django_db
def test_latest_checkpoints(coop_a, coop_b):
    from kopdes.cooperatives.models import Cooperative

    with at(D1):
        post(coop_a)
    with at(D3):
        checkpoints_close_day(day=D2)
    latest = checkpoints.latest_checkpoints(Cooperative.objects.all())
    assert list(latest) == [coop_a.pk]
    assert latest[coop_a.pk].date == D1  # D2 was quiet


def test_one_base64_writer_for_notes_checkpoints_and_proofs():
    from kopdes.ledger.checkpoints import building

    assert signing.b64(b"\xfb\xff") == "+/8="  # standard alphabet, padded
    assert signing.b64(b"") == ""
    assert not hasattr(building, "_b64")
