"""The receipt's pure rules: numbers, the short hash a member recomputes, change, gaps."""

import hashlib
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kopdes.commerce import receipts
from kopdes.commerce.receipts import ReceiptLine

DEVICE = uuid.UUID("1a2b3c4d-0000-4000-8000-000000000000")
MOMENT = datetime(2026, 12, 2, 9, 5, 7, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_receipt_numbers():
    assert receipts.device_short_id(DEVICE) == "1A2B"
    assert receipts.device_receipt_number("sembako", DEVICE, 42) == "SEMBAKO-1A2B-000042"
    assert receipts.central_receipt_number(2026, 7) == "PJL-2026-000007"


def test_the_hash_is_sha256_of_the_documented_text():
    lines = [ReceiptLine("BRS-5", 2, 68_000), ReceiptLine("TLR", 1, 28_000)]
    text = (
        "KOPDES-STRUK-1\nSEMBAKO-1A2B-000042\n2026-12-02 09:05:07\n"
        "BRS-5|2|68000|136000\nTLR|1|28000|28000\nTOTAL|164000\nBAYAR|cash"
    )
    assert (
        receipts.canonical_receipt(
            number="SEMBAKO-1A2B-000042",
            sold_at_local=MOMENT,
            lines=lines,
            total=164_000,
            payment="cash",
        )
        == text
    )
    digest = receipts.receipt_hash(
        number="SEMBAKO-1A2B-000042",
        sold_at_local=MOMENT,
        lines=lines,
        total=164_000,
        payment="cash",
    )
    assert digest == hashlib.sha256(text.encode()).hexdigest()[:8]
    assert len(digest) == 8


def test_any_change_on_the_receipt_changes_the_hash():
    base = {
        "number": "PJL-2026-000001",
        "sold_at_local": MOMENT,
        "lines": [ReceiptLine("A", 1, 1_000)],
        "total": 1_000,
        "payment": "cash",
    }
    first = receipts.receipt_hash(**base)
    for change in (
        {"number": "PJL-2026-000002"},
        {"sold_at_local": MOMENT.replace(second=8)},
        {"lines": [ReceiptLine("A", 1, 1_001)]},
        {"total": 1_001},
        {"payment": "qris"},
    ):
        assert receipts.receipt_hash(**{**base, **change}) != first


def test_change_due():
    assert receipts.change_due(15_500, 20_000) == 4_500
    assert receipts.change_due(15_500, 15_500) == 0
    assert receipts.change_due(15_500, 15_000) is None


@given(st.sets(st.integers(min_value=1, max_value=60)), st.integers(min_value=0, max_value=60))
def test_gaps_are_exactly_the_numbers_not_held(held, last):
    gaps = receipts.sequence_gaps(held, last)
    assert gaps == sorted(set(range(1, last + 1)) - held)


def test_gaps_are_listed_up_to_a_limit():
    assert receipts.sequence_gaps([], 10**9, limit=3) == [1, 2, 3]


def test_uuid_shapes():
    assert receipts.looks_like_uuid(str(DEVICE))
    assert receipts.looks_like_uuid(DEVICE.hex)
    assert not receipts.looks_like_uuid("not-a-uuid")
    assert not receipts.looks_like_uuid(42)
