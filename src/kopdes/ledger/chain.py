"""The canonical serialisation of a journal entry and its hash chain (docs/invariants.md, principle 3).

Canonical form (version 1), written down so anyone can recompute it:
UTF-8 JSON with keys sorted, no whitespace (separators "," and ":"), non-ASCII characters kept
as they are, and only strings, integers, lists and objects as values:

    {"v": 1, "cooperative": "<village code>", "number": <int>, "date": "YYYY-MM-DD",
     "memo": "<text>", "source": "<kind>:<id>", "reverses": <number or 0>,
     "posted_at": "<UTC ISO 8601 with microseconds>Z", "actor": "<name>",
     "lines": [{"n": <int>, "account": "<code>", "debit": <int>, "credit": <int>,
                "subledger": "<kind>:<id>" or "", "unit": "<business unit code>" or ""}, ...],
     "prev": "<hex SHA-256 of the previous entry, 64 zeros for the first>"}

entry_hash = SHA-256(canonical bytes). Because "prev" is inside the canonical form, each hash
covers the whole history before it, and `kopdes ledger verify` can name the first broken link.
The Merkle leaf of an entry is SHA-256(0x00 || canonical bytes) (RFC 9162).
"""

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
FORMAT_VERSION = 1


# One encoder for every entry: json.dumps with non-default options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(entry: dict[str, Any]) -> bytes:
    return _ENCODER.encode(entry).encode("utf-8")


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
) -> dict[str, Any]:
    return {
        "v": FORMAT_VERSION,
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
