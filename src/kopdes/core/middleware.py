"""Request ids: every request gets one, echoed in the X-Request-ID header, the logs and the audit log."""

import logging
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str | None:
    return _client_ip.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (_request_id.set(request_id), _client_ip.set(request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(tokens[0])
            _client_ip.reset(tokens[1])
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
