"""`kopdes outbox`: the latest messages the outbox backend kept (the demo's one-time codes), the
phone numbers masked. Nothing while another messaging backend is in use."""

from django.core.management.base import BaseCommand

from kopdes.core import messaging
from kopdes.core.masking import mask_phone


class Command(BaseCommand):
    help = "List the latest messages of the outbox (KOPDES_MESSAGING_BACKEND=outbox)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args, limit, **options):
        if not messaging.outbox_active():
            self.stdout.write(f"The messaging backend is {messaging.backend_name()}: no outbox.")
            return
        for message in reversed(messaging.outbox(limit=limit)):
            self.stdout.write(
                f"{message.created_at:%Y-%m-%d %H:%M:%S}  {mask_phone(message.phone)}  {message.text}"
            )
