"""Pinjaman (the unit simpan pinjam): products, loans with their schedule (installments), the
decisions of the maker-checker approval, guarantors and collateral, the money movements (each
booked by a journal entry) and the loan's history that is not money (events).

A loan's outstanding principal is the sub-ledger balance of the GL control account 1-103
(piutang pinjaman anggota). It is stored on the loan and changed only by `loans.services`, under a
row lock, in the same transaction as the journal entry that books it (docs/invariants.md). The
constraints below are the backstop behind the services: even a bug or raw SQL cannot store a
negative amount, a rate above 24% a year or a collectibility class outside 1..5.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check

# Permenkop: a loan's interest (jasa) is at most 24% a year.
RATE_MAX = 24


class Method(models.TextChoices):
    FLAT = "flat", _("Flat")
    EFEKTIF = "efektif", _("Efektif (menurun)")
    ANUITAS = "anuitas", _("Anuitas")


class PenaltyMethod(models.TextChoices):
    PER_DAY = "per_day", _("Per day late (% of the overdue installment)")
    PER_INSTALLMENT = "per_installment", _("Per late installment (fixed rupiah)")


class EarlyPayoff(models.TextChoices):
    INTEREST_TO_DATE = "interest_to_date", _("Remaining principal and this month's interest")
    ALL_INTEREST = "all_interest", _("Remaining principal and all remaining scheduled interest")


DEFAULT_ALLOCATION_ORDER = ["denda", "jasa", "pokok"]


def default_allocation_order() -> list[str]:
    return list(DEFAULT_ALLOCATION_ORDER)


class LoanProduct(TenantModel):
    """One kind of loan as the cooperative offers it: the method, the rate within the range the RA
    approved (the policy's loan_rate_min..loan_rate_max, never above 24% a year), the tenor range,
    the fees, the late penalty (denda), grace months and what an application must bring."""

    Method = Method
    PenaltyMethod = PenaltyMethod
    EarlyPayoff = EarlyPayoff

    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    annual_rate = models.DecimalField(_("interest (% a year)"), max_digits=5, decimal_places=2)
    tenor_min = models.PositiveSmallIntegerField(_("shortest tenor (months)"))
    tenor_max = models.PositiveSmallIntegerField(_("longest tenor (months)"))
    admin_fee_percent = models.DecimalField(
        _("admin fee (% of the principal)"), max_digits=5, decimal_places=2, default=0
    )
    provisi_percent = models.DecimalField(
        _("provisi (% of the principal)"), max_digits=5, decimal_places=2, default=0
    )
    penalty_method = models.CharField(
        _("late penalty (denda)"),
        max_length=15,
        choices=PenaltyMethod.choices,
        default=PenaltyMethod.PER_DAY,
    )
    penalty_rate = models.DecimalField(
        _("denda (% a day of the overdue installment)"),
        max_digits=6,
        decimal_places=3,
        default=0,
    )
    penalty_amount = RupiahField(_("denda per late installment"), default=0)
    grace_months_max = models.PositiveSmallIntegerField(_("grace months at most"), default=0)
    requires_collateral = models.BooleanField(_("collateral required"), default=False)
    requires_guarantor = models.BooleanField(_("guarantor required"), default=False)
    max_savings_multiple = models.DecimalField(
        _("at most this many times the member's savings"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_amount = RupiahField(_("largest principal"))
    early_payoff = models.CharField(
        _("early payoff"),
        max_length=16,
        choices=EarlyPayoff.choices,
        default=EarlyPayoff.INTEREST_TO_DATE,
    )
    allocation_order = models.JSONField(
        _("order a payment is allocated in"), default=default_allocation_order
    )
    active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative_id", "name"]
        verbose_name = _("loan product")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="loans_loanproduct_name"),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0) & Q(annual_rate__lte=RATE_MAX),
                name="loans_loanproduct_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(tenor_min__gte=1) & Q(tenor_max__gte=F("tenor_min")),
                name="loans_loanproduct_tenor_range",
            ),
            models.CheckConstraint(
                condition=Q(admin_fee_percent__gte=0)
                & Q(admin_fee_percent__lte=100)
                & Q(provisi_percent__gte=0)
                & Q(provisi_percent__lte=100)
                & Q(penalty_rate__gte=0)
                & Q(penalty_rate__lte=100),
                name="loans_loanproduct_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(max_savings_multiple__isnull=True) | Q(max_savings_multiple__gt=0),
                name="loans_loanproduct_multiple_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gt=0), name="loans_loanproduct_max_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="loans_loanproduct_method_known"
            ),
            money_check("penalty_amount", "max_amount", name="loans_loanproduct_money"),
        ]

    def __str__(self) -> str:
        return self.name


class Loan(TenantModel):
    """One member's loan, from the application to the last repayment (or the write-off)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Active")
        PAID = "paid", _("Paid off")
        WRITTEN_OFF = "written_off", _("Written off")

    class Source(models.TextChoices):
        OFFICER = "officer", _("Officer")
        MEMBER = "member", _("Member app")

    Method = Method
    # The statuses of a loan that has been disbursed (it has a schedule and a sub-ledger balance).
    DISBURSED = ("active", "paid", "written_off")

    number = models.CharField(_("number"), max_length=20)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="loans")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    principal = RupiahField(_("principal"))
    annual_rate = models.DecimalField(_("interest (% a year)"), max_digits=5, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("tenor (months)"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(
        _("status"), max_length=11, choices=Status.choices, default=Status.APPLIED
    )
    source = models.CharField(
        _("applied through"), max_length=7, choices=Source.choices, default=Source.OFFICER
    )
    related_party = models.BooleanField(_("related party"), default=False)
    needs_pengawas = models.BooleanField(_("needs the pengawas"), default=False)
    applied_on = models.DateField(_("applied on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outstanding_principal = RupiahField(_("outstanding principal"), default=0)
    penalty_due = RupiahField(_("denda due"), default=0)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    collectibility = models.PositiveSmallIntegerField(_("collectibility"), default=1)
    restructured_count = models.PositiveSmallIntegerField(_("times restructured"), default=0)
    admin_fee = RupiahField(_("admin fee"), default=0)
    provisi = RupiahField(_("provisi"), default=0)
    # Who applied: the officer, or the member through the app (maker-checker: never the decider).
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_by_label = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL means "no key"; unique when present
    request_hash = models.CharField(max_length=64, blank=True, db_default="")  # core.idempotency
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative_id", "-applied_on", "-id"]
        verbose_name = _("loan")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="loans_loan_number"),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="loans_loan_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(principal__gt=0), name="loans_loan_principal_positive"
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0) & Q(annual_rate__lte=RATE_MAX),
                name="loans_loan_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(grace_months__lt=F("months")),
                name="loans_loan_months_positive",
            ),
            # The backstop behind the repayment services: a sub-ledger balance never goes below
            # zero, nor above what was lent.
            models.CheckConstraint(
                condition=Q(outstanding_principal__gte=0)
                & Q(outstanding_principal__lte=F("principal")),
                name="loans_loan_outstanding_range",
            ),
            models.CheckConstraint(
                condition=Q(collectibility__gte=1) & Q(collectibility__lte=5),
                name="loans_loan_collectibility_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "approved", "rejected"])
                | Q(disbursed_on__isnull=False),
                name="loans_loan_disbursed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paid", "written_off"])
                | Q(outstanding_principal=0),
                name="loans_loan_balance_only_when_disbursed",
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="loans_loan_method_known"
            ),
            money_check(
                "principal",
                "outstanding_principal",
                "penalty_due",
                "admin_fee",
                "provisi",
                name="loans_loan_money",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status"], name="loans_loan_status_idx"),
            models.Index(fields=["cooperative", "member"], name="loans_loan_member_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ACTIVE


class Installment(TenantModel):
    """One row of a loan's schedule. A restructure replaces the unpaid ones (the old schedule is
    kept as JSON on a `LoanEvent`)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="installments")
    number = models.PositiveSmallIntegerField(_("installment"))
    due_date = models.DateField(_("due date"))
    principal = RupiahField(_("principal (pokok)"))
    interest = RupiahField(_("interest (jasa)"))
    paid_principal = RupiahField(_("principal paid"), default=0)
    paid_interest = RupiahField(_("interest paid"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "number"]
        verbose_name = _("installment")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "loan", "number"], name="loans_installment_number"
            ),
            models.CheckConstraint(
                condition=Q(paid_principal__gte=0)
                & Q(paid_principal__lte=F("principal"))
                & Q(paid_interest__gte=0)
                & Q(paid_interest__lte=F("interest")),
                name="loans_installment_paid_within_due",
            ),
            money_check(
                "principal",
                "interest",
                "paid_principal",
                "paid_interest",
                name="loans_installment_money",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "due_date"],
                condition=Q(paid_on__isnull=True),
                name="loans_installment_open_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number}"

    @property
    def amount(self) -> int:
        return self.principal + self.interest

    @property
    def remaining(self) -> int:
        return self.principal + self.interest - self.paid_principal - self.paid_interest


class LoanDecision(TenantModel):
    """One approval or refusal of an application, with its reason (audited as well)."""

    class Role(models.TextChoices):
        PENGURUS = "pengurus", _("Pengurus")
        PENGAWAS = "pengawas", _("Pengawas")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="decisions")
    role = models.CharField(_("as"), max_length=8, choices=Role.choices)
    decision = models.CharField(_("decision"), max_length=7, choices=Decision.choices)
    actor_id = models.BigIntegerField()
    actor_label = models.CharField(max_length=200)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "created_at", "id"]
        verbose_name = _("loan decision")
        constraints = [
            # One decision per side: the pengurus once, the pengawas once.
            models.UniqueConstraint(
                fields=["cooperative", "loan", "role"], name="loans_loandecision_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_decision_display()}"


class Guarantor(TenantModel):
    """A loan's guarantor (penjamin): a member, or a person named with their NIK."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="guarantors")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    document = models.FileField(_("document"), upload_to="loans/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "id"]
        verbose_name = _("guarantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | (~Q(name="") & Q(nik__regex=r"^[0-9]{16}$")),
                name="loans_guarantor_member_or_nik",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.member_id)


class Collateral(TenantModel):
    """A loan's collateral (agunan); its recognised value reduces the provision."""

    class Kind(models.TextChoices):
        BPKB = "bpkb", _("Vehicle title (BPKB)")
        SERTIFIKAT = "sertifikat", _("Land certificate")
        EMAS = "emas", _("Gold")
        SK = "sk", _("Appointment letter (SK)")
        LAINNYA = "lainnya", _("Other")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="collaterals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    estimated_value = RupiahField(_("estimated value"))
    recognised_value = RupiahField(_("recognised value"), default=0)
    document = models.FileField(_("document"), upload_to="loans/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "id"]
        verbose_name = _("collateral")
        constraints = [
            models.CheckConstraint(
                condition=Q(recognised_value__lte=F("estimated_value")),
                name="loans_collateral_recognised_within_estimate",
            ),
            money_check("estimated_value", "recognised_value", name="loans_collateral_money"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class LoanTransaction(TenantModel):
    """One money movement of a loan, booked by `entry`. Never changed afterwards."""

    class Kind(models.TextChoices):
        DISBURSEMENT = "disbursement", _("Disbursement")
        REPAYMENT = "repayment", _("Repayment")
        PAYOFF = "payoff", _("Early payoff")
        RESTRUCTURE = "restructure", _("Restructure")

    class Channel(models.TextChoices):
        NONE = "", _("None")
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank transfer")
        QRIS = "qris", _("QRIS")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=4, choices=Channel.choices, blank=True, default=""
    )
    amount = RupiahField(_("amount"))
    principal = RupiahField(_("principal (pokok)"), default=0)
    interest = RupiahField(_("interest (jasa)"), default=0)
    penalty = RupiahField(_("denda"), default=0)
    date = models.DateField(_("date"))
    entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_number = models.BigIntegerField(_("receipt number"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL means "no key"; unique when present
    request_hash = models.CharField(max_length=64, blank=True, db_default="")  # core.idempotency
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "date", "id"]
        verbose_name = _("loan transaction")
        constraints = [
            money_check(
                "amount", "principal", "interest", "penalty", name="loans_loantransaction_money"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="loans_loantransaction_receipt_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="loans_loantransaction_idempotency_unique",
            ),
            # A loan is disbursed once.
            models.UniqueConstraint(
                fields=["cooperative", "loan"],
                condition=Q(kind="disbursement"),
                name="loans_loantransaction_disbursed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "loan", "date"], name="loans_txn_loan_date_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def receipt_label(self) -> str:
        return f"KWP-{self.receipt_number:06d}" if self.receipt_number else ""


class LoanEvent(TenantModel):
    """A loan's history that is not money: a restructure (with the schedule it replaced), a change
    of collectibility class, ..."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=30)
    data = models.JSONField(default=dict, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "created_at", "id"]
        verbose_name = _("loan event")
        indexes = [models.Index(fields=["cooperative", "kind"], name="loans_event_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.loan_id}"


class LoanRestructure(TenantModel):
    """A request to reschedule a loan (maker-checker): the new term, rate and grace months asked
    by one officer with a reason, approved or rejected by another (loans.services.restructure).
    At most one pending per loan."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="restructures")
    months = models.PositiveSmallIntegerField(_("new term (months)"))
    annual_rate = models.DecimalField(_("interest rate (% a year)"), max_digits=5, decimal_places=2)
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at"]
        verbose_name = _("loan restructure request")
        constraints = [
            # The backstop behind RestructurePending: two officers asking at once.
            models.UniqueConstraint(
                fields=["cooperative", "loan"],
                condition=Q(status="pending"),
                name="loans_loanrestructure_one_pending",
            ),
            # Permenkop 8/2023: loan interest at most 24% a year.
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0) & Q(annual_rate__lte=24),
                name="loans_loanrestructure_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(grace_months__lt=F("months")),
                name="loans_loanrestructure_terms",
            ),
            # Maker-checker, also against a bug: the one who asked never decides.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="loans_loanrestructure_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_status_display()}"


# -- the daily close (kopdes.loans.services.close) ---------------------------------------------


class CollectibilityScheme(TenantModel):
    """A cooperative's own collectibility scheme (kopdes.loans.collectibility.Scheme as JSON: the
    five classes' first day past due and provision rate). Without a row the default banking
    scheme of domain.md section 4 applies."""

    classes = models.JSONField(_("classes"))
    actor_label = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collectibility scheme")
        constraints = [
            models.UniqueConstraint(fields=["cooperative"], name="loans_collectibilityscheme_one")
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id}"


class LoanDayClose(TenantModel):
    """One closed day of a cooperative's loans: what `loans_close_day` did (one row per day, not
    per loan). Its existence makes closing the day again a no-op."""

    day = models.DateField(_("day"))
    loans = models.PositiveIntegerField(_("active loans"))
    overdue_loans = models.PositiveIntegerField(_("loans past due"))
    penalty_accrued = RupiahField(_("denda accrued"))
    class_changes = models.PositiveIntegerField(_("class changes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-day"]
        verbose_name = _("loans day close")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "day"], name="loans_loandayclose_once"),
            money_check("penalty_accrued", name="loans_loandayclose_money"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.day}"


class ProvisionRun(TenantModel):
    """The month-end provision (PPAP/CKPN): the allowance the loans need by class, the balance of
    1-104 before, and the entry that moved it there (none when nothing had to move)."""

    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    day = models.DateField(_("date"))  # the month's last day: the entry's date
    required = RupiahField(_("required allowance"))
    previous = RupiahField(_("allowance before"))
    by_class = models.JSONField(_("by class"), default=list)
    entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-month"]
        verbose_name = _("provision run")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "month"], name="loans_provisionrun_once"
            ),
            money_check("required", name="loans_provisionrun_money"),
            # 1-104 may have a debit balance (a write-off larger than the allowance).
            money_check("previous", name="loans_provisionrun_previous_money", signed=True),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.month}"

    @property
    def change(self) -> int:
        """The amount posted: positive an increase of the allowance, negative a decrease."""
        return self.required - self.previous
