"""Simpanan: products from the cooperative's policy, each member's accounts (sub-ledgers of the GL
control accounts), their transactions, monthly bills and the month-end runs.

A balance is stored on the account and changed only by `savings.services`, under a row lock, in
the same transaction as the journal entry that books it; the daily balances that interest needs
are computed from the transactions (no per-day rows).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check


class Kind(models.TextChoices):
    POKOK = "pokok", _("Simpanan pokok")
    WAJIB = "wajib", _("Simpanan wajib")
    SUKARELA = "sukarela", _("Simpanan sukarela")


class SavingsProduct(TenantModel):
    """One kind of simpanan as the cooperative offers it, created from the policy in force.

    Amounts of pokok and wajib are read from the policy on the day they are billed (the policy has
    history); the product holds what the policy leaves to the pengurus: the sukarela interest rate
    (within the policy's range, never above 9% a year) and an optional minimum balance.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    interest_rate = models.DecimalField(
        _("interest rate (% a year)"), max_digits=5, decimal_places=2, default=0
    )
    minimum_balance = RupiahField(_("minimum balance"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative_id", "kind"]
        verbose_name = _("savings product")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "kind"], name="savings_savingsproduct_kind_once"
            ),
            # Permenkop 8/2023: savings interest at most 9% a year; only sukarela earns interest.
            models.CheckConstraint(
                condition=Q(interest_rate__gte=0)
                & Q(interest_rate__lte=9)
                & (Q(kind="sukarela") | Q(interest_rate=0)),
                name="savings_savingsproduct_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_balance__gte=0), name="savings_savingsproduct_minimum_positive"
            ),
            money_check("minimum_balance", name="savings_savingsproduct_money"),
        ]

    def __str__(self) -> str:
        return str(Kind(self.kind).label)


class SavingsAccount(TenantModel):
    """A member's account of one kind: the sub-ledger line of its GL control account."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="savings_accounts"
    )
    product = models.ForeignKey(SavingsProduct, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    balance = RupiahField(_("balance"), default=0)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative_id", "member_id", "kind"]
        verbose_name = _("savings account")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "kind"], name="savings_savingsaccount_one_per_kind"
            ),
            # The backstop behind the services' InsufficientBalance check: even a bug or a race
            # cannot leave a member's savings below zero.
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="savings_savingsaccount_balance_not_negative"
            ),
            # Whole rupiah within the platform's AMOUNT_MAX, also against raw SQL on SQLite.
            money_check("balance", name="savings_savingsaccount_money"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "kind", "status"], name="savings_account_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{Kind(self.kind).label} {self.member_id}"


class SavingsTransaction(TenantModel):
    """One movement of an account, booked by `entry`. Never changed afterwards."""

    class Type(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        INTEREST = "interest", _("Interest")
        REFUND = "refund", _("Refund on leaving")
        BILL_PAYMENT = "bill_payment", _("Bill payment")
        REVERSAL_IN = "reversal_in", _("Correction (credited back)")
        REVERSAL_OUT = "reversal_out", _("Correction (taken back)")
        PURCHASE = "purchase", _("Outlet purchase")
        PURCHASE_RETURN = "return", _("Outlet purchase returned")
        SHU = "shu", _("SHU paid in")

    # raise the balance
    CREDITS = (
        "deposit",
        "transfer_in",
        "interest",
        "bill_payment",
        "reversal_in",
        "return",
        "shu",
    )
    # what a counter correction may reverse (the incoming side of a transfer goes with its outgoing)
    CORRECTABLE = ("deposit", "bill_payment", "withdrawal", "transfer_out", "transfer_in")

    class Channel(models.TextChoices):
        NONE = "", _("None")
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank transfer")
        QRIS = "qris", _("QRIS")

    account = models.ForeignKey(
        SavingsAccount, on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Type.choices)
    channel = models.CharField(
        _("channel"), max_length=4, choices=Channel.choices, blank=True, default=""
    )
    amount = RupiahField(_("amount"))
    balance_after = RupiahField(_("balance after"))
    date = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=200, blank=True, default="")
    entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    receipt_number = models.BigIntegerField(_("receipt number"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL means "no key"; unique when present
    request_hash = models.CharField(max_length=64, blank=True, db_default="")  # core.idempotency
    counterpart = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A payment's settlement of bills, [[bill id, rupiah], ...], so a correction can reopen them.
    # NULL for every other transaction (the month-end runs insert rows without this column).
    bills_settled = models.JSONField(null=True, blank=True)
    # A correction: the reversing transaction names the one it reverses; the original is marked.
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    corrected = models.BooleanField(_("corrected"), default=False, db_default=False)

    class Meta:
        ordering = ["cooperative_id", "date", "id"]
        verbose_name = _("savings transaction")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(balance_after__gte=0),
                name="savings_savingstransaction_amount_positive",
            ),
            money_check("amount", "balance_after", name="savings_savingstransaction_money"),
            models.UniqueConstraint(
                fields=["cooperative", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="savings_savingstransaction_receipt_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="savings_savingstransaction_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "reverses"],
                condition=Q(reverses__isnull=False),
                name="savings_savingstransaction_reversed_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "account", "date"], name="savings_txn_account_date_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind in self.CREDITS else -self.amount

    @property
    def receipt_label(self) -> str:
        return f"KWT-{self.receipt_number:06d}" if self.receipt_number else ""


class Correction(TenantModel):
    """Maker-checker correction of a counter transaction: one officer asks (with the reason),
    another approves (the journal entry and the sub-ledger are reversed together) or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    transaction = models.ForeignKey(
        SavingsTransaction, on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    reversal = models.ForeignKey(
        SavingsTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cooperative_id", "-requested_at"]
        verbose_name = _("savings correction")
        constraints = [
            # One live correction per transaction: waiting, or done.
            models.UniqueConstraint(
                fields=["cooperative", "transaction"],
                condition=Q(status__in=["pending", "approved"]),
                name="savings_correction_once",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_by__isnull=False),
                name="savings_correction_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Correction')} {self.transaction_id} ({self.get_status_display()})"


class Bill(TenantModel):
    """What a member owes for simpanan wajib of one month (or simpanan pokok, once)."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PARTIAL = "partial", _("Partly paid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="bills")
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[(Kind.POKOK, Kind.POKOK.label), (Kind.WAJIB, Kind.WAJIB.label)],
    )
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM
    amount = RupiahField(_("amount"))
    paid_amount = RupiahField(_("paid"), default=0)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.UNPAID
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "member_id", "period", "kind"]
        verbose_name = _("bill")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "kind", "period"],
                name="savings_bill_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "member"],
                condition=Q(kind="pokok"),
                name="savings_bill_pokok_once",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(paid_amount__gte=0)
                & Q(paid_amount__lte=models.F("amount")),
                name="savings_bill_paid_within_amount",
            ),
            money_check("amount", "paid_amount", name="savings_bill_money"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="savings_bill_period_format",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status", "period"], name="savings_bill_status_idx")
        ]

    def __str__(self) -> str:
        return f"{Kind(self.kind).label} {self.period}"

    @property
    def outstanding(self) -> int:
        return 0 if self.status == self.Status.CANCELLED else self.amount - self.paid_amount


class MonthRun(TenantModel):
    """A month-end run (wajib bills, sukarela interest) done for a month: the run's idempotency."""

    class Kind(models.TextChoices):
        BILLS = "bills", _("Simpanan wajib bills")
        INTEREST = "interest", _("Sukarela interest")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    period = models.CharField(max_length=7)
    count = models.PositiveIntegerField(default=0)
    total = RupiahField(default=0)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not a column: set by savings_bills_create / savings_interest_post on the run they return,
    # how many bills or interest credits that call made (0 when the month was already run).
    created_now: int

    class Meta:
        ordering = ["cooperative_id", "-period", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "kind", "period"], name="savings_monthrun_once"
            ),
            money_check("total", name="savings_monthrun_money"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"
