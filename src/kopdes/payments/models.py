"""QRIS merchants, payment intents and the providers' notifications (docs/domain.md §6).

A `QrisMerchant` is the static QRIS a licensed provider issued to the cooperative's office
(`unit` NULL: savings deposits and bills from the member app) or to one of its gerai. A
`PaymentIntent` is one payment asked for: its dynamic QR (`payload`, derived from the static one
with the amount and a bill number) and its state; only a `PaymentNotification` whose signature
verifies turns it paid. Every notification received is kept, forged ones too (with no
provider reference, so a forgery can never occupy a genuine payment's reference).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import PublicIdModel, TenantModel
from kopdes.core.money import RupiahField, money_check


class QrisMerchant(TenantModel):
    unit = models.ForeignKey(
        "cooperatives.BusinessUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business unit"),
    )
    static_payload = models.TextField(_("static QRIS payload"))
    merchant_name = models.CharField(_("merchant name"), max_length=50)
    merchant_city = models.CharField(_("merchant city"), max_length=30)
    nmid = models.CharField(_("NMID"), max_length=30, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_label = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["cooperative_id", "unit_id"]
        verbose_name = _("QRIS merchant")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "unit"],
                condition=Q(unit__isnull=False),
                name="payments_qrismerchant_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative"],
                condition=Q(unit__isnull=True),
                name="payments_qrismerchant_office_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.merchant_name


class PaymentIntent(TenantModel):
    """One payment asked for through a dynamic QRIS."""

    class Purpose(models.TextChoices):
        SALE = "commerce.sale", _("Sale at an outlet")
        DEPOSIT = "savings.deposit", _("Savings deposit")
        BILL = "savings.bill", _("Savings bill payment")
        LOAN_REPAYMENT = "loans.repayment", _("Loan installment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    reference = models.CharField(_("reference"), max_length=100)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    unit = models.ForeignKey(
        "cooperatives.BusinessUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business unit"),
    )
    merchant = models.ForeignKey(QrisMerchant, on_delete=models.PROTECT, related_name="intents")
    amount = RupiahField(_("amount"))
    # Tag 62 sub-tag 01 of the dynamic QR: random, so unique across cooperatives by construction;
    # the provider's notification names the payment by it alone.
    bill_number = models.CharField(_("bill number"), max_length=25, unique=True)
    payload = models.TextField(_("QRIS payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_reference = models.CharField(max_length=100, blank=True, default="")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    actor_label = models.CharField(max_length=200, blank=True, default="")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL means "no key"; unique when present
    request_hash = models.CharField(max_length=64, blank=True, db_default="")  # core.idempotency

    class Meta:
        ordering = ["cooperative_id", "-created_at", "-id"]
        verbose_name = _("payment intent")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_paymentintent_amount"),
            money_check("amount", name="payments_paymentintent_money"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"),
                name="payments_paymentintent_paid_at",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "member", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="payments_paymentintent_idempotency_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "status", "expires_at"],
                name="payments_intent_status_idx",
            )
        ]

    def __str__(self) -> str:
        return self.bill_number


class PaymentNotification(PublicIdModel):
    """One notification a provider (or someone claiming to be one) sent, as received."""

    class Outcome(models.TextChoices):
        PAID = "paid", _("Payment booked")
        DUPLICATE = "duplicate", _("Already paid: nothing booked")
        NOT_PAID = "not_paid", _("Not a payment: nothing booked")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs: refused")
        UNKNOWN_INTENT = "unknown_intent", _("Unknown bill number: refused")
        INTENT_CLOSED = "intent_closed", _("Payment no longer open: refused")
        BAD_SIGNATURE = "bad_signature", _("Forged signature: refused")
        MALFORMED = "malformed", _("Unreadable: refused")
        REFUSED = "refused", _("Refused by the booking: nothing booked")

    intent = models.ForeignKey(
        PaymentIntent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    provider = models.CharField(max_length=30)
    # The provider's id of the payment, from a notification whose signature verified; NULL for
    # the others (a forgery must not take the reference of a genuine payment still to come).
    provider_reference = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    amount = RupiahField(null=True, blank=True)
    body = models.TextField(blank=True, default="")
    signature_valid = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment notification")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=Q(provider_reference__isnull=False),
                name="payments_paymentnotification_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(provider_reference__isnull=True) | Q(signature_valid=True),
                name="payments_paymentnotification_reference_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_reference or '-'}"
