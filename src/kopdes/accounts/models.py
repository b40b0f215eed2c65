"""People, their roles in cooperatives, employees, supervision grants and API tokens."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import PublicIdModel, TenantModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields):
        from kopdes.accounts.rules import normalize_phone

        user = self.model(phone=normalize_phone(phone), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **fields)


class VillageOffice(models.TextChoices):
    """Offices that bar a person from the pengurus (docs/domain.md §1)."""

    HEAD = "kepala_desa", _("Kepala Desa / Lurah")
    OFFICIAL = "perangkat_desa", _("Village official (perangkat desa/kelurahan)")
    BPD = "bpd", _("BPD member")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who may log in. Logs in with a phone number (E.164) and a password (argon2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone number"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )
    village_office = models.CharField(
        _("office in the village government"),
        max_length=15,
        choices=VillageOffice.choices,
        blank=True,
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_("Set by a password reset: the next login leads to the password change."),
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__regex=r"^\+62[0-9]{8,13}$"), name="accounts_user_phone_e164"
            ),
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="accounts_user_nik_digits"
            ),
            models.CheckConstraint(
                condition=Q(kk_number="") | Q(kk_number__regex=r"^[0-9]{16}$"),
                name="accounts_user_kk_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.phone


class Role(TenantModel):
    """One role a person holds in one cooperative. A person may hold several and be a member."""

    class Kind(models.TextChoices):
        KETUA = "ketua", _("Chair (ketua)")
        SEKRETARIS = "sekretaris", _("Secretary (sekretaris)")
        BENDAHARA = "bendahara", _("Treasurer (bendahara)")
        WAKIL_USAHA = "wakil_usaha", _("Vice chair, business (wakil ketua bidang usaha)")
        WAKIL_ANGGOTA = "wakil_anggota", _("Vice chair, members (wakil ketua bidang anggota)")
        MANAJER = "manajer", _("Manager (manajer)")
        KASIR = "kasir", _("Cashier (kasir)")
        PENGAWAS = "pengawas", _("Supervisor (pengawas)")
        KETUA_PENGAWAS = "ketua_pengawas", _("Chair of the pengawas (Kepala Desa/Lurah)")
        ANGGOTA = "anggota", _("Member (anggota)")

    PENGURUS = ("ketua", "sekretaris", "bendahara", "wakil_usaha", "wakil_anggota")
    PENGAWAS_KINDS = ("pengawas", "ketua_pengawas")
    STAFF = ("manajer", "kasir")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    flag = models.CharField(_("flag"), max_length=200, blank=True)

    class Meta:
        ordering = ["cooperative_id", "kind"]
        indexes = [models.Index(fields=["cooperative", "kind"], name="accounts_role_coop_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "user", "kind"],
                condition=Q(ended_on__isnull=True),
                name="accounts_role_one_active_per_kind",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "kind"],
                condition=Q(ended_on__isnull=True)
                & Q(
                    kind__in=[
                        "ketua",
                        "sekretaris",
                        "bendahara",
                        "wakil_usaha",
                        "wakil_anggota",
                        "ketua_pengawas",
                    ]
                ),
                name="accounts_role_single_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class Employee(TenantModel):
    """A karyawan, recorded whether or not they log in."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        ENDED = "ended", _("Ended")

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="employments"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=100)
    started_on = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    phone = models.CharField(_("phone number"), max_length=16, blank=True)

    class Meta:
        ordering = ["cooperative_id", "full_name"]
        verbose_name = _("employee (karyawan)")

    def __str__(self) -> str:
        return self.full_name


class SupervisionGrant(PublicIdModel):
    """Read access to cooperatives from outside: a region scope, or a set of funded cooperatives."""

    class Agency(models.TextChoices):
        DINAS = "dinas", _("Dinas Koperasi (regency)")
        PROVINCE = "provinsi", _("Provincial cooperative office")
        MINISTRY = "kementerian", _("Ministry of Cooperatives")
        KEJAKSAAN = "kejaksaan", _("Kejaksaan (prosecutors)")
        CSR = "csr", _("CSR partner")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervision_grants")
    agency = models.CharField(_("agency"), max_length=15, choices=Agency.choices)
    organisation = models.CharField(_("organisation"), max_length=200)
    region_prefix = models.CharField(
        _("region code prefix"),
        max_length=13,
        blank=True,
        help_text=_(
            "'36.03' for a regency, '36.03.01' for a kecamatan, '36' for a province, '' for the whole country."
        ),
    )
    cooperatives = models.ManyToManyField("cooperatives.Cooperative", blank=True, related_name="+")
    read_only = models.BooleanField(_("read-only"), default=True)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision grant")
        constraints = [
            models.CheckConstraint(
                condition=~Q(agency="kejaksaan") | Q(read_only=True),
                name="accounts_supervisiongrant_kejaksaan_read_only",
            ),
            models.CheckConstraint(
                condition=Q(region_prefix="")
                | Q(region_prefix__regex=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"),
                name="accounts_supervisiongrant_region_prefix_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}: {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiToken(models.Model):
    """A bearer token for the member app. Only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The phone it was issued to, when known (a PIN unlock or reset, or the password sign-in on
    # which the PIN was then set): disabling or locking that phone revokes it.
    device = models.ForeignKey(
        "Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="tokens"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_apitoken_user_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class ThrottleCounter(models.Model):
    """Attempts counted for one throttle (`scope`) and one key (an account, an address), for
    `kopdes.accounts.throttle`. The key is stored as a keyed hash: no phone number or address
    in clear."""

    scope = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash"], name="accounts_throttlecounter_unique"
            )
        ]
        indexes = [models.Index(fields=["last_at"], name="accounts_throttle_last_at_idx")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key_hash[:8]}"


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone number for one purpose (`kopdes.accounts.otp`). Only its
    keyed hash is stored; it expires after a few minutes, allows a few wrong attempts, and is
    used once. A new code for the same number and purpose replaces the one before."""

    class Purpose(models.TextChoices):
        ACTIVATE = "activate", _("Activate a member's account")
        REGISTER = "register", _("Register an account")
        PIN_RESET = "pin_reset", _("Reset the PIN")

    phone = models.CharField(_("phone number"), max_length=16)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="accounts_otp_phone_idx")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.pk}"


class Device(PublicIdModel):
    """A phone on which a person set a PIN for daily use: a random device key (only its SHA-256
    kept here) and the PIN (hashed like a password). Five wrong PINs disable it; the person then
    signs in with the password again (`kopdes.accounts.devices`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    label = models.CharField(_("label"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    pin_hash = models.CharField(max_length=200)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong PINs"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone with a PIN")
        indexes = [models.Index(fields=["user", "disabled_at"], name="accounts_device_user_idx")]

    def __str__(self) -> str:
        return self.label or str(self.public_id)
