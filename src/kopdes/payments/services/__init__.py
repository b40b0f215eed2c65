"""Every write of payments, one module per job: `merchants` (the static QRIS of the office and
the gerai), `intents` (a payment asked for: its dynamic QR; expiry, cancellation),
`notifications` (the provider's signed notification: the only thing that turns a payment paid),
`simulator` (the local provider: a signed notification delivered through the real path) and
`settlement` (the provider's transfer of QRIS money into the bank).

Lock order: the payment intent row, then whatever the purpose's handler locks (savings
accounts, stock), then the ledger's journal sequence."""

from kopdes.payments.services.intents import (
    payment_intent_cancel,
    payment_intent_create,
    payment_intent_expire,
    payment_intents_expire_due,
)
from kopdes.payments.services.merchants import qris_merchant_set
from kopdes.payments.services.notifications import payment_notification_receive
from kopdes.payments.services.settlement import qris_settle
from kopdes.payments.services.simulator import payment_simulate_paid, simulator_enabled

__all__ = [
    "payment_intent_cancel",
    "payment_intent_create",
    "payment_intent_expire",
    "payment_intents_expire_due",
    "payment_notification_receive",
    "payment_simulate_paid",
    "qris_merchant_set",
    "qris_settle",
    "simulator_enabled",
]
