"""The local payment provider: a signed notification, delivered through the real path."""

from django.conf import settings

from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record
from kopdes.payments import gateway as gateways
from kopdes.payments.errors import SimulatorOff
from kopdes.payments.models import PaymentIntent, PaymentNotification
from kopdes.payments.services.notifications import payment_notification_receive


def simulator_enabled() -> bool:
    """The simulator is the provider in use, outside production."""
    return (
        not settings.PRODUCTION
        and gateways.SimulatorGateway.name == settings.KOPDES_PAYMENT_GATEWAY
    )


def payment_simulate_paid(
    intent: PaymentIntent, *, actor: Actor = None, amount: int | None = None
) -> PaymentNotification:
    """Pay `intent` as the payer's bank would: the simulator builds the provider's notification
    (reference `SIM-<bill number>`, the intent's amount unless `amount` says otherwise), signs
    it with KOPDES_PAYMENT_SIMULATOR_SECRET and delivers it to `payment_notification_receive`,
    the webhook's own service; a second call is a replay and changes nothing. Used by the demo,
    the tests, `kopdes payments simulate-paid` and the simulator page. Raises SimulatorOff in
    production or with another provider; whatever the notification's receipt raises."""
    if not simulator_enabled():
        raise SimulatorOff()
    body, headers = gateways.simulator().notification(
        provider_reference=f"SIM-{intent.bill_number}",
        bill_number=intent.bill_number,
        amount=intent.amount if amount is None else amount,
        paid_at=clock.now(),
    )
    if actor is not None:
        audit_record(
            actor=actor,
            action="payments.simulate",
            obj=intent,
            after={"bill_number": intent.bill_number, "amount": intent.amount},
        )
    return payment_notification_receive(
        provider=gateways.SimulatorGateway.name, body=body, headers=headers
    )
