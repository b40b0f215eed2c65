"""PostgreSQL checks each entry's balance once per transaction, not once per line (issue 11.12).

Migration 0002's deferred constraint trigger ran `ledger_check_entry_balance()` for every
inserted line, and each run summed all the entry's lines: a 5,000-line entry read 5,000 x 5,000
rows at commit (quadratic). Now:

1. a statement-level AFTER INSERT trigger on `ledger_journalline` (with its transition table)
   queues each entry the statement touched, once, in `ledger_entry_balance_pending`
   (`ON CONFLICT DO NOTHING`: an entry already waiting is not queued again);
2. a deferred constraint trigger on that queue checks the entry at commit (its lines balance,
   there are at least two, they add up to the entry's total) and removes it from the queue.

The guarantee is the one of 0002: an unbalanced entry never commits, raw SQL included, and
`SET CONSTRAINTS ALL IMMEDIATE` checks what is queued at that point (a line added after it
queues the entry again). The queue is empty outside a transaction. SQLite keeps its path: the
posting services check the balance before writing (docs/invariants.md).
"""

from django.db import migrations

POSTGRES_UP = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalline",
    "DROP FUNCTION IF EXISTS ledger_check_entry_balance()",
    "CREATE TABLE ledger_entry_balance_pending (entry_id bigint PRIMARY KEY)",
    """CREATE FUNCTION ledger_queue_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO ledger_entry_balance_pending (entry_id) SELECT DISTINCT entry_id FROM new_lines
           ON CONFLICT DO NOTHING;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER ledger_journalline_queue_balance AFTER INSERT ON ledger_journalline
       REFERENCING NEW TABLE AS new_lines
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_queue_entry_balance()""",
    """CREATE FUNCTION ledger_check_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE d bigint; c bigint; n integer; t bigint;
       BEGIN
         DELETE FROM ledger_entry_balance_pending WHERE entry_id = NEW.entry_id;  -- checked whether found or not
         SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) INTO d, c, n
           FROM ledger_journalline WHERE entry_id = NEW.entry_id;
         SELECT total INTO t FROM ledger_journalentry WHERE id = NEW.entry_id;
         IF d <> c OR n < 2 OR d IS DISTINCT FROM t THEN
           RAISE EXCEPTION 'ledger_journalentry_balanced: entry % has debit %, credit %, total %, % lines',
             NEW.entry_id, d, c, t, n USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced AFTER INSERT ON ledger_entry_balance_pending
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balance()""",
]

# 0002's per-line trigger, as it was.
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_entry_balance_pending",
    "DROP TRIGGER IF EXISTS ledger_journalline_queue_balance ON ledger_journalline",
    "DROP FUNCTION IF EXISTS ledger_check_entry_balance()",
    "DROP FUNCTION IF EXISTS ledger_queue_entry_balance()",
    "DROP TABLE IF EXISTS ledger_entry_balance_pending",
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


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_tree_tiles")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
