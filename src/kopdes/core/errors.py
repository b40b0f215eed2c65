"""Domain errors: a stable code for machines, a translated message for people.

Services raise these; the web layer shows `message`, the API returns
`{"error": {"code": ..., "message": ..., "details": ...}}` with `status`.
Messages are lazy translations with named placeholders, Bahasa Indonesia first.
"""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    message: ClassVar[Any] = _("The request could not be processed.")

    def __init__(self, message: Any = None, /, **params: Any) -> None:
        self.params = params
        self._message = message
        super().__init__(self.code)

    def render(self) -> str:
        template = self._message if self._message is not None else self.message
        text = str(template)
        try:
            return text % self.params if self.params else text
        except (KeyError, ValueError, TypeError):
            return text

    def __str__(self) -> str:
        return f"{self.code}: {self.render()}"

    def as_dict(self) -> dict[str, Any]:
        details = {
            k: v if isinstance(v, (int, str, bool, type(None))) else str(v)
            for k, v in self.params.items()
        }
        return {"code": self.code, "message": self.render(), "details": details}


class ValidationFailed(DomainError):
    """Input that does not satisfy a rule; `fields` maps a field name to its messages."""

    code = "request.invalid"
    status = 422
    message = _("Some fields are not valid.")

    def __init__(
        self, message: Any = None, /, *, fields: dict[str, list[str]] | None = None, **params: Any
    ) -> None:
        super().__init__(message, **params)
        self.fields = fields or {}

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return data


class NotFound(DomainError):
    """Absent and forbidden look the same from outside (no probing other tenants)."""

    code = "request.not_found"
    status = 404
    message = _("Not found.")


class PermissionDenied(DomainError):
    code = "request.forbidden"
    status = 403
    message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "request.conflict"
    status = 409
    message = _("The request conflicts with the current state.")


class IdempotencyConflict(Conflict):
    code = "idempotency.key_reused"
    message = _("This idempotency key was already used for a different request.")
