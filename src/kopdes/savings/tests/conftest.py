"""Teardown of this app's `transaction=True` tests on PostgreSQL.

Such a test commits, so pytest-django empties every table afterwards with TRUNCATE; but the
journal and the audit log refuse TRUNCATE through triggers (posted rows never change). For that
flush only, the session runs with `session_replication_role = replica`, which skips ordinary
triggers (it needs a superuser, as the test database owner is here); the role is restored right
after, so every other test runs with the triggers on.
"""

import pytest
from django.db import connection
from pytest_django.plugin import blocking_manager_key


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    marker = item.get_closest_marker("django_db")
    flushes = (
        bool(marker and marker.kwargs.get("transaction")) and connection.vendor == "postgresql"
    )
    if flushes:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if flushes:
            with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
