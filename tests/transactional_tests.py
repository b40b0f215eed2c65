"""pytest plugin for transactional tests (loaded by `-p transactional_tests` in pyproject's
pytest options). A transactional test is one marked `django_db(transaction=True)` or using the
`transactional_db` or `live_server` fixtures (browser tests, thread and row-lock tests); its data
is committed, and Django empties every table after it.

1. Every transactional test starts from the migrated database, rows loaded by data migrations
   included (Kabupaten Tangerang's regions, content types): it runs with serialized rollback
   unless its marker says `serialized_rollback=False`. Without this, the first transactional
   test's flush takes those rows away from the ones after it, and a test without serialized
   rollback recreates content types under new ids, which the next one with it then collides
   with ("duplicate key ... django_content_type").

2. The flush steps past the database triggers that keep the audit log and posted journal rows
   append-only. They refuse DELETE (SQLite's flush) and TRUNCATE (PostgreSQL's flush) by design,
   so without this every transactional test that wrote such a row, and on PostgreSQL every
   transactional test at all, would end in "couldn't be flushed". Only the flush is let through,
   inside its own transaction and without superuser rights: on PostgreSQL the owner disables and
   re-enables the triggers, on SQLite they are dropped and recreated from their stored SQL, so
   they are back before the flush commits and untouched if anything fails.
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


def is_transactional(item: pytest.Item) -> bool:
    """Whether the test commits (and Django flushes the database after it)."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from django.test import TransactionTestCase

    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, TransactionTestCase):
            continue  # Django's own test classes say what they need
        marker = item.get_closest_marker("django_db")
        if marker is not None and (marker.args or "serialized_rollback" in marker.kwargs):
            continue
        if is_transactional(item):
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs))


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """For the whole session, so it is in place when each test's flush runs (after the test's
    own fixtures are gone)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", _flush_past_triggers(original))
        yield
