"""The tenant: a Koperasi Desa/Kelurahan Merah Putih, its business units, village profile and policy."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import PublicIdModel, TenantModel
from kopdes.core.money import AMOUNT_MAX, RupiahField


class Cooperative(PublicIdModel):
    class Status(models.TextChoices):
        FORMING = "forming", _("Being formed")
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        DISSOLVED = "dissolved", _("Dissolved")

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="cooperatives"
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    legal_entity_number = models.CharField(_("badan hukum number"), max_length=100, blank=True)
    registry_number = models.CharField(_("Nomor Induk Koperasi"), max_length=30, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=20, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["village_id"]
        verbose_name = _("cooperative")
        constraints = [
            # One cooperative per desa/kelurahan, unless the earlier one was dissolved.
            models.UniqueConstraint(
                fields=["village"],
                condition=~Q(status="dissolved"),
                name="cooperatives_cooperative_one_per_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The cooperative's short code: its village's Kemendagri code."""
        return self.village_id


class BusinessUnit(TenantModel):
    """A gerai: its own stock, sales and profit, rolled up into the cooperative's ledger."""

    class Kind(models.TextChoices):
        # The seven standard units of PMK 49/2025 Pasal 3.
        OFFICE = "kantor", _("Cooperative office")
        GROCERIES = "sembako", _("Groceries (sembako)")
        SAVINGS_LOANS = "simpan_pinjam", _("Savings and loans")
        CLINIC = "klinik", _("Village clinic")
        PHARMACY = "apotek", _("Village pharmacy")
        COLD_STORAGE = "pergudangan", _("Warehouse / cold storage")
        LOGISTICS = "logistik", _("Logistics")
        # Extras seen in practice.
        LPG = "lpg", _("LPG 3 kg")
        FERTILISER = "pupuk", _("Fertiliser (pupuk)")
        FARMING = "pertanian", _("Farming")
        LIVESTOCK = "peternakan", _("Livestock")
        PPOB = "ppob", _("Phone credit and bills (pulsa/PPOB)")
        OTHER = "lainnya", _("Other")

    STANDARD_KINDS = (
        "kantor",
        "sembako",
        "simpan_pinjam",
        "klinik",
        "apotek",
        "pergudangan",
        "logistik",
    )

    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative_id", "code"]
        verbose_name = _("business unit (gerai)")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "code"], name="cooperatives_businessunit_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VillageProfile(TenantModel):
    """The village the cooperative grows from: its people and its potensi unggulan."""

    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    main_livelihoods = models.JSONField(_("main livelihoods"), default=list, blank=True)
    leading_commodities = models.JSONField(
        _("leading commodities (potensi unggulan)"), default=list, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("village profile")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative"], name="cooperatives_villageprofile_one_per_cooperative"
            ),
        ]

    def __str__(self) -> str:
        return f"Profile {self.cooperative_id}"


class Policy(TenantModel):
    """The AD/ART parameters, one row per version: a change adds a row effective from a date.

    Rows are never edited; the version in force on a date is the latest with
    effective_from <= that date. Values that are [practice] or [open] in docs/domain.md live here.
    """

    effective_from = models.DateField(_("effective from"))
    version = models.PositiveIntegerField()
    simpanan_pokok_amount = RupiahField(_("simpanan pokok amount"))
    simpanan_wajib_amount = RupiahField(_("monthly simpanan wajib amount"))
    savings_rate_min = models.DecimalField(
        _("minimum sukarela interest rate (% a year)"), max_digits=5, decimal_places=2
    )
    savings_rate_max = models.DecimalField(
        _("maximum sukarela interest rate (% a year)"), max_digits=5, decimal_places=2
    )
    loan_rate_min = models.DecimalField(
        _("minimum loan interest rate (% a year)"), max_digits=5, decimal_places=2
    )
    loan_rate_max = models.DecimalField(
        _("maximum loan interest rate (% a year)"), max_digits=5, decimal_places=2
    )
    loan_approval_threshold = RupiahField(_("loans above this amount need pengawas co-signature"))
    related_party_loan_limit_percent = models.DecimalField(
        _("related-party loans limit (% of own capital)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
    )
    rat_quorum_percent = models.DecimalField(
        _("RAT quorum (% of members)"), max_digits=5, decimal_places=2
    )
    rat_notice_days = models.PositiveIntegerField(_("RAT notice (days)"), default=14)
    pokok_wajib_as_equity = models.BooleanField(
        _("simpanan pokok and wajib are equity"), default=True
    )
    csr_capital_as_equity = models.BooleanField(_("CSR capital is equity (hibah)"), default=True)
    shu_allocation = models.JSONField(_("SHU allocation lines"))
    savings_deposit_max = RupiahField(
        _("largest savings deposit in one transaction"), default=1_000_000_000
    )
    savings_withdrawal_max = RupiahField(
        _("largest savings withdrawal in one transaction"), default=1_000_000_000
    )
    savings_transfer_max = RupiahField(
        _("largest savings transfer in one transaction"), default=1_000_000_000
    )
    # The largest purchase at a gerai paid from the member's simpanan sukarela (member credit);
    # 0 turns member credit off. Versions recorded before it existed read 0 (off).
    member_credit_limit = RupiahField(
        _("largest outlet purchase paid from simpanan sukarela (0 = off)"), default=0
    )
    # The SHU's members' line (kopdes.shu, docs/adr/0024-shu-computation.md).
    shu_jasa_modal_percent = models.DecimalField(
        _("SHU: share of the members' part paid as jasa modal (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
    )
    shu_savings_basis = models.CharField(
        _("SHU: savings basis"),
        max_length=10,
        choices=[("year_end", _("Year-end balance")), ("average", _("Average month-end balance"))],
        default="year_end",
    )
    shu_savings_include_sukarela = models.BooleanField(
        _("SHU: simpanan sukarela counts in the savings basis"), default=False
    )
    shu_transaction_basis = models.CharField(
        _("SHU: transaction basis"),
        max_length=24,
        choices=[
            ("purchases", _("Purchases at the outlets")),
            ("purchases_and_interest", _("Purchases and loan interest paid")),
        ],
        default="purchases_and_interest",
    )
    changed_by_id = models.BigIntegerField(null=True, blank=True)
    changed_by_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-effective_from", "-version"]
        verbose_name = _("policy (AD/ART parameters)")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "version"], name="cooperatives_policy_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(savings_rate_min__gte=0)
                & Q(savings_rate_min__lte=models.F("savings_rate_max"))
                & Q(savings_rate_max__lte=9),
                name="cooperatives_policy_savings_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(loan_rate_min__gte=0)
                & Q(loan_rate_min__lte=models.F("loan_rate_max"))
                & Q(loan_rate_max__lte=24),
                name="cooperatives_policy_loan_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(simpanan_pokok_amount__gte=0)
                & Q(simpanan_wajib_amount__gte=0)
                & Q(loan_approval_threshold__gte=0),
                name="cooperatives_policy_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rat_quorum_percent__gt=0) & Q(rat_quorum_percent__lte=100),
                name="cooperatives_policy_quorum_range",
            ),
            models.CheckConstraint(
                condition=Q(savings_deposit_max__gt=0)
                & Q(savings_deposit_max__lte=AMOUNT_MAX)
                & Q(savings_withdrawal_max__gt=0)
                & Q(savings_withdrawal_max__lte=AMOUNT_MAX)
                & Q(savings_transfer_max__gt=0)
                & Q(savings_transfer_max__lte=AMOUNT_MAX),
                name="cooperatives_policy_savings_limits_range",
            ),
            models.CheckConstraint(
                condition=Q(member_credit_limit__gte=0) & Q(member_credit_limit__lte=AMOUNT_MAX),
                name="cooperatives_policy_member_credit_limit_range",
            ),
            models.CheckConstraint(
                condition=Q(shu_jasa_modal_percent__gte=0) & Q(shu_jasa_modal_percent__lte=100),
                name="cooperatives_policy_shu_jasa_modal_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy v{self.version} from {self.effective_from}"
