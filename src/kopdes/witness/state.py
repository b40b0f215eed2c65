"""The witness's own files, in one directory (`--state DIR`):

- `witness.json`: its name, e.g. `{"name": "inspektorat.tangerangkab.go.id/saksi"}`;
- `witness-key.pem`: its Ed25519 private key (PKCS#8 PEM, mode 0600; back it up, keep it
  secret: whoever holds it can cosign in the witness's name);
- `logs.txt`: the logs it witnesses, one per line, `<origin> <log verifier key>` (or just the
  verifier key when its name is the origin); several lines for one origin trust several keys;
  `#` starts a comment. `kopdes ledger verifier-keys` prints the platform's lines;
- `state.sqlite3`: per origin, the latest checkpoint it cosigned (size, root, the note with its
  cosignature), and the refused submissions that carried a valid log signature (evidence of a
  log that misbehaved).

Checking a submission against the stored size and storing the new one happen in one SQLite
`BEGIN IMMEDIATE` transaction, so two concurrent submissions cannot roll the state back.
"""

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kopdes.ledger.cosigning import check_key_name, cosigner_verifier_key, parse_log_key
from kopdes.ledger.signing import NoteError, Verifier

IDENTITY = "witness.json"
KEY = "witness-key.pem"
LOGS = "logs.txt"
DATABASE = "state.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cosigned (
    origin TEXT PRIMARY KEY,
    tree_size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    cosigned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    request TEXT NOT NULL
);
"""


class StateError(Exception):
    """The state directory is missing, incomplete or malformed."""


@dataclass(frozen=True)
class Identity:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def verifier_key(self) -> str:
        return cosigner_verifier_key(self.name, self.public_key)


def init(directory: Path, *, name: str) -> Identity:
    """Create a witness in `directory`: its name, a new key, an empty logs file, the database.
    Refuses to overwrite an existing key."""
    try:
        check_key_name(name)
    except NoteError as exc:
        raise StateError(f"--name: {exc}") from None
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(directory / KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StateError(
            f"{directory / KEY} exists: this directory already holds a witness"
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    (directory / IDENTITY).write_text(json.dumps({"name": name}) + "\n")
    logs = directory / LOGS
    if not logs.exists():
        logs.write_text(
            "# The logs this witness cosigns: one `<origin> <log verifier key>` per line.\n"
            "# For Kopdes: `kopdes ledger verifier-keys` on the platform prints them.\n"
        )
    Store(directory / DATABASE)
    return Identity(name=name, private_key=key)


def load_identity(directory: Path) -> Identity:
    try:
        name = json.loads((directory / IDENTITY).read_text())["name"]
        key = serialization.load_pem_private_key((directory / KEY).read_bytes(), password=None)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StateError(
            f"{directory} is not a witness's state directory (run `kopdes witness init`): {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StateError(f"{directory / KEY} does not hold an Ed25519 private key")
    return Identity(name=check_key_name(name), private_key=key)


def parse_logs(text: str) -> dict[str, list[Verifier]]:
    """origin -> the verifier keys trusted for it, from the logs file's text."""
    logs: dict[str, list[Verifier]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) > 2:
            raise StateError(f"logs line {number}: `<origin> <verifier key>`")
        try:
            verifier = parse_log_key(words[-1])
        except NoteError as exc:
            raise StateError(f"logs line {number}: {exc}") from None
        origin = words[0] if len(words) == 2 else verifier.name
        logs.setdefault(origin, []).append(verifier)
    return logs


class Logs:
    """The logs file, read again whenever it changes (add a cooperative without a restart)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[float, int] | None = None
        self._logs: dict[str, list[Verifier]] = {}

    def current(self) -> dict[str, list[Verifier]]:
        try:
            stat = self.path.stat()
        except OSError as exc:
            raise StateError(f"cannot read {self.path}: {exc}") from None
        stamp = (stat.st_mtime, stat.st_size)
        if stamp != self._stamp:
            self._logs = parse_logs(self.path.read_text(encoding="utf-8"))
            self._stamp = stamp
        return self._logs


@dataclass(frozen=True)
class Latest:
    tree_size: int
    root: bytes
    note: str


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self.connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time (BEGIN IMMEDIATE), across threads and processes."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @staticmethod
    def latest(db: sqlite3.Connection, origin: str) -> Latest | None:
        row = db.execute(
            "SELECT tree_size, root, note FROM cosigned WHERE origin = ?", (origin,)
        ).fetchone()
        return Latest(tree_size=row[0], root=bytes(row[1]), note=row[2]) if row else None

    @staticmethod
    def save(
        db: sqlite3.Connection, *, origin: str, tree_size: int, root: bytes, note: str, at: int
    ) -> None:
        db.execute(
            "INSERT INTO cosigned (origin, tree_size, root, note, cosigned_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET "
            "tree_size = excluded.tree_size, root = excluded.root, note = excluded.note, "
            "cosigned_at = excluded.cosigned_at",
            (origin, tree_size, root, note, at),
        )

    @staticmethod
    def refuse(
        db: sqlite3.Connection, *, origin: str, at: int, status: int, reason: str, request: str
    ) -> None:
        db.execute(
            "INSERT INTO refused (origin, at, status, reason, request) VALUES (?, ?, ?, ?, ?)",
            (origin, at, status, reason, request),
        )

    def read_latest(self, origin: str) -> Latest | None:
        with self.connect() as db:
            return self.latest(db, origin)
