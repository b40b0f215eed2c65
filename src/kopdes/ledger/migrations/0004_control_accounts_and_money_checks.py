"""Sub-ledger control accounts and the money CHECKs of the ledger tables.

`Account.is_control` marks the GL side of a sub-ledger (member savings, member loans); existing
charts get it on the template's control accounts. JournalLine debit/credit, JournalEntry total
and AccountMonth debit/credit get `core.money.money_check` (whole rupiah, 0..AMOUNT_MAX).

On SQLite, adding a CHECK rebuilds the table (new table, copy, drop, rename), and dropping the
old table drops its triggers: the append-only triggers of 0002 are created again afterwards.
"""

import importlib

import django.db.models.functions.comparison
from django.db import migrations, models

# ledger.rules.SUBLEDGER_CONTROL_ACCOUNTS when this migration was written.
CONTROL_ACCOUNTS = ["1-103", "2-101", "2-111", "2-112", "3-101", "3-102"]

_immutable = importlib.import_module("kopdes.ledger.migrations.0002_posted_rows_immutable")


def mark_control_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=CONTROL_ACCOUNTS).update(is_control=True)


def unmark_control_accounts(apps, schema_editor):
    pass  # the column goes with the field


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _immutable.SQLITE_DOWN + _immutable.SQLITE_UP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cooperatives', '0001_initial'),
        ('ledger', '0003_period_close_on_sequence'),
    ]

    operations = [
        # Undone last when migrating backwards, after the tables were rebuilt without the CHECKs.
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AddField(
            model_name='account',
            name='is_control',
            field=models.BooleanField(default=False, verbose_name='sub-ledger control account'),
        ),
        migrations.AddConstraint(
            model_name='accountmonth',
            constraint=models.CheckConstraint(condition=models.Q(('debit__gte', 0), ('debit__lte', 10000000000000), ('debit', django.db.models.functions.comparison.Cast(models.F('debit'), output_field=models.BigIntegerField())), ('credit__gte', 0), ('credit__lte', 10000000000000), ('credit', django.db.models.functions.comparison.Cast(models.F('credit'), output_field=models.BigIntegerField()))), name='ledger_accountmonth_money'),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=models.Q(('total__gte', 0), ('total__lte', 10000000000000), ('total', django.db.models.functions.comparison.Cast(models.F('total'), output_field=models.BigIntegerField()))), name='ledger_journalentry_total_money'),
        ),
        migrations.AddConstraint(
            model_name='journalline',
            constraint=models.CheckConstraint(condition=models.Q(('debit__gte', 0), ('debit__lte', 10000000000000), ('debit', django.db.models.functions.comparison.Cast(models.F('debit'), output_field=models.BigIntegerField())), ('credit__gte', 0), ('credit__lte', 10000000000000), ('credit', django.db.models.functions.comparison.Cast(models.F('credit'), output_field=models.BigIntegerField()))), name='ledger_journalline_money'),
        ),
        migrations.RunPython(mark_control_accounts, unmark_control_accounts),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
