"""`kopdes supervision grant|revoke|list`: give outside supervisors their scope (platform operators)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kopdes.accounts import services
from kopdes.accounts.models import SupervisionGrant, User
from kopdes.accounts.rules import normalize_phone
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.core.masking import mask_phone


class Command(BaseCommand):
    help = "Grant, revoke and list supervision scopes (Dinas, province, ministry, Kejaksaan, CSR partners)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser(
            "grant", help="Give a person a supervision scope (registers the person if new)."
        )
        grant.add_argument("--phone", required=True)
        grant.add_argument("--name", default="", help="Full name, for a person not yet registered.")
        grant.add_argument("--agency", required=True, choices=SupervisionGrant.Agency.values)
        grant.add_argument("--organisation", required=True)
        grant.add_argument(
            "--region", default="", help="Region code prefix, e.g. 36.03 or 36.03.01."
        )
        grant.add_argument(
            "--cooperatives",
            default="",
            help="Village codes of funded cooperatives (CSR), comma-separated.",
        )
        revoke = sub.add_parser("revoke", help="Revoke every live grant of a person.")
        revoke.add_argument("--phone", required=True)
        revoke.add_argument("--reason", default="")
        sub.add_parser("list", help="List live grants.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(
                f"{error.code}: {error.render()} {getattr(error, 'fields', '') or ''}"
            ) from None

    @transaction.atomic
    def _grant(self, *, phone, name, agency, organisation, region, cooperatives, **_):
        e164 = normalize_phone(phone)
        person = User.objects.filter(phone=e164).first() or services.user_register(
            actor=None, phone=e164, password=None, full_name=name or organisation
        )
        codes = [c.strip() for c in cooperatives.split(",") if c.strip()]
        funded = list(Cooperative.objects.filter(village_id__in=codes))
        if len(funded) != len(codes):
            missing = set(codes) - {c.village_id for c in funded}
            raise CommandError(f"No cooperative for village code(s): {', '.join(sorted(missing))}")
        grant = services.supervision_grant(
            actor=None,
            user=person,
            agency=agency,
            organisation=organisation,
            region_prefix=region,
            cooperatives=funded,
        )
        self.stdout.write(f"Granted {grant} to {mask_phone(person.phone)}.")
        if not person.has_usable_password():
            self.stdout.write(
                "The person has no password yet: set one with `kopdes changepassword <phone>`."
            )

    @transaction.atomic
    def _revoke(self, *, phone, reason, **_):
        person = User.objects.filter(phone=normalize_phone(phone)).first()
        if person is None:
            raise CommandError("No person with that phone number.")
        grants = list(SupervisionGrant.objects.filter(user=person, revoked_at__isnull=True))
        for grant in grants:
            services.supervision_revoke(actor=None, grant=grant, reason=reason)
        self.stdout.write(f"Revoked {len(grants)} grant(s).")

    def _list(self, **_):
        for grant in (
            SupervisionGrant.objects.filter(revoked_at__isnull=True)
            .select_related("user")
            .order_by("id")
        ):
            scope = grant.region_prefix or f"{grant.cooperatives.count()} cooperative(s)"
            self.stdout.write(
                f"{mask_phone(grant.user.phone)}  {grant.agency:12} {scope:14} {grant.organisation}"
            )
