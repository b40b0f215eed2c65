"""QRIS payloads (EMVCo merchant-presented mode), pure: no ORM, no settings.

docs/domain.md §6: tags `00` = 01, `01` = 11 static / 12 dynamic, merchant account templates
`26`-`51` (`51` with `ID.CO.QRIS.WWW` and the national merchant id, NMID), `52` MCC, `53` = 360,
`54` amount (dynamic only), `58` = ID, `59` name, `60` city, `62` additional data (bill number
`01`, terminal `07`), `63` CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything up to
and including `6304`, four uppercase hex digits.

A payload is a flat run of TLV fields (two-digit id, two-digit length, value); the merchant
account templates, `62` and `64` (and `80`-`99`) hold TLV fields of their own. The cooperative
stores the static payload its payment provider issued; `dynamic_payload` derives the QR of one
payment from it. A QR, scanned or not, proves nothing: only the provider's signed notification
does (docs/adr/0019-qris-gateway.md).
"""

import re
from dataclasses import dataclass

QRIS_DOMAIN = "ID.CO.QRIS.WWW"
STATIC = "11"
DYNAMIC = "12"
# Templates whose value is itself a run of TLV fields.
TEMPLATE_TAGS = frozenset({f"{n:02d}" for n in (*range(26, 52), 62, 64, *range(80, 100))})
AMOUNT_MAX_DIGITS = 13  # EMVCo: tag 54 is at most 13 characters
BILL_NUMBER_MAX = 25  # tag 62, sub-tags 01 and 07: at most 25 characters
_REVERSE_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ANS = re.compile(r"^[\x20-\x7e]+$")  # EMVCo "ans": printable ASCII

# Problem codes of `static_valid`, each one thing wrong (the services turn them into messages).
PROBLEMS = (
    "format",  # not a run of TLV fields, or a field longer than what is left
    "crc_missing",  # no tag 63 of length 4 at the end
    "crc",  # the CRC does not match
    "version",  # tag 00 is not 01
    "not_static",  # tag 01 is not 11
    "merchant_account",  # no template 26-51 naming QRIS (51) or a reverse domain (26-45)
    "currency",  # tag 53 is not 360 (rupiah)
    "country",  # tag 58 is not ID
    "merchant_name",  # tag 59 missing
    "merchant_city",  # tag 60 missing
    "amount_in_static",  # a static QR must not carry an amount (tag 54)
)


class QrisFormatError(ValueError):
    """A payload that is not a run of EMVCo TLV fields (`code` is "format")."""

    code = "format"


@dataclass(frozen=True)
class Field:
    tag: str
    value: str


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) of the
    payload's characters, as four uppercase hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def parse(payload: str) -> list[Field]:
    """The payload's top-level fields in their order. Raises QrisFormatError."""
    fields: list[Field] = []
    i = 0
    while i < len(payload):
        head = payload[i : i + 4]
        if len(head) < 4 or not head.isdigit():
            raise QrisFormatError(f"bad field header at {i}")
        length = int(head[2:])
        value = payload[i + 4 : i + 4 + length]
        if len(value) != length:
            raise QrisFormatError(f"field {head[:2]} runs past the end")
        fields.append(Field(head[:2], value))
        i += 4 + length
    return fields


def tlv(tag: str, value: str) -> str:
    """One field. Raises QrisFormatError for a value longer than 99 characters."""
    if len(tag) != 2 or not tag.isdigit():
        raise QrisFormatError(f"bad tag {tag!r}")
    if len(value) > 99:
        raise QrisFormatError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def build(fields: list[Field]) -> str:
    """The payload of `fields` (without any 63) in ascending tag order, with its CRC appended."""
    body = "".join(
        tlv(f.tag, f.value) for f in sorted(fields, key=lambda f: f.tag) if f.tag != "63"
    )
    body += "6304"
    return body + crc16(body)


def crc_valid(payload: str) -> bool:
    return len(payload) >= 8 and payload[-8:-4] == "6304" and crc16(payload[:-4]) == payload[-4:]


def _by_tag(fields: list[Field]) -> dict[str, str]:
    return {f.tag: f.value for f in fields}


def _sub(value: str) -> dict[str, str]:
    """The sub-fields of a template; {} when it is not a run of TLV fields."""
    try:
        return _by_tag(parse(value))
    except QrisFormatError:
        return {}


def _merchant_account_ok(tags: dict[str, str]) -> bool:
    for number in range(26, 52):
        value = tags.get(f"{number:02d}")
        if not value:
            continue
        domain = _sub(value).get("00", "")
        if number == 51 and domain.upper() == QRIS_DOMAIN:
            return True
        if number <= 45 and _REVERSE_DOMAIN.match(domain):
            return True
    return False


def static_valid(payload: str) -> list[str]:
    """Problem codes (see PROBLEMS) of a static QRIS payload; [] when it is valid."""
    payload = payload.strip()
    try:
        fields = parse(payload)
    except QrisFormatError:
        return ["format"]
    if not fields:
        return ["format"]
    problems: list[str] = []
    if fields[-1].tag != "63" or len(fields[-1].value) != 4:
        problems.append("crc_missing")
    elif not crc_valid(payload):
        problems.append("crc")
    tags = _by_tag(fields)
    if fields[0].tag != "00" or tags.get("00") != "01":
        problems.append("version")
    if tags.get("01") != STATIC:
        problems.append("not_static")
    if not _merchant_account_ok(tags):
        problems.append("merchant_account")
    if tags.get("53") != "360":
        problems.append("currency")
    if tags.get("58") != "ID":
        problems.append("country")
    if not tags.get("59", "").strip():
        problems.append("merchant_name")
    if not tags.get("60", "").strip():
        problems.append("merchant_city")
    if "54" in tags:
        problems.append("amount_in_static")
    return problems


@dataclass(frozen=True)
class MerchantInfo:
    name: str
    city: str
    nmid: str  # the national merchant id (tag 51, sub-tag 02); "" when absent
    criteria: str  # UMI, UKE, UME, UBE (tag 51, sub-tag 03); "" when absent


def merchant_info(payload: str) -> MerchantInfo:
    """Name, city and NMID of a payload (parsed; no validity check). Raises QrisFormatError."""
    tags = _by_tag(parse(payload.strip()))
    qris = _sub(tags.get("51", ""))
    return MerchantInfo(
        name=tags.get("59", "").strip(),
        city=tags.get("60", "").strip(),
        nmid=qris.get("02", ""),
        criteria=qris.get("03", ""),
    )


def dynamic_payload(
    static: str, *, amount: int, bill_number: str, terminal: str | None = None
) -> str:
    """The dynamic QR of one payment: tag 01 = 12, tag 54 = `amount` (whole rupiah, no decimals),
    tag 62 with sub-tag 01 = `bill_number` (and 07 = `terminal`; the static's other sub-tags
    kept), tags in ascending order, CRC recomputed. Raises ValueError for an amount that is not a
    positive whole number of at most 13 digits or a bill number/terminal that is empty, longer
    than 25 or not printable ASCII; QrisFormatError for a static payload that is not valid."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive whole number of rupiah")
    text = str(amount)
    if len(text) > AMOUNT_MAX_DIGITS:
        raise ValueError("amount has more than 13 digits")
    for name, value in (("bill_number", bill_number), ("terminal", terminal)):
        if value is None and name == "terminal":
            continue
        if not value or len(value) > BILL_NUMBER_MAX or not _ANS.match(value):
            raise ValueError(f"{name} must be 1 to 25 printable characters")
    problems = static_valid(static)
    if problems:
        raise QrisFormatError(",".join(problems))
    fields = [f for f in parse(static.strip()) if f.tag not in ("01", "54", "62", "63")]
    extra = [
        f for f in parse(_by_tag(parse(static.strip())).get("62", "")) if f.tag not in ("01", "07")
    ]
    extra.append(Field("01", bill_number))
    if terminal is not None:
        extra.append(Field("07", terminal))
    additional = "".join(tlv(f.tag, f.value) for f in sorted(extra, key=lambda f: f.tag))
    fields += [Field("01", DYNAMIC), Field("54", text), Field("62", additional)]
    return build(fields)


def static_payload(
    *,
    merchant_name: str,
    merchant_city: str,
    nmid: str,
    criteria: str = "UMI",
    mcc: str = "5411",
    postal_code: str = "",
) -> str:
    """A static QRIS as a provider issues one (tag 51 with ID.CO.QRIS.WWW and the NMID): what the
    simulator provider hands the demo's cooperatives and the tests. Raises QrisFormatError for a
    value longer than its tag allows."""
    account = tlv("00", QRIS_DOMAIN) + tlv("02", nmid) + tlv("03", criteria)
    fields = [
        Field("00", "01"),
        Field("01", STATIC),
        Field("51", account),
        Field("52", mcc),
        Field("53", "360"),
        Field("58", "ID"),
        Field("59", merchant_name[:25]),
        Field("60", merchant_city[:15]),
    ]
    if postal_code:
        fields.append(Field("61", postal_code))
    return build(fields)


def payload_amount(payload: str) -> int | None:
    """Tag 54 as whole rupiah (None when absent). Raises QrisFormatError."""
    value = _by_tag(parse(payload)).get("54")
    if value is None:
        return None
    if not value.isdigit():
        raise QrisFormatError("tag 54 is not whole rupiah")
    return int(value)


def payload_bill_number(payload: str) -> str:
    """Tag 62's sub-tag 01 ("" when absent). Raises QrisFormatError."""
    return _sub(_by_tag(parse(payload)).get("62", "")).get("01", "")
