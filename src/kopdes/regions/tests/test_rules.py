"""Region code rules: pure, no database."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.regions import rules
from kopdes.regions.models import Regency, Village
from kopdes.regions.rules import InvalidRegionCode, InvalidSearch, Level, RegionCode, parse_code

regency_numbers = st.one_of(st.integers(1, 69), st.integers(71, 99))


@st.composite
def region_codes(draw) -> RegionCode:
    depth = draw(st.integers(1, 4))
    parts = [f"{draw(st.integers(1, 99)):02d}"]
    if depth >= 2:
        parts.append(f"{draw(regency_numbers):02d}")
    if depth >= 3:
        parts.append(f"{draw(st.integers(1, 99)):02d}")
    if depth == 4:
        parts.append(f"{draw(st.integers(1, 3))}{draw(st.integers(0, 999)):03d}")
    return RegionCode(*parts)


@pytest.mark.parametrize(
    ("text", "level", "dotted"),
    [
        ("36", Level.PROVINCE, "36"),
        ("36.03", Level.REGENCY, "36.03"),
        ("3603", Level.REGENCY, "36.03"),
        ("36.03.01", Level.DISTRICT, "36.03.01"),
        ("360301", Level.DISTRICT, "36.03.01"),
        ("36.03.01.2003", Level.VILLAGE, "36.03.01.2003"),
        ("3603012003", Level.VILLAGE, "36.03.01.2003"),
        ("  36.03.01.1001\n", Level.VILLAGE, "36.03.01.1001"),
        ("91.03.01.3001", Level.VILLAGE, "91.03.01.3001"),  # desa adat
    ],
)
def test_parse_code_accepts_dotted_and_digits(text, level, dotted):
    code = parse_code(text)
    assert code.level == level
    assert code.dotted == dotted
    assert code.digits == dotted.replace(".", "")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "3",
        "360",
        "36.3",
        "36.03.1",
        "36.03.01.203",
        "36.03.01.20031",
        "36.03.01.2003.1",
        "36..03",
        "36.0301",
        "3603.01",
        ".36",
        "36.",
        "36-03",
        "36 03",
        "00",
        "36.00",
        "36.03.00",
        "36.03.01.0003",  # zero segments
        "36.70",
        "3670",  # regency 70 is neither kabupaten nor kota
        "36.03.01.4001",
        "36.03.01.9001",  # T must be 1, 2 or 3
        "\u0663\u0666",
        "\uff13\uff16",  # Arabic-Indic and fullwidth digits
        "36.03.01.2003\x00",
        "36\x00",
        "3" * 5000,
        "abc",
    ],
)
def test_parse_code_refuses(text):
    with pytest.raises(InvalidRegionCode):
        parse_code(text)


def test_parse_code_refuses_non_strings():
    with pytest.raises(InvalidRegionCode):
        parse_code(3603)  # type: ignore[arg-type]


@given(region_codes())
def test_dotted_and_digits_parse_to_the_same_code(code):
    assert parse_code(code.dotted) == code
    assert parse_code(code.digits) == code
    assert parse_code(code.dotted).dotted == code.dotted


@given(region_codes())
def test_lineage_runs_from_province_to_the_code(code):
    lineage = code.lineage
    assert lineage[-1] == code
    assert [c.level for c in lineage] == list(rules.LEVELS[: len(lineage)])
    for parent, child in itertools.pairwise(lineage):
        assert child.parent == parent
        assert child.dotted.startswith(parent.dotted + ".")
    assert lineage[0].parent is None


@given(st.text(max_size=40))
def test_any_text_parses_to_a_clean_code_or_is_refused(text):
    try:
        code = parse_code(text)
    except InvalidRegionCode:
        return
    assert len(code.dotted) <= rules.MAX_CODE_LENGTH
    assert set(code.dotted) <= set("0123456789.")


@given(st.integers(0, 99))
def test_regency_kind_splits_at_69_and_71(number):
    kk = f"{number:02d}"
    if 1 <= number <= 69:
        assert rules.regency_kind(kk) == rules.KABUPATEN
        assert rules.regency_kind(f"36.{kk}") == rules.KABUPATEN
    elif number >= 71:
        assert rules.regency_kind(kk) == rules.KOTA
    else:
        with pytest.raises(InvalidRegionCode):
            rules.regency_kind(kk)


@given(st.integers(0, 9), st.integers(0, 999))
def test_village_kind_follows_the_t_digit(t, sss):
    tsss = f"{t}{sss:03d}"
    expected = {1: rules.KELURAHAN, 2: rules.DESA, 3: rules.DESA}.get(t)
    if expected is None:
        with pytest.raises(InvalidRegionCode):
            rules.village_kind(tsss)
    else:
        assert rules.village_kind(tsss) == expected
        assert rules.village_kind(f"36.03.01.{tsss}") == expected


def test_kind_values_are_the_model_choices():
    assert {rules.KABUPATEN, rules.KOTA} == set(Regency.Kind.values)
    assert {rules.DESA, rules.KELURAHAN} == set(Village.Kind.values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cangkudu", "Cangkudu"),
        ("  suka   maju ", "suka maju"),
        ("abc", "abc"),
        ("Pasi Kuala Ba'u", "Pasi Kuala Ba'u"),
    ],
)
def test_normalize_search(text, expected):
    assert rules.normalize_search(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", InvalidSearch.TOO_SHORT),
        ("ab", InvalidSearch.TOO_SHORT),
        ("   ab   ", InvalidSearch.TOO_SHORT),
        ("a" * 101, InvalidSearch.TOO_LONG),
        ("a" * 100_000, InvalidSearch.TOO_LONG),
        ("abc\x00", InvalidSearch.CONTROL),
        ("ab\ncd", InvalidSearch.CONTROL),
        ("\ud800abc", InvalidSearch.CONTROL),
    ],
)
def test_normalize_search_refuses(text, reason):
    with pytest.raises(InvalidSearch) as caught:
        rules.normalize_search(text)
    assert caught.value.reason == reason


@given(st.text(max_size=120))
def test_normalized_search_is_clean_and_stable(text):
    try:
        cleaned = rules.normalize_search(text)
    except InvalidSearch:
        return
    assert rules.SEARCH_MIN_LENGTH <= len(cleaned) <= rules.SEARCH_MAX_LENGTH
    assert "\x00" not in cleaned
    assert cleaned == cleaned.strip()
    assert rules.normalize_search(cleaned) == cleaned
