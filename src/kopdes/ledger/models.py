"""Double-entry accounting: chart of accounts, journal, periods, monthly snapshots, posting rules,
and the verifiable ledger's checkpoints.

Posted journal rows never change: database triggers refuse UPDATE and DELETE (see the
migrations), PostgreSQL checks each entry's balance in a deferred constraint trigger, and each
entry's hash chains to the one before it. Workflow state (periods, drafts) lives outside the
hashed rows.
"""

from datetime import UTC, datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopdes.core.models import TenantModel
from kopdes.core.money import RupiahField, money_check


class Account(TenantModel):
    """One account of the cooperative's chart (docs/domain.md §3)."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EQUITY = "equity", _("Equity")
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    class CashFlow(models.TextChoices):
        """How a movement against this account is classified in the direct-method cash flow."""

        OPERATING = "operating", _("Operating")
        INVESTING = "investing", _("Investing")
        FINANCING = "financing", _("Financing")

    class Participation(models.TextChoices):
        """For income: earned from members (partisipasi anggota) or from others."""

        NONE = "", _("Not income")
        MEMBER = "member", _("Members (partisipasi anggota)")
        NON_MEMBER = "non_member", _("Non-members")

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    contra = models.BooleanField(_("contra account"), default=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    business_unit = models.ForeignKey(
        "cooperatives.BusinessUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_header = models.BooleanField(_("header (no postings)"), default=False)
    is_cash = models.BooleanField(_("cash or bank"), default=False)
    cash_flow = models.CharField(
        _("cash flow class"), max_length=10, choices=CashFlow.choices, default=CashFlow.OPERATING
    )
    participation = models.CharField(
        _("participation"), max_length=10, choices=Participation.choices, blank=True, default=""
    )
    is_closed = models.BooleanField(_("closed"), default=False)
    # The GL side of a sub-ledger (member savings, member loans): only the sub-ledger's own
    # services post to it, with the member's reference on the line; a manual journal may not,
    # or the GL and the members' accounts would stop reconciling.
    is_control = models.BooleanField(_("sub-ledger control account"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "code"]
        verbose_name = _("account")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "code"], name="ledger_account_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow on the debit side, the rest on the credit side; contra flips it."""
        natural = self.kind in (self.Kind.ASSET, self.Kind.EXPENSE)
        return natural != self.contra


class Sequence(TenantModel):
    """A gapless counter per cooperative (journal numbers, receipts), taken under a row lock."""

    name = models.CharField(max_length=50)
    last_value = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")
    # The journal sequence only: the last day of the last closed month. Months close in order
    # and reopen with every later month, so the closed months are always everything up to here;
    # keeping it on the row posting locks anyway makes the period check cost no query.
    closed_through = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="ledger_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


YEAR_END_SOURCE = "year_end"  # the source kind of services.year_end_close's closing entry


class JournalEntry(TenantModel):
    """A posted, balanced entry. Never updated or deleted: corrections are reversals."""

    number = models.BigIntegerField(_("number"))
    date = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=300)
    source_kind = models.CharField(_("source kind"), max_length=50)
    source_id = models.CharField(_("source id"), max_length=64, blank=True, default="")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL means "no key"; unique when present
    request_hash = models.CharField(max_length=64)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200)
    posted_at = models.DateTimeField()
    posted_at_text = models.CharField(max_length=32)  # the exact string that was hashed
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    total = RupiahField(_("total"))
    # The canonical form the entry was hashed in (ledger/chain.py): 1 for entries posted before
    # version 2, 2 since. Version 2 commits to memo, actor and sub-ledger references with salts
    # derived from `secret` (32 random bytes, hex), which is never published or shown.
    format_version = models.PositiveSmallIntegerField(default=1)
    secret = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["cooperative_id", "number"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="ledger_journalentry_number_unique"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ledger_journalentry_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_journalentry_reversed_once",
            ),
            models.CheckConstraint(
                condition=Q(number__gt=0) & Q(total__gt=0), name="ledger_journalentry_positive"
            ),
            money_check("total", name="ledger_journalentry_total_money"),
            # Version 1 has no secret; version 2 always has one.
            models.CheckConstraint(
                condition=Q(format_version=1, secret="") | (Q(format_version=2) & ~Q(secret="")),
                name="ledger_journalentry_format_version",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "date"], name="ledger_entry_coop_date_idx")]

    def __str__(self) -> str:
        return f"JU-{self.number:06d}"

    @property
    def short_hash(self) -> str:
        return self.entry_hash[:12]


class JournalLine(TenantModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = RupiahField(default=0)
    credit = RupiahField(default=0)
    subledger_kind = models.CharField(max_length=30, blank=True, default="")
    subledger_id = models.CharField(max_length=64, blank=True, default="")
    business_unit = models.ForeignKey(
        "cooperatives.BusinessUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField()  # the entry's date, copied so reports filter lines without a join

    class Meta:
        ordering = ["entry_id", "line_no"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="ledger_journalline_one_side_positive",
            ),
            money_check("debit", "credit", name="ledger_journalline_money"),
            models.UniqueConstraint(
                fields=["cooperative", "entry", "line_no"], name="ledger_journalline_number_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "account", "date"], name="ledger_line_coop_acct_date_idx"
            ),
            models.Index(
                fields=["cooperative", "subledger_kind", "subledger_id"],
                name="ledger_line_subledger_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.line_no}"


class Period(TenantModel):
    """A month of the cooperative's books. No row means open; closing locks postings dated in it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_label = models.CharField(max_length=200, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cooperative_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year", "month"], name="ledger_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="ledger_period_month_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class AccountMonth(TenantModel):
    """Snapshot: an account's debit and credit movements in one month, kept current as entries post.

    The closing balance of a month is the sum of movements through that month, so a report costs
    (accounts x months) snapshot rows plus the current month's delta, never a scan of the journal.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    debit = RupiahField(default=0)
    credit = RupiahField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "account", "year", "month"],
                name="ledger_accountmonth_unique",
            ),
            money_check("debit", "credit", name="ledger_accountmonth_money"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.year}-{self.month:02d}"


class PostingRule(TenantModel):
    """Maps a business event (and a product or business unit) to the accounts its amounts go to.

    Versioned: a change adds a row with a higher version effective from a date; postings use the
    version in force on their date. `lines` is a list of
    {"amount": <name of an amount of the event>, "debit": <account code>, "credit": <account code>}.
    """

    event = models.CharField(_("event"), max_length=50)
    key = models.CharField(_("product or business unit"), max_length=50, blank=True, default="")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    lines = models.JSONField()
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "event", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "event", "key", "version"],
                name="ledger_postingrule_version_unique",
            ),
        ]

    def __str__(self) -> str:
        from kopdes.ledger.labels import posting_key_label, source_label

        return f"{source_label(self.event)} ({posting_key_label(self.key)}) v{self.version}"


class ManualJournal(TenantModel):
    """A journal drafted by one officer and approved by another before it posts (maker-checker)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")

    date = models.DateField()
    memo = models.CharField(max_length=300)
    lines = models.JSONField()  # [{"account": code, "debit": int, "credit": int}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    maker_id = models.BigIntegerField()
    maker_label = models.CharField(max_length=200)
    checker_id = models.BigIntegerField(null=True, blank=True)
    checker_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "entry"],
                condition=Q(entry__isnull=False),
                name="ledger_manualjournal_entry_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.memo} ({self.get_status_display()})"


class Checkpoint(TenantModel):
    """A day's signed checkpoint: the Merkle root of all the cooperative's entries so far.

    `note` is the C2SP signed note (tlog-checkpoint form: origin, size, root, no extension lines)
    exactly as the platform signed it; witnesses' cosignatures are kept apart. `summary` is a
    second signed note that links to the checkpoint before it and commits to what the tree holds
    in money: the entries added per accounting date and the hash of the trial balance at this
    tree size (`balances_hash`; `balances` holds the totals this checkpoint adds, per month and
    account). Version 1 checkpoints (before 2026-12-01) carried those in extension lines of the
    note and have no summary.
    """

    class Version(models.IntegerChoices):
        EXTENSION_LINES = 1, "extension lines"
        SUMMARY_NOTE = 2, "summary note"

    date = models.DateField()
    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day_count = models.IntegerField()
    day_debit_total = RupiahField()
    note = models.TextField()
    note_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    version = models.PositiveSmallIntegerField(
        choices=Version.choices, default=Version.EXTENSION_LINES
    )
    summary = models.TextField(blank=True)
    summary_hash = models.CharField(max_length=64, blank=True)
    balances = models.TextField(blank=True)
    balances_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "date"], name="ledger_checkpoint_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} #{self.tree_size}"


class Cosignature(TenantModel):
    """A witness's cosignature of a checkpoint (C2SP tlog-cosignature, `cosignature/v1`), checked
    against the witness's configured key before it is stored.

    `line` is the signed-note signature line (`— <witness> <base64>`, no newline), appended to
    the checkpoint's note when it is published (`checkpoints.published_note`); `timestamp` is
    the witness's time of cosigning (POSIX seconds), inside the signed bytes.
    """

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(max_length=200)  # the witness's key name
    key_id = models.CharField(max_length=8)  # hex
    timestamp = models.BigIntegerField()
    line = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "checkpoint_id", "witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "checkpoint", "witness"],
                name="ledger_cosignature_one_per_witness",
            )
        ]
        indexes = [
            models.Index(
                fields=["cooperative", "witness", "-checkpoint"],
                name="ledger_cosignature_last_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} @ {self.timestamp}"

    @property
    def cosigned_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=UTC)


class TreeTile(TenantModel):
    """A C2SP tlog-tiles hash tile of a cooperative's Merkle tree (ledger/tiles.py): `width`
    consecutive hashes of one `level` (level 0: leaf hashes; level L + 1: roots of full tiles of
    level L), tile `number` N holding hashes [N * 256, N * 256 + width) of its level.

    The stored tree is what `checkpoint_create` signed: it is extended in the checkpoint's own
    transaction with the entries the checkpoint adds (checkpoints/tree.py), so proofs and roots
    cost a few tile reads. A row only grows: a partial tile (width < 256) may be extended by
    appending hashes, a full tile never changes, no row is deleted (database triggers, migration
    ledger 0007). `ledger verify` recomputes every tile from the journal rows.
    """

    level = models.PositiveSmallIntegerField()
    number = models.BigIntegerField()
    width = models.PositiveSmallIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "level", "number"], name="ledger_treetile_unique"
            ),
            models.CheckConstraint(
                condition=Q(width__gte=1, width__lte=256, number__gte=0, level__lte=63),
                name="ledger_treetile_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.number} ({self.width})"
