from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


class UserLanguageMiddleware:
    """Each person reads the app in their own language (Bahasa Indonesia unless they chose English)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PasswordChangeRequiredMiddleware:
    """After a password reset the person changes the temporary password before anything else:
    every page leads to the password change (logging out and the language stay open)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/api/", "/static/"))
        ):
            allowed = {
                reverse("web:password_change"),
                reverse("web:logout"),
                reverse("web:language"),
            }
            if request.path not in allowed:
                return redirect("web:password_change")
        return self.get_response(request)
