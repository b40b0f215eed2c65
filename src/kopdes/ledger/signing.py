"""The platform's Ed25519 key and C2SP signed notes (https://c2sp.org/signed-note).

The key is generated on first use and kept as an unencrypted PKCS#8 PEM file, mode 0600, at
(first that is set):

1. the Django setting `KOPDES_LEDGER_KEY_PATH`,
2. the environment variable `KOPDES_LEDGER_KEY_PATH`,
3. `DATA_DIR / "ledger" / "signing-key.pem"`.

Back the file up: checkpoints signed with a lost key can still be read, but nobody can verify
them against a new key. Whoever can read the file can sign checkpoints in the platform's name.

Signed-note format: the text (ending in a newline), a blank line, then one line per signature,
`— <key name> <base64(key id || Ed25519 signature of the text)>` (U+2014 em dash). The key id is
the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key). A verifier key is written
`<key name>+<key id as 8 hex digits>+<base64(0x01 || public key)>`, the form Go's
golang.org/x/mod/sumdb/note and the transparency-dev tools read.
"""

import base64
import binascii
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

# The platform's key signs each cooperative's checkpoints under the key name that is the
# checkpoint's origin (`kopdes.id/koperasi/<village code>`), as C2SP tlog-checkpoint asks: one
# verifier key per log, the same key material. Before 2026-12-01 it signed every log as
# KEY_NAME; those checkpoints are still checked with that name.
KEY_NAME = "kopdes.id/ledger"
ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # em dash and a space
_lock = threading.Lock()
_keys: dict[str, "PlatformKey"] = {}


class NoteError(ValueError):
    """A note that is malformed or carries no valid signature by the expected key."""


def b64(raw: bytes) -> str:
    """Standard base64 with padding, the form signed notes and proofs write bytes in."""
    return base64.b64encode(raw).decode()


def key_path() -> Path:
    configured = getattr(settings, "KOPDES_LEDGER_KEY_PATH", None) or os.environ.get(
        "KOPDES_LEDGER_KEY_PATH"
    )
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "ledger" / "signing-key.pem"


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> bytes:
    """C2SP signed-note: SHA-256(name || 0x0A || signature type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    material = b64(bytes([ALG_ED25519]) + public_key)
    return f"{name}+{key_id(name, public_key).hex()}+{material}"


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes

    def named(self, name: str) -> "Verifier":
        """The same public key under another name (and so another key id)."""
        return Verifier(name=name, key_id=key_id(name, self.public_key), public_key=self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_key_text(text: str, *, alg: int) -> tuple[str, bytes, bytes]:
    """Read a verifier key `<name>+<hex key id>+<base64(alg || Ed25519 public key)>` of the
    signature type `alg` into (name, key id, public key); NoteError when malformed."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
        raise NoteError("a verifier key reads <name>+<key id>+<key>")
    name, hex_id, material = parts
    try:
        raw = base64.b64decode(material, validate=True)
        wanted_id = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise NoteError("the verifier key is not valid base64 and hex") from None
    if len(raw) != 33 or raw[0] != alg:
        raise NoteError(f"the verifier key is not an Ed25519 key of signature type {alg:#04x}")
    if key_id(name, raw[1:], alg) != wanted_id:
        raise NoteError("the verifier key's id does not match its name and key")
    return name, wanted_id, raw[1:]


def parse_verifier_key(text: str) -> Verifier:
    """Read `<name>+<hex key id>+<base64(0x01 || public key)>`; NoteError when malformed."""
    name, wanted_id, public_key = parse_key_text(text, alg=ALG_ED25519)
    return Verifier(name=name, key_id=wanted_id, public_key=public_key)


@dataclass(frozen=True)
class PlatformKey:
    name: str
    private_key: Ed25519PrivateKey

    @cached_property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @cached_property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @cached_property
    def verifier_key(self) -> str:
        return verifier_key(self.name, self.public_key)

    @cached_property
    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    @property
    def verifier(self) -> Verifier:
        return Verifier(name=self.name, key_id=self.key_id, public_key=self.public_key)

    def named(self, name: str) -> "PlatformKey":
        """The same key under another name (a signature names its key: the name is signed)."""
        return PlatformKey(name=name, private_key=self.private_key)


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            # O_EXCL: if another process created the key meanwhile, theirs wins and we load it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise NoteError(f"{path} does not hold an Ed25519 private key")
    return loaded


def platform_key() -> PlatformKey:
    """The platform's signing key, created on first use (see the module docstring for where)."""
    path = key_path()
    cache_key = str(path.resolve())
    with _lock:
        key = _keys.get(cache_key)
        if key is None:
            key = PlatformKey(name=KEY_NAME, private_key=_load_or_create(path))
            _keys[cache_key] = key
    return key


def log_key(origin: str) -> PlatformKey:
    """The key that signs the log `origin`: the platform's, named after the origin."""
    return platform_key().named(origin)


def log_verifier_key(origin: str) -> str:
    """The verifier key of the log `origin`, `<origin>+<key id>+<base64(0x01 || key)>`."""
    return verifier_key(origin, platform_key().public_key)


def log_verifier(origin: str) -> Verifier:
    return log_key(origin).verifier


def sign_note(text: str, key: PlatformKey | None = None) -> str:
    """The signed note of `text` (which must end in a newline and hold no blank line)."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends in a newline and has no blank line")
    key = key or platform_key()
    signature = key.private_key.sign(text.encode("utf-8"))
    blob = b64(key.key_id + signature)
    return f"{text}\n{SIGNATURE_PREFIX}{key.name} {blob}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of `note` if it carries a valid signature by `verifier`; NoteError otherwise.

    As C2SP signed-note requires, a note in which a signature by the known key (same name and
    key ID) fails to verify is rejected, even when another line carries a good one."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line, then signature lines")
    text, signatures = note[: split + 1], note[split + 2 :]
    good = False
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash")
        name, _sep, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if name != verifier.name:
            continue
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise NoteError("a signature is not valid base64") from None
        if raw[:4] != verifier.key_id:
            continue
        if not verifier.verify(text.encode("utf-8"), raw[4:]):
            raise NoteError("a signature by the given key does not verify")
        good = True
    if not good:
        raise NoteError("the note carries no valid signature by the given key")
    return text
