"""The verifiable ledger over the API: an entry's inclusion proof in its cooperative's latest
signed checkpoint, with everything needed to check it offline (docs/invariants.md, principle 3).

Officers and supervisors who may read the books get every entry of their scope with every field
opened; a member gets the entries on their own savings accounts, with only their own lines
opened (ledger.access.proof_access)."""

import json
from datetime import date
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.ledger import access, checkpoints, selectors, signing

router = Router(tags=["ledger"])


class CheckpointOut(Schema):
    date: date
    origin: str
    tree_size: int
    root_hash: str = Field(description="Hex SHA-256 Merkle root (the note carries it in base64)")
    note: str = Field(
        description="The C2SP signed note (tlog-checkpoint: origin, size, base64 root), signed "
        "under the origin's name, as published: the platform's signature, then the witnesses' "
        "cosignatures (C2SP tlog-cosignature, cosignature/v1)"
    )
    summary: str = Field(
        description="The signed summary note: prev link, trial-balance hash, entries added by "
        "accounting date (empty for a version 1 checkpoint)"
    )


class OpeningOut(Schema):
    field: str = Field(description='"memo", "actor" or "lines/<n>/subledger"')
    value: str = Field(description="The committed value, e.g. savings:<account id>")
    salt: str = Field(
        description="Hex salt: SHA-256(salt || UTF-8 value), in hex, is the document's field"
    )


class ProofOut(Schema):
    entry_id: UUID
    number: int
    cooperative: str = Field(description="The cooperative's village code")
    format_version: int = Field(
        description="Canonical version (chain.py): 1 holds names in clear, 2 commits to them"
    )
    document: dict | None = Field(
        description="The entry's canonical document (chain.py); null for a version 1 entry "
        "shown to a member (it names other people)"
    )
    canonical: str | None = Field(
        description="The exact UTF-8 text hashed: entry_hash = SHA-256(canonical), "
        "leaf_hash = SHA-256(0x00 || canonical); null where `document` is"
    )
    openings: list[OpeningOut] = Field(
        description="Openings of the committed fields of a version 2 entry: every field for "
        "officers and supervisors, the caller's own lines' sub-ledger references for a member"
    )
    entry_hash: str = Field(description="Hex SHA-256 of the canonical text")
    leaf_index: int = Field(description="0-based: entry number - 1")
    leaf_hash: str = Field(description="Base64 RFC 9162 leaf hash")
    checkpoint: CheckpointOut
    inclusion_proof: list[str] = Field(
        description="Base64 audit path, RFC 9162 section 2.1.3 (verify with 2.1.3.2)"
    )
    verifier_key: str = Field(
        description="The checkpoint's verifier key, <origin>+<key id>+<base64(0x01 || Ed25519 "
        "key)>: the platform's key named after the cooperative's origin"
    )


@router.get("/entries/{entry_id}/proof", response={200: ProofOut, **errors(401, 404, 409)})
def entry_proof(request, entry_id: str):
    """Prove that a journal entry is in its cooperative's published ledger.

    For officers and supervisors who may read the books, and for a member when the entry has a
    line on one of their own savings accounts (404 otherwise, as for an entry that does not
    exist). Hash `canonical` to get the leaf (a member gets no `canonical` for a version 1 entry:
    start from `leaf_hash`), check each opening against `document`, walk `inclusion_proof` to the root, and check that root
    and the signature of `checkpoint.note` with `verifier_key`. 409 `ledger.not_checkpointed`
    until the day the entry was posted has been closed by a checkpoint.
    """
    allowed = access.proof_access(request.user, entry_id)
    entry = allowed.entry
    proof = checkpoints.entry_proof(entry=entry)
    checkpoint = proof.checkpoint
    # A member never gets a version 1 text: its memo, officer and references are in clear.
    shown = allowed.full or entry.format_version >= 2
    openings = selectors.entry_openings(entry, refs=None if allowed.full else allowed.own)
    return {
        "entry_id": entry.public_id,
        "number": entry.number,
        "cooperative": entry.cooperative.village_id,
        "format_version": entry.format_version,
        "document": json.loads(proof.canonical) if shown else None,
        "canonical": proof.canonical if shown else None,
        "openings": [{"field": o.field, "value": o.value, "salt": o.salt} for o in openings],
        "entry_hash": entry.entry_hash,
        "leaf_index": proof.leaf_index,
        "leaf_hash": signing.b64(proof.leaf_hash),
        "checkpoint": {
            "date": checkpoint.date,
            "origin": checkpoints.origin(entry.cooperative),
            "tree_size": checkpoint.tree_size,
            "root_hash": checkpoint.root_hash,
            "note": checkpoints.published_note(checkpoint),
            "summary": checkpoint.summary,
        },
        "inclusion_proof": [signing.b64(h) for h in proof.proof],
        "verifier_key": proof.verifier_key,
    }


api.add_router("/ledger", router)
