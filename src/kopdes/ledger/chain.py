"""The canonical serialisation of a journal entry and its hash chain (docs/invariants.md, principle 3).

Both versions are UTF-8 JSON with keys sorted, no whitespace (separators "," and ":"), non-ASCII
characters kept as they are, and only strings, integers, lists and objects as values; the entry
says which version it is in "v" (and the row in `JournalEntry.format_version`).

Version 1 (entries posted before version 2; still verified as they are):

    {"v": 1, "cooperative": "<village code>", "number": <int>, "date": "YYYY-MM-DD",
     "memo": "<text>", "source": "<kind>:<id>", "reverses": <number or 0>,
     "posted_at": "<UTC ISO 8601 with microseconds>Z", "actor": "<name>",
     "lines": [{"n": <int>, "account": "<code>", "debit": <int>, "credit": <int>,
                "subledger": "<kind>:<id>" or "", "unit": "<business unit code>" or ""}, ...],
     "prev": "<hex SHA-256 of the previous entry, 64 zeros for the first>"}

Version 2 (every entry posted from now on): the same keys, "v": 2, but the fields that can name
a person or point at a member's account are salted commitments, so the canonical bytes (and
every hash the public gets) reveal no name, no officer and no member account:

    "memo":      commit("memo", <memo text>)
    "actor":     commit("actor", <officer's name>)
    "source":    "<kind>:" + commit("source", <id>) when the source has an id (a savings
                 account, a transaction), "<kind>:" when it has none (the kind stays readable)
    "subledger": commit("lines/<n>/subledger", "<kind>:<id>") on a line with a sub-ledger,
                 "" on a line without one (unchanged)

    secret       = 32 random bytes per entry (`JournalEntry.secret`, hex; never published)
    salt(label)  = BLAKE2b with a 32-byte digest, keyed with the secret (RFC 7693 keyed mode),
                   of UTF-8("kopdes.id/ledger/v2/" + label)
    commit(label, value) = lowercase hex SHA-256(salt(label) || UTF-8(value))

An *opening* of one field is (label, value, hex salt(label)): anyone holding it checks
SHA-256(salt || UTF-8(value)) against the document's field, and learns nothing about the other
fields (each salt is a different output of a keyed hash, a pseudo-random function: one salt
says nothing about another; the secret never leaves the server). Only the server derives salts;
a verifier needs nothing but SHA-256 (what Web Crypto offers) to check an opening. A member is
given the openings of their own lines' sub-ledger references; officers and supervisors in scope
get every opening (ledger.selectors.entry_openings, api/ledger.py).

entry_hash = SHA-256(canonical bytes). Because "prev" is inside the canonical form, each hash
covers the whole history before it, and `kopdes ledger verify` can name the first broken link.
The Merkle leaf of an entry is SHA-256(0x00 || canonical bytes) (RFC 9162).
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
FORMAT_VERSION = 2  # what posting writes; entry_document still builds version 1 for old entries
VERSIONS = (1, 2)
SALT_PREFIX = b"kopdes.id/ledger/v2/"
MEMO, ACTOR, SOURCE = "memo", "actor", "source"


# One encoder for every entry: json.dumps with non-default options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_sha256 = hashlib.sha256
_blake2b = hashlib.blake2b


def canonical_bytes(entry: dict[str, Any]) -> bytes:
    return _ENCODER.encode(entry).encode("utf-8")


def new_secret() -> str:
    """A fresh per-entry secret, as stored (64 hex characters)."""
    return secrets.token_hex(32)


def subledger_label(n: int) -> str:
    return f"lines/{n}/subledger"


def field_salt(secret: str, label: str) -> bytes:
    """salt(label) for the entry whose secret is `secret` (hex, as stored)."""
    return _blake2b(
        SALT_PREFIX + label.encode("utf-8"), key=bytes.fromhex(secret), digest_size=32
    ).digest()


def commit(salt: bytes, value: str) -> str:
    return _sha256(salt + value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Opening:
    """Proves one committed field of a version 2 document: commit(salt, value) is its value."""

    field: str  # the label: "memo", "actor", "source" (its id) or "lines/<n>/subledger"
    value: str
    salt: str  # hex

    def matches(self, document: dict[str, Any]) -> bool:
        """True when this opening opens `document`'s field (what a member's app checks)."""
        if self.field in (MEMO, ACTOR):
            target = document.get(self.field)
        elif self.field == SOURCE:
            target = str(document.get(SOURCE, "")).partition(":")[2]
        else:
            parts = self.field.split("/")
            if len(parts) != 3 or parts[0] != "lines" or parts[2] != "subledger":
                return False
            lines = [ln for ln in document.get("lines", []) if str(ln.get("n")) == parts[1]]
            target = lines[0].get("subledger") if len(lines) == 1 else None
        try:
            salt = bytes.fromhex(self.salt)
        except ValueError:
            return False
        return bool(target) and target == commit(salt, self.value)


def openings(
    *, secret: str, memo: str, actor: str, source_id: str, lines: list[tuple[int, str]]
) -> list[Opening]:
    """Every opening of a version 2 entry: memo, actor, the source's id (when it has one), then
    each line's sub-ledger reference (`lines` is (n, "kind:id") for the lines that have one)."""
    fields = [(MEMO, memo), (ACTOR, actor)]
    if source_id:
        fields.append((SOURCE, source_id))
    fields += [(subledger_label(n), ref) for n, ref in lines]
    return [Opening(label, value, field_salt(secret, label).hex()) for label, value in fields]


def entry_document(
    *,
    cooperative: str,
    number: int,
    date: str,
    memo: str,
    source: str,
    reverses: int,
    posted_at: str,
    actor: str,
    lines: list[dict[str, Any]],
    prev: str,
    version: int = FORMAT_VERSION,
    secret: str = "",
) -> dict[str, Any]:
    """The canonical document. `memo`, `actor` and the lines' "subledger" are the plain values;
    for version 2 they are replaced by their commitments under `secret` (the lines' dicts are
    changed in place)."""
    if version == 2:
        key = bytes.fromhex(secret)
        if len(key) != 32:
            raise ValueError("a version 2 entry needs its 32-byte secret")

        def hide(label: bytes, value: str) -> str:  # commit(), inlined for the posting hot path
            salt = _blake2b(SALT_PREFIX + label, key=key, digest_size=32).digest()
            return _sha256(salt + value.encode("utf-8")).hexdigest()

        memo, actor = hide(b"memo", memo), hide(b"actor", actor)
        kind, _colon, ident = source.partition(":")
        if ident:
            source = f"{kind}:{hide(b'source', ident)}"
        for line in lines:
            if line["subledger"]:
                line["subledger"] = hide(f"lines/{line['n']}/subledger".encode(), line["subledger"])
    elif version != 1:
        raise ValueError(f"unknown canonical version {version}")
    return {
        "v": version,
        "cooperative": cooperative,
        "number": number,
        "date": date,
        "memo": memo,
        "source": source,
        "reverses": reverses,
        "posted_at": posted_at,
        "actor": actor,
        "lines": lines,
        "prev": prev,
    }


def entry_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
