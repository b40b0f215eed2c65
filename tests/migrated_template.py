"""pytest plugin (loaded by `-p migrated_template` in pyproject's pytest options): on SQLite, the
test database is migrated once per set of migrations, not once per run.

Migrating an empty database (every app's migrations, the regions' data load) costs about 8 s of
CPU at the start of every run. On SQLite the migrated database is a file, so the first run with a
given set of migrations keeps a copy of it (`VACUUM INTO`, consistent whatever the journal mode)
in the template folder under a name made from a hash of everything the migrations read; later
runs copy that file into place before Django's `migrate`, which then finds every migration
applied and only checks (content types, permissions) as it always does. Everything after it
(the serialized contents for transactional tests, the cache table) is Django's own.

The key, the copy and why it stays correct when migrations change: `kopdes.core.migrated` (the
same mechanism gives `kopdes demo` its new database). PostgreSQL (and an in-memory SQLite) is
untouched: Django creates and migrates the database as before.

The folder is `var/test-db-templates/` (git-ignored), or `$KOPDES_TEST_DB_TEMPLATES`; it keeps
the newest few templates. `KOPDES_TEST_DB_TEMPLATES=off` migrates every run, as before.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kopdes.core.migrated import migrations_key, save_template

ROOT = Path(__file__).resolve().parent.parent


def template_dir() -> Path | None:
    setting = os.environ.get("KOPDES_TEST_DB_TEMPLATES", "")
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else ROOT / "var" / "test-db-templates"


def _create_test_db(original):
    """DatabaseCreation.create_test_db for SQLite, seeded from the template when there is one."""

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        folder = template_dir()
        name = self._get_test_db_name()
        if folder is None or keepdb or self.is_in_memory_db(name):
            return original(self, verbosity, autoclobber, serialize, keepdb)
        template = folder / f"migrated-{migrations_key(self.connection.settings_dict)}.sqlite3"
        made = template.exists()
        if made:
            inner = self._create_test_db

            def seeded(verbosity, autoclobber, keepdb=False):
                created = inner(verbosity, autoclobber, keepdb)
                for leftover in (f"{created}-wal", f"{created}-shm"):
                    if os.path.exists(leftover):
                        os.remove(leftover)
                shutil.copyfile(template, created)
                return created

            self._create_test_db = seeded
        try:
            created = original(self, verbosity, autoclobber, serialize, keepdb)
        finally:
            self.__dict__.pop("_create_test_db", None)
        if not made:
            save_template(self.connection, template)
        return created

    create_test_db.__wrapped__ = original
    return create_test_db


def pytest_configure(config) -> None:
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if "create_test_db" not in DatabaseCreation.__dict__:
        DatabaseCreation.create_test_db = _create_test_db(DatabaseCreation.create_test_db)
