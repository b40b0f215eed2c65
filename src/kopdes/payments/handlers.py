"""What happens when a payment is paid, by purpose: the upper apps register their handler.

Payments sit below savings and commerce (docs/architecture.md) and never import them. Each app
registers, in its `AppConfig.ready()`, a handler for the purposes it creates intents for:

    from kopdes.payments.handlers import register
    register("savings.deposit", on_paid)

`payment_notification_receive` calls `dispatch(intent, notification)` in the transaction that
marks the intent paid: the handler books the payment (a deposit, a sale's completion) there, so
the intent is paid exactly when the thing paid for is booked; a handler that raises rolls both
back (the notification is then recorded as refused, and the provider's retry tries again).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kopdes.payments.errors import UnknownPurpose

if TYPE_CHECKING:
    from kopdes.payments.models import PaymentIntent, PaymentNotification

Handler = Callable[["PaymentIntent", "PaymentNotification"], Any]

_handlers: dict[str, Handler] = {}


def register(purpose: str, handler: Handler) -> None:
    """Make `handler(intent, notification)` the one that books payments of `purpose` (a dotted
    name, `<app>.<what>`). Registering again replaces it (a reloaded app)."""
    _handlers[purpose] = handler


def registered(purpose: str) -> bool:
    return purpose in _handlers


def dispatch(intent: "PaymentIntent", notification: "PaymentNotification") -> Any:
    """Run the handler of the intent's purpose. Raises UnknownPurpose when none is registered."""
    handler = _handlers.get(intent.purpose)
    if handler is None:
        raise UnknownPurpose(purpose=intent.purpose)
    return handler(intent, notification)
