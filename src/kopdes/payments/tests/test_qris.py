"""QRIS payloads: TLV, CRC-16/CCITT-FALSE, static validation, the dynamic QR (docs/domain.md §6)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.payments import qris
from kopdes.payments.tests.factories import MERCHANT_26, MERCHANT_51, STATIC, STATIC_BODY
from kopdes.payments.tests.factories import independent_crc as _independent_crc
from kopdes.payments.tests.factories import sign as _sign
from kopdes.payments.tests.factories import tlv as _tlv


def test_known_vector_crc():
    # The standard check value of CRC-16/CCITT-FALSE.
    assert qris.crc16("123456789") == "29B1"
    assert qris.crc16(STATIC[:-4]) == _independent_crc(STATIC[:-4])
    assert STATIC[-4:] == qris.crc16(STATIC[:-4])
    assert STATIC[-4:].upper() == STATIC[-4:]


def test_hand_written_static_is_valid():
    assert qris.static_valid(STATIC) == []
    info = qris.merchant_info(STATIC)
    assert info == qris.MerchantInfo(
        name="KOPDES MERAH PUTIH BLRJ", city="TANGERANG", nmid="ID1026123456789", criteria="UMI"
    )


def test_parse_and_build_round_trip():
    fields = qris.parse(STATIC)
    assert [f.tag for f in fields] == [
        "00",
        "01",
        "26",
        "51",
        "52",
        "53",
        "58",
        "59",
        "60",
        "61",
        "63",
    ]
    assert qris.build(fields) == STATIC


def test_parse_refuses_truncated():
    with pytest.raises(qris.QrisFormatError):
        qris.parse(STATIC[:-2] + "9")
    with pytest.raises(qris.QrisFormatError):
        qris.parse("0002010115")


def _without(tag: str) -> str:
    return qris.build([f for f in qris.parse(STATIC) if f.tag != tag])


def _with(tag: str, value: str) -> str:
    return qris.build([f for f in qris.parse(STATIC) if f.tag != tag] + [qris.Field(tag, value)])


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (STATIC[:-1] + ("0" if STATIC[-1] != "0" else "1"), "crc"),
        (STATIC_BODY, "crc_missing"),
        ("not a qr", "format"),
        ("", "format"),
    ],
)
def test_static_refusals_format(payload, problem):
    assert problem in qris.static_valid(payload)


@pytest.mark.parametrize(
    ("tag", "value", "problem"),
    [
        ("00", "02", "version"),
        ("01", "12", "not_static"),
        ("53", "840", "currency"),
        ("58", "SG", "country"),
        ("54", "10000", "amount_in_static"),
    ],
)
def test_static_refusals_tags(tag, value, problem):
    assert qris.static_valid(_with(tag, value)) == [problem]


@pytest.mark.parametrize(("tag", "problem"), [("59", "merchant_name"), ("60", "merchant_city")])
def test_static_refuses_missing_name_and_city(tag, problem):
    assert qris.static_valid(_without(tag)) == [problem]


def test_merchant_account_template():
    neither = qris.build([f for f in qris.parse(STATIC) if f.tag not in ("26", "51")])
    assert qris.static_valid(neither) == ["merchant_account"]
    only_26 = qris.build([f for f in qris.parse(STATIC) if f.tag != "51"])
    assert qris.static_valid(only_26) == []
    only_51 = qris.build([f for f in qris.parse(STATIC) if f.tag != "26"])
    assert qris.static_valid(only_51) == []
    # tag 51 must name QRIS; a 26 without a reverse domain is no account
    wrong_51 = qris.build(
        [f for f in qris.parse(STATIC) if f.tag not in ("26", "51")]
        + [qris.Field("51", _tlv("00", "NOT QRIS") + _tlv("02", "ID1"))]
    )
    assert qris.static_valid(wrong_51) == ["merchant_account"]


def test_dynamic_payload_known():
    dynamic = qris.dynamic_payload(STATIC, amount=25000, bill_number="PJL-2026-000001")
    expected_body = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("26", MERCHANT_26)
        + _tlv("51", MERCHANT_51)
        + _tlv("52", "5411")
        + _tlv("53", "360")
        + _tlv("54", "25000")
        + _tlv("58", "ID")
        + _tlv("59", "KOPDES MERAH PUTIH BLRJ")
        + _tlv("60", "TANGERANG")
        + _tlv("61", "15610")
        + _tlv("62", _tlv("01", "PJL-2026-000001"))
    )
    assert dynamic == _sign(expected_body)
    assert qris.payload_amount(dynamic) == 25000
    assert qris.payload_bill_number(dynamic) == "PJL-2026-000001"


def test_dynamic_with_terminal_keeps_other_additional_data():
    static = _with("62", _tlv("05", "REF") + _tlv("01", "OLD"))
    dynamic = qris.dynamic_payload(static, amount=1, bill_number="B1", terminal="K01")
    tags = {f.tag: f.value for f in qris.parse(dynamic)}
    assert tags["62"] == _tlv("01", "B1") + _tlv("05", "REF") + _tlv("07", "K01")
    assert qris.crc_valid(dynamic)


@pytest.mark.parametrize(
    ("amount", "bill", "terminal"),
    [
        (0, "B", None),
        (-5, "B", None),
        (10**13, "B", None),
        (True, "B", None),
        (1, "", None),
        (1, "x" * 26, None),
        (1, "é", None),
        (1, "B", ""),
    ],
)
def test_dynamic_refuses_bad_input(amount, bill, terminal):
    with pytest.raises(ValueError):
        qris.dynamic_payload(STATIC, amount=amount, bill_number=bill, terminal=terminal)


def test_dynamic_refuses_invalid_static():
    with pytest.raises(qris.QrisFormatError):
        qris.dynamic_payload(STATIC[:-1] + "X", amount=1, bill_number="B")


@given(
    amount=st.integers(min_value=1, max_value=10**13 - 1),
    bill=st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25
    ),
    terminal=st.none()
    | st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25
    ),
)
def test_dynamic_round_trip_property(amount, bill, terminal):
    dynamic = qris.dynamic_payload(STATIC, amount=amount, bill_number=bill, terminal=terminal)
    assert qris.crc_valid(dynamic)
    assert dynamic[-4:] == _independent_crc(dynamic[:-4])
    fields = qris.parse(dynamic)
    tags = [f.tag for f in fields]
    assert tags == sorted(tags) and tags[-1] == "63"
    assert qris.payload_amount(dynamic) == amount
    assert qris.payload_bill_number(dynamic) == bill
    values = {f.tag: f.value for f in fields}
    assert values["01"] == "12"
    # everything else of the static is kept as it was
    for field in qris.parse(STATIC):
        if field.tag not in ("01", "63"):
            assert values[field.tag] == field.value


@given(st.text(max_size=300))
def test_any_text_gets_problems_never_a_crash(text):
    problems = qris.static_valid(text)
    assert set(problems) <= set(qris.PROBLEMS)
    assert problems or qris.crc_valid(text.strip())


@given(
    name=st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25
    ).filter(str.strip),
    city=st.text(
        alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x5A), min_size=1, max_size=15
    ),
)
def test_a_built_static_payload_is_valid(name, city):
    payload = qris.static_payload(merchant_name=name, merchant_city=city, nmid="ID1026000000001")
    assert qris.static_valid(payload) == []
    assert qris.merchant_info(payload).nmid == "ID1026000000001"
    assert payload[-4:] == _independent_crc(payload[:-4])
