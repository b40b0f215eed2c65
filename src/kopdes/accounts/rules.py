"""Pure rules about people: phone numbers, PINs (no ORM here)."""

import re
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from kopdes.accounts.errors import InvalidPin, TrivialPin
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


PIN_LENGTH = 6


def pin_is_trivial(pin: str) -> bool:
    """One digit repeated (111111), a run up or down (123456, 654321), or a short pattern
    repeated (121212, 123123): the first PINs anyone tries."""
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in pairwise(digits)}
    if len(steps) == 1 and next(iter(steps)) in (-1, 0, 1):
        return True
    return pin[:2] * 3 == pin or pin[:3] * 2 == pin


def pin_check(pin: str) -> str:
    """`pin` if it is 6 ASCII digits and not trivial; else InvalidPin or TrivialPin."""
    if not (len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit()):
        raise InvalidPin(fields={"pin": [str(InvalidPin.message)]})
    if pin_is_trivial(pin):
        raise TrivialPin(fields={"pin": [str(TrivialPin.message)]})
    return pin
