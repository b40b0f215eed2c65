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


# -- early warnings (peringatan dini, docs/supervision.md) ------------------------------------


class WarningKind(models.TextChoices):
    CASH_ABOVE_LIMIT = "cash_above_limit", _("Cash held above the limit")
    NO_BANK_DEPOSIT = "no_bank_deposit", _("No bank deposit for too long")
    BACKDATED_POSTING = "backdated_posting", _("Back-dated posting")
    AFTER_HOURS_POSTING = "after_hours_posting", _("Posting after office hours")
    ROUND_AMOUNT_POSTING = "round_amount_posting", _("Round-amount posting")
    LARGE_WITHDRAWAL = "large_withdrawal", _("Large savings withdrawal")
    RELATED_PARTY_LOAN = "related_party_loan", _("Loan to a pengurus, pengawas or their family")
    FUND_OUTSIDE_LINES = "fund_outside_lines", _("Restricted fund spent outside its lines")
    STOCK_SHRINKAGE = "stock_shrinkage", _("Stock shrinkage against sales")
    WAJIB_COLLECTION_FALLING = "wajib_collection_falling", _("Falling simpanan wajib collection")
    RAT_OVERDUE = "rat_overdue", _("RAT overdue")
    PERIOD_NOT_CLOSED = "period_not_closed", _("Month not closed")
    LEDGER_VERIFICATION = "ledger_verification", _("Ledger verification failed")
    CHECKPOINT_STALE = "checkpoint_stale", _("Ledger checkpoint missing or stale")


class WarningThresholds(models.Model):
    """One version of the early-warning thresholds of a scope: `scope` "" is the default
    (the regency's, shipped by the data migration), a Kemendagri code prefix (a kecamatan
    "36.03.01") or a village code (that village's cooperative) overrides it. `values` holds only
    the keys the scope sets; the newest version of a scope is in force, the earlier ones are
    kept (history)."""

    scope = models.CharField(_("scope"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("version"))
    values = models.JSONField(_("thresholds"))
    note = models.TextField(_("note"), blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("early-warning thresholds")
        ordering = ["scope", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "version"], name="supervision_warningthresholds_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope or '*'} v{self.version}"


class WarningState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CLEARED = "cleared", _("Cleared (no longer holds)")


class EarlyWarning(TenantModel):
    """One early warning (peringatan dini): a rule that held for a cooperative about a subject
    (an entry, a loan, a month...). One row per cooperative, kind and subject, ever: a scan
    keeps it, clears it when the rule no longer holds, reopens a cleared one when it holds
    again; a resolved one stays resolved. Its history is the audit log (`warning.*`)."""

    Kind = WarningKind
    State = WarningState

    kind = models.CharField(_("kind"), max_length=30, choices=WarningKind.choices)
    subject = models.CharField(_("subject"), max_length=64, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    facts = models.JSONField(_("facts"), default=dict)
    evidence = models.JSONField(_("evidence"), default=dict)  # {"name": url name, "kwargs": {}}
    first_seen_on = models.DateField(_("first seen"))
    last_seen_on = models.DateField(_("last seen"))
    acknowledged_by_label = models.CharField(max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by_label = models.CharField(max_length=200, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    cleared_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("early warning")
        ordering = ["-first_seen_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "kind", "subject"], name="supervision_earlywarning_once"
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved") | ~Q(resolution_note=""),
                name="supervision_earlywarning_resolved_with_note",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "state"], name="supervision_warning_state_idx"),
        ]

    def __str__(self) -> str:
        """The kind's label, with the month or year it is about (an id subject is not shown)."""
        label = str(self.get_kind_display())
        return f"{label} {self.subject}" if len(self.subject) <= 7 and self.subject else label


# --- coaching (pembinaan, docs/coaching.md) ---------------------------------------------------


class CoachingStatus(models.TextChoices):
    """A training session's or a mentoring visit's state: planned, then held or cancelled."""

    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSession(PublicIdModel):
    """A training session (pelatihan) of the Dinas for one or many cooperatives. Not a tenant
    row: it belongs to no single cooperative; each cooperative invited has its own
    `TrainingParticipation` (a tenant row), where its attendance is recorded."""

    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    topics = models.TextField(_("topics"))
    trainer = models.CharField(_("trainer"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=CoachingStatus.choices, default=CoachingStatus.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    planned_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training session")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.planned_on})"


class TrainingParticipation(TenantModel):
    """A cooperative invited to a training session, and who of it attended (name and role
    only: no NIK, no phone number)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="participations"
    )
    attended = models.BooleanField(_("attended"), default=False)
    attendees = models.JSONField(_("attendees"), default=list)  # [{"name": ..., "role": ...}]
    recorded_by_label = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("training participation")
        ordering = ["-session__planned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "session"], name="supervision_participation_once"
            )
        ]


class MentoringVisit(TenantModel):
    """A mentoring visit (kunjungan pendampingan) to one cooperative."""

    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("date held"), null=True, blank=True)
    topics = models.TextField(_("topics"))
    visitors = models.CharField(_("who visits"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CoachingStatus.choices, default=CoachingStatus.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    planned_by_label = models.CharField(max_length=200, blank=True)
    recorded_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mentoring visit")
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="held", done_on__isnull=False) | ~Q(status="held"),
                name="supervision_visit_held_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.planned_on}: {self.topics[:60]}"


class Finding(TenantModel):
    """A finding (temuan) with its recommendation (rekomendasi), its owner in the cooperative
    (a role, a named person, or both) and its deadline; followed up until the Dinas closes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    visit = models.ForeignKey(
        MentoringVisit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    title = models.CharField(_("finding"), max_length=300)
    recommendation = models.TextField(_("recommendation"))
    owner_role = models.CharField(_("owner (role)"), max_length=20, blank=True)
    owner_name = models.CharField(_("owner (name)"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    raised_by_label = models.CharField(max_length=200, blank=True)
    closed_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        ordering = ["deadline", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "status", "deadline"], name="supervision_find_open")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_role="", owner_name=""), name="supervision_finding_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | Q(status="open"),
                name="supervision_finding_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.deadline < today

    @property
    def owner_text(self) -> str:
        """Who follows it up, in words: the role's label, the person's name, or both."""
        from kopdes.accounts.models import Role

        parts = []
        if self.owner_role in Role.Kind.values:
            parts.append(str(Role.Kind(self.owner_role).label))
        if self.owner_name:
            parts.append(self.owner_name)
        return " · ".join(parts)


class FindingFollowUp(TenantModel):
    """A follow-up note on a finding, dated, by the cooperative or by the Dinas."""

    class Side(models.TextChoices):
        COOPERATIVE = "cooperative", _("Cooperative")
        DINAS = "dinas", _("Dinas Koperasi")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="follow_ups")
    on = models.DateField(_("date"))
    note = models.TextField(_("follow-up"))
    side = models.CharField(_("by"), max_length=12, choices=Side.choices)
    by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up of a finding")
        ordering = ["on", "id"]
