"""The SHU of a year: its computation from the closed books, the allocation lines and each
member's share (docs/adr/0024-shu-computation.md)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check


class ShuYear(TenantModel):
    """One fiscal year's SHU: simulated (replaced by a new simulation), approved by the RAT,
    posted to the ledger (shu.allocated), paid to the members (shu.paid)."""

    class Status(models.TextChoices):
        SIMULATED = "simulated", _("Simulated")
        APPROVED = "approved", _("Approved by the RAT")
        POSTED = "posted", _("Posted")
        PAID = "paid", _("Paid")

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIMULATED
    )
    policy_version = models.PositiveIntegerField(_("policy version"))
    shu_total = RupiahField(_("SHU of the year"))
    member_income = RupiahField(_("income from members"))
    non_member_income = RupiahField(_("income from non-members"))
    member_part = RupiahField(_("SHU earned from members"))
    non_member_part = RupiahField(_("SHU earned from non-members"))
    savings_basis = models.CharField(_("savings basis"), max_length=10)
    savings_include_sukarela = models.BooleanField(_("sukarela counts"), default=False)
    transaction_basis = models.CharField(_("transaction basis"), max_length=24)
    jasa_modal_percent = models.DecimalField(
        _("jasa modal (% of the members' part)"), max_digits=5, decimal_places=2
    )
    members_line = RupiahField(_("members' line (jasa anggota)"), default=0)
    jasa_modal_pool = RupiahField(_("jasa modal pool"), default=0)
    jasa_usaha_pool = RupiahField(_("jasa usaha pool"), default=0)
    savings_total = RupiahField(_("all members' savings"), default=0)
    purchases_total = RupiahField(_("all members' purchases"), default=0)
    interest_total = RupiahField(_("all members' loan interest paid"), default=0)
    transactions_total = RupiahField(_("all members' transactions"), default=0)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    resolution = models.CharField(_("RAT resolution"), max_length=200, blank=True)
    simulated_at = models.DateTimeField(_("simulated at"))
    simulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    simulated_by_label = models.CharField(max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allocation_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cooperative_id", "-year"]
        verbose_name = _("SHU year")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"], name="shu_shuyear_one_per_year"
            ),
            money_check(
                "shu_total",
                "member_income",
                "non_member_income",
                "member_part",
                "non_member_part",
                name="shu_shuyear_money",
            ),
            models.CheckConstraint(
                condition=Q(member_part__lte=models.F("shu_total")),
                name="shu_shuyear_member_part_within",
            ),
        ]

    def __str__(self) -> str:
        return f"SHU {self.year}"

    @property
    def jasa_usaha_percent(self) -> Decimal:
        return Decimal(100) - self.jasa_modal_percent


class ShuAllocationLine(TenantModel):
    """One line of the policy's allocation applied to the year's SHU."""

    shu_year = models.ForeignKey(ShuYear, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2)
    amount = RupiahField(_("amount"))

    class Meta:
        ordering = ["shu_year_id", "position"]
        verbose_name = _("SHU allocation line")
        constraints = [
            models.UniqueConstraint(fields=["shu_year", "key"], name="shu_allocationline_key"),
            money_check("amount", name="shu_allocationline_money"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.amount}"


class ShuMemberShare(TenantModel):
    """A member's SHU of the year: their bases, JMA, JUA and its payment."""

    class Channel(models.TextChoices):
        NONE = "", _("Not paid yet")
        SUKARELA = "sukarela", _("Into simpanan sukarela")
        CASH = "cash", _("Cash")

    shu_year = models.ForeignKey(ShuYear, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    savings = RupiahField(_("savings (basis)"))
    purchases = RupiahField(_("purchases"))
    interest = RupiahField(_("loan interest paid"))
    transactions = RupiahField(_("transactions (basis)"))
    jasa_modal = RupiahField(_("jasa modal (JMA)"))
    jasa_usaha = RupiahField(_("jasa usaha (JUA)"))
    total = RupiahField(_("SHU share"))
    paid_channel = models.CharField(
        _("paid"), max_length=8, choices=Channel.choices, blank=True, default=""
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["shu_year_id", "member__number"]
        verbose_name = _("member's SHU share")
        constraints = [
            models.UniqueConstraint(fields=["shu_year", "member"], name="shu_membershare_one"),
            money_check(
                "savings",
                "purchases",
                "interest",
                "transactions",
                "jasa_modal",
                "jasa_usaha",
                "total",
                name="shu_membershare_money",
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("jasa_modal") + models.F("jasa_usaha")),
                name="shu_membershare_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.total}"
