"""The health assessment's pure rules: worked examples, the bands' boundaries, the predicates'
boundaries, and properties (the score is always 0..100)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.supervision import rules
from kopdes.supervision.methods import RATIO_METHOD, RATIO_PREDICATES

MEMBER_LOANS = [
    {"from": None, "to": 25, "score": 0},
    {"from": 25, "to": 50, "score": 50},
    {"from": 50, "to": 75, "score": 75},
    {"from": 75, "to": None, "score": 100},
]
CASH = next(
    c["bands"]
    for a in RATIO_METHOD["aspects"]
    for c in a["components"]
    if c["ratio"] == "cash_ratio"
)


@pytest.mark.parametrize(
    ("ratio", "value"),
    [("0", 0), ("24.99", 0), ("25", 50), ("49.99", 50), ("50", 75), ("75", 100), ("100", 100)],
)
def test_member_loans_bands_at_their_boundaries(ratio, value):
    assert rules.band_value(Decimal(ratio), MEMBER_LOANS) == value


@pytest.mark.parametrize(
    ("ratio", "value"), [("9.99", 25), ("10", 100), ("14.99", 100), ("15", 50), ("20", 25)]
)
def test_the_cash_ratio_is_best_between_10_and_15_percent(ratio, value):
    assert rules.band_value(Decimal(ratio), CASH) == value


@pytest.mark.parametrize(
    ("score", "predicate"),
    [
        ("100", "sehat"),
        ("80", "sehat"),
        ("79.99", "cukup_sehat"),
        ("66", "cukup_sehat"),
        ("65.99", "dalam_pengawasan"),
        ("51", "dalam_pengawasan"),
        ("50.99", "dalam_pengawasan_khusus"),
        ("0", "dalam_pengawasan_khusus"),
    ],
)
def test_predicates_at_their_boundaries(score, predicate):
    assert rules.predicate(Decimal(score), RATIO_PREDICATES) == predicate


def test_ratio_is_in_percent_two_decimals_half_up_and_none_without_a_denominator():
    assert rules.ratio_percent(123, 1000) == Decimal("12.30")
    assert rules.ratio_percent(1, 3) == Decimal("33.33")
    assert rules.ratio_percent(2, 3) == Decimal("66.67")
    assert rules.ratio_percent(5, 0) is None


def test_a_worked_example_says_how_each_value_came_about():
    method = {
        "predicates": RATIO_PREDICATES,
        "questionnaire": [{"key": "a", "text": "?"}, {"key": "b", "text": "?"}],
        "aspects": [
            {
                "key": "permodalan",
                "weight": 6,
                "components": [
                    {
                        "key": "ms",
                        "label": "Modal sendiri terhadap total aset",
                        "ratio": "equity_to_assets",
                        "weight": 6,
                        "bands": [
                            {"from": None, "to": 20, "score": 25},
                            {"from": 20, "to": 40, "score": 50},
                        ],
                    }
                ],
            },
            {
                "key": "manajemen",
                "weight": 94,
                "components": [
                    {"key": "q", "label": "Kuesioner", "ratio": "questionnaire", "weight": 94}
                ],
            },
        ],
    }
    inputs = {"own_capital": 12_300_000, "total_assets": 100_000_000}
    labels = {"own_capital": "modal sendiri", "total_assets": "total aset"}
    result = rules.assess(method, inputs, None, labels)
    capital, management = result.components
    assert capital.note == (
        "modal sendiri Rp12.300.000 / total aset Rp100.000.000 = 12,30 % → nilai 25 "
        "\u00d7 bobot 6,00 = 1,50"
    )
    assert capital.inputs == inputs
    assert management.value == 0 and "kuesioner belum diisi" in management.note
    assert result.score == Decimal("1.50")
    assert result.predicate == "dalam_pengawasan_khusus"

    filled = rules.assess(method, inputs, {"a": True, "b": False}, labels)
    assert filled.components[1].value == 50
    assert filled.components[1].points == Decimal("47.00")
    assert filled.score == Decimal("48.50")


def test_the_default_method_is_valid_and_its_weights_are_the_regulations():
    rules.validate_method(RATIO_METHOD)
    weights = {a["key"]: a["weight"] for a in RATIO_METHOD["aspects"]}
    assert weights == {
        "permodalan": 15,
        "kualitas_aktiva": 25,
        "manajemen": 15,
        "efisiensi": 10,
        "likuiditas": 15,
        "kemandirian": 10,
        "jatidiri": 10,
    }


def test_a_bad_method_is_refused_with_every_problem_named():
    bad = {
        "predicates": [],
        "aspects": [
            {
                "key": "x",
                "weight": 50,
                "components": [
                    {
                        "key": "c",
                        "ratio": "nope",
                        "weight": 40,
                        "bands": [
                            {"from": None, "to": 30, "score": 120},
                            {"from": 20, "to": None, "score": 50},
                        ],
                    }
                ],
            }
        ],
    }
    with pytest.raises(rules.MethodInvalid) as caught:
        rules.validate_method(bad)
    text = "; ".join(caught.value.problems)
    for part in ("tidak dikenal", "di luar 0..100", "tumpang tindih", "bobot", "predikat"):
        assert part in text


amounts = st.integers(min_value=-(10**13), max_value=10**13)
INPUT_KEYS = sorted({key for pair in rules.RATIOS.values() for key in pair})


@given(
    inputs=st.fixed_dictionaries({key: amounts for key in INPUT_KEYS}),
    answers=st.none()
    | st.dictionaries(st.sampled_from([f"m{i}" for i in range(1, 11)]), st.booleans()),
)
def test_the_score_is_always_between_0_and_100_and_its_predicate_follows(inputs, answers):
    result = rules.assess(RATIO_METHOD, inputs, answers)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert all(0 <= c.value <= 100 for c in result.components)
    assert result.score == sum(c.points for c in result.components)
    assert result.predicate == rules.predicate(result.score, RATIO_PREDICATES)


@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_every_ratio_falls_in_exactly_one_band_of_the_defaults(ratio):
    for aspect in RATIO_METHOD["aspects"]:
        for component in aspect["components"]:
            bands = component.get("bands")
            if not bands:
                continue
            covering = [
                b
                for b in bands
                if (b["from"] is None or ratio >= Decimal(str(b["from"])))
                and (b["to"] is None or ratio < Decimal(str(b["to"])))
            ]
            assert len(covering) == 1, (component["key"], ratio)
