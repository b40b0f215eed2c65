"""What a printed receipt or member card carries so that the member can check their entry in the
cooperative's signed books without trusting anyone: the journal entry's number, its Merkle leaf
hash (short, and in full in small print) and a QR code (an SVG drawn by segno, no script) to
`/transparansi/<code>/verifikasi/?nomor=<n>&leaf=<base64url leaf hash>`, where the page (or
kopdes_verify.py) proves the entry included in the latest signed checkpoint. Until the day's
checkpoint covers the entry, `checkpointed` is False and the receipt says when the proof comes.
No personal data in the URL: a number and a hash."""

import base64
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.urls import reverse

from kopdes.ledger.checkpoints.proving import entry_checkpointed, entry_leaf_hash
from kopdes.ledger.models import JournalEntry

SHORT = 12  # base64 characters of the leaf hash in the short form


def qr_svg(url: str, *, scale: int = 5) -> str:
    """An inline SVG QR code of `url` (segno; black on white, medium error correction)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff", border=2)


@dataclass(frozen=True)
class LedgerReceipt:
    number: int
    leaf: str  # standard base64, as the verifier script takes it
    url: str  # the verification page of this entry
    qr: str  # inline SVG
    checkpointed: bool

    @property
    def short(self) -> str:
        return self.leaf[:SHORT] + "…"


def ledger_receipt(request, entry: JournalEntry) -> LedgerReceipt:
    """The entry number, leaf hash, verification URL and QR code a receipt prints for `entry`."""
    leaf = entry_leaf_hash(entry=entry)
    query = urlencode(
        {"nomor": entry.number, "leaf": base64.urlsafe_b64encode(leaf).decode().rstrip("=")}
    )
    page = reverse("web:transparency_verify", args=[entry.cooperative.village_id])
    url = request.build_absolute_uri(f"{page}?{query}")
    return LedgerReceipt(
        number=entry.number,
        leaf=base64.b64encode(leaf).decode(),
        url=url,
        qr=qr_svg(url, scale=3),
        checkpointed=entry_checkpointed(entry=entry),
    )
