"""Assertions the commerce tests share: an entry's lines by account code, the reconciliation."""

from kopdes.commerce.selectors import commerce_reconcile


def entry_lines(entry) -> list[tuple[str, int, int]]:
    """(account code, debit, credit) of each line of `entry`, sorted."""
    return sorted(entry.lines.values_list("account__code", "debit", "credit"))


def assert_reconciles(cooperative) -> None:
    """Every stock unit: stock value == sum of movements == balance of 1-107-xx."""
    rows = commerce_reconcile(cooperative)
    assert rows
    for row in rows:
        assert row.account.startswith("1-107-"), row.unit.code
        assert row.reconciles, (row.unit.code, row.stock, row.movements, row.ledger)
