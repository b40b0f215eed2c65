"""Request ids, the client's address, and the answers that must never be cached.

Every request gets an id, echoed in the X-Request-ID header, the logs and the audit log. The
client's address is REMOTE_ADDR, unless the peer is one of KOPDES_TRUSTED_PROXIES: then it is the
right-most address in X-Forwarded-For that is not itself a trusted proxy (a client can write
anything on the left of that header, so only what our own proxies appended is believed).
"""

import ipaddress
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str | None:
    return _client_ip.get()


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def parse_trusted_proxies(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of KOPDES_TRUSTED_PROXIES ("127.0.0.1", "10.0.0.0/8", "::1"). Raises
    ValueError for an entry that is not an address or a network."""
    return _networks(tuple(entries))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(meta: dict, trusted: tuple[Network, ...] | None = None) -> str | None:
    """The client's address for a request's META (see the module docstring)."""
    if trusted is None:
        trusted = parse_trusted_proxies(getattr(settings, "KOPDES_TRUSTED_PROXIES", ()))
    peer = _address(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not trusted or not is_trusted(peer):
        return str(peer)
    hops = [h for h in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage before our proxy's entry: trust nothing further left
        if not is_trusted(address):
            return str(address)
    return str(peer)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        client_ip = client_address(request.META)
        # Attached for views, throttles and the audit trail; HttpRequest does not declare them.
        request.request_id = request_id  # type: ignore[attr-defined]
        request.client_ip = client_ip  # type: ignore[attr-defined]
        tokens = (_request_id.set(request_id), _client_ip.set(client_ip))
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(tokens[0])
            _client_ip.reset(tokens[1])
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in person (pages and API): they carry
    personal data, which must not stay in a shared or browser cache. Public pages keep their own
    caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        if signed_in or request.headers.get("Authorization"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
