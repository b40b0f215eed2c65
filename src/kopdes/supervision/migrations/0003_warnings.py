"""The early warnings (peringatan dini): the thresholds per scope, versioned, and the warnings;
version 1 of the default thresholds (supervision/warning_rules.py's DEFAULT_THRESHOLDS at the
time, frozen here)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

DEFAULTS = {
    "cash_limit": 20_000_000,
    "bank_deposit_days": 14,
    "lookback_days": 30,
    "backdate_days": 7,
    "office_open_hour": 7,
    "office_close_hour": 18,
    "round_amount_min": 5_000_000,
    "round_amount_unit": 1_000_000,
    "large_withdrawal_amount": 10_000_000,
    "shrinkage_days": 90,
    "shrinkage_percent": 2,
    "wajib_rate_percent": 70,
    "period_close_days": 45,
    "rat_months": 6,
    "checkpoint_days": 3,
}


def seed(apps, schema_editor):
    apps.get_model("supervision", "WarningThresholds").objects.create(
        scope="",
        version=1,
        values=DEFAULTS,
        note="Nilai awal (default) platform.",
        created_by_label="sistem",
    )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "WarningThresholds").objects.filter(scope="", version=1).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cooperatives', '0005_policy_shu_bases'),
        ('supervision', '0002_default_methods'),
    ]

    operations = [
        migrations.CreateModel(
            name='WarningThresholds',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(blank=True, max_length=20, verbose_name='scope')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('values', models.JSONField(verbose_name='thresholds')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_by_label', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'early-warning thresholds',
                'ordering': ['scope', '-version'],
                'constraints': [models.UniqueConstraint(fields=('scope', 'version'), name='supervision_warningthresholds_version_unique')],
            },
        ),
        migrations.CreateModel(
            name='EarlyWarning',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('cash_above_limit', 'Cash held above the limit'), ('no_bank_deposit', 'No bank deposit for too long'), ('backdated_posting', 'Back-dated posting'), ('after_hours_posting', 'Posting after office hours'), ('round_amount_posting', 'Round-amount posting'), ('large_withdrawal', 'Large savings withdrawal'), ('related_party_loan', 'Loan to a pengurus, pengawas or their family'), ('fund_outside_lines', 'Restricted fund spent outside its lines'), ('stock_shrinkage', 'Stock shrinkage against sales'), ('wajib_collection_falling', 'Falling simpanan wajib collection'), ('rat_overdue', 'RAT overdue'), ('period_not_closed', 'Month not closed'), ('ledger_verification', 'Ledger verification failed'), ('checkpoint_stale', 'Ledger checkpoint missing or stale')], max_length=30, verbose_name='kind')),
                ('subject', models.CharField(blank=True, max_length=64, verbose_name='subject')),
                ('state', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved'), ('cleared', 'Cleared (no longer holds)')], default='open', max_length=12, verbose_name='state')),
                ('facts', models.JSONField(default=dict, verbose_name='facts')),
                ('evidence', models.JSONField(default=dict, verbose_name='evidence')),
                ('first_seen_on', models.DateField(verbose_name='first seen')),
                ('last_seen_on', models.DateField(verbose_name='last seen')),
                ('acknowledged_by_label', models.CharField(blank=True, max_length=200)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('resolved_by_label', models.CharField(blank=True, max_length=200)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_note', models.TextField(blank=True, verbose_name='resolution note')),
                ('cleared_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('cooperative', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cooperatives.cooperative')),
            ],
            options={
                'verbose_name': 'early warning',
                'ordering': ['-first_seen_on', '-id'],
                'indexes': [models.Index(fields=['cooperative', 'state'], name='supervision_warning_state_idx')],
                'constraints': [models.UniqueConstraint(fields=('cooperative', 'kind', 'subject'), name='supervision_earlywarning_once'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'resolved'), _negated=True), models.Q(('resolution_note', ''), _negated=True), _connector='OR'), name='supervision_earlywarning_resolved_with_note')],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
