import pytest

from kopdes.accounts.rules import InvalidPhone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "6281234567890",
        "+6281234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "(0812) 3456.7890",
    ],
)
def test_phone_forms(raw):
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw", ["", "12345", "0212345678", "+6512345678", "08123", "0812345678901234", "08abc"]
)
def test_bad_phones(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)
