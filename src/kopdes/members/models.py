"""Membership: who the cooperative's anggota are, with NIK, KK history, status history and card.

A member need not log in; when they use the member app, `user` links their account. Field names
follow the national SIMKOPDES `anggota_koperasi` table where one exists (nama, nik, kode_wilayah,
jenis_kelamin, status_keanggotaan, tanggal_terdaftar, file_ktp, pekerjaan).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel


class MaritalStatus(models.TextChoices):
    """Status perkawinan as on the KTP."""

    SINGLE = "belum_kawin", _("Not married (belum kawin)")
    MARRIED = "kawin", _("Married (kawin)")
    DIVORCED = "cerai_hidup", _("Divorced (cerai hidup)")
    WIDOWED = "cerai_mati", _("Widowed (cerai mati)")


class Member(TenantModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        RESIGNED = "resigned", _("Resigned")
        DECEASED = "deceased", _("Deceased")
        EXPELLED = "expelled", _("Expelled")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    ENDED = ("resigned", "deceased", "expelled")

    number = models.PositiveIntegerField(
        _("member number (NIAK)"), null=True, blank=True
    )  # given on approval
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    address = models.CharField(_("address"), max_length=300)
    domicile = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desa/kelurahan of domicile"),
    )
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    marital_status = models.CharField(
        _("marital status"),
        max_length=12,
        choices=MaritalStatus.choices,
        blank=True,
        default="",
        db_default="",  # rows written with plain INSERTs (the demo) get "" too
    )
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    ended_on = models.DateField(_("membership ended on"), null=True, blank=True)
    ktp_photo = models.FileField(_("KTP photo"), upload_to="ktp/%Y/%m/", blank=True)
    card_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nik_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative_id", "number", "full_name"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "nik"],
                condition=~Q(status__in=["rejected"]),
                name="members_member_nik_once",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "number"],
                condition=Q(number__isnull=False),
                name="members_member_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"), name="members_member_nik_digits"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^\+62[0-9]{8,13}$"),
                name="members_member_phone_e164",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(number__isnull=False),
                name="members_member_active_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status"], name="members_member_coop_status_idx"),
            models.Index(fields=["nik", "status"], name="members_member_nik_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def niak(self) -> str:
        """The member number as printed on the card, e.g. 0042."""
        return f"{self.number:04d}" if self.number else ""


class MemberStatusChange(TenantModel):
    """Every status change with its date and reason (requested -> active -> resigned/...)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    on = models.DateField()
    reason = models.TextField(blank=True)
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.from_status_label or '—'} → {self.to_status_label}"

    @staticmethod
    def _label(status: str) -> str:
        return str(Member.Status(status).label) if status in Member.Status.values else status

    @property
    def from_status_label(self) -> str:
        return self._label(self.from_status) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return self._label(self.to_status)


class MemberKK(TenantModel):
    """The KK (family card) number with history: it changes when a family moves or splits."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="kk_history")
    kk_number = models.CharField(max_length=16)
    valid_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "valid_from", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kk_number__regex=r"^[0-9]{16}$"), name="members_memberkk_digits"
            )
        ]

    def __str__(self) -> str:
        return self.kk_number


class MemberImport(TenantModel):
    """One uploaded member file: its checksum makes a second import of the same file a no-op."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked (dry run)")
        IMPORTED = "imported", _("Imported")

    file_name = models.CharField(max_length=200)
    checksum = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ActivationCode(TenantModel):
    """A one-time activation code the cooperative prints for a member who has no phone number on
    record (or another one): only its keyed hash is kept, valid 30 days, used once; a new one
    replaces the old (`kopdes.members.activation`)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("activation code")
        indexes = [models.Index(fields=["cooperative", "member"], name="members_activation_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.created_at:%Y-%m-%d}"
