"""The NinjaAPI instance, its single error format and its token authentication.

Every error, from a service's DomainError to a malformed body, is answered as
`{"error": {"code", "message", "details", "fields"}}`; every operation declares the error
statuses it can return (`errors(...)`), so the OpenAPI schema documents all of them.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from kopdes.accounts.tokens import token_user
from kopdes.core.errors import DomainError


class ErrorBody(Schema):
    code: str
    message: str
    details: dict = {}
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


# An Idempotency-Key header: visible ASCII, 1-100 characters (what an HTTP header can carry
# unchanged; a UUID fits). Declared on each keyed operation's header, so the schema says it.
KEY_PATTERN = r"^[!-~]{1,100}$"


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for error statuses, always with 422 (bad input) included."""
    return {status: ErrorOut for status in sorted({422, *statuses})}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, a token from POST /api/v1/auth/login."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
            request.api_token = token
        return user


api = NinjaAPI(
    title="Kopdes API",
    version="1",
    description=(
        "JSON API of Kopdes, the platform of the Koperasi Desa/Kelurahan Merah Putih. "
        'Errors have one shape: {"error": {"code", "message", "details", "fields"}}; '
        "messages follow the person's language (Accept-Language or their profile)."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, *, details=None, fields=None):
    body = {"code": code, "message": message, "details": details or {}, "fields": fields or {}}
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    data = exc.as_dict()
    return _error(
        request,
        exc.status,
        data["code"],
        data["message"],
        details=data["details"],
        fields=data.get("fields"),
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(item.get("msg", "")))
    return _error(request, 422, "request.invalid", _("Some fields are not valid."), fields=fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(
        request,
        401,
        "auth.not_authenticated",
        _("Log in first: a valid, unexpired token is required."),
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "request.not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(
        request,
        413,
        "request.too_large",
        _("The request body is too large (at most %(bytes)s bytes).") % {"bytes": limit},
        details={"max_bytes": limit},
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, f"request.http_{exc.status_code}", str(exc))
