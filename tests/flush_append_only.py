"""pytest plugin (loaded by `-p flush_append_only` in pyproject's pytest options): the flush that
ends every transactional test (`transaction=True`, `transactional_db`, `live_server`) steps past
the database triggers that keep the audit log and posted journal rows append-only.

Those triggers refuse DELETE (SQLite's flush) and TRUNCATE (PostgreSQL's flush) by design, so
without this every transactional test that wrote such a row, and on PostgreSQL every transactional
test at all, would end in "couldn't be flushed". Only the flush is let through, inside its own
transaction: on PostgreSQL the triggers are disabled and enabled again, on SQLite dropped and
recreated from their stored SQL, so they are back before the flush commits, and stay untouched if
anything fails. Tests that check the triggers themselves are not affected.
"""

from __future__ import annotations

import pytest


def _flush_past_triggers(original):
    def execute_sql_flush(self, sql_list):
        from django.db import transaction

        connection = self.connection
        with (
            transaction.atomic(
                using=connection.alias, savepoint=connection.features.can_rollback_ddl
            ),
            connection.cursor() as cursor,
        ):
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT DISTINCT c.relname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
                )
                tables = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                original(self, sql_list)
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
                original(self, sql_list)
                for _name, sql in triggers:
                    cursor.execute(sql)
            else:
                original(self, sql_list)

    execute_sql_flush.__wrapped__ = original
    return execute_sql_flush


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """For the whole session, so it is in place when each test's flush runs (after the test's
    own fixtures are gone)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", _flush_past_triggers(original))
        yield
