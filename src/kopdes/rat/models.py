"""The members' meetings (Rapat Anggota Tahunan, RAT, and the extraordinary RALB): the notice,
agenda, documents pack, attendance, resolutions with their votes, and the minutes.

One member, one vote, enforced twice: the services refuse a second vote, and the database
refuses a second `VoteReceipt` for the same (resolution, member). A secret ballot splits a vote
in two rows that nothing joins (docs/adr/0028-rat-meetings-and-ballots.md): the `VoteReceipt`
says who voted, the `Ballot` what was voted; a secret ballot carries no member, no timestamp and
a random primary key, and the ballots of a secret resolution are written again in a shuffled
order when it closes.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel


class Meeting(TenantModel):
    class Kind(models.TextChoices):
        RAT = "rat", _("Annual members' meeting (RAT)")
        RALB = "ralb", _("Extraordinary members' meeting (RALB)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        HELD = "held", _("In session")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.RAT)
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("members may join online"), default=False)
    join_info = models.CharField(_("how to join online"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    notice_text = models.TextField(_("notice"), blank=True)
    deadline = models.DateField(_("deadline"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes_file = models.FileField(_("minutes"), upload_to="rat/minutes/%Y/", blank=True)
    minutes_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative_id", "-scheduled_at", "-pk"]
        verbose_name = _("members' meeting")
        indexes = [
            models.Index(fields=["cooperative", "fiscal_year"], name="rat_meeting_coop_year_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}"


class MeetingDocument(TenantModel):
    class Kind(models.TextChoices):
        STATEMENTS = "statements", _("Financial statements")
        SHU = "shu", _("SHU proposal")
        FUND_USE = "fund_use", _("Use of funds")
        RAPB = "rapb", _("Work plan and budget (RAPB)")
        PENGURUS_REPORT = "pengurus_report", _("Pengurus' report")
        PENGAWAS_REPORT = "pengawas_report", _("Pengawas' report")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="rat/documents/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64)
    generated = models.BooleanField(default=False)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "kind", "pk"]
        verbose_name = _("meeting document")

    def __str__(self) -> str:
        return self.title


class AgendaItem(TenantModel):
    class Kind(models.TextChoices):
        STATEMENTS = "statements", _("Financial statements")
        SHU = "shu", _("SHU distribution")
        RAPB = "rapb", _("Work plan and budget (RAPB)")
        PENGURUS_REPORT = "pengurus_report", _("Pengurus' report")
        PENGAWAS_REPORT = "pengawas_report", _("Pengawas' report")
        ELECTION = "election", _("Election of officers")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    document = models.ForeignKey(
        MeetingDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting_id", "order"]
        verbose_name = _("agenda item")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "meeting", "order"], name="rat_agendaitem_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(TenantModel):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("attendance"), max_length=10, choices=Mode.choices)
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["meeting_id", "recorded_at", "pk"]
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "meeting", "member"], name="rat_attendance_once"
            )
        ]


class Resolution(TenantModel):
    class Ballot(models.TextChoices):
        OPEN = "open", _("Open ballot")
        SECRET = "secret", _("Secret ballot")

    class Status(models.TextChoices):
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Decided")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="resolutions"
    )
    question = models.CharField(_("question"), max_length=500)
    ballot = models.CharField(_("ballot"), max_length=6, choices=Ballot.choices)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)  # attendance when it was decided
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "opened_at", "pk"]
        verbose_name = _("resolution")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", outcome="") | Q(status="closed") & ~Q(outcome=""),
                name="rat_resolution_outcome_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.question


class VoteReceipt(TenantModel):
    """That a member voted (never what): one per member and resolution."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        APP = "app", _("Member app")

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="receipts")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recorded_by_label = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        ordering = ["resolution_id", "cast_at", "pk"]
        verbose_name = _("vote receipt")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "resolution", "member"], name="rat_votereceipt_one_vote"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="rat_votereceipt_idempotency_unique",
            ),
        ]


class Ballot(models.Model):
    """What was voted. On an open ballot it names the member; on a secret ballot nothing links
    it to a member or a receipt (random id, no time, reshuffled at the close)."""

    class Choice(models.TextChoices):
        YES = "yes", _("Agree")
        NO = "no", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cooperative = models.ForeignKey(
        "cooperatives.Cooperative", on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=7, choices=Choice.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ballot")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "resolution", "member"],
                condition=Q(member__isnull=False),
                name="rat_ballot_open_once",
            )
        ]

    def __str__(self) -> str:
        return self.get_choice_display()
