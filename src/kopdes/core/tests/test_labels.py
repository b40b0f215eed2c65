"""The registries that turn codes into words: audit actions, object types, before/after; the
ledger's journal sources and posting keys."""

import pytest
from django.utils import translation

from kopdes.core.labels import action_label, audit_changes, object_type_label, readable
from kopdes.ledger.labels import posting_key_label, rules_text, source_label


def test_an_unknown_code_still_reads_as_words():
    assert readable("loan.disburse_late") == "Loan: disburse late"
    assert readable("simpan_pinjam") == "Simpan pinjam"
    assert action_label("loan.disburse") == "Loan: disburse"
    assert source_label("outlet.sale_credit") == "Outlet: sale credit"
    assert source_label("") == "—"


@pytest.mark.parametrize(
    ("language", "action", "source", "object_type"),
    [
        ("id", "Jabatan diberikan", "Penjualan tunai", "Anggota"),
        ("en", "Role assigned", "Cash sale", "Member"),
    ],
)
def test_labels_follow_the_language(language, action, source, object_type):
    with translation.override(language):
        assert action_label("role.assign") == action
        assert source_label("sale.cash") == source
        assert object_type_label("members.member") == object_type


def test_posting_keys_and_rules_in_words():
    with translation.override("id"):
        assert posting_key_label("") == "*"
        assert posting_key_label("5-201") == "5-201"
        assert "simpan_pinjam" not in posting_key_label("simpan_pinjam:member")
        assert "cash" not in posting_key_label("sukarela:cash")
        text = rules_text(["savings.deposit/pokok:cash v1", "savings.transfer/* v2"])
        assert "savings." not in text and "cash" not in text and "v2" in text


def test_before_and_after_show_labels_not_codes():
    with translation.override("id"):
        rows = audit_changes(
            "members.member",
            {"status": "requested", "full_name": "Siti"},
            {"status": "active", "full_name": "Siti", "kind": "deposit"},
        )
    by_field = {row["field"]: row for row in rows}
    status = next(row for row in rows if row["after"] == "Aktif")
    assert status["changed"] and status["before"] != "requested"
    assert not by_field[next(k for k in by_field if by_field[k]["before"] == "Siti")]["changed"]
    assert any(row["after"] == "Setoran" for row in rows)  # `kind` of another model, by name
