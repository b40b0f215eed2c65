"""Logging in and out, changing one's password and language."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kopdes.accounts import services as account_services
from kopdes.accounts.errors import LockedOut
from kopdes.accounts.lockout import lockout_response
from kopdes.web.forms import LanguageForm, LoginForm


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _safe_next(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


class LoginView(auth_views.LoginView):
    """Django's LoginView (CSRF, never-cache, sensitive POST parameters, `next` honoured only
    for safe URLs) with the phone-number form."""

    # LoginForm is shaped like AuthenticationForm (request first, get_user()) without subclassing it.
    form_class = LoginForm  # type: ignore[assignment]
    template_name = "web/account/login.html"

    def form_invalid(self, form):
        if form.locked_out is not None:
            return lockout_response(self.request, form.locked_out)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Keep the person's language on this device after they log out again.
        _set_language_cookie(response, form.get_user().language)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET with 405): a link or an image cannot log someone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked through the account's throttle (a stolen
    session cannot try passwords one after another)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.locked_out = None

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        try:
            correct = account_services.password_check(user=self.user, password=old_password)
        except LockedOut as exc:
            self.locked_out = exc
            raise forms.ValidationError(exc.render(), code=exc.code) from None
        if not correct:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: checks the old password (throttled), runs the password validators and keeps
    the session alive (update_session_auth_hash); the person's API tokens are revoked."""

    template_name = "web/account/password_change.html"
    form_class = ThrottledPasswordChangeForm

    def form_invalid(self, form):
        if form.locked_out is not None:
            return lockout_response(self.request, form.locked_out)
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form):
        user = account_services.user_change_password(
            actor=self.request.user, user=form.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """Choose Bahasa Indonesia or English.

    Signed in: stored on the person (audited) and in the language cookie. Not signed in (the
    switch on the login page): the cookie only, which LocaleMiddleware reads.
    """
    if request.method == "GET":
        form = LanguageForm(
            initial={"language": translation.get_language(), "next": request.GET.get("next", "")}
        )
        return render(request, "web/account/language.html", {"form": form})

    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "web/account/language.html", {"form": form}, status=400)

    chosen = form.cleaned_data["language"]
    user = request.user
    if user.is_authenticated and user.language != chosen:
        account_services.user_set_language(actor=user, user=user, language=chosen)

    translation.activate(chosen)
    request.LANGUAGE_CODE = chosen
    default = reverse("web:language") if user.is_authenticated else reverse("web:login")
    target = _safe_next(request, form.cleaned_data["next"]) or default
    if user.is_authenticated:
        messages.success(request, _("Language saved."))
    response = HttpResponseRedirect(target)
    _set_language_cookie(response, chosen)
    return response


urlpatterns = [
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", LogoutView.as_view(), name="logout"),
    path("akun/sandi/", PasswordChangeView.as_view(), name="password_change"),
    path("akun/bahasa/", language, name="language"),
]
