"""Kemendagri region codes (Kepmendagri 300.2.2-2430/2025): provinsi > kabupaten/kota > kecamatan > desa/kelurahan.

Codes are the primary keys in their dotted form (`36`, `36.03`, `36.03.01`, `36.03.01.2003`):
they are stable national identifiers, and codes have gaps, so nothing assumes they are sequential.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency")
        verbose_name_plural = _("regencies")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Kecamatan."""

    code = models.CharField(max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True)  # GeoJSON geometry, [lng, lat], WGS84

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """Desa or kelurahan: the area one cooperative serves."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village (desa/kelurahan)")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def digits(self) -> str:
        """The code without dots, as the NIK and other national numbers write it."""
        return self.code.replace(".", "")
