"""The witness's add-checkpoint protocol (C2SP tlog-witness), in-process: no database, no Django.

A log here is an Ed25519 key named by its origin, a list of leaf hashes, and checkpoints signed
over their roots. Each refusal leaves the witness's state where it was."""

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kopdes.ledger import cosigning, merkle, signing
from kopdes.witness.protocol import SIZE_TYPE, Witness
from kopdes.witness.state import DATABASE, LOGS, Logs, StateError, Store, init, parse_logs

ORIGIN = "kopdes.id/koperasi/36.03.01.2003"
OTHER = "kopdes.id/koperasi/36.03.13.2001"
LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(20)]
NOW = 1_795_000_000


class Log:
    def __init__(self, origin: str = ORIGIN, key: Ed25519PrivateKey | None = None) -> None:
        self.origin = origin
        self.key = signing.PlatformKey(name=origin, private_key=key or Ed25519PrivateKey.generate())

    @property
    def verifier_key(self) -> str:
        return self.key.verifier_key

    def note(self, size: int, leaves: list[bytes] = LEAVES, extra: str = "") -> str:
        root = merkle.root(leaves[:size])
        return signing.sign_note(f"{self.origin}\n{size}\n{signing.b64(root)}\n{extra}", self.key)


def body(old: int, proof: list[bytes], note: str) -> bytes:
    lines = "".join(signing.b64(h) + "\n" for h in proof)
    return f"old {old}\n{lines}\n{note}".encode()


def submit(witness: Witness, old: int, new: int, note: str, leaves: list[bytes] = LEAVES):
    proof = merkle.consistency_proof(old, leaves[:new])
    return witness.add_checkpoint(body(old, proof, note))


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def witness(tmp_path: Path, log: Log) -> Witness:
    identity = init(tmp_path, name="saksi.example.org/w1")
    (tmp_path / LOGS).write_text(f"# test\n{log.verifier_key}\n")
    return Witness(
        identity=identity,
        logs=Logs(tmp_path / LOGS),
        store=Store(tmp_path / DATABASE),
        clock=lambda: NOW,
    )


def independent_check(note_text: str, line: str, verifier_key: str) -> int:
    """cosignature/v1 checked from the spec alone (not kopdes.ledger.cosigning): the key id with
    the 0x04 type byte, the timestamp in big-endian, the message header, time line and body."""
    name, _plus, rest = verifier_key.partition("+")
    key_hex, _plus, material = rest.partition("+")
    raw_key = base64.b64decode(material)
    assert raw_key[0] == 0x04
    public = raw_key[1:]
    assert hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4].hex() == key_hex
    assert line.startswith("\u2014 " + name + " ") and line.endswith("\n")
    blob = base64.b64decode(line.rstrip("\n").split(" ")[2])
    assert blob[:4].hex() == key_hex and len(blob) == 76
    timestamp = int.from_bytes(blob[4:12], "big")
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + note_text.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(blob[12:], message)  # raises if bad
    return timestamp


def test_a_good_checkpoint_is_cosigned_and_the_cosignature_verifies_independently(witness, log):
    note = log.note(5)
    answer = submit(witness, 0, 5, note)
    assert answer.status == 200, answer.body
    text = note[: note.rindex("\n\n") + 1]
    assert independent_check(text, answer.body, witness.identity.verifier_key) == NOW
    key = cosigning.parse_cosigner_key(witness.identity.verifier_key)
    (cosigned,) = cosigning.cosignatures_by(text, answer.body.splitlines(), key)
    assert cosigned.timestamp == NOW and cosigned.line == answer.body
    # then a larger tree, with the consistency proof from 5
    later = log.note(13)
    answer = submit(witness, 5, 13, later)
    assert answer.status == 200, answer.body
    assert witness.store.read_latest(ORIGIN).tree_size == 13
    # the monitoring view serves the log's note with the witness's cosignature
    origin_hash = hashlib.sha256(ORIGIN.encode()).hexdigest()
    assert witness.checkpoint(origin_hash).body == later + answer.body
    assert witness.checkpoint("0" * 64).status == 404


def test_the_same_tree_again_is_cosigned(witness, log):
    assert submit(witness, 0, 5, log.note(5)).status == 200
    assert submit(witness, 5, 5, log.note(5, extra="prev x\n")).status == 200


def test_a_stale_old_size_gets_409_with_the_size_last_cosigned(witness, log):
    assert submit(witness, 0, 8, log.note(8)).status == 200
    answer = submit(witness, 5, 13, log.note(13))
    assert (answer.status, answer.body, answer.content_type) == (409, "8\n", SIZE_TYPE)
    answer = submit(witness, 0, 13, log.note(13))
    assert (answer.status, answer.body) == (409, "8\n")
    assert witness.store.read_latest(ORIGIN).tree_size == 8


def test_a_rewritten_history_of_the_same_size_is_refused(witness, log):
    assert submit(witness, 0, 8, log.note(8)).status == 200
    rewritten = [*LEAVES[:3], merkle.leaf_hash(b"altered memo"), *LEAVES[4:]]
    answer = submit(witness, 8, 8, log.note(8, rewritten), rewritten)
    assert answer.status == 422 and "rewrote" in answer.body
    latest = witness.store.read_latest(ORIGIN)
    assert (latest.tree_size, latest.root) == (8, merkle.root(LEAVES[:8]))


def test_a_larger_tree_that_does_not_extend_the_last_one_is_refused(witness, log):
    assert submit(witness, 0, 8, log.note(8)).status == 200
    rewritten = [*LEAVES[:3], merkle.leaf_hash(b"altered memo"), *LEAVES[4:]]
    # the honest-looking proof of the rewritten tree does not lead to the root cosigned before
    answer = submit(witness, 8, 13, log.note(13, rewritten), rewritten)
    assert answer.status == 422 and "does not verify" in answer.body
    # nor does a proof of the real tree attached to the rewritten root
    proof = merkle.consistency_proof(8, LEAVES[:13])
    answer = witness.add_checkpoint(body(8, proof, log.note(13, rewritten)))
    assert answer.status == 422
    assert witness.store.read_latest(ORIGIN).tree_size == 8
    with witness.store.connect() as db:
        (refused,) = db.execute("SELECT count(*) FROM refused WHERE origin = ?", (ORIGIN,))
    assert refused == (2,)  # kept as evidence of the log's misbehaviour


def test_the_wrong_log_key_is_refused_with_403(witness, log):
    impostor = Log(ORIGIN)  # same origin, another key
    assert submit(witness, 0, 5, impostor.note(5)).status == 403
    # a note by the trusted key whose signature fails (the text was changed after signing)
    note = log.note(5).replace("\n5\n", "\n6\n", 1)
    assert witness.add_checkpoint(body(0, [], note)).status == 403
    # a good signature beside a failing one by the trusted key is still refused
    good = log.note(5)
    _text, lines = cosigning.split_note(good)
    name, blob = lines[0].removeprefix("\u2014 ").split(" ")
    raw = base64.b64decode(blob)
    broken = f"\u2014 {name} {signing.b64(raw[:4] + bytes(64))}\n"
    assert witness.add_checkpoint(body(0, [], good + broken)).status == 403
    assert witness.store.read_latest(ORIGIN) is None


def test_an_unknown_origin_is_404_and_extra_signatures_are_ignored(witness, log):
    assert submit(witness, 0, 5, Log(OTHER).note(5)).status == 404
    note = log.note(5) + Log("someone.else/log").note(5).split("\n\n")[1]
    assert submit(witness, 0, 5, note).status == 200


@pytest.mark.parametrize(
    ("request_body", "status"),
    [
        (b"old 1\n\nnot a note\n", 400),
        (b"\xff\xfe", 400),
        (b"old 01\n\n", 400),
        (b"new 0\n\n", 400),
        (("old 0\n" + "AAAA\n" + "\n").encode(), 400),
        (("old 0\n" + (signing.b64(bytes(32)) + "\n") * 64 + "\n").encode(), 400),
    ],
)
def test_malformed_requests_are_400(witness, log, request_body, status):
    if request_body.endswith(b"\n\n"):
        request_body += log.note(5).encode()
    assert witness.add_checkpoint(request_body).status == status
    assert witness.store.read_latest(ORIGIN) is None


def test_an_old_size_above_the_checkpoint_is_400_and_a_proof_from_zero_is_422(witness, log):
    assert witness.add_checkpoint(body(9, [], log.note(5))).status == 400
    assert witness.add_checkpoint(body(0, [bytes(32)], log.note(5))).status == 422
    empty_wrong = signing.sign_note(f"{ORIGIN}\n0\n{signing.b64(bytes(32))}\n", log.key)
    assert witness.add_checkpoint(body(0, [], empty_wrong)).status == 422
    assert witness.add_checkpoint(body(0, [], log.note(0))).status == 200


def test_the_logs_file_and_the_state_directory(tmp_path, log):
    logs = parse_logs(f"{log.verifier_key}\n{OTHER} {log.verifier_key}  # same key\n\n")
    assert set(logs) == {ORIGIN, OTHER}
    with pytest.raises(StateError, match="line 1"):
        parse_logs("not-a-key\n")
    init(tmp_path / "w", name="saksi.example.org/w2")
    with pytest.raises(StateError, match="already holds a witness"):
        init(tmp_path / "w", name="saksi.example.org/w2")
    with pytest.raises(StateError, match="name"):
        init(tmp_path / "x", name="has space")
    assert (tmp_path / "w" / "witness-key.pem").stat().st_mode & 0o777 == 0o600
