"""Posted journal rows never change (docs/invariants.md, principle 2).

SQLite and PostgreSQL refuse UPDATE and DELETE of journal entries and lines. PostgreSQL also
checks, in a constraint trigger deferred to commit, that each entry's lines balance and add up
to the entry's total, so even raw SQL cannot commit an unbalanced entry.
"""

from django.db import migrations

TABLES = ["ledger_journalentry", "ledger_journalline"]

SQLITE_UP = [
    statement
    for table in TABLES
    for statement in (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: posted rows never change; post a reversal'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: posted rows never change; post a reversal'); END",
    )
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {table}_{what}" for table in TABLES for what in ("no_update", "no_delete")]

POSTGRES_UP = [
    *(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION core_refuse_change()"
        for table in TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_change()"
        for table in TABLES
    ),
    """CREATE OR REPLACE FUNCTION ledger_check_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE d bigint; c bigint; n integer; t bigint;
       BEGIN
         SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) INTO d, c, n
           FROM ledger_journalline WHERE entry_id = NEW.entry_id;
         SELECT total INTO t FROM ledger_journalentry WHERE id = NEW.entry_id;
         IF d <> c OR n < 2 OR d <> t THEN
           RAISE EXCEPTION 'ledger_journalentry_balanced: entry % has debit %, credit %, total %, % lines',
             NEW.entry_id, d, c, t, n USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced AFTER INSERT ON ledger_journalline
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balance()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalline",
    "DROP FUNCTION IF EXISTS ledger_check_entry_balance()",
    *(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}" for table in TABLES),
    *(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TABLES),
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_journal"), ("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
