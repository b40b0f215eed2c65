"""A cooperative's public log built with the product's own functions (ledger.merkle,
ledger.signing), served to the standalone verifier (static/web/kopdes_verify.py) through a fake
`fetch`: the shapes of /transparansi/<code>/log/ (checkpoints.json, consistency, inclusion,
tiles) as the shared design of issue 10 writes them. Used by test_verifier_script.py."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import sys
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kopdes.ledger import merkle, signing

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "web" / "kopdes_verify.py"
CODE = "36.03.01.2003"
ORIGIN = "kopdes.id/koperasi/" + CODE
COSIGNATURE_V1 = b"\x04"  # C2SP tlog-cosignature: the signature type of an Ed25519 cosigner


@cache
def script() -> ModuleType:
    """The verifier, loaded from its file as a user runs it (it imports nothing of kopdes)."""
    spec = importlib.util.spec_from_file_location("kopdes_verify", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kopdes_verify"] = module
    spec.loader.exec_module(module)
    return module


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def leaves_of(count: int, seed: str = "entry") -> list[bytes]:
    return [merkle.leaf_hash(f"{seed} {i}".encode()) for i in range(count)]


@dataclass
class Witness:
    name: str
    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n\x04" + self.public_key).digest()[:4]

    @property
    def verifier_key(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64(COSIGNATURE_V1 + self.public_key)}"

    def cosign(self, note: str, when: int = 1_796_000_000) -> str:
        """The note with this witness's C2SP cosignature/v1 line appended."""
        body = note[: note.rfind("\n\n") + 1]
        message = f"cosignature/v1\ntime {when}\n{body}".encode()
        blob = self.key_id + when.to_bytes(8, "big") + self.private_key.sign(message)
        return f"{note}{signing.SIGNATURE_PREFIX}{self.name} {b64(blob)}\n"


@dataclass
class Log:
    """Checkpoints of the tree sizes `sizes`, one a day, over `leaves`."""

    leaves: list[bytes]
    sizes: list[int]
    key: signing.PlatformKey
    witnesses: list[Witness] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # by position in `sizes`
    with_summaries: bool = True
    served: list[str] = field(default_factory=list)  # paths asked for

    def __post_init__(self) -> None:
        if not self.notes:
            self.notes = [self.sign(size) for size in self.sizes]
        if self.with_summaries and not self.summaries:
            prev = bytes(32)
            for i, size in enumerate(self.sizes):
                self.summaries.append(self.summary(size, prev, day=i + 1))
                prev = hashlib.sha256(self.summaries[-1].encode()).digest()

    def summary(self, size: int, prev: bytes, day: int) -> str:
        """A summary note as the product writes it (building.summary_text), signed by the log."""
        root = merkle.root(self.leaves[:size])
        balances = hashlib.sha256(f"balances {size}".encode()).digest()
        text = (
            f"{ORIGIN}/ringkasan\n{size}\n{b64(root)}\nprev {b64(prev)}\n"
            f"balances {b64(balances)}\nday 2026-03-{day:02d} {size} {size * 1000}\n"
        )
        return signing.sign_note(text, self.key)

    def sign(self, size: int) -> str:
        root = merkle.root(self.leaves[:size])
        note = signing.sign_note(f"{ORIGIN}\n{size}\n{b64(root)}\n", self.key)
        for witness in self.witnesses:
            note = witness.cosign(note)
        return note

    def listing(self) -> dict:
        first = date(2026, 3, 1)
        return {
            "origin": ORIGIN,
            "verifier_key": signing.verifier_key(ORIGIN, self.key.public_key),
            "checkpoints": [
                {
                    "date": (first + timedelta(days=i)).isoformat(),
                    "tree_size": size,
                    "root": b64(merkle.root(self.leaves[:size])),
                    "note": note,
                    "summary": self.summaries[i] if i < len(self.summaries) else "",
                    "witnesses": [w.name for w in self.witnesses],
                }
                for i, (size, note) in enumerate(zip(self.sizes, self.notes, strict=True))
            ],
        }

    def fetch(self, path: str) -> bytes:
        import json

        self.served.append(path)
        route, _sep, query = path.partition("?")
        args = {k: int(v[0]) for k, v in urllib.parse.parse_qs(query).items()}
        if route == "checkpoints.json":
            return json.dumps(self.listing()).encode()
        if route == "consistency":
            old, new = args["old"], args["new"]
            return json.dumps(
                {
                    "old_size": old,
                    "new_size": new,
                    "old_root": b64(merkle.root(self.leaves[:old])),
                    "new_root": b64(merkle.root(self.leaves[:new])),
                    "proof": [b64(h) for h in merkle.consistency_proof(old, self.leaves[:new])],
                }
            ).encode()
        if route == "inclusion":
            index, size = args["index"], args["size"]
            return json.dumps(
                {
                    "index": index,
                    "size": size,
                    "root": b64(merkle.root(self.leaves[:size])),
                    "proof": [b64(h) for h in merkle.inclusion_proof(index, self.leaves[:size])],
                }
            ).encode()
        if route.startswith("balances/"):
            return f"balances {int(route.removeprefix('balances/').removesuffix('.json'))}".encode()
        if route.startswith("tile/"):
            return tile(self.leaves, route)
        raise AssertionError(f"not served: {path}")


def tile(leaves: list[bytes], route: str) -> bytes:
    """A tlog-tiles hash tile, from the leaves: tile/<L>/<N>[.p/<W>]."""
    parts = route.split("/")
    level = int(parts[1])
    rest = "/".join(parts[2:])
    width = 256
    if ".p/" in rest:
        rest, width_text = rest.split(".p/")
        width = int(width_text)
    index = int(rest.replace("x", "").replace("/", ""))
    span = 256**level
    first = index * 256
    return b"".join(
        merkle.root(leaves[(first + i) * span : (first + i + 1) * span]) for i in range(width)
    )


def platform_key(name: str = ORIGIN) -> signing.PlatformKey:
    return signing.PlatformKey(name=name, private_key=Ed25519PrivateKey.generate())
