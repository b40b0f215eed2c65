"""Kemendagri region codes as pure rules: parsing, levels, kinds. No ORM here.

A code is written dotted (`36`, `36.03`, `36.03.01`, `36.03.01.2003`) or as its digits alone
(`3603012003`, as in a NIK). The segments are PP (province), KK (regency), CC (kecamatan) and
TSSS (village), where T is the village kind: 1 kelurahan, 2 desa, 3 desa adat (a form of desa).
KK <= 69 is a kabupaten, 71-99 a kota. Codes have gaps, so nothing here assumes they are
sequential; "valid" means well-formed under the coding rule, not "exists".
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Values equal the models' TextChoices (Regency.Kind, Village.Kind); a test keeps them in step.
KABUPATEN = "kabupaten"
KOTA = "kota"
DESA = "desa"
KELURAHAN = "kelurahan"

MAX_CODE_LENGTH = 13  # "PP.KK.CC.TSSS"
SEARCH_MIN_LENGTH = 3
SEARCH_MAX_LENGTH = 100

_DOTTED = re.compile(r"([0-9]{2})(?:\.([0-9]{2})(?:\.([0-9]{2})(?:\.([0-9]{4}))?)?)?", re.ASCII)
_DIGITS = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?", re.ASCII)


class Level(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"
    VILLAGE = "village"


LEVELS: tuple[Level, ...] = (Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE)


class InvalidRegionCode(ValueError):
    """The text is not a Kemendagri region code (wrong shape, or against the coding rule)."""


class InvalidSearch(ValueError):
    """A search text that is too short, too long, or holds control characters; `reason` is
    one of TOO_SHORT, TOO_LONG, CONTROL."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CONTROL = "control"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RegionCode:
    province: str
    regency: str | None = None
    district: str | None = None
    village: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        # Written out rather than filtered: this runs for every row of the national load.
        if self.regency is None:
            return (self.province,)
        if self.district is None:
            return (self.province, self.regency)
        if self.village is None:
            return (self.province, self.regency, self.district)
        return (self.province, self.regency, self.district, self.village)

    @property
    def level(self) -> Level:
        return LEVELS[len(self.parts) - 1]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)

    @property
    def digits(self) -> str:
        return "".join(self.parts)

    @property
    def parent(self) -> "RegionCode | None":
        parts = self.parts
        return None if len(parts) == 1 else RegionCode(*parts[:-1])

    @property
    def lineage(self) -> tuple["RegionCode", ...]:
        """This code's ancestors from the province down, ending with the code itself."""
        parts = self.parts
        return tuple(RegionCode(*parts[:n]) for n in range(1, len(parts) + 1))

    def __str__(self) -> str:
        return self.dotted


def parse_code(text: str) -> RegionCode:
    """Parse a dotted or digits-only code at any level. Raises InvalidRegionCode.

    Surrounding whitespace is ignored; anything else that is not the exact shape is refused
    (so the result is safe to put in a URL or a query).
    """
    if not isinstance(text, str):
        raise InvalidRegionCode("not a string")
    text = text.strip()
    if not text or len(text) > MAX_CODE_LENGTH:
        raise InvalidRegionCode("wrong length")
    match = _DOTTED.fullmatch(text)
    if match:
        parts = [p for p in match.groups() if p]
    elif _DIGITS.fullmatch(text):
        # PP KK CC TSSS: the regex allows only 2, 4, 6 or 10 digits.
        parts = [text[i:j] for i, j in ((0, 2), (2, 4), (4, 6), (6, 10)) if i < len(text)]
    else:
        raise InvalidRegionCode("wrong shape")
    if any(not part.strip("0") for part in parts):
        raise InvalidRegionCode("a segment is zero")
    code = RegionCode(*parts)
    if code.regency is not None:
        regency_kind(code.regency)
    if code.village is not None:
        village_kind(code.village)
    return code


def is_code(text: str) -> bool:
    try:
        parse_code(text)
    except InvalidRegionCode:
        return False
    return True


def regency_kind(code: str) -> str:
    """`kabupaten` for KK 01-69, `kota` for KK 71-99.

    `code` is a regency code (`36.03`, `3603`) or its own two digits (`03`): KK is the last two.
    """
    kk = code[-2:]
    if not (len(kk) == 2 and kk.isascii() and kk.isdigit()):
        raise InvalidRegionCode("regency number is not two digits")
    if 1 <= int(kk) <= 69:
        return KABUPATEN
    if 71 <= int(kk) <= 99:
        return KOTA
    raise InvalidRegionCode("regency number outside 01-69 and 71-99")


def village_kind(code: str) -> str:
    """`kelurahan` when T is 1, `desa` when T is 2 (desa) or 3 (desa adat).

    `code` is a village code (`36.03.01.2003`, `3603012003`) or its own four digits (`2003`).
    """
    t = code[-4] if len(code) >= 4 else ""
    if t == "1":
        return KELURAHAN
    if t in ("2", "3"):
        return DESA
    raise InvalidRegionCode("village kind digit is not 1, 2 or 3")


def normalize_search(text: str) -> str:
    """The text to search village names for: trimmed, single-spaced, NFC. Raises InvalidSearch.

    Control characters (NUL above all, which PostgreSQL refuses in text) are refused rather than
    silently dropped, so that what is searched is what was typed.
    """
    if not isinstance(text, str):
        raise InvalidSearch(InvalidSearch.TOO_SHORT)
    if len(text) > SEARCH_MAX_LENGTH * 4:
        raise InvalidSearch(InvalidSearch.TOO_LONG)
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise InvalidSearch(InvalidSearch.CONTROL)
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if len(cleaned) < SEARCH_MIN_LENGTH:
        raise InvalidSearch(InvalidSearch.TOO_SHORT)
    if len(cleaned) > SEARCH_MAX_LENGTH:
        raise InvalidSearch(InvalidSearch.TOO_LONG)
    return cleaned
