"""Pure membership rules: the NIK check (docs/domain.md §6), KK numbers, KTP photo types.

No ORM here: the region codes that exist are passed in (`KnownRegions`), so the rules can be
tested without a database.

A NIK is `PPKKCC DDMMYY SSSS`: province, regency and kecamatan of first registration, the birth
day (+40 for women), month and two-digit year, and a serial from 0001. The NIK never changes when
a person moves, and regions have since been split and renumbered, so a kecamatan code missing from
today's list is only a warning; so is a date part that disagrees with the stated birth date (it
happens on real KTPs). Everything else that is wrong is a refusal.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

FEMALE = "F"
MALE = "M"

NIK_LENGTH = 16
KK_LENGTH = 16
KTP_PHOTO_MAX_BYTES = 2 * 1024 * 1024

# Every message a NIK check can produce, by its stable code. Warnings are stored on the member as
# {"code", "params"} and rendered with this table at display time, in the reader's language.
NIK_MESSAGES: dict[str, Any] = {
    "nik.format": _("A NIK has exactly 16 digits (%(length)s characters given)."),
    "nik.province_unknown": _("The NIK starts with province code %(code)s, which does not exist."),
    "nik.regency_unknown": _("The NIK's regency code %(code)s does not exist."),
    "nik.day_invalid": _(
        "The NIK's birth day %(day)s is impossible: it must be 01-31 for men or 41-71 for women."
    ),
    "nik.day_male_but_female": _(
        "The NIK's birth day %(day)s is a man's (01-31), but the person is recorded as female "
        "(women have the day plus 40, 41-71)."
    ),
    "nik.day_female_but_male": _(
        "The NIK's birth day %(day)s is a woman's (41-71), but the person is recorded as male "
        "(men have 01-31)."
    ),
    "nik.month_invalid": _("The NIK's birth month %(month)s is not between 01 and 12."),
    "nik.date_invalid": _("The NIK's birth date (day %(day)s, month %(month)s) does not exist."),
    "nik.serial_zero": _("The NIK's last four digits (the serial) cannot be 0000."),
    "nik.sex_invalid": _("The sex must be female (P) or male (L) to check a NIK."),
    # warnings
    "nik.district_unknown": _(
        "The NIK's kecamatan code %(code)s is not in today's list (it may have been split or "
        "renumbered since the NIK was issued): check the KTP."
    ),
    "nik.date_mismatch": _(
        "The NIK's date part %(nik_date)s does not match the stated birth date and sex "
        "(expected %(expected)s): check the KTP."
    ),
    # Stored by earlier versions only; it no longer names the other cooperative (nor is made).
    "nik.active_elsewhere": _("This NIK is an active member of another cooperative."),
}


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# UU 25/1992 art. 18: a member is capable of legal acts, in practice 17 or older, or married
# (as the KTP's "status perkawinan" says; a divorced or widowed person has been married).
ADULT_AGE = 17
MARITAL_STATUSES = ("belum_kawin", "kawin", "cerai_hidup", "cerai_mati")
EVER_MARRIED = frozenset({"kawin", "cerai_hidup", "cerai_mati"})


def age_on(birth_date: date, on: date) -> int:
    """Whole years of age on `on` (someone born on 29 February turns a year older on 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def capable_of_legal_acts(*, birth_date: date, marital_status: str, on: date) -> bool:
    """May this person be a member on `on`: 17 or older, or (ever) married."""
    return age_on(birth_date, on) >= ADULT_AGE or marital_status in EVER_MARRIED


@dataclass(frozen=True, slots=True)
class KnownRegions:
    """Region codes that exist, as the NIK writes them (digits only): "36", "3603", "360301"."""

    provinces: frozenset[str] = frozenset()
    regencies: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding of a check: a stable code and its message parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return render_issue(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True, slots=True)
class NikCheck:
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def render_issue(code: str, params: dict[str, Any] | None = None) -> str:
    """The message of an issue (stored warning or refusal) in the active language."""
    template = NIK_MESSAGES.get(code)
    if template is None:
        return code
    text = str(template)
    try:
        return text % (params or {})
    except (KeyError, ValueError, TypeError):
        return text


def nik_date_part(*, sex: str, birth_date: date) -> str:
    """The DDMMYY the NIK of a person of `sex` born on `birth_date` should carry (+40 on the
    day for women)."""
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def nik_make(*, district_digits: str, sex: str, birth_date: date, serial: int) -> str:
    """A NIK as the civil registry would issue it (for the demo and tests)."""
    if len(district_digits) != 6 or not district_digits.isdigit() or not 1 <= serial <= 9999:
        raise ValueError("district must be 6 digits and serial 1-9999")
    return f"{district_digits}{nik_date_part(sex=sex, birth_date=birth_date)}{serial:04d}"


def nik_normalize(raw: Any) -> str:
    """Strip what people and spreadsheets add around a NIK: spaces, dots, dashes, a leading
    apostrophe (Excel's "keep as text" mark)."""
    text = str(raw if raw is not None else "").strip().lstrip("'")
    for ch in " .-\u00a0\t":
        text = text.replace(ch, "")
    return text


def _day_exists(day: int, month: int, yy: int) -> bool:
    """Whether day/month/yy is a date in 19yy or 20yy (the NIK does not say the century): 30
    February never is, 29 February only when yy is a multiple of 4 (00 included: 2000 was a leap
    year)."""
    if month == 2 and day == 29:
        return yy % 4 == 0
    return day <= _DAYS_IN_MONTH[month]


def nik_check(nik: str, *, sex: str, birth_date: date | None, known: KnownRegions) -> NikCheck:
    """Check a NIK against the person's stated sex and birth date.

    Refusals (errors): not 16 digits; a province or regency code that does not exist; a day that
    is neither 01-31 nor 41-71, or that contradicts the sex; a month outside 01-12; a date that
    does not exist (30 February; 29 February of a year that is not a leap year in either century);
    serial 0000; a sex other than female or male.
    Warnings: a kecamatan code not in today's list; a date part that disagrees with the birth
    date (only looked at when the structure is otherwise sound).
    """
    if len(nik) != NIK_LENGTH or not (nik.isascii() and nik.isdigit()):
        return NikCheck(errors=(Issue("nik.format", {"length": len(nik)}),))
    errors: list[Issue] = []
    warnings: list[Issue] = []
    province, regency, district = nik[:2], nik[:4], nik[:6]
    if province not in known.provinces:
        errors.append(Issue("nik.province_unknown", {"code": province}))
    elif regency not in known.regencies:
        errors.append(Issue("nik.regency_unknown", {"code": f"{province}.{nik[2:4]}"}))
    elif district not in known.districts:
        warnings.append(
            Issue("nik.district_unknown", {"code": f"{province}.{nik[2:4]}.{nik[4:6]}"})
        )
    day, month, year, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:16]
    if sex not in (FEMALE, MALE):
        errors.append(Issue("nik.sex_invalid"))
    elif not (1 <= day <= 31 or 41 <= day <= 71):
        errors.append(Issue("nik.day_invalid", {"day": nik[6:8]}))
    elif day <= 31 and sex == FEMALE:
        errors.append(Issue("nik.day_male_but_female", {"day": nik[6:8]}))
    elif day >= 41 and sex == MALE:
        errors.append(Issue("nik.day_female_but_male", {"day": nik[6:8]}))
    if not 1 <= month <= 12:
        errors.append(Issue("nik.month_invalid", {"month": nik[8:10]}))
    elif not errors and not _day_exists(day - 40 if day > 40 else day, month, year):
        errors.append(Issue("nik.date_invalid", {"day": nik[6:8], "month": nik[8:10]}))
    if serial == "0000":
        errors.append(Issue("nik.serial_zero"))
    if not errors and birth_date is not None:
        expected = nik_date_part(sex=sex, birth_date=birth_date)
        if nik[6:12] != expected:
            warnings.append(
                Issue("nik.date_mismatch", {"nik_date": nik[6:12], "expected": expected})
            )
    return NikCheck(errors=tuple(errors), warnings=tuple(warnings))


def kk_normalize(raw: Any) -> str:
    return nik_normalize(raw)


def kk_is_valid(kk: str) -> bool:
    """A KK number is 16 digits; like the NIK it starts with a region code, which may be old."""
    return len(kk) == KK_LENGTH and kk.isascii() and kk.isdigit() and kk[:2] != "00"


def image_type(head: bytes) -> str | None:
    """The image type from its first bytes (never from the name or the browser's claim):
    "jpeg", "png", "webp" or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


IMAGE_CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


_CARD_SCAN = re.compile(
    r"(?:/kartu/)?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})/?$", re.I
)


def card_id_from_scan(text: str) -> uuid.UUID | None:
    """The card id in what a keyboard-wedge scanner types from a member card's QR code (the URL of
    the public check page, `https://.../kartu/<card id>/`), or a bare card id; None otherwise."""
    found = _CARD_SCAN.search(str(text or "").strip())
    if found is None:
        return None
    try:
        return uuid.UUID(found.group(1))
    except ValueError:  # pragma: no cover - the pattern only matches hex
        return None


def niak_ranges(digits: str) -> list[tuple[int, int]]:
    """Member numbers a typed NIAK (digits 0-9) may mean, as inclusive ranges: the number itself,
    and the numbers whose printed NIAK (four digits, zero-padded: 0042) starts with what was typed
    (`004` -> 40..49)."""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        return []
    ranges = [(int(digits), int(digits))]
    if len(digits) < 4:
        step = 10 ** (4 - len(digits))
        low = int(digits) * step
        ranges.append((max(low, 1), low + step - 1))
    return ranges


def initials(full_name: str) -> str:
    """The letters shown in place of a photo: the first letter of the first two names (`SA` for
    Siti Aminah)."""
    words = [w for w in str(full_name or "").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"
