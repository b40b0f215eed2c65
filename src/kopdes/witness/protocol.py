"""The witness's checks, exactly as C2SP tlog-witness `add-checkpoint` orders them.

Request body: `old <size>\\n`, up to 63 base64 consistency-proof lines, a blank line, the
checkpoint (a signed note). Answers:

- 400: malformed body, or an old size above the checkpoint's size;
- 404: an origin the witness does not witness;
- 403: no signature by a key trusted for the origin, or a trusted key's signature that fails;
- 409 (`text/x.tlog.size`, the size it last cosigned): the old size is not the size the witness
  last cosigned for the origin (0 if never);
- 422: a size-0 checkpoint whose root is not the empty tree's, a proof with an old size of 0, a
  consistency proof that does not verify, or the same size with another root (a rewritten
  history); the request is kept in the state as evidence;
- 200: the cosignature line(s), after the new size and root are stored.
"""

import base64
import binascii
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from kopdes.ledger import merkle
from kopdes.ledger.cosigning import checkpoint_head, cosign, split_note, verify_log_signature
from kopdes.ledger.signing import NoteError
from kopdes.witness.state import Identity, Logs, Store

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024
SIZE_TYPE = "text/x.tlog.size"
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = TEXT_TYPE


def _refusal(status: int, reason: str) -> Answer:
    return Answer(status, reason + "\n")


@dataclass(frozen=True)
class Submission:
    old_size: int
    proof: list[bytes]
    note: str


def parse_submission(body: bytes) -> Submission:
    """The old size, the proof and the checkpoint note of a request body; ValueError if bad."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ValueError("the body is an old size line, proof lines, a blank line, a checkpoint")
    lines = head.split("\n")
    word, _space, size = lines[0].partition(" ")
    if word != "old" or not size.isascii() or not size.isdigit():
        raise ValueError("the first line is `old <size>`")
    if size != "0" and size.startswith("0"):
        raise ValueError("the old size has no leading zeroes")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ValueError(f"at most {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in lines[1:]:
        try:
            node = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise ValueError("a consistency proof line is one base64 hash") from None
        if len(node) != merkle.HASH_SIZE:
            raise ValueError("a consistency proof line is one 32-byte hash")
        proof.append(node)
    return Submission(old_size=int(size), proof=proof, note=note)


class Witness:
    def __init__(
        self,
        *,
        identity: Identity,
        logs: Logs,
        store: Store,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.logs = logs
        self.store = store
        self.clock = clock

    def add_checkpoint(self, body: bytes) -> Answer:
        try:
            submission = parse_submission(body)
            text, _lines = split_note(submission.note)
            head = checkpoint_head(text)
        except (ValueError, NoteError) as exc:
            return _refusal(400, f"bad request: {exc}")
        verifiers = self.logs.current().get(head.origin)
        if not verifiers:
            return _refusal(404, f"unknown log: {head.origin}")
        try:
            verify_log_signature(submission.note, verifiers)
        except NoteError as exc:
            return _refusal(403, f"the log's signature: {exc}")
        if submission.old_size > head.tree_size:
            return _refusal(400, "the old size is larger than the checkpoint's")
        with self.store.transaction() as db:
            latest = self.store.latest(db, head.origin)
            size = latest.tree_size if latest else 0
            if submission.old_size != size:
                return Answer(409, f"{size}\n", SIZE_TYPE)
            problem = self._inconsistency(submission, head.tree_size, head.root, latest)
            now = int(self.clock())
            if problem:
                self.store.refuse(
                    db,
                    origin=head.origin,
                    at=now,
                    status=422,
                    reason=problem,
                    request=body.decode("utf-8"),
                )
                return _refusal(422, problem)
            line = cosign(
                text, name=self.identity.name, private_key=self.identity.private_key, timestamp=now
            )
            self.store.save(
                db,
                origin=head.origin,
                tree_size=head.tree_size,
                root=head.root,
                note=submission.note + line,
                at=now,
            )
        return Answer(200, line)

    @staticmethod
    def _inconsistency(submission: Submission, size: int, root: bytes, latest) -> str:
        """Why the checkpoint does not extend the last one cosigned; empty when it does."""
        if size == 0 and root != merkle.EMPTY_ROOT:
            return "a checkpoint of size 0 has the empty tree's root"
        if submission.old_size == 0:
            return "the proof from size 0 is empty" if submission.proof else ""
        if submission.old_size == size and root != latest.root:
            return "the same tree size with another root: the log rewrote its history"
        if not merkle.verify_consistency(
            old_size=submission.old_size,
            new_size=size,
            old_root=latest.root,
            new_root=root,
            proof=submission.proof,
        ):
            return "the consistency proof does not verify: this tree does not extend the last one"
        return ""

    def checkpoint(self, origin_hash: str) -> Answer:
        """GET /<hex SHA-256 of the origin>/checkpoint: the last note cosigned for that log."""
        for origin in self.logs.current():
            if hashlib.sha256(origin.encode("utf-8")).hexdigest() == origin_hash:
                latest = self.store.read_latest(origin)
                if latest is not None:
                    return Answer(200, latest.note)
        return _refusal(404, "no checkpoint cosigned for that log")
