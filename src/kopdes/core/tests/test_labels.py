"""The audit log's registry: actions, object types and before/after as words."""

import pytest
from django.utils import translation

from kopdes.core.labels import action_label, audit_changes, object_type_label, readable


def test_an_unknown_code_still_reads_as_words():
    assert readable("loan.disburse_late") == "Loan: disburse late"
    assert readable("simpan_pinjam") == "Simpan pinjam"
    assert action_label("loan.disburse") == "Loan: disburse"


@pytest.mark.parametrize(
    ("language", "action", "object_type"),
    [("id", "Jabatan diberikan", "Anggota"), ("en", "Role assigned", "Member")],
)
def test_labels_follow_the_language(language, action, object_type):
    with translation.override(language):
        assert action_label("role.assign") == action
        assert object_type_label("members.member") == object_type


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


def test_a_reverse_relation_counted_in_the_audit_row_reads_as_its_value():
    # A loan's audit row counts its guarantors: `guarantors` names a reverse relation (no
    # choices), not a column.
    rows = audit_changes("loans.loan", None, {"guarantors": 1})
    assert [row["after"] for row in rows] == ["1"]
