"""The monthly snapshots of a closed month never change (docs/invariants.md, principle 9).

The statements read `AccountMonth`. Posting adds to the snapshot of an open month; a closed month
refuses postings, so nothing legitimate writes a closed month's snapshot. SQLite and PostgreSQL
now refuse INSERT, UPDATE and DELETE of a snapshot row whose month is closed (the `Period` row
says `closed`), as they refuse changes to posted journal rows. Snapshots of open months keep
changing with each posting; `kopdes ledger verify` recomputes every snapshot from the lines and
names each difference.
"""

from django.db import migrations

TABLE = "ledger_accountmonth"
MESSAGE = f"{TABLE}: the snapshot of a closed month never changes; reopen the month to post"


def _closed(row: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM ledger_period p WHERE p.cooperative_id = "  # noqa: S608 (constants)
        f"{row}.cooperative_id AND p.year = {row}.year AND p.month = {row}.month "
        "AND p.status = 'closed')"
    )


SQLITE_UP = [
    f"CREATE TRIGGER {TABLE}_no_insert BEFORE INSERT ON {TABLE} WHEN {_closed('NEW')} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"WHEN {_closed('OLD')} OR {_closed('NEW')} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} WHEN {_closed('OLD')} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_{what}" for what in ("no_insert", "no_update", "no_delete")
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION ledger_accountmonth_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND {_closed("OLD")} THEN
           RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') AND {_closed("NEW")} THEN
           RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
    f"CREATE TRIGGER {TABLE}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_accountmonth_guard()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_change()",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS ledger_accountmonth_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_control_accounts_and_money_checks")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
