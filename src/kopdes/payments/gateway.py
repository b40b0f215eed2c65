"""The payment gateway interface: how a provider's notification is verified (ADR 0019-qris-gateway).

A QRIS payment is made in the payer's bank or e-wallet app; the cooperative's payment provider
then notifies Kopdes at `POST /api/v1/payments/notify/<provider>`. Only a notification whose
signature verifies proves a payment (docs/domain.md §6: a scanned QR proves nothing). Each
provider is a `Gateway`: `verify(body, headers)` checks the signature over the raw body and reads
the notification, or raises `BadSignature` / `BadNotification`.

`SimulatorGateway` is the local provider for the demo, the tests and development: HMAC-SHA256
over the raw body with `KOPDES_PAYMENT_SIMULATOR_SECRET`, hex in the `X-Kopdes-Signature`
header, and a JSON body. `KOPDES_PAYMENT_GATEWAY` names the provider in use (default
"simulator"); a real provider is one more class here and one more choice of that setting.
"""

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings

from kopdes.payments.errors import BadNotification, BadSignature, UnknownProvider

PAID = "paid"
NOTIFICATION_STATUSES = ("paid", "failed", "expired")


@dataclass(frozen=True)
class Notification:
    """What a verified notification says."""

    provider_reference: str  # the provider's id of the payment (replay protection)
    bill_number: str  # tag 62 sub-tag 01 of the dynamic QR that was paid
    amount: int  # whole rupiah
    status: str  # one of NOTIFICATION_STATUSES
    paid_at: datetime | None


class Gateway(Protocol):
    name: str

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        """The notification in `body` when its signature verifies. Raises BadSignature,
        BadNotification."""
        ...


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


class SimulatorGateway:
    """The local provider: HMAC-SHA256 of the raw body, hex, in `X-Kopdes-Signature`."""

    name = "simulator"
    header = "X-Kopdes-Signature"

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def signature(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        given = _lower(headers).get(self.header.lower(), "")
        if not given or not hmac.compare_digest(given.encode(), self.signature(body).encode()):
            raise BadSignature()
        return parse_body(body)

    def notification(
        self,
        *,
        provider_reference: str,
        bill_number: str,
        amount: int,
        status: str = PAID,
        paid_at: datetime | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A signed notification as the provider would send it: (raw body, headers)."""
        body = json.dumps(
            {
                "reference": provider_reference,
                "bill_number": bill_number,
                "amount": amount,
                "status": status,
                "paid_at": paid_at.isoformat() if paid_at else None,
            },
            separators=(",", ":"),
        ).encode()
        return body, {self.header: self.signature(body), "Content-Type": "application/json"}


def parse_body(body: bytes) -> Notification:
    """The simulator's JSON body. Raises BadNotification."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError
        reference, bill, amount, status = (
            data["reference"],
            data["bill_number"],
            data["amount"],
            data["status"],
        )
        if not (isinstance(reference, str) and 0 < len(reference) <= 100):
            raise ValueError("reference")
        if not (isinstance(bill, str) and 0 < len(bill) <= 25):
            raise ValueError("bill_number")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValueError("amount")
        if status not in NOTIFICATION_STATUSES:
            raise ValueError("status")
        paid_at = data.get("paid_at")
        moment = datetime.fromisoformat(paid_at) if paid_at else None
        if moment is not None and moment.tzinfo is None:
            raise ValueError("paid_at")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise BadNotification() from exc
    return Notification(
        provider_reference=reference,
        bill_number=bill,
        amount=amount,
        status=status,
        paid_at=moment,
    )


def gateway(provider: str) -> Gateway:
    """The gateway of `provider`, when it is the one configured. Raises UnknownProvider."""
    if provider != settings.KOPDES_PAYMENT_GATEWAY:
        raise UnknownProvider()
    if provider == SimulatorGateway.name:
        return SimulatorGateway(settings.KOPDES_PAYMENT_SIMULATOR_SECRET)
    raise UnknownProvider()  # pragma: no cover - every choice of the setting is handled above


def simulator() -> SimulatorGateway:
    """The simulator, whatever provider is configured (the simulator page and command check
    that the simulator is the provider in use, outside production)."""
    return SimulatorGateway(settings.KOPDES_PAYMENT_SIMULATOR_SECRET)
