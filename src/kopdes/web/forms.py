"""Forms for the staff pages: parse and validate input, nothing else."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from kopdes.accounts.errors import InvalidCredentials, LockedOut
from kopdes.accounts.rules import InvalidPhone, normalize_phone
from kopdes.accounts.services import user_authenticate

ISO_DATE = "%Y-%m-%d"


def date_input() -> forms.DateInput:
    """The browser's own date picker. `<input type="date">` takes only `yyyy-mm-dd` as its value
    (it shows the date in the person's own format), so the value is rendered in ISO in every
    language; a localized value (`01-12-2026` in Indonesian) would show an empty field, and
    submitting it unchanged would erase the date. Parsing takes ISO in every language too
    (Django's DateField always accepts `%Y-%m-%d`)."""
    return forms.DateInput(format=ISO_DATE, attrs={"type": "date"})


def plain_int(text: object) -> int | None:
    """A whole number written with the digits 0-9 (a query parameter, a cell), else None: Python's
    int() and str.isdigit() also take Arabic-Indic and full-width digits."""
    raw = str(text if text is not None else "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _refuse_other_digits(value):
    """Django's number fields accept any Unicode digits (Arabic-Indic, full-width); numbers here are
    written with 0-9 only."""
    if isinstance(value, str) and not value.strip().isascii():
        raise forms.ValidationError(_("Write the number with the digits 0-9."), code="invalid")


class AsciiIntegerField(forms.IntegerField):
    """An IntegerField that takes the digits 0-9 only."""

    def to_python(self, value):
        _refuse_other_digits(value)
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    """A DecimalField that takes the digits 0-9 only."""

    def to_python(self, value):
        _refuse_other_digits(value)
        return super().to_python(value)


class LoginForm(forms.Form):
    """Phone number and password. Shaped like Django's AuthenticationForm (a `request` first
    argument and `get_user()`) so that LoginView can drive it.

    The phone number is checked for shape before anything else; a well-formed number with a wrong
    password, an unknown number and an inactive account all get the same error, so the form does
    not tell who has an account.
    """

    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "username",
                "autofocus": True,
                "placeholder": "0812 3456 7890",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The phone number or password is wrong."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        self.locked_out = None  # the LockedOut error when a throttle refused the attempt
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise forms.ValidationError(exc.render(), code=exc.code) from None

    def clean(self):
        phone = self.cleaned_data.get("phone")
        password = self.cleaned_data.get("password")
        if phone and password:
            # The throttles count failures per phone number and per client address.
            address = getattr(self.request, "client_ip", None)
            try:
                self.user_cache = user_authenticate(phone=phone, password=password, address=address)
            except LockedOut as exc:
                self.locked_out = exc
                raise forms.ValidationError(exc.render(), code=exc.code) from None
            except InvalidCredentials:
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                ) from None
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        # Each language in its own name: a person looks for the language they read.
        choices=[
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ],
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose Bahasa Indonesia or English."),
            "required": _("Choose Bahasa Indonesia or English."),
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
