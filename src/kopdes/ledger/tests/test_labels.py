"""The ledger's registry: journal sources and posting-rule keys as words."""

import pytest
from django.utils import translation

from kopdes.ledger.labels import posting_key_label, rules_text, source_label


def test_an_unknown_source_still_reads_as_words():
    assert source_label("outlet.sale_credit") == "Outlet: sale credit"
    assert source_label("") == "—"


@pytest.mark.parametrize(("language", "text"), [("id", "Penjualan tunai"), ("en", "Cash sale")])
def test_sources_follow_the_language(language, text):
    with translation.override(language):
        assert source_label("sale.cash") == text


def test_posting_keys_and_rules_in_words():
    with translation.override("id"):
        assert posting_key_label("") == "*"
        assert posting_key_label("5-201") == "5-201"
        assert "simpan_pinjam" not in posting_key_label("simpan_pinjam:member")
        assert "cash" not in posting_key_label("sukarela:cash")
        text = rules_text(["savings.deposit/pokok:cash v1", "savings.transfer/* v2"])
        assert "savings." not in text and "cash" not in text and "v2" in text
