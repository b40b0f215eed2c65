"""Canonical version 2 of journal entries (ledger/chain.py): memo, actor and sub-ledger
references become salted commitments, so no published or member-shown leaf names a person.

Existing entries keep `format_version` 1 (and no secret) and stay verifiable as they were
hashed; posting writes version 2 with a fresh 32-byte secret per entry from now on. No posted
row changes: the columns are added with their version 1 values.

On SQLite, adding these columns and the CHECK rebuilds the table (new table, copy, drop,
rename), and dropping the old table drops its triggers: the append-only triggers of 0002 are
created again afterwards (as in 0004).
"""

import importlib

from django.db import migrations, models

_immutable = importlib.import_module("kopdes.ledger.migrations.0002_posted_rows_immutable")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _immutable.SQLITE_DOWN + _immutable.SQLITE_UP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0002_policy_savings_limits"),
        ("ledger", "0008_checkpoint_cosignatures"),
    ]

    operations = [
        # Undone last when migrating backwards, after the table was rebuilt without the columns.
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AddField(
            model_name="journalentry",
            name="format_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="secret",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="journalentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("format_version", 1), ("secret", "")),
                    models.Q(("format_version", 2), models.Q(("secret", ""), _negated=True)),
                    _connector="OR",
                ),
                name="ledger_journalentry_format_version",
            ),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
