"""pytest plugin (loaded by `-p migrated_template` in pyproject's pytest options): on SQLite, the
test database is migrated once per set of migrations, not once per run.

Migrating an empty database (every app's migrations, the regions' data load) costs about 8 s of
CPU at the start of every run. On SQLite the migrated database is a file, so the first run with a
given set of migrations keeps a copy of it (`VACUUM INTO`, consistent whatever the journal mode)
in the template folder under a name made from a hash of everything the migrations read; later
runs copy that file into place before Django's `migrate`, which then finds every migration
applied and only checks (content types, permissions) as it always does. Everything after it
(the serialized contents for transactional tests, the cache table) is Django's own.

Correct when migrations change: the key hashes every file of every installed app's migrations
package, the files the data migrations load (MIGRATION_INPUTS), Django's and SQLite's versions
and the database settings; any change gives a new key and a fresh migration. Even a stale copy
could only lack a migration, which `migrate` then applies. PostgreSQL (and an in-memory SQLite)
is untouched: Django creates and migrates the database as before.

The folder is `var/test-db-templates/` (git-ignored), or `$KOPDES_TEST_DB_TEMPLATES`; it keeps
the newest few templates. `KOPDES_TEST_DB_TEMPLATES=off` migrates every run, as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Files outside a migrations package that a migration reads (relative to the repository root).
MIGRATION_INPUTS = ("src/kopdes/regions/data",)
KEEP = 4  # templates kept in the folder (one per set of migrations seen lately)
VERSION = "1"  # bump when the way the template is made changes


def template_dir() -> Path | None:
    setting = os.environ.get("KOPDES_TEST_DB_TEMPLATES", "")
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else ROOT / "var" / "test-db-templates"


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def migration_roots() -> list[Path]:
    """Every installed app's migrations package, then MIGRATION_INPUTS."""
    from django.apps import apps

    roots: list[Path] = []
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        spec = importlib.util.find_spec(f"{config.module.__name__}.migrations")
        if spec is not None and spec.submodule_search_locations:
            roots.extend(Path(p) for p in spec.submodule_search_locations)
    roots.extend(ROOT / extra for extra in MIGRATION_INPUTS)
    return roots


def migrations_key(settings_dict: dict) -> str:
    """A hash of everything the test database's migration depends on."""
    import django

    digest = hashlib.sha256()
    for part in (
        VERSION,
        django.get_version(),
        sqlite3.sqlite_version,
        repr(sorted((k, repr(v)) for k, v in settings_dict.get("OPTIONS", {}).items())),
    ):
        digest.update(part.encode() + b"\0")
    for root in migration_roots():
        for path in _files(root):
            digest.update(str(path.relative_to(root.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


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
            _save(self.connection, template)
        return created

    create_test_db.__wrapped__ = original
    return create_test_db


def _save(connection, template: Path) -> None:
    """A consistent copy of the migrated test database, written under a temporary name and renamed
    into place (two runs at once each write their own and the last rename wins: same content)."""
    template.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=template.parent, suffix=".partial")
    os.close(handle)
    os.remove(partial)  # VACUUM INTO wants a new file
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [partial])
        os.replace(partial, template)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    olds = sorted(template.parent.glob("migrated-*.sqlite3"), key=lambda p: p.stat().st_mtime)
    for old in olds[:-KEEP]:
        old.unlink(missing_ok=True)


def pytest_configure(config) -> None:
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if "create_test_db" not in DatabaseCreation.__dict__:
        DatabaseCreation.create_test_db = _create_test_db(DatabaseCreation.create_test_db)
