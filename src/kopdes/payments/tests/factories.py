"""A hand-written static QRIS and merchants for the payments tests."""

import binascii
import itertools
from datetime import date

from kopdes.members.models import Member
from kopdes.payments.models import QrisMerchant

_serial = itertools.count(1)


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def independent_crc(body: str) -> str:
    # binascii.crc_hqx is CRC-16 with poly 0x1021; with init 0xFFFF it is CCITT-FALSE.
    return f"{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}"


def sign(body: str) -> str:
    body += "6304"
    return body + independent_crc(body)


MERCHANT_51 = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID1026123456789") + tlv("03", "UMI")
MERCHANT_26 = (
    tlv("00", "ID.CO.BANKDESA.WWW")
    + tlv("01", "936000140000012345")
    + tlv("02", "000191234567")
    + tlv("03", "UMI")
)
STATIC_BODY = (
    tlv("00", "01")
    + tlv("01", "11")
    + tlv("26", MERCHANT_26)
    + tlv("51", MERCHANT_51)
    + tlv("52", "5411")
    + tlv("53", "360")
    + tlv("58", "ID")
    + tlv("59", "KOPDES MERAH PUTIH BLRJ")
    + tlv("60", "TANGERANG")
    + tlv("61", "15610")
)
STATIC = sign(STATIC_BODY)


def make_merchant(cooperative, unit=None) -> QrisMerchant:
    """The office's (or a unit's) QRIS, stored directly (qris_merchant_set is tested itself)."""
    return QrisMerchant.objects.create(
        cooperative=cooperative,
        unit=unit,
        static_payload=STATIC,
        merchant_name="KOPDES MERAH PUTIH BLRJ",
        merchant_city="TANGERANG",
        nmid="ID1026123456789",
    )


def make_member(cooperative, *, user=None) -> Member:
    """An active member of `cooperative` with the next free number."""
    serial = next(_serial)
    last = Member.objects.filter(cooperative=cooperative).order_by("-number").first()
    return Member.objects.create(
        cooperative=cooperative,
        number=(last.number or 0) + 1 if last else 1,
        full_name=f"Pembayar {serial}",
        nik=f"3603015{serial % 10**5:05d}0001"[:16],
        sex="M",
        birth_date=date(1990, 1, 1),
        address="Kp. Cangkudu RT 01/02",
        domicile_id=cooperative.village_id,
        user=user,
        status=Member.Status.ACTIVE,
        requested_on=date(2026, 1, 1),
        joined_on=date(2026, 1, 1),
    )
