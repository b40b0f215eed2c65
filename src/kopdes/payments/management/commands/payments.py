"""`kopdes payments <action>`: the payments console commands, one argparse subparser per action.

    kopdes payments simulate-paid <intent id>     the simulator pays one pending QRIS intent
    kopdes payments expire [--cooperative CODE]   expire the pending intents whose time is up

`simulate-paid` builds the provider's signed notification and delivers it through the
webhook's own service (`payment_simulate_paid`): the payment is booked exactly as a real one.
Refused outside the simulator or in production (`payments.simulator_off`), or by the
notification's receipt: one line with the error's code, exit 1. A second run is a replay and
changes nothing.
"""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.payments import services
from kopdes.payments.models import PaymentIntent


class Command(BaseCommand):
    help = "Payments: the simulator pays a QRIS intent; expire the intents whose time is up."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        paid = sub.add_parser("simulate-paid", help="Pay one pending QRIS intent (simulator).")
        paid.add_argument("intent", help="The intent's id (UUID) or its bill number")
        expire = sub.add_parser("expire", help="Expire the pending intents whose time is up.")
        expire.add_argument("--cooperative", default=None, help="Village code of one cooperative")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _simulate_paid(self, *, intent: str, **_: Any) -> None:
        rows = PaymentIntent.objects.select_related("cooperative")
        try:
            found = rows.filter(public_id=uuid.UUID(intent)).first()
        except ValueError:
            found = rows.filter(bill_number=intent).first()
        if found is None:
            raise CommandError(f"No payment intent {intent}.")
        record = services.payment_simulate_paid(found)
        found.refresh_from_db()
        self.stdout.write(
            f"{found.bill_number} {found.amount} {found.status} "
            f"({record.get_outcome_display()}, {record.provider_reference})"
        )

    def _expire(self, *, cooperative: str | None, **_: Any) -> None:
        which = None
        if cooperative:
            which = Cooperative.objects.filter(village_id=cooperative).first()
            if which is None:
                raise CommandError(f"No cooperative {cooperative}.")
        count = services.payment_intents_expire_due(cooperative=which)
        self.stdout.write(f"{count} expired")
