from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kopdes.savings import rules


def test_balance_days_counts_end_of_day_balances():
    # 1,000,000 all April (30 days), +300,000 on the 21st (10 days), -100,000 on the 30th (1 day)
    days = rules.balance_days(
        opening=1_000_000,
        movements=[(date(2026, 4, 21), 300_000), (date(2026, 4, 30), -100_000)],
        first=date(2026, 4, 1),
        last=date(2026, 4, 30),
    )
    assert days == 30 * 1_000_000 + 10 * 300_000 - 100_000


def test_interest_hand_computed():
    # Two members in April at 3% a year: A holds 1,000,000 all month; B holds 500,000 from the
    # 16th (15 days). A: 30,000,000 rupiah-days, B: 7,500,000.
    # Exact total = 37,500,000 x 3% / 365 = 3082.19...; rounded once: 3082.
    # Shares: A 3082 x 30/37.5 = 2465.6, B 616.4 -> floors 2465 + 616 = 3081, the rupiah left
    # goes to the larger remainder (A): 2466 + 616 = 3082.
    total, parts = rules.interest_shares([30_000_000, 7_500_000], rate=Decimal("3"))
    assert total == 3082
    assert parts == [2466, 616]


@given(
    st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=50),
    st.decimals(min_value=0, max_value=9, places=2),
)
def test_interest_parts_add_up_to_the_total(weights, rate):
    total, parts = rules.interest_shares(weights, rate=rate)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


def test_settle_oldest_first_and_rapel():
    bills = [(1, 20_000, 5_000), (2, 20_000, 0), (3, 20_000, 0)]
    settled, left = rules.settle_oldest_first(50_000, bills)
    assert [(s.bill_id, s.paid, s.settled) for s in settled] == [
        (1, 15_000, True),
        (2, 20_000, True),
        (3, 15_000, False),
    ]
    assert left == 0
    settled, left = rules.settle_oldest_first(100_000, bills)
    assert left == 45_000


def test_collection_rate():
    assert rules.collection_rate(billed=0, paid=0) is None
    assert rules.collection_rate(billed=300, paid=100) == Decimal("33.3")


def test_receipt_text_has_terbilang_and_journal():
    text = rules.receipt_text(
        cooperative="Koperasi Desa Merah Putih Cangkudu",
        receipt="KWT-000001",
        when=date(2026, 4, 2),
        member="Siti",
        niak="0001",
        kind_label="Simpanan sukarela",
        type_label="Setoran",
        amount=1_500_000,
        balance_after=1_500_000,
        journal="JU-000001",
        short_hash="abcdef123456",
    )
    assert "satu juta lima ratus ribu rupiah" in text
    assert "JU-000001" in text and "abcdef123456" in text
