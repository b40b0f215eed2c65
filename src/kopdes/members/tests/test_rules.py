"""The NIK check and the other pure membership rules: no database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.members import rules
from kopdes.members.rules import KnownRegions, nik_check, nik_date_part, nik_make

KNOWN = KnownRegions(
    provinces=frozenset({"36", "31"}),
    regencies=frozenset({"3603", "3171"}),
    districts=frozenset({"360301", "360313", "317101"}),
)
BORN = date(1985, 3, 7)

sexes = st.sampled_from([rules.FEMALE, rules.MALE])
birth_dates = st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31))
districts = st.sampled_from(sorted(KNOWN.districts))
serials = st.integers(min_value=1, max_value=9999)


def codes(check):
    return [i.code for i in check.errors], [i.code for i in check.warnings]


def test_a_good_nik_passes_without_warnings():
    assert codes(nik_check("3603014703850001", sex="F", birth_date=BORN, known=KNOWN)) == ([], [])
    assert codes(nik_check("3603010703850001", sex="M", birth_date=BORN, known=KNOWN)) == ([], [])


def test_the_date_part_adds_40_for_women():
    assert nik_date_part(sex="F", birth_date=BORN) == "470385"
    assert nik_date_part(sex="M", birth_date=date(2001, 12, 31)) == "311201"
    assert nik_make(district_digits="360301", sex="F", birth_date=BORN, serial=12) == (
        "3603014703850012"
    )


@pytest.mark.parametrize(
    ("nik", "sex", "error"),
    [
        ("360301070385001", "M", "nik.format"),
        ("36030107038500012", "M", "nik.format"),
        ("36030107038500a1", "M", "nik.format"),
        ("٣603010703850001", "M", "nik.format"),  # Arabic-Indic digit: not ASCII
        ("9903010703850001", "M", "nik.province_unknown"),
        ("3699010703850001", "M", "nik.regency_unknown"),
        ("3603013203850001", "M", "nik.day_invalid"),
        ("3603010003850001", "M", "nik.day_invalid"),
        ("3603017203850001", "F", "nik.day_invalid"),
        ("3603014003850001", "F", "nik.day_invalid"),
        ("3603010703850001", "F", "nik.day_male_but_female"),
        ("3603014703850001", "M", "nik.day_female_but_male"),
        ("3603010713850001", "M", "nik.month_invalid"),
        ("3603010700850001", "M", "nik.month_invalid"),
        ("3603010703850000", "M", "nik.serial_zero"),
    ],
)
def test_refusals_name_the_problem(nik, sex, error):
    check = nik_check(nik, sex=sex, birth_date=BORN, known=KNOWN)
    assert not check.ok
    assert error in codes(check)[0]
    assert all(issue.message and issue.message != issue.code for issue in check.errors)


def test_unknown_kecamatan_is_only_a_warning():
    check = nik_check("3603990703850001", sex="M", birth_date=BORN, known=KNOWN)
    assert check.ok
    assert codes(check) == ([], ["nik.district_unknown"])
    assert "36.03.99" in check.warnings[0].message


def test_date_mismatch_is_only_a_warning():
    check = nik_check("3603010803850001", sex="M", birth_date=BORN, known=KNOWN)
    assert check.ok and codes(check) == ([], ["nik.date_mismatch"])
    assert check.warnings[0].params == {"nik_date": "080385", "expected": "070385"}


def test_several_refusals_at_once():
    check = nik_check("3603019913850000", sex="M", birth_date=BORN, known=KNOWN)
    assert codes(check)[0] == ["nik.day_invalid", "nik.month_invalid", "nik.serial_zero"]


@given(district=districts, sex=sexes, born=birth_dates, serial=serials)
def test_any_issued_nik_passes_cleanly(district, sex, born, serial):
    nik = nik_make(district_digits=district, sex=sex, birth_date=born, serial=serial)
    assert len(nik) == 16
    assert codes(nik_check(nik, sex=sex, birth_date=born, known=KNOWN)) == ([], [])


@given(district=districts, sex=sexes, born=birth_dates, serial=serials)
def test_the_other_sex_is_always_refused(district, sex, born, serial):
    nik = nik_make(district_digits=district, sex=sex, birth_date=born, serial=serial)
    other = rules.MALE if sex == rules.FEMALE else rules.FEMALE
    assert not nik_check(nik, sex=other, birth_date=born, known=KNOWN).ok


@given(district=districts, sex=sexes, born=birth_dates, other=birth_dates, serial=serials)
def test_a_different_birth_date_never_refuses(district, sex, born, other, serial):
    nik = nik_make(district_digits=district, sex=sex, birth_date=born, serial=serial)
    check = nik_check(nik, sex=sex, birth_date=other, known=KNOWN)
    assert check.ok
    expected = (
        [] if nik_date_part(sex=sex, birth_date=other) == nik[6:12] else ["nik.date_mismatch"]
    )
    assert codes(check)[1] == expected


@given(st.text(max_size=20))
def test_anything_that_is_not_16_digits_is_refused(text):
    if len(text) == 16 and text.isascii() and text.isdigit():
        return
    check = nik_check(text, sex="M", birth_date=BORN, known=KNOWN)
    assert codes(check)[0] == ["nik.format"]


@given(st.from_regex(r"[0-9]{16}", fullmatch=True), sexes)
def test_any_16_digits_give_a_verdict_without_crashing(nik, sex):
    check = nik_check(nik, sex=sex, birth_date=BORN, known=KNOWN)
    day, month = int(nik[6:8]), int(nik[8:10])
    if check.ok:
        assert nik[:4] in KNOWN.regencies and 1 <= month <= 12 and nik[12:] != "0000"
        assert (41 <= day <= 71) if sex == rules.FEMALE else (1 <= day <= 31)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" 3603 0107 0385 0001 ", "3603010703850001"),
        ("'3603010703850001", "3603010703850001"),
        ("3603.0107.0385.0001", "3603010703850001"),
        (None, ""),
    ],
)
def test_nik_normalize(raw, clean):
    assert rules.nik_normalize(raw) == clean


def test_kk_numbers():
    assert rules.kk_is_valid("3603012345678901")
    assert not rules.kk_is_valid("360301234567890")
    assert not rules.kk_is_valid("0003012345678901")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"GIF89a", None),
        (b"%PDF-1.7", None),
        (b"<svg xmlns=", None),
        (b"", None),
    ],
)
def test_image_type_by_magic_bytes(head, kind):
    assert rules.image_type(head) == kind


def test_stored_warnings_render_with_their_parameters():
    text = rules.render_issue("nik.district_unknown", {"code": "36.03.99"})
    assert "36.03.99" in text
    # A warning stored by an earlier version never shows the other cooperative's name.
    old = rules.render_issue("nik.active_elsewhere", {"cooperative": "Koperasi X"})
    assert "Koperasi X" not in old
    assert rules.render_issue("no.such.code") == "no.such.code"


@pytest.mark.parametrize(
    ("day", "month"), [("30", "02"), ("70", "02"), ("31", "04"), ("71", "11"), ("31", "06")]
)
def test_a_nik_date_that_does_not_exist_is_refused(day, month):
    nik = f"360301{day}{month}850001"
    sex = rules.FEMALE if int(day) > 40 else rules.MALE
    check = rules.nik_check(nik, sex=sex, birth_date=None, known=KNOWN_FOR_DATES)
    assert [e.code for e in check.errors] == ["nik.date_invalid"]


@pytest.mark.parametrize("nik", ["3603012902000001", "3603012902840001", "3603016902960001"])
def test_29_february_of_a_leap_year_is_possible_in_a_nik(nik):
    sex = rules.FEMALE if nik[6] == "6" else rules.MALE
    assert rules.nik_check(nik, sex=sex, birth_date=None, known=KNOWN_FOR_DATES).ok


@pytest.mark.parametrize("nik", ["3603012902250001", "3603012902850001", "3603016902230001"])
def test_29_february_of_a_year_that_is_never_leap_is_refused(nik):
    """yy = 25 is 1925 or 2025, neither a leap year; only yy divisible by 4 can be one."""
    sex = rules.FEMALE if nik[6] == "6" else rules.MALE
    check = rules.nik_check(nik, sex=sex, birth_date=None, known=KNOWN_FOR_DATES)
    assert [e.code for e in check.errors] == ["nik.date_invalid"]


@pytest.mark.parametrize("sex", ["X", "", "L", "male"])
def test_a_sex_other_than_female_or_male_is_refused(sex):
    check = rules.nik_check("3603011005850001", sex=sex, birth_date=None, known=KNOWN_FOR_DATES)
    assert [e.code for e in check.errors] == ["nik.sex_invalid"]
    assert "(P)" in rules.render_issue("nik.sex_invalid")


KNOWN_FOR_DATES = rules.KnownRegions(
    provinces=frozenset({"36"}), regencies=frozenset({"3603"}), districts=frozenset({"360301"})
)
