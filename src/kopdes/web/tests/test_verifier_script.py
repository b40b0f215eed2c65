"""The standalone verifier (static/web/kopdes_verify.py, issue 10 item 6): its own RFC 9162
verification against the product's proofs (ledger.merkle), random sizes with Hypothesis; and
the whole command against a log built with the product's functions, untouched and tampered
with (a flipped byte in a proof, a root, a signature, a cosignature; a rewritten history)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.ledger import merkle, signing
from kopdes.web.tests.verifier_log import (
    CODE,
    ORIGIN,
    Log,
    Witness,
    b64,
    leaves_of,
    platform_key,
    script,
    tile,
)

verify = script()
_DAY = timedelta(hours=1)  # past midnight: the day is over
LEAVES = leaves_of(600)


def flip(raw: bytes, at: int = 0) -> bytes:
    return raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1 :]


# -- RFC 9162, against the product's proofs ----------------------------------------------------


@st.composite
def tree_and_index(draw):
    size = draw(st.integers(min_value=1, max_value=300))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@given(tree_and_index(), st.integers(min_value=0, max_value=10_000))
def test_inclusion_matches_the_products_proofs(case, where):
    size, index = case
    leaves = LEAVES[:size]
    proof = merkle.inclusion_proof(index, leaves)
    root = merkle.root(leaves)
    assert verify.verify_inclusion(index, size, leaves[index], proof, root)
    # Tampered: any flipped byte of the proof, the root or the leaf fails; so do a wrong index
    # or size, and a proof one hash short or long.
    if proof:
        i = where % len(proof)
        bad = [*proof[:i], flip(proof[i], where % 32), *proof[i + 1 :]]
        assert not verify.verify_inclusion(index, size, leaves[index], bad, root)
        assert not verify.verify_inclusion(index, size, leaves[index], proof[:-1], root)
    assert not verify.verify_inclusion(index, size, leaves[index], [*proof, root], root)
    assert not verify.verify_inclusion(index, size, leaves[index], proof, flip(root, where % 32))
    assert not verify.verify_inclusion(index, size, flip(leaves[index]), proof, root)
    if size > 1:
        assert not verify.verify_inclusion((index + 1) % size, size, leaves[index], proof, root)


@st.composite
def two_sizes(draw):
    new = draw(st.integers(min_value=0, max_value=300))
    return draw(st.integers(min_value=0, max_value=new)), new


@given(two_sizes(), st.integers(min_value=0, max_value=10_000))
def test_consistency_matches_the_products_proofs(sizes, where):
    old, new = sizes
    proof = merkle.consistency_proof(old, LEAVES[:new])
    old_root, new_root = merkle.root(LEAVES[:old]), merkle.root(LEAVES[:new])
    assert verify.verify_consistency(old, new, old_root, new_root, proof)
    if 0 < old < new:
        i = where % len(proof)
        bad = [*proof[:i], flip(proof[i], where % 32), *proof[i + 1 :]]
        assert not verify.verify_consistency(old, new, old_root, new_root, bad)
        assert not verify.verify_consistency(old, new, flip(old_root), new_root, proof)
        assert not verify.verify_consistency(old, new, old_root, flip(new_root), proof)
        assert not verify.verify_consistency(old, new, old_root, new_root, proof[:-1])
        # A rewritten history: the same sizes over leaves with one changed.
        rewritten = list(LEAVES[:new])
        rewritten[where % old] = flip(rewritten[where % old])
        assert not verify.verify_consistency(
            old, new, merkle.root(rewritten[:old]), new_root, proof
        )
    if old == new and new:
        assert not verify.verify_consistency(old, new, old_root, flip(new_root), proof)
    assert not verify.verify_consistency(new + 1, new, old_root, new_root, proof)


@given(st.integers(min_value=0, max_value=600))
def test_root_from_tiles(size):
    log = Log(leaves=LEAVES[:size], sizes=[size], key=platform_key())
    checker = verify.Verifier(out=io.StringIO(), fetch=log.fetch, code=CODE)
    assert checker.root_from_tiles(size) == merkle.root(LEAVES[:size])


def test_root_from_level_one_tiles_and_the_path_encoding():
    leaves = leaves_of(256 * 3 + 17, "big")
    log = Log(leaves=leaves, sizes=[len(leaves)], key=platform_key())
    checker = verify.Verifier(out=io.StringIO(), fetch=log.fetch, code=CODE)
    assert checker.root_from_tiles(len(leaves)) == merkle.root(leaves)
    assert "tile/1/000.p/3" in log.served  # the three full subtrees of 256 leaves, from level 1
    assert "tile/0/003.p/17" in log.served
    assert verify.tile_path(0, 1234067, 256) == "tile/0/x001/x234/067"
    assert verify.tile_path(2, 5, 3) == "tile/2/005.p/3"
    assert len(tile(leaves, "tile/0/000")) == 256 * 32


# -- signed notes and cosignatures --------------------------------------------------------------


def test_note_signatures_the_products_and_tampered():
    key = platform_key()
    note = signing.sign_note(f"{ORIGIN}\n5\n{b64(merkle.root(LEAVES[:5]))}\n", key)
    vkey = verify.parse_verifier_key(signing.verifier_key(ORIGIN, key.public_key), alg=1)
    assert verify.signed_by(verify.parse_note(note), vkey) is True
    text, _blank, line = note.rpartition("\n\n")
    blob = base64.b64decode(line.split(" ")[-1])
    tampered = f"{text}\n\n\u2014 {ORIGIN} {b64(flip(blob, 10))}\n"
    assert verify.signed_by(verify.parse_note(tampered), vkey) is False
    other = verify.parse_verifier_key(
        signing.verifier_key(ORIGIN, platform_key().public_key), alg=1
    )
    assert verify.signed_by(verify.parse_note(note), other) is None
    changed_body = note.replace("\n5\n", "\n6\n")
    assert verify.signed_by(verify.parse_note(changed_body), vkey) is False


def test_cosignatures():
    witness = Witness("inspektorat.example.go.id/saksi")
    note = witness.cosign(signing.sign_note(f"{ORIGIN}\n1\n{b64(LEAVES[0])}\n", platform_key()))
    wkey = verify.parse_verifier_key(witness.verifier_key, alg=verify.ALG_COSIGNATURE_V1)
    assert verify.cosigned_by(verify.parse_note(note), wkey) == (True, 1_796_000_000)
    head, _sep, blob = note.rstrip("\n").rpartition(" ")
    raw = base64.b64decode(blob)
    for at in (5, 30):  # the timestamp, the signature
        bad = f"{head} {b64(flip(raw, at))}\n"
        assert verify.cosigned_by(verify.parse_note(bad), wkey)[0] is False
    with pytest.raises(ValueError, match="cosignature"):
        verify.parse_verifier_key(signing.verifier_key("w", platform_key().public_key), alg=4)


# -- the command ---------------------------------------------------------------------------------


def run(log: Log, *args: str, pins=None, capsys=None) -> tuple[int, str, str]:
    out = io.StringIO()
    status = verify.main(
        ["https://kopdes.example", CODE, "--pins", str(pins), *args], fetch=log.fetch, out=out
    )
    err = capsys.readouterr().err if capsys is not None else ""
    return status, out.getvalue(), err


@pytest.fixture
def pins(tmp_path):
    return tmp_path / "pins.json"


@pytest.fixture
def log():
    return Log(leaves=list(LEAVES[:300]), sizes=[1, 7, 7, 64, 100, 300], key=platform_key())


def test_a_sound_log_verifies_and_its_key_is_pinned(log, pins, capsys):
    status, out, err = run(
        log, "--tiles", "--receipt", f"42:{b64(LEAVES[41])}", pins=pins, capsys=capsys
    )
    assert status == 0, out + err
    assert "TRUSTED ON FIRST USE" in out
    assert "every checkpoint extends the one before (5 RFC 9162 consistency proofs)" in out
    assert "the latest root recomputed from the hash tiles" in out
    assert "receipt: entry number 42 is in the latest checkpoint" in out
    assert out.rstrip().endswith("Verified: every check holds.")
    pinned = json.loads(pins.read_text())[ORIGIN]
    assert pinned["verifier_key"] == signing.verifier_key(ORIGIN, log.key.public_key)
    assert (pinned["tree_size"], pinned["root"]) == (300, b64(merkle.root(LEAVES[:300])))
    # The second run trusts the pinned key, and checks that the log extends what it saw.
    status, out, _err = run(log, pins=pins, capsys=capsys)
    assert status == 0
    assert f"pinned in {pins}" in out
    assert "the log still extends the checkpoint verified last time (#300)" in out


def test_the_receipt_url_is_accepted(log, pins, capsys):
    leaf = base64.urlsafe_b64encode(LEAVES[6]).decode().rstrip("=")
    receipt = f"https://kopdes.example/transparansi/{CODE}/verifikasi/?nomor=7&leaf={leaf}"
    status, out, _err = run(log, "--receipt", receipt, pins=pins, capsys=capsys)
    assert status == 0
    assert "entry number 7 is in the latest checkpoint" in out


def failed(status: int, err: str, *needles: str) -> None:
    assert status == 1
    first, second = err.strip().split("\n")[-2:]
    assert first.startswith("GAGAL: ")
    assert second.startswith("FAILED: ")
    for needle in needles:
        assert needle in second


def test_a_wrong_receipt_fails(log, pins, capsys):
    status, _out, err = run(log, "--receipt", f"42:{b64(LEAVES[40])}", pins=pins, capsys=capsys)
    failed(status, err, "entry number 42 with that leaf hash is NOT in checkpoint")
    # Not yet covered: it could not be checked yet (2), which is not a forged ledger (1).
    status, _out, err = run(log, "--receipt", f"301:{b64(LEAVES[40])}", pins=pins, capsys=capsys)
    assert status == 2
    assert "available after that day's checkpoint" in err.split("\n")[1]
    assert not pins.exists()  # nothing is pinned from a failed run


def test_a_flipped_signature_fails(log, pins, capsys):
    text, _blank, line = log.notes[3].rpartition("\n\n")
    name, blob = line.rstrip("\n").rsplit(" ", 1)
    log.notes[3] = f"{text}\n\n{name} {b64(flip(base64.b64decode(blob), 20))}\n"
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "the signature of checkpoint 2026-03-04 (#64) does not verify")


def test_a_checkpoint_signed_by_another_key_fails(log, pins, capsys):
    log.notes[2] = signing.sign_note(
        f"{ORIGIN}\n7\n{b64(merkle.root(LEAVES[:7]))}\n", platform_key()
    )
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "is not signed by the cooperative's key")


def test_a_flipped_root_fails(log, pins, capsys):
    listing = log.listing()
    listing["checkpoints"][4]["root"] = b64(flip(merkle.root(LEAVES[:100])))
    log.fetch = lambda path, real=log.fetch: (
        json.dumps(listing).encode() if path == "checkpoints.json" else real(path)
    )
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "the listed size or root differs from the signed note")


def test_a_flipped_byte_in_a_served_proof_fails(log, pins, capsys):
    def tampered(path, real=log.fetch):
        answer = json.loads(real(path)) if not path.startswith("tile/") else None
        if path.startswith("consistency?old=64&"):
            assert answer is not None
            answer["proof"][-1] = b64(flip(base64.b64decode(answer["proof"][-1]), 3))
            return json.dumps(answer).encode()
        return real(path)

    log.fetch = tampered
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "checkpoint 2026-03-05 (#100) does not extend 2026-03-04 (#64)")


def test_a_rewritten_history_fails_even_when_well_signed(log, pins, capsys):
    assert run(log, pins=pins, capsys=capsys)[0] == 0  # pins #300
    rewritten = list(LEAVES[:400])
    rewritten[10] = flip(rewritten[10])  # entry 11 changed behind the application's back
    forged = Log(leaves=rewritten, sizes=[320, 400], key=log.key)  # the same platform key
    status, _out, err = run(forged, pins=pins, capsys=capsys)
    failed(status, err, "does not extend checkpoint #300 verified before: history was rewritten")
    # And between its own checkpoints a rewrite shows as well.
    mixed = Log(leaves=rewritten, sizes=[5, 400], key=log.key)
    mixed.notes[0] = Log(leaves=list(LEAVES), sizes=[20], key=log.key).notes[0]
    mixed.sizes[0] = 20
    status, _out, err = run(mixed, pins=pins.with_name("other.json"), capsys=capsys)
    failed(status, err, "does not extend 2026-03-01 (#20): history was rewritten")


def test_from_to(log, pins, capsys):
    status, out, _err = run(log, "--from", "7", "--to", "2026-03-06", pins=pins, capsys=capsys)
    assert status == 0
    assert "checkpoint 2026-03-06 (#300) extends 2026-03-02 (#7)" in out
    status, _out, err = run(log, "--from", "8", "--to", "300", pins=pins, capsys=capsys)
    assert status == 2
    assert "no signed checkpoint has the size or date 8" in err


def test_a_key_that_differs_from_the_pinned_one_fails(log, pins, capsys):
    assert run(log, pins=pins, capsys=capsys)[0] == 0
    other = platform_key()
    status, _out, err = run(
        log, "--key", signing.verifier_key(ORIGIN, other.public_key), pins=pins, capsys=capsys
    )
    failed(status, err, "the key given differs from the key pinned")
    # A server that starts signing with another key fails against the pinned one.
    moved = Log(leaves=log.leaves, sizes=log.sizes, key=other)
    status, _out, err = run(moved, pins=pins, capsys=capsys)
    failed(status, err, "the server publishes another key", "not signed by the cooperative's key")


def test_witnesses(pins, capsys):
    first, second = Witness("inspektorat.example.go.id"), Witness("kejari.example.go.id")
    log = Log(leaves=list(LEAVES[:50]), sizes=[10, 50], key=platform_key(), witnesses=[first])
    status, out, err = run(log, "--witness", first.verifier_key, pins=pins, capsys=capsys)
    assert status == 0, err
    assert "witness inspektorat.example.go.id: 2 valid cosignatures" in out
    assert "the latest checkpoint is cosigned by 1 witnesses" in out
    # A witness the user requires but that did not cosign.
    status, _out, err = run(
        log,
        "--witness",
        first.verifier_key,
        "--witness",
        second.verifier_key,
        pins=pins,
        capsys=capsys,
    )
    failed(status, err, "cosigned by 1 of the 2 witnesses required (missing: kejari.example.go.id)")
    status, _out, _err = run(
        log,
        "--witness",
        first.verifier_key,
        "--witness",
        second.verifier_key,
        "--quorum",
        "1",
        pins=pins,
        capsys=capsys,
    )
    assert status == 0
    # A flipped byte in a cosignature.
    head, _sep, blob = log.notes[0].rstrip("\n").rpartition(" ")
    log.notes[0] = f"{head} {b64(flip(base64.b64decode(blob), 40))}\n"
    status, _out, err = run(log, "--witness", first.verifier_key, pins=pins, capsys=capsys)
    failed(
        status,
        err,
        "the cosignature of witness inspektorat.example.go.id on checkpoint 2026-03-01 (#10)",
    )


def test_unreachable_server_cannot_check(pins, capsys):
    def down(path):
        raise verify.CannotCheck("server mati", "server down")

    status = verify.main(["https://kopdes.example", CODE, "--pins", str(pins)], fetch=down)
    err = capsys.readouterr().err.split("\n")
    assert status == 2
    assert err[0] == "TIDAK DAPAT MEMERIKSA: server mati"
    assert err[1] == "CANNOT CHECK: server down"


def test_local_files(log, pins, tmp_path, capsys):
    saved = tmp_path / "checkpoints.json"
    saved.write_text(json.dumps(log.listing()))
    out = io.StringIO()
    status = verify.main(["--checkpoints", str(saved), "--pins", str(pins)], out=out)
    assert status == 0, capsys.readouterr().err
    assert "consistency not checked (no server address)" in out.getvalue()
    assert "6 checkpoints signed by the cooperative's key" in out.getvalue()


# -- against the product's own checkpoints and proofs --------------------------------------------


@pytest.mark.django_db
def test_a_proof_from_the_api_and_the_products_checkpoint(client, place_a, tmp_path, capsys):
    """The answer of /api/v1/ledger/entries/{id}/proof, saved to a file, checks offline: the leaf
    recomputed from `canonical`, the inclusion, the checkpoint's signature (a checkpoint signed
    before 2026-12 under `kopdes.id/ledger` verifies with the cooperative's key, the same key
    material); a changed canonical text or proof fails."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    import time_machine

    from kopdes.accounts.tokens import token_issue
    from kopdes.ledger import checkpoints, services
    from kopdes.ledger.services import Line

    jakarta = ZoneInfo("Asia/Jakarta")
    day = date(2026, 3, 9)
    with time_machine.travel(datetime.combine(day, time(10), tzinfo=jakarta), tick=False):
        entries = [
            services.journal_entry_post(
                cooperative=place_a.cooperative,
                date=day,
                memo=f"Setoran {i}",
                lines=[Line("1-102", debit=1000 + i), Line("3-103", credit=1000 + i)],
                source_kind="test",
            )
            for i in range(5)
        ]
    with time_machine.travel(datetime.combine(day, time(23), tzinfo=jakarta) + _DAY, tick=False):
        checkpoints.checkpoints_close_day(day=day)
        token, _row = token_issue(user=place_a.bendahara)
        body = client.get(
            f"/api/v1/ledger/entries/{entries[3].public_id}/proof",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()
    key = signing.verifier_key(
        checkpoints.origin(place_a.cooperative), signing.platform_key().public_key
    )
    saved = tmp_path / "proof.json"
    saved.write_text(json.dumps(body))
    pins = tmp_path / "pins.json"
    out = io.StringIO()
    status = verify.main(["--receipt-file", str(saved), "--key", key, "--pins", str(pins)], out=out)
    assert status == 0, capsys.readouterr().err
    assert "proof: entry number 4 is in the signed checkpoint #5" in out.getvalue()
    assert '"debit":1003' in body["canonical"]  # version 2: amounts in clear, names committed
    for field, value in [
        ("canonical", body["canonical"].replace('"debit":1003', '"debit":1004')),
        ("inclusion_proof", [body["inclusion_proof"][1], body["inclusion_proof"][0]]),
    ]:
        saved.write_text(json.dumps({**body, field: value}))
        status = verify.main(["--receipt-file", str(saved), "--key", key, "--pins", str(pins)])
        assert status == 1
        assert capsys.readouterr().err.split("\n")[0].startswith("GAGAL: bukti")


def test_summary_notes_and_their_chain(log, pins, capsys):
    """Each checkpoint's summary note (entries by accounting date, the trial balance's hash) is
    signed with the cooperative's key, names the same tree, and links to the one before (prev)."""
    status, out, err = run(log, pins=pins, capsys=capsys)
    assert status == 0, err
    assert "the chain of checkpoint summaries is unbroken (prev)" in out
    good = list(log.summaries)
    log.summaries[1] = good[1].replace("7000", "9000")  # a changed day total
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "the signature of the summary of checkpoint 2026-03-02 (#7)")
    # A summary re-signed for another tree.
    log.summaries[1] = log.summary(6, hashlib.sha256(good[0].encode()).digest(), day=2)
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "the summary of checkpoint 2026-03-02 (#7) does not name the same tree")
    # A checkpoint left out of the list: the next one's prev no longer matches.
    log.summaries = good
    log.sizes, log.notes, log.summaries = (
        [*log.sizes[:2], *log.sizes[3:]],
        [*log.notes[:2], *log.notes[3:]],
        [*good[:2], *good[3:]],
    )
    status, _out, err = run(log, pins=pins, capsys=capsys)
    failed(status, err, "(#64) does not link to the one before it (prev)")


def test_a_flipped_byte_in_a_tile_fails(log, pins, capsys):
    def tampered(path, real=log.fetch):
        data = real(path)
        return flip(data, 100) if path == "tile/0/000" else data

    log.fetch = tampered
    status, _out, err = run(log, "--tiles", pins=pins, capsys=capsys)
    failed(status, err, "tile tile/1/000.p/1 does not match the tiles below it")


def test_the_trial_balance_matches_its_signed_hash(log, pins, capsys):
    status, out, err = run(log, "--balances", pins=pins, capsys=capsys)
    assert status == 0, err
    assert "the trial balance at the latest checkpoint matches its signed hash" in out

    def tampered(path, real=log.fetch):
        return b"balances 999" if path.startswith("balances/") else real(path)

    log.fetch = tampered
    status, _out, err = run(log, "--balances", pins=pins, capsys=capsys)
    failed(status, err, "the trial balance served for 2026-03-06 (#300) does NOT match")
