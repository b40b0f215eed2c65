"""The stored Merkle tree: C2SP tlog-tiles hash tiles per cooperative (ledger.TreeTile).

A tile row only grows: the database refuses an UPDATE that changes a full tile, shrinks a tile,
changes its coordinates or rewrites any hash already stored (the new hashes must begin with the
old ones), a row whose bytes are not `width` hashes, and every DELETE (and TRUNCATE on
PostgreSQL), as for posted journal rows (docs/invariants.md, principle 2).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

TABLE = "ledger_treetile"
MESSAGE = f"{TABLE}: a stored tile only grows; signed hashes never change"
SHAPE = f"{TABLE}: a tile holds width hashes of 32 bytes"
SQLITE_UP = [
    f"CREATE TRIGGER {TABLE}_shape BEFORE INSERT ON {TABLE} "
    "WHEN length(NEW.hashes) != NEW.width * 32 "
    f"BEGIN SELECT RAISE(ABORT, '{SHAPE}'); END",
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "WHEN OLD.width = 256 OR NEW.width < OLD.width OR NEW.level != OLD.level "
    "OR NEW.number != OLD.number OR NEW.cooperative_id != OLD.cooperative_id "
    "OR NEW.public_id != OLD.public_id OR length(NEW.hashes) != NEW.width * 32 "
    "OR substr(NEW.hashes, 1, length(OLD.hashes)) != OLD.hashes "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_{what}" for what in ("shape", "no_update", "no_delete")
]
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION ledger_treetile_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF length(NEW.hashes) != NEW.width * 32 THEN
           RAISE EXCEPTION '{SHAPE}' USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF TG_OP = 'UPDATE' AND (
              OLD.width = 256 OR NEW.width < OLD.width OR NEW.level != OLD.level
              OR NEW.number != OLD.number OR NEW.cooperative_id != OLD.cooperative_id
              OR NEW.public_id != OLD.public_id
              OR substring(NEW.hashes from 1 for length(OLD.hashes)) != OLD.hashes) THEN
           RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         RETURN NEW;
       END $$""",
    f"CREATE TRIGGER {TABLE}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_treetile_guard()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_change()",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS ledger_treetile_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0002_policy_savings_limits"),
        ("ledger", "0006_account_names_liabilitas_shu_belum_dibagi"),
    ]

    operations = [
        migrations.CreateModel(
            name="TreeTile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("level", models.PositiveSmallIntegerField()),
                ("number", models.BigIntegerField()),
                ("width", models.PositiveSmallIntegerField()),
                ("hashes", models.BinaryField()),
                (
                    "cooperative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cooperatives.cooperative",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cooperative", "level", "number"), name="ledger_treetile_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("level__lte", 63),
                            ("number__gte", 0),
                            ("width__gte", 1),
                            ("width__lte", 256),
                        ),
                        name="ledger_treetile_coordinates",
                    ),
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
