"""Witness cosignatures (C2SP tlog-cosignature, `cosignature/v1`) and the checkpoint parts a
witness reads: pure, no ORM and no Django settings, so `kopdes witness` runs without the
product's database and the log side checks what a witness returns with the same code.

A cosignature is a signed-note signature line on a checkpoint,

    — <witness name> base64(key id || timestamp || Ed25519 signature)

with key id = SHA-256(<name> || "\\n" || 0x04 || public key)[:4], timestamp a big-endian u64
(POSIX seconds), and the Ed25519 signature over

    cosignature/v1
    time <timestamp>
    <the checkpoint's note text, every line of it, final newline included>

A witness's verifier key is `<name>+<key id hex>+base64(0x04 || public key)`. A cosignature says:
at that time, the largest consistent tree the witness had seen for the origin had this root.
"""

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kopdes.ledger import merkle
from kopdes.ledger.signing import (
    SIGNATURE_PREFIX,
    NoteError,
    Verifier,
    b64,
    key_id,
    parse_key_text,
    parse_verifier_key,
)

ALG_COSIGNATURE_V1 = 0x04  # timestamped Ed25519 checkpoint cosignatures
MAX_TIMESTAMP = 2**63 - 1


# -- notes and checkpoints ---------------------------------------------------------------------


def split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's text (with its final newline) and its signature lines (without theirs).

    NoteError when the note is not a text, a blank line and at least one signature line, or
    holds control characters other than newline (C2SP signed-note)."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("a signed note holds no control character but newline")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line, then signature lines")
    text, signatures = note[: split + 1], note[split + 2 :].splitlines()
    if not signatures:
        raise NoteError("a signed note has at least one signature line")
    for line in signatures:
        name, _sep, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not name or not blob or " " in blob:
            raise NoteError("a signature line is an em dash, a key name and a base64 signature")
    return text, signatures


def _signature_line(line: str) -> tuple[str, bytes]:
    name, _sep, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    try:
        raw = base64.b64decode(blob, validate=True)
    except binascii.Error:
        raise NoteError("a signature is not valid base64") from None
    if len(raw) < 4:
        raise NoteError("a signature is at least its 4-byte key id")
    return name, raw


@dataclass(frozen=True)
class CheckpointHead:
    """The first three lines of a checkpoint note text (C2SP tlog-checkpoint)."""

    origin: str
    tree_size: int
    root: bytes


def checkpoint_head(text: str) -> CheckpointHead:
    """Origin, tree size and root of a checkpoint's note text; NoteError when malformed."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("a checkpoint is at least three non-empty lines")
    origin, size, root_b64 = lines[:3]
    if not size.isascii() or not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError("the tree size is a decimal number without leading zeroes")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except binascii.Error:
        raise NoteError("the root hash is not valid base64") from None
    if len(root) != merkle.HASH_SIZE:
        raise NoteError("the root hash is 32 bytes")
    return CheckpointHead(origin=origin, tree_size=int(size), root=root)


def verify_log_signature(note: str, verifiers: list[Verifier]) -> str:
    """The text of `note` if one of `verifiers` signed it; NoteError otherwise.

    Signatures by unknown keys are ignored; a signature whose name and key id match a trusted
    key but that fails to verify makes the whole note invalid (C2SP signed-note)."""
    text, lines = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    good = False
    for line in lines:
        name, raw = _signature_line(line)
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue
        if not verifier.verify(text.encode("utf-8"), raw[4:]):
            raise NoteError("a signature by a trusted key does not verify")
        good = True
    if not good:
        raise NoteError("the note carries no signature by a trusted key")
    return text


# -- cosigner keys -----------------------------------------------------------------------------


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    return key_id(name, public_key, ALG_COSIGNATURE_V1)


def cosigner_verifier_key(name: str, public_key: bytes) -> str:
    material = b64(bytes([ALG_COSIGNATURE_V1]) + public_key)
    return f"{name}+{cosigner_key_id(name, public_key).hex()}+{material}"


def check_key_name(name: str) -> str:
    """A key name is non-empty, without spaces, plus signs or control characters."""
    if not name or any(c.isspace() or c == "+" or ord(c) < 0x20 for c in name):
        raise NoteError("a key name is non-empty, without spaces or plus signs")
    return name


@dataclass(frozen=True)
class CosignerKey:
    """A witness's public key, as read from its verifier key."""

    name: str
    key_id: bytes
    public_key: bytes

    @property
    def verifier_key(self) -> str:
        return cosigner_verifier_key(self.name, self.public_key)


def parse_cosigner_key(text: str) -> CosignerKey:
    """Read `<name>+<key id hex>+base64(0x04 || public key)`; NoteError when malformed."""
    name, wanted_id, public_key = parse_key_text(text, alg=ALG_COSIGNATURE_V1)
    return CosignerKey(name=check_key_name(name), key_id=wanted_id, public_key=public_key)


def parse_log_key(text: str) -> Verifier:
    """A log's verifier key (Ed25519, type 0x01): signing.parse_verifier_key, re-exported."""
    return parse_verifier_key(text)


# -- cosigning and checking cosignatures -------------------------------------------------------


def cosignature_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header, the time line, then the whole note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(text: str, *, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The cosignature line (with its newline) of the note text `text` at `timestamp`."""
    if not 0 < timestamp <= MAX_TIMESTAMP:
        raise NoteError("a cosignature's timestamp is a positive 63-bit number")
    public_key = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(cosignature_message(text, timestamp))
    blob = cosigner_key_id(name, public_key) + timestamp.to_bytes(8, "big") + signature
    return f"{SIGNATURE_PREFIX}{name} {b64(blob)}\n"


@dataclass(frozen=True)
class Cosigned:
    """A cosignature that verified: who, when (POSIX seconds), and its signature line."""

    name: str
    key_id: bytes
    timestamp: int
    line: str  # "— <name> <base64>\n"


def cosignatures_by(text: str, lines: list[str], key: CosignerKey) -> list[Cosigned]:
    """The cosignatures by `key` among the signature `lines` of the note text `text`.

    Lines of other keys are ignored; a line with `key`'s name and key id that does not verify
    raises NoteError (a note with a bad signature by a known key is invalid)."""
    found = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash")
        name, raw = _signature_line(line)
        if name != key.name or raw[:4] != key.key_id:
            continue
        if len(raw) != 4 + 8 + 64:
            raise NoteError("a cosignature/v1 is a key id, a timestamp and an Ed25519 signature")
        timestamp = int.from_bytes(raw[4:12], "big")
        if not 0 < timestamp <= MAX_TIMESTAMP:
            raise NoteError("a cosignature's timestamp is a positive 63-bit number")
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(
                raw[12:], cosignature_message(text, timestamp)
            )
        except InvalidSignature:
            raise NoteError("a cosignature by the witness's key does not verify") from None
        found.append(Cosigned(name=name, key_id=key.key_id, timestamp=timestamp, line=line + "\n"))
    return found
