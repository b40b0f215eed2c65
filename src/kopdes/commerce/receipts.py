"""Receipts of the point of sale, pure (no ORM): numbers, the short hash, change, sequence gaps.

A receipt's short hash lets a member check that the receipt in their hand is the one the
cooperative holds (docs/adr/0020-sale-receipts-and-offline-sales.md). It is the first
`HASH_LENGTH` hex characters of SHA-256 over the canonical receipt, UTF-8 text lines joined
by a line feed, with no line feed at the end:

    KOPDES-STRUK-1
    <receipt number>
    <sold at: the platform's local time (Asia/Jakarta, WIB), YYYY-MM-DD HH:MM:SS>
    <sku>|<quantity>|<unit price>|<amount>        one line per receipt line, in order
    TOTAL|<total>
    BAYAR|<payment: cash, qris or member_credit>

Numbers are plain digits (no separators); everything on it is printed on the receipt. An offline
kasir page computes the same text in the browser (SubtleCrypto SHA-256; the time through
Intl.DateTimeFormat("sv-SE", {timeZone: "Asia/Jakarta", ...})), so the printed hash is the one
the server stores when the sale is synced.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

CANONICAL_HEADER = "KOPDES-STRUK-1"
HASH_LENGTH = 8
DEVICE_SHORT_LENGTH = 4  # as PosDevice.short_id
SEQUENCE_MAX = 999_999_999  # a device's receipt sequence: a positive whole number up to this
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class ReceiptLine:
    sku: str
    quantity: int
    unit_price: int

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


def device_short_id(public_id: object) -> str:
    """The device's short id on its receipt numbers: the first four hex digits of its UUID,
    upper case (`PosDevice.short_id`)."""
    return str(public_id).replace("-", "")[:DEVICE_SHORT_LENGTH].upper()


def device_receipt_number(unit_code: str, device_public_id: object, sequence: int) -> str:
    """SMB-1A2B-000042: the unit's code, the device's short id and its own sequence."""
    return f"{unit_code.upper()}-{device_short_id(device_public_id)}-{sequence:06d}"


def central_receipt_number(year: int, serial: int) -> str:
    """PJL-2026-000001: a sale made online without a device sequence, numbered per year."""
    return f"PJL-{year}-{serial:06d}"


def canonical_receipt(
    *,
    number: str,
    sold_at_local: datetime,
    lines: Sequence[ReceiptLine],
    total: int,
    payment: str,
) -> str:
    """The text the short hash is computed over (module docstring). `sold_at_local` is the sale's
    moment in the cooperative's local time (its seconds are printed, fractions dropped)."""
    parts = [CANONICAL_HEADER, number, sold_at_local.strftime(TIME_FORMAT)]
    parts += [f"{ln.sku}|{ln.quantity}|{ln.unit_price}|{ln.amount}" for ln in lines]
    parts += [f"TOTAL|{total}", f"BAYAR|{payment}"]
    return "\n".join(parts)


def receipt_hash(
    *,
    number: str,
    sold_at_local: datetime,
    lines: Sequence[ReceiptLine],
    total: int,
    payment: str,
) -> str:
    text = canonical_receipt(
        number=number, sold_at_local=sold_at_local, lines=lines, total=total, payment=payment
    )
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]


def change_due(total: int, tendered: int) -> int | None:
    """The change for a cash payment, or None when the money tendered does not cover the total."""
    if tendered < total:
        return None
    return tendered - total


GAPS_SHOWN = 1000  # at most this many missing numbers are listed (the first ones)


def sequence_gaps(held: Iterable[int], last: int, *, limit: int = GAPS_SHOWN) -> list[int]:
    """The receipt numbers 1..last a device has not delivered (neither as a sale nor as a kept
    rejection), in order, at most `limit` of them."""
    have = set(held)
    gaps: list[int] = []
    for n in range(1, last + 1):
        if n not in have:
            gaps.append(n)
            if len(gaps) >= limit:
                break
    return gaps


_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


def looks_like_uuid(text: object) -> bool:
    return isinstance(text, str) and bool(_UUID.match(text))
