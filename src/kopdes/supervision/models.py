"""The health assessment (penilaian kesehatan koperasi, docs/domain.md §5): the methods as
versioned data, the management questionnaire's answers, and the assessments."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import PublicIdModel, TenantModel


class HealthMethod(PublicIdModel):
    """One version of a method's rules (rules.py reads `rules`). A new version is a new row;
    the highest version of a kind is the one in force."""

    class Kind(models.TextChoices):
        RATIO = "ratio", _("Ratio method (Permen KUKM 14/2009)")
        RISK = "risk", _("Risk-based method (Permenkop 9/2020)")

    kind = models.CharField(_("method"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    note = models.TextField(_("note"), blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("health assessment method")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="supervision_healthmethod_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Predicate(models.TextChoices):
    SEHAT = "sehat", _("Sehat")
    CUKUP_SEHAT = "cukup_sehat", _("Cukup Sehat")
    DALAM_PENGAWASAN = "dalam_pengawasan", _("Dalam Pengawasan")
    DALAM_PENGAWASAN_KHUSUS = "dalam_pengawasan_khusus", _("Dalam Pengawasan Khusus")


class ManagementAnswers(TenantModel):
    """The examiner's answers to the management questionnaire for a cooperative's year."""

    year = models.PositiveIntegerField(_("fiscal year"))
    method = models.ForeignKey(HealthMethod, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    filled_by_label = models.CharField(max_length=200, blank=True)
    filled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("management questionnaire")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"], name="supervision_managementanswers_once"
            )
        ]


class Assessment(TenantModel):
    """One assessment of a cooperative's year; the history is kept, one is current."""

    year = models.PositiveIntegerField(_("fiscal year"))
    method = models.ForeignKey(HealthMethod, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    predicate = models.CharField(_("predicate"), max_length=30, choices=Predicate.choices)
    components = models.JSONField(_("components"))
    inputs = models.JSONField(_("inputs from the books"))
    questionnaire_filled = models.BooleanField(default=False)
    is_current = models.BooleanField(default=True)
    assessed_by_label = models.CharField(max_length=200, blank=True)
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("health assessment")
        ordering = ["-year", "-assessed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"],
                condition=Q(is_current=True),
                name="supervision_assessment_one_current",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="supervision_assessment_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.score} {self.get_predicate_display()}"
