"""The savings bulk writers' hand-written column list fits SavingsTransaction (core.bulk)."""

from kopdes.core import bulk
from kopdes.savings.models import SavingsTransaction
from kopdes.savings.services import TXN_COLUMNS


def test_txn_columns_fit_the_model():
    bulk.check_columns(SavingsTransaction, tuple(TXN_COLUMNS))  # raises if it no longer fits
    assert set(TXN_COLUMNS) <= set(bulk.columns(SavingsTransaction))
