"""Funding sources and their use (docs/adr/0025-fund-restricted-funds.md): CSR grants, APBD hibah,
Dana Desa participation, the state-bank loan of PMK 49/2025 and other loans; every receipt
(`FundReceipt`, posted as "fund.received") and every use (`FundUse`: a spending posted as
"fund.spent", or part of another service's outgoing entry attached to the fund) with its evidence.

A restricted fund's uses never exceed its receipts, and each names one of its permitted business
lines or is flagged to the pengawas (docs/invariants.md). The services keep that; the CHECK
constraints below are the backstop.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check

_UNIT = "cooperatives.BusinessUnit"
_ENTRY = "ledger.JournalEntry"

# PMK 49/2025: the state-bank loan's legal limits.
BANK_LOAN_CEILING_MAX = 3_000_000_000
BANK_LOAN_OPERATING_MAX = 500_000_000
BANK_LOAN_MONTHS_MAX = 72
BANK_LOAN_GRACE_MIN = 6
BANK_LOAN_GRACE_MAX = 8


def _known(field: str, choices: type[models.TextChoices], model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"funding_{model}_{field}_known"
    )


def _idempotency_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["cooperative", "idempotency_key"],
        condition=Q(idempotency_key__isnull=False),
        name=f"funding_{model}_idempotency_unique",
    )


class Channel(models.TextChoices):
    BANK = "bank", _("Bank account")
    CASH = "cash", _("Office cash")


class SourceKind(models.TextChoices):
    CSR = "csr", _("CSR grant")
    APBD_HIBAH = "apbd_hibah", _("APBD grant (hibah)")
    DANA_DESA = "dana_desa", _("Dana Desa participation")
    BANK_LOAN = "bank_loan", _("State-bank loan (PMK 49/2025)")
    OTHER_LOAN = "other_loan", _("Other loan")


class SourceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class FundingSource(TenantModel):
    """Where money came from: one agreement (a CSR grant, an APBD hibah, a Dana Desa participation,
    the bank loan, another loan), its committed amount and, for a restricted fund, the business
    lines it may be spent on (keys of `funding.rules.BUSINESS_LINES`)."""

    Kind = SourceKind

    Status = SourceStatus

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    partner = models.CharField(_("partner"), max_length=150, blank=True)
    agreement_number = models.CharField(_("agreement number"), max_length=100, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    amount = RupiahField(_("committed amount"))
    restricted = models.BooleanField(_("restricted to permitted lines"), default=False)
    permitted_lines = models.JSONField(_("permitted business lines"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at", "-id"]
        verbose_name = _("funding source")
        constraints = [
            _known("kind", SourceKind, "fundingsource"),
            _known("status", SourceStatus, "fundingsource"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funding_fundingsource_amount_positive"
            ),
            money_check("amount", name="funding_fundingsource_money"),
            models.CheckConstraint(
                condition=~Q(name=""), name="funding_fundingsource_name_present"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingDocument(TenantModel):
    """An agreement, a letter or a report of a funding source, kept in private storage (served only
    to people who may read the cooperative's funds)."""

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to="funding/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    uploaded_by_label = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "source_id", "uploaded_at", "id"]
        verbose_name = _("funding document")
        constraints = [
            models.CheckConstraint(condition=~Q(sha256=""), name="funding_fundingdocument_sha256"),
        ]

    def __str__(self) -> str:
        return self.title


class FundReceipt(TenantModel):
    """Money of a source received into the bank or the office cash, posted as "fund.received"."""

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="receipts")
    on = models.DateField(_("date"))
    amount = RupiahField(_("amount"))
    channel = models.CharField(_("received into"), max_length=10, choices=Channel.choices)
    entry = models.ForeignKey(_ENTRY, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL: no key
    request_hash = models.CharField(max_length=64, blank=True, db_default="")
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "on", "id"]
        verbose_name = _("fund receipt")
        constraints = [
            _known("channel", Channel, "fundreceipt"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funding_fundreceipt_amount_positive"
            ),
            money_check("amount", name="funding_fundreceipt_money"),
            _idempotency_unique("fundreceipt"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.on}"


class UseKind(models.TextChoices):
    SPENT = "spent", _("Spent from the fund")
    ATTACHED = "attached", _("Attached entry")


class SpendKind(models.TextChoices):
    ASSET = "asset", _("Asset purchase")
    EXPENSE = "expense", _("Operating expense")
    WORKING_CAPITAL = "working_capital", _("Working capital for a gerai")


class FlagState(models.TextChoices):
    NONE = "", _("Not flagged")
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class FundUse(TenantModel):
    """Part of a fund used: a spending posted by `fund_spend` ("fund.spent"), or part of another
    service's outgoing entry (a goods receipt paid from the bank) attached by `fund_attach`
    without a second posting. Names a business line (`funding.rules.BUSINESS_LINES`) and carries
    its evidence (a receipt photo or document). Outside a restricted fund's permitted lines under
    the policy "flag", it is recorded `flagged` for the pengawas to acknowledge or resolve."""

    Kind = UseKind
    SpendKind = SpendKind
    FlagState = FlagState

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="uses")
    line = models.CharField(_("business line"), max_length=30)
    unit = models.ForeignKey(
        _UNIT, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    spend_kind = models.CharField(
        _("spending kind"), max_length=20, choices=SpendKind.choices, blank=True
    )
    amount = RupiahField(_("amount"))
    on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    payee = models.CharField(_("paid to"), max_length=150, blank=True)
    channel = models.CharField(_("paid from"), max_length=10, choices=Channel.choices, blank=True)
    entry = models.ForeignKey(_ENTRY, on_delete=models.PROTECT, related_name="+")
    evidence = models.FileField(_("evidence"), upload_to="funding/evidence/%Y/%m/")
    evidence_sha256 = models.CharField(max_length=64)
    flagged = models.BooleanField(_("flagged to the pengawas"), default=False)
    flag_state = models.CharField(
        _("flag"), max_length=15, choices=FlagState.choices, blank=True, default=""
    )
    flag_note = models.TextField(_("pengawas note"), blank=True)
    flag_decided_by_label = models.CharField(max_length=200, blank=True)
    flag_decided_at = models.DateTimeField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL: no key
    request_hash = models.CharField(max_length=64, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "on", "id"]
        verbose_name = _("fund use")
        constraints = [
            _known("kind", UseKind, "funduse"),
            _known("flag_state", FlagState, "funduse"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funding_funduse_amount_positive"
            ),
            money_check("amount", name="funding_funduse_money"),
            models.CheckConstraint(
                condition=(Q(flagged=False) & Q(flag_state=""))
                | (Q(flagged=True) & ~Q(flag_state="")),
                name="funding_funduse_flag_state",
            ),
            models.CheckConstraint(
                condition=(Q(kind="spent") & ~Q(spend_kind="") & ~Q(channel=""))
                | (Q(kind="attached") & Q(spend_kind="")),
                name="funding_funduse_spend_kind",
            ),
            models.CheckConstraint(
                condition=~Q(evidence_sha256=""),
                name="funding_funduse_evidence_required",
            ),
            models.CheckConstraint(condition=~Q(line=""), name="funding_funduse_line_present"),
            models.UniqueConstraint(
                fields=["cooperative", "source", "entry"],
                condition=Q(kind="attached"),
                name="funding_funduse_attached_once",
            ),
            _idempotency_unique("funduse"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "flag_state"], name="funding_funduse_flag_idx"),
        ]

    def __str__(self) -> str:
        return self.description


# -- the state-bank loan (PMK 49/2025; services and pages: kopdes.funding.services.bank_loans) ----


class BankLoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REPAID = "repaid", _("Repaid")
    CLOSED = "closed", _("Closed")


class BankLoan(TenantModel):
    """The Himbara loan of PMK 49/2025 behind a funding source of kind bank_loan: a ceiling of at
    most Rp3 miliar, of which at most Rp500 juta for operating costs, 6% a year fixed, up to 72
    months with 6 to 8 months' grace."""

    Status = BankLoanStatus

    # One loan per source (funding_bankloan_source_unique): a foreign key with a per-cooperative
    # unique constraint, as every tenant row's uniqueness leads with the cooperative.
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="bank_loans")
    bank_name = models.CharField(_("bank"), max_length=100)
    contract_number = models.CharField(_("contract number"), max_length=100)
    ceiling = RupiahField(_("ceiling"))
    operating_part = RupiahField(_("operating part"), default=0)
    rate = models.DecimalField(
        _("interest rate (% a year)"), max_digits=5, decimal_places=2, default=Decimal("6.00")
    )
    months = models.PositiveIntegerField(_("term (months)"))
    grace_months = models.PositiveIntegerField(_("grace (months)"))
    first_due_on = models.DateField(_("first installment due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at", "-id"]
        verbose_name = _("bank loan")
        constraints = [
            _known("status", BankLoanStatus, "bankloan"),
            money_check("ceiling", "operating_part", name="funding_bankloan_money"),
            models.CheckConstraint(
                condition=Q(ceiling__gt=0) & Q(ceiling__lte=BANK_LOAN_CEILING_MAX),
                name="funding_bankloan_ceiling_limit",
            ),
            models.CheckConstraint(
                condition=Q(operating_part__lte=BANK_LOAN_OPERATING_MAX)
                & Q(operating_part__lte=F("ceiling")),
                name="funding_bankloan_operating_limit",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=BANK_LOAN_MONTHS_MAX),
                name="funding_bankloan_months_limit",
            ),
            models.CheckConstraint(
                condition=Q(grace_months__gte=BANK_LOAN_GRACE_MIN)
                & Q(grace_months__lte=BANK_LOAN_GRACE_MAX)
                & Q(grace_months__lt=F("months")),
                name="funding_bankloan_grace_limit",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=24), name="funding_bankloan_rate_range"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "contract_number"], name="funding_bankloan_contract_unique"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "source"], name="funding_bankloan_source_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.contract_number}"


class BankLoanInstallment(TenantModel):
    """One installment of the bank loan's schedule (due on the 12th or the next working day)."""

    loan = models.ForeignKey(BankLoan, on_delete=models.PROTECT, related_name="installments")
    number = models.PositiveIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal = RupiahField(_("principal"))
    interest = RupiahField(_("interest"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_entry = models.ForeignKey(
        _ENTRY, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cooperative_id", "loan_id", "number"]
        verbose_name = _("bank loan installment")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "loan", "number"],
                name="funding_bankloaninstallment_number_unique",
            ),
            money_check("principal", "interest", name="funding_bankloaninstallment_money"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="funding_bankloaninstallment_number_positive"
            ),
            models.CheckConstraint(
                condition=(Q(paid_on__isnull=True) & Q(paid_entry__isnull=True))
                | (Q(paid_on__isnull=False) & Q(paid_entry__isnull=False)),
                name="funding_bankloaninstallment_paid_with_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} #{self.number}"


class DisbursementPurpose(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    OPERATING = "operating", _("Operating costs")


class BankLoanDisbursement(TenantModel):
    """A drawing on the bank loan: the money into the bank, recorded as the source's receipt."""

    Purpose = DisbursementPurpose

    loan = models.ForeignKey(BankLoan, on_delete=models.PROTECT, related_name="disbursements")
    on = models.DateField(_("date"))
    amount = RupiahField(_("amount"))
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices)
    receipt = models.ForeignKey(
        FundReceipt, on_delete=models.PROTECT, related_name="bank_loan_disbursements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "loan_id", "on", "id"]
        verbose_name = _("bank loan disbursement")
        constraints = [
            _known("purpose", DisbursementPurpose, "bankloandisbursement"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funding_bankloandisbursement_amount_positive"
            ),
            money_check("amount", name="funding_bankloandisbursement_money"),
            models.UniqueConstraint(
                fields=["cooperative", "receipt"],
                name="funding_bankloandisbursement_receipt_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.on}"


class BankLoanWarning(TenantModel):
    """An installment falling due within the warning days while the bank and the office cash hold
    less than it (and the unpaid installments before it): raised once per installment by the
    daily job (`funding.services.bank_loan_warnings`), open until the installment is paid."""

    loan = models.ForeignKey(BankLoan, on_delete=models.PROTECT, related_name="warnings")
    installment = models.ForeignKey(
        BankLoanInstallment, on_delete=models.PROTECT, related_name="warnings"
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"))
    amount = RupiahField(_("installment"))
    needed = RupiahField(_("needed by the due date"))
    cash = RupiahField(_("bank and office cash"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "due_on", "id"]
        verbose_name = _("bank loan warning")
        constraints = [
            money_check("amount", "needed", name="funding_bankloanwarning_money"),
            money_check("cash", name="funding_bankloanwarning_cash", signed=True),
            models.UniqueConstraint(
                fields=["cooperative", "installment"], name="funding_bankloanwarning_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} #{self.installment_id} {self.due_on}"
