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
    "raw",
    [
        *["", "12345", "0212345678", "+6512345678", "08123", "0812345678901234", "08abc"],
        *[
            "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10",
            "08\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",
        ],  # other scripts' digits
    ],
)
def test_bad_phones(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)
