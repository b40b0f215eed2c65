"""The pure funding rules, without a database."""

from kopdes.funding import rules


def test_receipt_keys_follow_the_kind_the_policy_and_the_channel():
    assert rules.receipt_key(kind="csr", grant_as_equity=True, channel="bank") == "csr:equity"
    assert rules.receipt_key(kind="csr", grant_as_equity=False, channel="cash") == "csr:income:cash"
    assert rules.receipt_key(kind="apbd_hibah", grant_as_equity=False, channel="bank") == (
        "apbd_hibah:income"
    )
    assert rules.receipt_key(kind="dana_desa", grant_as_equity=False, channel="bank") == "dana_desa"
    assert rules.receipt_key(kind="bank_loan", grant_as_equity=True, channel="cash") == (
        "bank_loan:cash"
    )


def test_spend_keys():
    assert rules.spend_key(spend_kind="asset", unit_code="", channel="bank") == "asset:bank"
    assert rules.spend_key(spend_kind="working_capital", unit_code="sembako", channel="cash") == (
        "working_capital:sembako:cash"
    )


def test_a_use_outside_the_permitted_lines_is_refused_or_flagged_by_the_policy():
    permitted = ["sembako", "lpg"]
    decide = rules.use_decision
    assert decide(restricted=True, permitted=permitted, line="lpg", outside="refuse") == "ok"
    assert decide(restricted=True, permitted=permitted, line="klinik", outside="refuse") == "refuse"
    assert decide(restricted=True, permitted=permitted, line="klinik", outside="flag") == "flag"
    assert decide(restricted=False, permitted=[], line="klinik", outside="refuse") == "ok"


def test_permitted_lines_are_known_distinct_and_present_for_a_restricted_fund():
    assert rules.permitted_line_errors(restricted=True, lines=["sembako"]) == []
    assert rules.permitted_line_errors(restricted=True, lines=[])
    assert rules.permitted_line_errors(restricted=False, lines=["sembako", "sembako"])
    assert rules.permitted_line_errors(restricted=False, lines=["kapal"])
    assert rules.permitted_line_errors(restricted=False, lines=[]) == []


def test_flag_states_move_forward_only():
    assert rules.flag_transition_allowed("open", "acknowledged")
    assert rules.flag_transition_allowed("acknowledged", "resolved")
    assert not rules.flag_transition_allowed("resolved", "acknowledged")
    assert not rules.flag_transition_allowed("acknowledged", "acknowledged")
