"""The static QRIS of the cooperative's office and of its gerai."""

from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.errors import NotFound
from kopdes.payments import qris
from kopdes.payments.errors import InvalidQris
from kopdes.payments.models import QrisMerchant
from kopdes.payments.services._common import _require

PAYLOAD_MAX = 512


def problem_messages(problems: list[str]) -> list[str]:
    """What each problem code of `qris.static_valid` means, for the person who pasted it."""
    texts = {
        "format": _(
            "The text is not a QRIS code (read it with a QR scanner app and paste it whole)."
        ),
        "crc_missing": _("The code has no check digits at its end (tag 63): it is cut short."),
        "crc": _("The check digits (CRC) do not match: a character was changed or lost."),
        "version": _("The code does not start with the QRIS format version (tag 00 = 01)."),
        "not_static": _(
            "This is not a static QRIS (tag 01 must be 11): paste the code the provider issued, not one made for one payment."
        ),
        "merchant_account": _("The code names no QRIS merchant account (tags 26 to 51)."),
        "currency": _("The currency is not rupiah (tag 53 must be 360)."),
        "country": _("The country is not Indonesia (tag 58 must be ID)."),
        "merchant_name": _("The merchant name (tag 59) is missing."),
        "merchant_city": _("The merchant city (tag 60) is missing."),
        "amount_in_static": _("A static QRIS must not carry an amount (tag 54)."),
    }
    return [str(texts.get(code, code)) for code in problems]


def qris_merchant_set(
    *,
    actor: Actor,
    cooperative: Cooperative,
    unit: BusinessUnit | None,
    static_payload: str,
) -> QrisMerchant:
    """Store the static QRIS the provider issued to the office (`unit` None: the member app's
    savings payments) or to one gerai; replaces the one stored before. The payload is checked
    (docs/domain.md §6) and its merchant name, city and NMID read from it. Needs
    MANAGE_CATALOGUE. Raises NotAllowed, NotFound (a unit of another cooperative), InvalidQris
    (every problem in `fields["static_payload"]`)."""
    _require(actor, cooperative, Capability.MANAGE_CATALOGUE)
    if unit is not None and unit.cooperative_id != cooperative.pk:
        raise NotFound()
    # Spaces belong to the payload (the merchant's name); line breaks of a pasted text do not.
    payload = (static_payload or "").strip().replace("\r", "").replace("\n", "")
    problems = ["format"] if len(payload) > PAYLOAD_MAX else qris.static_valid(payload)
    if problems:
        raise InvalidQris(fields={"static_payload": problem_messages(problems)})
    info = qris.merchant_info(payload)
    with transaction.atomic():
        merchant = (
            QrisMerchant.objects.select_for_update()
            .filter(cooperative=cooperative, unit=unit)
            .first()
        )
        before = None
        if merchant is None:
            merchant = QrisMerchant(cooperative=cooperative, unit=unit)
        else:
            before = {"merchant_name": merchant.merchant_name, "nmid": merchant.nmid}
        merchant.static_payload = payload
        merchant.merchant_name = info.name[:50]
        merchant.merchant_city = info.city[:30]
        merchant.nmid = info.nmid[:30]
        merchant.updated_by_label = actor_label(actor)
        merchant.save()
        audit_record(
            actor=actor,
            action="payments.merchant_set",
            obj=merchant,
            before=before,
            after={
                "unit": unit.code if unit is not None else "",
                "merchant_name": merchant.merchant_name,
                "merchant_city": merchant.merchant_city,
                "nmid": merchant.nmid,
            },
        )
    return merchant
