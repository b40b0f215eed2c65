#!/usr/bin/env python3
"""kopdes_verify.py: check a Kopdes cooperative's public ledger yourself.

Periksa sendiri buku besar publik sebuah koperasi di Kopdes. / Check a cooperative's published
ledger without trusting the platform.

One file, the Python standard library plus `cryptography` (pip install cryptography) when it is
installed; without it, Ed25519 signatures are checked by the RFC 8032 reference arithmetic
written below (slower, the same answers). It imports nothing of Kopdes: every check is written here, from the public standards:

* the checkpoints (C2SP tlog-checkpoint, signed notes: https://c2sp.org/signed-note), each signed
  by the cooperative's verifier key `kopdes.id/koperasi/<code>+<key id>+<key>`; checkpoints from
  before 2026-12 are signed with the same key material under the name `kopdes.id/ledger`;
* the witnesses' cosignatures (C2SP tlog-cosignature, `cosignature/v1`) for every `--witness`;
* that each checkpoint extends the one before (RFC 9162 consistency proofs, section 2.1.4.2,
  from `log/consistency`), and any two with `--from` and `--to`;
* with `--tiles`, every hash tile checked against the one above it and the latest root
  recomputed from them (C2SP tlog-tiles);
* each checkpoint's summary note (entries by accounting date, the trial balance's hash) signed
  and linked to the one before; with `--balances`, the latest trial balance document
  (`log/balances/<size>.json`) matching the hash its summary signs;
* a member's receipt: `--receipt <entry number>:<base64 leaf hash>` (or the receipt's URL) is
  proved included in the latest checkpoint (RFC 9162 section 2.1.3.2, from `log/inclusion`);
  `--receipt-file proof.json` checks the API's answer of /api/v1/ledger/entries/{id}/proof,
  recomputing the leaf from its `canonical` text.

The cooperative's key is the one given with `--key`; without it, the key pinned earlier in the
pin file, or else (trust on first use) the key the server publishes, which is then pinned. The pin
file also keeps the last checkpoint verified, and the next run checks that the log still extends
it (a rewritten history fails even when every new checkpoint is well signed).

Examples:

    python3 kopdes_verify.py https://kopdes.example.go.id 36.03.01.2003
    python3 kopdes_verify.py https://kopdes.example.go.id 36.03.01.2003 --tiles \\
        --witness inspektorat.example.go.id/saksi+1a2b3c4d+BEx... --receipt 123:q1w2e3...
    python3 kopdes_verify.py --checkpoints checkpoints.json --receipt-file proof.json

Exit status: 0 everything checked holds; 1 a check failed (stderr: GAGAL in Indonesian on the
first line, FAILED in English on the second, naming what failed); 2 the checks could not be run
(bad arguments, the server could not be reached or answered nonsense, a receipt that no
checkpoint covers yet).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import itertools
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # the standard library alone: the slower Ed25519 below (RFC 8032)
    Ed25519PublicKey = None  # type: ignore[assignment,misc]

VERSION = "1.0"
ORIGIN_PREFIX = "kopdes.id/koperasi/"
LEGACY_KEY_NAME = "kopdes.id/ledger"  # checkpoints signed before 2026-12 (five-line bodies)
SUMMARY_SUFFIX = "/ringkasan"  # a summary note's first line: the origin and this
ALG_ED25519 = 0x01  # C2SP signed-note: Ed25519 note signature
ALG_COSIGNATURE_V1 = 0x04  # C2SP tlog-cosignature: timestamped Ed25519 cosignature/v1
SIGNATURE_PREFIX = "\u2014 "  # em dash and a space
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
DEFAULT_PINS = Path.home() / ".kopdes_verify_pins.json"
TIMEOUT = 30


class Failed(Exception):
    """A check that does not hold: the text in Indonesian and in English."""

    def __init__(self, id_text: str, en_text: str) -> None:
        super().__init__(en_text)
        self.id_text = id_text
        self.en_text = en_text


class CannotCheck(Exception):
    """The checks could not be run (exit 2): Indonesian and English."""

    def __init__(self, id_text: str, en_text: str) -> None:
        super().__init__(en_text)
        self.id_text = id_text
        self.en_text = en_text


# -- RFC 9162 section 2.1: Merkle trees --------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an inclusion proof (audit path) leads to.

    ValueError when the proof cannot belong to leaf `index` of a tree of `size` leaves."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                # right-shift both until fn is odd or zero
                while fn != 0 and fn % 2 == 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ValueError:
        return False


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: is the tree (old_size, old_root) a prefix of (new_size,
    new_root)? Sizes equal: the roots must be equal and the proof empty; an empty old tree is a
    prefix of any tree."""
    if old_size < 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if old_size == 0:
        return len(proof) == 0
    if len(proof) == 0:
        return False
    path = list(proof)
    # Step 1: when the old size is an exact power of two, its root is the first node.
    if old_size & (old_size - 1) == 0:
        path = [old_root, *path]
    fn, sn = old_size - 1, new_size - 1
    # Step 3: while fn is odd, shift both right.
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if fn % 2 == 0:
                while fn != 0 and fn % 2 == 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


def fold_root(subtree_roots: Sequence[bytes]) -> bytes:
    """The root of a tree given the roots of its perfect subtrees, largest (leftmost) first."""
    if not subtree_roots:
        return EMPTY_ROOT
    h = subtree_roots[-1]
    for left in reversed(subtree_roots[:-1]):
        h = node_hash(left, h)
    return h


def perfect_subtrees(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees that make a tree of `size` leaves: (first leaf, height), left first."""
    found, start = [], 0
    for height in range(size.bit_length() - 1, -1, -1):
        if size & (1 << height):
            found.append((start, height))
            start += 1 << height
    return found


# -- Ed25519 (RFC 8032 section 5.1.7) without `cryptography` ---------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point_add(p: _Point, q: _Point) -> _Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_mul(scalar: int, point: _Point) -> _Point:
    result: _Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        scalar >>= 1
    return result


def _point_decode(data: bytes) -> _Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_BASE_Y = 4 * pow(5, _P - 2, _P) % _P
_BASE: _Point = (
    _recover_x(_BASE_Y, 0) or 0,
    _BASE_Y,
    1,
    (_recover_x(_BASE_Y, 0) or 0) * _BASE_Y % _P,
)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 verification ([S]B = R + [k]A), standard library only."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _point_decode(public_key), _point_decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    left, right = _point_mul(s, _BASE), _point_add(r, _point_mul(k % _L, a))
    return (left[0] * right[2] - right[0] * left[2]) % _P == 0 and (
        left[1] * right[2] - right[1] * left[2]
    ) % _P == 0


# -- C2SP signed notes, verifier keys, checkpoints, cosignatures --------------------------------


def key_id(name: str, alg: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    name: str
    alg: int
    key_id: bytes
    public_key: bytes

    def text(self) -> str:
        material = base64.b64encode(bytes([self.alg]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    def renamed(self, name: str) -> VerifierKey:
        """The same key material under another name (the name is part of the key id)."""
        return VerifierKey(name, self.alg, key_id(name, self.alg, self.public_key), self.public_key)

    def verifies(self, message: bytes, signature: bytes) -> bool:
        if Ed25519PublicKey is None or os.environ.get("KOPDES_VERIFY_PURE") == "1":
            return ed25519_verify(self.public_key, message, signature)
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def parse_verifier_key(text: str, *, alg: int) -> VerifierKey:
    """`<name>+<8 hex digits key id>+<base64(alg || 32-byte Ed25519 key)>`; ValueError if not."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
        raise ValueError(f"not a verifier key (<name>+<key id>+<key>): {text!r}")
    name, hex_id, material = parts
    try:
        raw = base64.b64decode(material, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise ValueError(f"the verifier key is not valid hex and base64: {text!r}") from None
    if len(raw) != 33 or raw[0] != alg:
        kind = "cosignature/v1 (0x04)" if alg == ALG_COSIGNATURE_V1 else "Ed25519 (0x01)"
        raise ValueError(f"not an {kind} verifier key: {text!r}")
    if key_id(name, alg, raw[1:]) != wanted:
        raise ValueError(f"the key id does not match the name and key: {text!r}")
    return VerifierKey(name, alg, wanted, raw[1:])


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes  # after the key id
    line: str = ""  # as written, without its newline


@dataclass(frozen=True)
class Note:
    text: str  # the body, ending in a newline
    signatures: tuple[NoteSignature, ...]


def parse_note(note: str) -> Note:
    """A signed note: text, a blank line, signature lines `— <name> <base64(key id || sig)>`."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise ValueError("a signed note is its text, a blank line, then signature lines")
    text, lines = note[: split + 1], note[split + 2 :]
    signatures = []
    for line in lines.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            raise ValueError("a signature line starts with an em dash")
        name, _sep, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise ValueError("a signature is not valid base64") from None
        if len(raw) < 5 or not name:
            raise ValueError("a signature line is too short")
        signatures.append(NoteSignature(name, raw[:4], raw[4:], line))
    return Note(text, tuple(signatures))


def signed_by(note: Note, key: VerifierKey) -> bool | None:
    """True when `key` signed the note; None when no line is by that key; False when a line by
    that key (same name and key id) does not verify (C2SP: the note is then rejected)."""
    mine = [s for s in note.signatures if s.name == key.name and s.key_id == key.key_id]
    if not mine:
        return None
    return all(key.verifies(note.text.encode("utf-8"), s.signature) for s in mine)


def cosigned_by(note: Note, witness: VerifierKey) -> tuple[bool, int] | None:
    """(valid, timestamp) of the witness's cosignature/v1 on the note; None when it has none."""
    mine = [s for s in note.signatures if s.name == witness.name and s.key_id == witness.key_id]
    if not mine:
        return None
    ok, when = True, 0
    for s in mine:
        if len(s.signature) != 8 + 64:
            return False, 0
        when = int.from_bytes(s.signature[:8], "big")
        message = f"cosignature/v1\ntime {when}\n{note.text}".encode()
        ok = ok and when < 2**63 and witness.verifies(message, s.signature[8:])
    return ok, when


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...]


def parse_checkpoint(text: str) -> Checkpoint:
    """tlog-checkpoint body: origin, decimal tree size, base64 root, then extension lines."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise ValueError("a checkpoint has at least three lines")
    origin, size, root = lines[:3]
    if not re.fullmatch(r"0|[1-9][0-9]{0,18}", size):
        raise ValueError("the tree size is not a decimal number")
    try:
        raw = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise ValueError("the root is not valid base64") from None
    if len(raw) != 32:
        raise ValueError("the root is not 32 bytes")
    return Checkpoint(origin, int(size), raw, tuple(lines[3:-1]))


def summary_field(summary: str, name: str) -> str | None:
    """The value of the summary note's `<name> <value>` line (`prev`, `balances`), if any."""
    for line in summary.split("\n\n", 1)[0].split("\n"):
        word, _sep, value = line.partition(" ")
        if word == name:
            return value
    return None


def decode_hash(text: str) -> bytes:
    """A 32-byte hash written in base64 (standard or URL-safe, padded or not) or hex."""
    value = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return bytes.fromhex(value)
    padded = value + "=" * (-len(value) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        raise ValueError(f"not a base64 or hex hash: {text!r}") from None
    if len(raw) != 32:
        raise ValueError(f"a hash is 32 bytes, not {len(raw)}: {text!r}")
    return raw


def tile_path(level: int, index: int, width: int) -> str:
    """C2SP tlog-tiles: tile/<L>/<N>[.p/<W>], N in groups of three digits, x before all but
    the last (1234067 -> x001/x234/067)."""
    digits = f"{index:03d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    encoded = "/".join([*("x" + g for g in groups[:-1]), groups[-1]])
    path = f"tile/{level}/{encoded}"
    return path if width == TILE_WIDTH else f"{path}.p/{width}"


# -- where the data comes from -----------------------------------------------------------------


Fetch = Callable[[str], bytes]  # a path under /transparansi/<code>/log/ -> the answer's bytes


def http_fetcher(base_url: str, code: str) -> Fetch:
    base = base_url.rstrip("/") + f"/transparansi/{urllib.parse.quote(code)}/log/"
    if not base.startswith(("https://", "http://")):
        raise CannotCheck(
            f"Alamat harus diawali https:// atau http://: {base_url}",
            f"The address must start with https:// or http://: {base_url}",
        )

    def fetch(path: str) -> bytes:
        url = base + path
        agent = {"User-Agent": f"kopdes-verify/{VERSION}"}
        request = urllib.request.Request(url, headers=agent)  # noqa: S310 (http(s), checked)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
                return answer.read()
        except urllib.error.HTTPError as error:
            raise CannotCheck(
                f"Server menjawab {error.code} untuk {url}",
                f"The server answered {error.code} for {url}",
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise CannotCheck(
                f"Tidak dapat mengambil {url}: {error}", f"Could not fetch {url}: {error}"
            ) from None

    return fetch


def fetch_json(fetch: Fetch, path: str) -> Any:
    raw = fetch(path)
    try:
        return json.loads(raw)
    except ValueError:
        raise CannotCheck(
            f"Jawaban {path} bukan JSON yang sah", f"The answer to {path} is not valid JSON"
        ) from None


# -- the verifier ------------------------------------------------------------------------------


@dataclass
class Published:
    """One checkpoint as published, once its note is read."""

    date: str
    note: Note
    checkpoint: Checkpoint
    summary: str
    witnesses: list[str]

    @property
    def label(self) -> str:
        return f"{self.date} (#{self.checkpoint.size})"


@dataclass
class Verifier:
    out: TextIO
    fetch: Fetch | None
    code: str | None
    key: VerifierKey | None = None
    witnesses: list[VerifierKey] = field(default_factory=list)
    quorum: int | None = None
    failures: list[Failed] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def fail(self, id_text: str, en_text: str) -> None:
        self.failures.append(Failed(id_text, en_text))
        self.say(f"GAGAL / FAILED: {id_text} / {en_text}")

    def ok(self, id_text: str, en_text: str) -> None:
        self.checked.append(en_text)
        self.say(f"OK: {id_text} / {en_text}")

    # -- keys --

    def keys(self) -> tuple[VerifierKey, VerifierKey]:
        """The cooperative's key under its origin name and under the legacy name."""
        assert self.key is not None
        origin = self.origin()
        current = self.key if self.key.name == origin else self.key.renamed(origin)
        return current, self.key.renamed(LEGACY_KEY_NAME)

    def origin(self) -> str:
        if self.code:
            return ORIGIN_PREFIX + self.code
        assert self.key is not None
        return self.key.name

    def check_signature(self, note: Note, what_id: str, what_en: str) -> bool:
        current, legacy = self.keys()
        results = [signed_by(note, current), signed_by(note, legacy)]
        if False in results:
            self.fail(
                f"tanda tangan {what_id} tidak sah (kunci {current.name})",
                f"the signature of {what_en} does not verify (key {current.name})",
            )
            return False
        if True not in results:
            self.fail(
                f"{what_id} tidak ditandatangani dengan kunci koperasi ({current.name})",
                f"{what_en} is not signed by the cooperative's key ({current.name})",
            )
            return False
        return True

    # -- checkpoints --

    def read_checkpoints(self, listing: Any) -> list[Published]:
        if not isinstance(listing, dict) or not isinstance(listing.get("checkpoints"), list):
            raise CannotCheck(
                "checkpoints.json tidak berbentuk {origin, verifier_key, checkpoints}",
                "checkpoints.json is not shaped {origin, verifier_key, checkpoints}",
            )
        published = []
        for number, item in enumerate(listing["checkpoints"], start=1):
            try:
                note = parse_note(str(item["note"]))
                checkpoint = parse_checkpoint(note.text)
            except (KeyError, TypeError, ValueError) as error:
                self.fail(
                    f"checkpoint ke-{number} tidak dapat dibaca: {error}",
                    f"checkpoint {number} cannot be read: {error}",
                )
                continue
            published.append(
                Published(
                    date=str(item.get("date", "")),
                    note=note,
                    checkpoint=checkpoint,
                    summary=str(item.get("summary") or ""),
                    witnesses=[str(w) for w in item.get("witnesses") or []],
                )
            )
            self.compare_listing(item, published[-1])
        return published

    def compare_listing(self, item: dict, p: Published) -> None:
        """The JSON's own size and root must say what the signed note says."""
        try:
            size = int(item.get("tree_size", p.checkpoint.size))
            root = decode_hash(str(item["root"])) if item.get("root") else p.checkpoint.root
        except (TypeError, ValueError):
            size, root = -1, b""
        if size != p.checkpoint.size or root != p.checkpoint.root:
            self.fail(
                f"checkpoint {p.label}: ukuran atau root di daftar berbeda dengan catatan bertanda tangan",
                f"checkpoint {p.label}: the listed size or root differs from the signed note",
            )

    def check_checkpoints(self, published: list[Published]) -> list[Published]:
        """Origin, signature, cosignatures and summary of each; the good ones are returned."""
        good = []
        for p in published:
            if p.checkpoint.origin != self.origin():
                self.fail(
                    f"checkpoint {p.label} milik {p.checkpoint.origin}, bukan {self.origin()}",
                    f"checkpoint {p.label} belongs to {p.checkpoint.origin}, not {self.origin()}",
                )
                continue
            if not self.check_signature(p.note, f"checkpoint {p.label}", f"checkpoint {p.label}"):
                continue
            if p.summary:
                self.check_summary(p)
            good.append(p)
        if published and len(good) == len(published):
            self.ok(
                f"{len(good)} checkpoint ditandatangani dengan kunci koperasi",
                f"{len(good)} checkpoints signed by the cooperative's key",
            )
        self.check_witnesses(published)
        self.check_order(published)
        self.check_chain(published)
        return good

    def own_note(self, note: Note) -> str:
        """The note as the log signed it (its own signature lines, without cosignatures): what
        the next checkpoint's `prev` hashes for a checkpoint without a summary."""
        own = {self.origin(), LEGACY_KEY_NAME}
        lines = [sig.line for sig in note.signatures if sig.name in own]
        return note.text + "\n" + "".join(line + "\n" for line in lines)

    def check_chain(self, published: list[Published]) -> None:
        """Each summary (or, before summaries, each checkpoint's `prev` extension line) links to
        the one before: SHA-256 of its summary note, or of its note when it has none; 32 zero
        bytes before the first. A checkpoint taken out of the list or replaced breaks the link."""
        before: Published | None = None
        broken = 0
        for p in published:
            wanted = bytes(32)
            if before is not None:
                chained = before.summary or self.own_note(before.note)
                wanted = hashlib.sha256(chained.encode("utf-8")).digest()
            said = None
            if p.summary:
                said = summary_field(p.summary, "prev")
            else:
                said = next(
                    (line[5:] for line in p.checkpoint.extensions if line.startswith("prev ")),
                    None,
                )
            if said is not None and said != base64.b64encode(wanted).decode():
                broken += 1
                self.fail(
                    f"checkpoint {p.label} tidak tertaut ke checkpoint sebelumnya (prev)",
                    f"checkpoint {p.label} does not link to the one before it (prev)",
                )
            before = p
        if published and not broken:
            self.ok(
                "rantai ringkasan checkpoint utuh (prev)",
                "the chain of checkpoint summaries is unbroken (prev)",
            )

    def check_summary(self, p: Published) -> None:
        try:
            summary = parse_note(p.summary)
        except ValueError as error:
            self.fail(
                f"ringkasan checkpoint {p.label} tidak dapat dibaca: {error}",
                f"the summary of checkpoint {p.label} cannot be read: {error}",
            )
            return
        lines = summary.text.split("\n")
        if lines[:3] != [
            self.origin() + SUMMARY_SUFFIX,
            str(p.checkpoint.size),
            base64.b64encode(p.checkpoint.root).decode(),
        ]:
            self.fail(
                f"ringkasan checkpoint {p.label} tidak menyebut pohon yang sama",
                f"the summary of checkpoint {p.label} does not name the same tree",
            )
        # The summary (day totals, trial-balance hash) is signed with the cooperative's key
        # material; its key name is the summary's own, so every line is tried with that name.
        assert self.key is not None
        results = {signed_by(summary, self.key.renamed(s.name)) for s in summary.signatures} - {
            None
        }
        if False in results:
            self.fail(
                f"tanda tangan ringkasan checkpoint {p.label} tidak sah",
                f"the signature of the summary of checkpoint {p.label} does not verify",
            )
        elif True not in results:
            self.say(
                f"Ringkasan {p.label} tidak ditandatangani dengan kunci koperasi (tidak diperiksa) "
                f"/ the summary of {p.label} is not signed with the cooperative's key (not checked)"
            )

    def check_witnesses(self, published: list[Published]) -> None:
        if not self.witnesses or not published:
            return
        for witness in self.witnesses:
            count = 0
            for p in published:
                found = cosigned_by(p.note, witness)
                if found is None:
                    continue
                valid, _when = found
                if not valid:
                    self.fail(
                        f"kosignatur saksi {witness.name} pada checkpoint {p.label} tidak sah",
                        f"the cosignature of witness {witness.name} on checkpoint {p.label} does not verify",
                    )
                else:
                    count += 1
            self.say(
                f"Saksi {witness.name}: {count} kosignatur sah / "
                f"witness {witness.name}: {count} valid cosignatures"
            )
        latest = published[-1]
        signed = [w.name for w in self.witnesses if cosigned_by(latest.note, w) is not None]
        needed = len(self.witnesses) if self.quorum is None else self.quorum
        if len(signed) < needed:
            missing = ", ".join(w.name for w in self.witnesses if w.name not in signed)
            self.fail(
                f"checkpoint terbaru {latest.label} hanya dikosign {len(signed)} dari {needed} saksi yang diminta (tidak ada: {missing})",
                f"the latest checkpoint {latest.label} is cosigned by {len(signed)} of the {needed} witnesses required (missing: {missing})",
            )
        else:
            self.ok(
                f"checkpoint terbaru dikosign oleh {len(signed)} saksi",
                f"the latest checkpoint is cosigned by {len(signed)} witnesses",
            )
        others = sorted(
            {
                s.name
                for s in latest.note.signatures
                if s.name not in {w.name for w in self.witnesses}
                and s.name not in {self.origin(), LEGACY_KEY_NAME}
            }
        )
        if others:
            self.say(
                f"Tidak diperiksa (kunci tidak dikenal) / not checked (unknown keys): {', '.join(others)}"
            )

    def check_order(self, published: list[Published]) -> None:
        for before, after in itertools.pairwise(published):
            if after.checkpoint.size < before.checkpoint.size or after.date <= before.date:
                self.fail(
                    f"checkpoint {after.label} mundur dari {before.label}",
                    f"checkpoint {after.label} goes back from {before.label}",
                )

    # -- consistency --

    def consistent(self, old: Checkpoint, new: Checkpoint) -> bool | None:
        """True/False from the server's proof; the sizes equal or the old empty need none."""
        if old.size == new.size:
            return old.root == new.root
        if old.size == 0:
            return True
        if old.size > new.size or self.fetch is None:
            return None if self.fetch is None else False
        answer = fetch_json(self.fetch, f"consistency?old={old.size}&new={new.size}")
        try:
            proof = [decode_hash(h) for h in answer["proof"]]
            said = (
                int(answer["old_size"]),
                int(answer["new_size"]),
                decode_hash(answer["old_root"]),
                decode_hash(answer["new_root"]),
            )
        except (KeyError, TypeError, ValueError):
            raise CannotCheck(
                "jawaban log/consistency tidak berbentuk yang diharapkan",
                "the answer of log/consistency is not in the expected shape",
            ) from None
        if said != (old.size, new.size, old.root, new.root):
            return False
        return verify_consistency(old.size, new.size, old.root, new.root, proof)

    def check_consecutive(self, good: list[Published]) -> None:
        if self.fetch is None:
            if len(good) > 1:
                self.say(
                    "Konsistensi tidak diperiksa (tanpa alamat server) / consistency not checked (no server address)"
                )
            return
        pairs = 0
        for before, after in itertools.pairwise(good):
            if after.checkpoint.size < before.checkpoint.size:
                continue  # already reported by check_order
            if self.consistent(before.checkpoint, after.checkpoint):
                pairs += 1
                continue
            self.fail(
                f"checkpoint {after.label} tidak melanjutkan {before.label}: sejarah ditulis ulang",
                f"checkpoint {after.label} does not extend {before.label}: history was rewritten",
            )
        if len(good) > 1 and pairs == len(good) - 1:
            self.ok(
                f"setiap checkpoint melanjutkan yang sebelumnya ({pairs} bukti konsistensi RFC 9162)",
                f"every checkpoint extends the one before ({pairs} RFC 9162 consistency proofs)",
            )

    def find(self, good: list[Published], wanted: str) -> Published:
        for p in good:
            if wanted in (p.date, str(p.checkpoint.size)):
                return p
        raise CannotCheck(
            f"tidak ada checkpoint bertanda tangan dengan ukuran atau tanggal {wanted}",
            f"no signed checkpoint has the size or date {wanted}",
        )

    def check_between(self, good: list[Published], first: str, second: str) -> None:
        old, new = self.find(good, first), self.find(good, second)
        if old.checkpoint.size > new.checkpoint.size:
            old, new = new, old
        if self.consistent(old.checkpoint, new.checkpoint):
            self.ok(
                f"checkpoint {new.label} melanjutkan {old.label}",
                f"checkpoint {new.label} extends {old.label}",
            )
        else:
            self.fail(
                f"checkpoint {new.label} tidak melanjutkan {old.label}: sejarah ditulis ulang",
                f"checkpoint {new.label} does not extend {old.label}: history was rewritten",
            )

    # -- tiles --

    def tile_hashes(self, level: int, start: int, count: int, size: int) -> list[bytes]:
        """`count` hashes of tile level `level` from index `start`, in a tree of `size`."""
        available = size >> (TILE_HEIGHT * level)
        hashes: list[bytes] = []
        cache: dict[int, bytes] = {}
        assert self.fetch is not None
        for i in range(start, start + count):
            tile = i // TILE_WIDTH
            if tile not in cache:
                width = min(TILE_WIDTH, available - tile * TILE_WIDTH)
                data = self.fetch(tile_path(level, tile, width))
                if len(data) != 32 * width:
                    raise Failed(
                        f"tile {tile_path(level, tile, width)} berisi {len(data)} bita, bukan {32 * width}",
                        f"tile {tile_path(level, tile, width)} holds {len(data)} bytes, not {32 * width}",
                    )
                cache[tile] = data
            offset = (i % TILE_WIDTH) * 32
            hashes.append(cache[tile][offset : offset + 32])
        return hashes

    def root_from_tiles(self, size: int) -> bytes:
        roots = []
        for start, height in perfect_subtrees(size):
            level = height // TILE_HEIGHT
            span = 1 << (TILE_HEIGHT * level)
            hashes = self.tile_hashes(
                level, start // span, 1 << (height - TILE_HEIGHT * level), size
            )
            while len(hashes) > 1:
                hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
            roots.append(hashes[0])
        return fold_root(roots)

    def tiles_disagree(self, size: int) -> str | None:
        """Read every tile of the tree and check each hash of level L + 1 is the root of the 256
        hashes below it, and the root of all the leaves; the first disagreement, or None."""
        below = self.tile_hashes(0, 0, size, size)
        level = 1
        while size >> (TILE_HEIGHT * level):
            count = size >> (TILE_HEIGHT * level)
            above = self.tile_hashes(level, 0, count, size)
            for i, stored in enumerate(above):
                hashes = below[i * TILE_WIDTH : (i + 1) * TILE_WIDTH]
                while len(hashes) > 1:
                    hashes = [node_hash(hashes[j], hashes[j + 1]) for j in range(0, len(hashes), 2)]
                if hashes[0] != stored:
                    return tile_path(
                        level,
                        i // TILE_WIDTH,
                        min(TILE_WIDTH, count - i // TILE_WIDTH * TILE_WIDTH),
                    )
            below, level = above, level + 1
        return None

    def check_tiles(self, latest: Published) -> None:
        size = latest.checkpoint.size
        try:
            root = self.root_from_tiles(size)
            disagreeing = self.tiles_disagree(size)
        except Failed as failed:
            self.fail(failed.id_text, failed.en_text)
            return
        if disagreeing is not None:
            self.fail(
                f"tile {disagreeing} tidak sama dengan hash tile di bawahnya",
                f"tile {disagreeing} does not match the tiles below it",
            )
        elif root == latest.checkpoint.root:
            self.ok(
                f"root checkpoint terbaru dihitung ulang dari tile hash ({size} entri), setiap tile cocok dengan tile di bawahnya",
                f"the latest root recomputed from the hash tiles ({size} entries), every tile matching those below it",
            )
        else:
            self.fail(
                f"root yang dihitung dari tile berbeda dengan checkpoint terbaru {latest.label}",
                f"the root computed from the tiles differs from the latest checkpoint {latest.label}",
            )

    # -- the trial balance a checkpoint commits to --

    def check_balances(self, latest: Published) -> None:
        """The summary's `balances` line is the SHA-256 of the trial balance document the log
        serves at `balances/<size>.json` (totals per month and account, no person in it)."""
        said = summary_field(latest.summary, "balances") if latest.summary else None
        if not said:
            raise CannotCheck(
                f"checkpoint terbaru {latest.label} tidak mempunyai ringkasan dengan neraca saldo",
                f"the latest checkpoint {latest.label} has no summary with a trial balance",
            )
        assert self.fetch is not None
        document = self.fetch(f"balances/{latest.checkpoint.size}.json")
        if hashlib.sha256(document).digest() == decode_hash(said):
            self.ok(
                f"neraca saldo pada checkpoint terbaru cocok dengan hash yang ditandatangani ({len(document)} bita)",
                f"the trial balance at the latest checkpoint matches its signed hash ({len(document)} bytes)",
            )
        else:
            self.fail(
                f"neraca saldo yang disajikan untuk {latest.label} TIDAK cocok dengan hash yang ditandatangani",
                f"the trial balance served for {latest.label} does NOT match its signed hash",
            )

    # -- receipts --

    def check_receipt(self, number: int, leaf: bytes, latest: Published) -> None:
        size = latest.checkpoint.size
        if not 1 <= number <= size:
            raise CannotCheck(
                f"entri nomor {number} belum tercakup checkpoint terbaru ({size} entri); bukti tersedia setelah checkpoint hari itu",
                f"entry number {number} is not yet covered by the latest checkpoint ({size} entries); the proof is available after that day's checkpoint",
            )
        assert self.fetch is not None
        answer = fetch_json(self.fetch, f"inclusion?index={number - 1}&size={size}")
        try:
            proof = [decode_hash(h) for h in answer["proof"]]
            root = decode_hash(answer["root"])
            index, said_size = int(answer["index"]), int(answer["size"])
        except (KeyError, TypeError, ValueError):
            raise CannotCheck(
                "jawaban log/inclusion tidak berbentuk yang diharapkan",
                "the answer of log/inclusion is not in the expected shape",
            ) from None
        if (index, said_size, root) == (
            number - 1,
            size,
            latest.checkpoint.root,
        ) and verify_inclusion(number - 1, size, leaf, proof, latest.checkpoint.root):
            self.ok(
                f"kuitansi: entri nomor {number} ada di checkpoint terbaru {latest.label}",
                f"receipt: entry number {number} is in the latest checkpoint {latest.label}",
            )
        else:
            self.fail(
                f"kuitansi: entri nomor {number} dengan hash daun itu TIDAK ada di checkpoint {latest.label}",
                f"receipt: entry number {number} with that leaf hash is NOT in checkpoint {latest.label}",
            )

    def check_receipt_file(self, body: Any, good: list[Published]) -> None:
        try:
            canonical = str(body["canonical"]).encode("utf-8")
            index = int(body["leaf_index"])
            leaf = decode_hash(body["leaf_hash"])
            proof = [decode_hash(h) for h in body["inclusion_proof"]]
            note = parse_note(str(body["checkpoint"]["note"]))
            checkpoint = parse_checkpoint(note.text)
        except (KeyError, TypeError, ValueError) as error:
            raise CannotCheck(
                f"berkas bukti tidak berbentuk jawaban /api/v1/ledger/entries/{{id}}/proof: {error}",
                f"the proof file is not an answer of /api/v1/ledger/entries/{{id}}/proof: {error}",
            ) from None
        number = body.get("number", index + 1)
        label = f"{checkpoint.size}"
        if leaf_hash(canonical) != leaf:
            self.fail(
                "bukti: hash daun tidak sama dengan SHA-256(0x00 || canonical)",
                "proof: the leaf hash is not SHA-256(0x00 || canonical)",
            )
            return
        if checkpoint.origin != self.origin():
            self.fail(
                f"bukti: checkpoint milik {checkpoint.origin}, bukan {self.origin()}",
                f"proof: the checkpoint belongs to {checkpoint.origin}, not {self.origin()}",
            )
            return
        if not self.check_signature(note, "checkpoint bukti", "the proof's checkpoint"):
            return
        if number != index + 1 or not verify_inclusion(
            index, checkpoint.size, leaf, proof, checkpoint.root
        ):
            self.fail(
                f"bukti: entri nomor {number} TIDAK ada di checkpoint #{label}",
                f"proof: entry number {number} is NOT in checkpoint #{label}",
            )
            return
        self.ok(
            f"bukti: entri nomor {number} ada di checkpoint bertanda tangan #{label}",
            f"proof: entry number {number} is in the signed checkpoint #{label}",
        )
        if good and self.fetch is not None:
            latest = good[-1].checkpoint
            if checkpoint.size <= latest.size and self.consistent(checkpoint, latest):
                self.ok(
                    f"checkpoint bukti #{label} konsisten dengan checkpoint terbaru",
                    f"the proof's checkpoint #{label} is consistent with the latest",
                )
            else:
                self.fail(
                    f"checkpoint bukti #{label} TIDAK konsisten dengan checkpoint terbaru",
                    f"the proof's checkpoint #{label} is NOT consistent with the latest",
                )


# -- pins --------------------------------------------------------------------------------------


def load_pins(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        pins = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CannotCheck(
            f"Berkas pin {path} tidak dapat dibaca", f"The pin file {path} cannot be read"
        ) from None
    return pins if isinstance(pins, dict) else {}


def save_pins(path: Path, pins: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(pins, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def choose_key(
    verifier: Verifier,
    given: str | None,
    published: str | None,
    pins: dict[str, Any],
    pin_file: Path,
) -> bool:
    """Set verifier.key; True when it was trusted on first use (and must be pinned)."""
    origin = verifier.origin() if verifier.code else None
    pinned = pins.get(origin, {}).get("verifier_key") if origin else None
    if given:
        verifier.key = parse_verifier_key(given, alg=ALG_ED25519)
        verifier.say(f"Kunci / key: dari baris perintah / from the command line: {given}")
        if (
            pinned
            and parse_verifier_key(pinned, alg=ALG_ED25519).public_key != verifier.key.public_key
        ):
            verifier.fail(
                f"kunci yang diberikan berbeda dengan kunci yang disematkan di {pin_file}",
                f"the key given differs from the key pinned in {pin_file}",
            )
        return False
    if pinned:
        verifier.key = parse_verifier_key(pinned, alg=ALG_ED25519)
        verifier.say(f"Kunci / key: disematkan di / pinned in {pin_file}: {pinned}")
        return False
    if not published:
        raise CannotCheck(
            "Tidak ada kunci: berikan --key, atau alamat server untuk mempercayai kunci saat pertama",
            "No key: give --key, or a server address to trust its key on first use",
        )
    verifier.key = parse_verifier_key(published, alg=ALG_ED25519)
    verifier.say(
        "Kunci / key: DIPERCAYA SAAT PERTAMA DIPAKAI (TOFU) dari server / TRUSTED ON FIRST USE "
        f"from the server: {published}"
    )
    return True


def parse_receipt(text: str) -> tuple[int, bytes]:
    """`<entry number>:<base64 leaf hash>` or the receipt's URL (…?nomor=<n>&leaf=<base64url>)."""
    if "?" in text:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(text).query)
        number, leaf = query.get("nomor", [""])[0], query.get("leaf", [""])[0]
    else:
        number, _sep, leaf = text.partition(":")
    if not number.isdigit() or not leaf:
        raise CannotCheck(
            "--receipt ditulis <nomor entri>:<hash daun base64>",
            "--receipt is written <entry number>:<base64 leaf hash>",
        )
    try:
        return int(number), decode_hash(leaf)
    except ValueError as error:
        raise CannotCheck(f"--receipt: {error}", f"--receipt: {error}") from None


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="kopdes_verify.py",
        description="Periksa buku besar publik koperasi Kopdes. / Check a Kopdes cooperative's public ledger.",
    )
    parser.add_argument("url", nargs="?", help="the server, e.g. https://kopdes.example.go.id")
    parser.add_argument("code", nargs="?", help="the village code, e.g. 36.03.01.2003")
    parser.add_argument("--key", help="the cooperative's verifier key (else pinned, or TOFU)")
    parser.add_argument(
        "--pins", type=Path, default=DEFAULT_PINS, help=f"pin file ({DEFAULT_PINS})"
    )
    parser.add_argument(
        "--witness", action="append", default=[], help="a witness's verifier key (repeat)"
    )
    parser.add_argument(
        "--quorum", type=int, help="witnesses that must cosign the latest checkpoint (default: all)"
    )
    parser.add_argument("--from", dest="first", help="a checkpoint's tree size or date")
    parser.add_argument("--to", dest="second", help="a later checkpoint's tree size or date")
    parser.add_argument("--tiles", action="store_true", help="recompute the latest root from tiles")
    parser.add_argument(
        "--balances",
        action="store_true",
        help="check the latest checkpoint's trial balance against its signed hash",
    )
    parser.add_argument("--receipt", help="<entry number>:<base64 leaf hash>, or the receipt's URL")
    parser.add_argument("--receipt-file", type=Path, help="a saved answer of the API's proof")
    parser.add_argument(
        "--checkpoints", type=Path, help="a saved checkpoints.json (instead of the server's)"
    )
    parser.add_argument("--version", action="version", version=f"kopdes_verify {VERSION}")
    args = parser.parse_args(argv)
    if args.url and not args.code:
        parser.error("give the village code after the server address")
    if bool(args.first) != bool(args.second):
        parser.error("--from and --to go together")
    if not args.url and not args.checkpoints and not args.receipt_file:
        parser.error("give a server address and village code, or --checkpoints / --receipt-file")
    if not args.url and (args.tiles or args.receipt or args.first or args.balances):
        parser.error("--tiles, --balances, --receipt, --from and --to need the server address")
    return args


def run(args: argparse.Namespace, fetch: Fetch | None, out: TextIO) -> int:
    code = args.code
    listing: Any = None
    if args.checkpoints is not None:
        try:
            listing = json.loads(args.checkpoints.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CannotCheck(
                f"{args.checkpoints} tidak dapat dibaca: {error}",
                f"{args.checkpoints} cannot be read: {error}",
            ) from None
    elif fetch is not None:
        listing = fetch_json(fetch, "checkpoints.json")
    receipt_body: Any = None
    if args.receipt_file is not None:
        try:
            receipt_body = json.loads(args.receipt_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CannotCheck(
                f"{args.receipt_file} tidak dapat dibaca: {error}",
                f"{args.receipt_file} cannot be read: {error}",
            ) from None
    if (
        not code
        and isinstance(listing, dict)
        and str(listing.get("origin", "")).startswith(ORIGIN_PREFIX)
    ):
        code = str(listing["origin"]).removeprefix(ORIGIN_PREFIX)
    if not code and isinstance(receipt_body, dict) and receipt_body.get("cooperative"):
        code = str(receipt_body["cooperative"])
    if not code:
        raise CannotCheck("Kode desa tidak diketahui", "The village code is not known")
    verifier = Verifier(out=out, fetch=fetch, code=code, quorum=args.quorum)
    try:
        verifier.witnesses = [parse_verifier_key(w, alg=ALG_COSIGNATURE_V1) for w in args.witness]
    except ValueError as error:
        raise CannotCheck(f"--witness: {error}", f"--witness: {error}") from None
    verifier.say(f"Koperasi / cooperative: {verifier.origin()}")
    pins = load_pins(args.pins)
    published_key = None
    if isinstance(listing, dict) and listing.get("verifier_key"):
        published_key = str(listing["verifier_key"])
    elif isinstance(receipt_body, dict) and receipt_body.get("verifier_key"):
        published_key = str(receipt_body["verifier_key"])
    try:
        first_use = choose_key(verifier, args.key, published_key, pins, args.pins)
        if published_key and verifier.key is not None:
            served = parse_verifier_key(published_key, alg=ALG_ED25519)
            if served.public_key != verifier.key.public_key:
                verifier.fail(
                    "server menerbitkan kunci lain daripada kunci yang dipakai untuk memeriksa",
                    "the server publishes another key than the one used to verify",
                )
    except ValueError as error:
        raise CannotCheck(f"kunci tidak sah: {error}", f"invalid key: {error}") from None
    good: list[Published] = []
    if listing is not None:
        published = verifier.read_checkpoints(listing)
        if not published:
            verifier.say("Belum ada checkpoint / no checkpoint yet")
        good = verifier.check_checkpoints(published)
        verifier.check_consecutive(good)
        pin = pins.get(verifier.origin(), {})
        if good and pin.get("tree_size") is not None and pin.get("root"):
            pinned = Checkpoint(
                verifier.origin(), int(pin["tree_size"]), decode_hash(pin["root"]), ()
            )
            latest = good[-1].checkpoint
            if pinned.size <= latest.size and verifier.consistent(pinned, latest) is not False:
                verifier.ok(
                    f"log masih melanjutkan checkpoint yang diperiksa sebelumnya (#{pinned.size})",
                    f"the log still extends the checkpoint verified last time (#{pinned.size})",
                )
            else:
                verifier.fail(
                    f"checkpoint terbaru tidak melanjutkan checkpoint #{pinned.size} yang diperiksa sebelumnya: sejarah ditulis ulang",
                    f"the latest checkpoint does not extend checkpoint #{pinned.size} verified before: history was rewritten",
                )
        if args.first and good:
            verifier.check_between(good, args.first, args.second)
        if args.tiles and good:
            verifier.check_tiles(good[-1])
        if args.balances and good:
            verifier.check_balances(good[-1])
        if args.receipt:
            number, leaf = parse_receipt(args.receipt)
            if good:
                verifier.check_receipt(number, leaf, good[-1])
            else:
                verifier.fail(
                    "kuitansi: belum ada checkpoint; bukti tersedia setelah checkpoint hari itu",
                    "receipt: no checkpoint yet; the proof is available after that day's checkpoint",
                )
    if receipt_body is not None:
        verifier.check_receipt_file(receipt_body, good)
    if verifier.failures:
        report_failures(verifier.failures)
        return 1
    if verifier.key is not None and (first_use or good):
        entry = dict(pins.get(verifier.origin(), {}))
        entry["verifier_key"] = entry.get("verifier_key") or verifier.key.text()
        if good:
            entry["tree_size"] = good[-1].checkpoint.size
            entry["root"] = base64.b64encode(good[-1].checkpoint.root).decode()
            entry["date"] = good[-1].date
        pins[verifier.origin()] = entry
        save_pins(args.pins, pins)
        verifier.say(f"Disimpan di / saved in {args.pins}")
    return 0


def main(
    argv: Sequence[str] | None = None, fetch: Fetch | None = None, out: TextIO | None = None
) -> int:
    """The command line; `fetch` replaces the network (tests)."""
    out = out or sys.stdout
    args = arguments(argv)
    try:
        if fetch is None and args.url:
            fetch = http_fetcher(args.url, args.code)
        verifier_status = run(args, fetch, out)
    except CannotCheck as error:
        print(f"TIDAK DAPAT MEMERIKSA: {error.id_text}", file=sys.stderr)
        print(f"CANNOT CHECK: {error.en_text}", file=sys.stderr)
        return 2
    except Failed as error:  # raised outside a check's own reporting
        print(f"GAGAL: {error.id_text}", file=sys.stderr)
        print(f"FAILED: {error.en_text}", file=sys.stderr)
        return 1
    if verifier_status == 0:
        print("Terverifikasi: semua pemeriksaan berhasil.", file=out)
        print("Verified: every check holds.", file=out)
    return verifier_status


def report_failures(failures: list[Failed]) -> None:
    print("GAGAL: " + "; ".join(f.id_text for f in failures), file=sys.stderr)
    print("FAILED: " + "; ".join(f.en_text for f in failures), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
