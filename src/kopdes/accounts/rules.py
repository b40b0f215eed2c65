"""Pure rules about people: phone numbers (no ORM here)."""

import re

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import ValidationFailed

_DIGITS = re.compile(r"[\s\-().]")


class InvalidPhone(ValidationFailed):
    code = "account.invalid_phone"
    message = _("Enter an Indonesian mobile number such as 0812 3456 7890, 62812... or +62812....")


def normalize_phone(raw: str) -> str:
    """Return the E.164 form (+628...) of an Indonesian mobile number.

    Accepts 08..., 628... and +628... with spaces, dashes, dots or brackets. Indonesian mobile
    numbers have 9 to 12 digits after the 0 (so 10-13 in national form) and start with 8.
    Only the digits 0-9 count (not full-width or other scripts' digits).
    Raises InvalidPhone for anything else.
    """
    text = _DIGITS.sub("", str(raw or ""))
    if text.startswith("+62"):
        national = text[3:]
    elif text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        raise InvalidPhone(fields={"phone": [str(InvalidPhone.message)]})
    if not (
        national.isascii()
        and national.isdigit()
        and national.startswith("8")
        and 9 <= len(national) <= 12
    ):
        raise InvalidPhone(fields={"phone": [str(InvalidPhone.message)]})
    return "+62" + national
