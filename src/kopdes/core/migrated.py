"""A migrated SQLite database kept as a template, keyed by everything the migrations read.

Migrating an empty database (every app's migrations, the regions' data load) costs about 10 s
of CPU. On SQLite a migrated database is one file, so the first migration of an empty database
with a given set of migrations keeps a copy of it (`VACUUM INTO`, consistent whatever the
journal mode) in a template folder, under a name made from a hash of everything the migrations
read; the next empty database is that file copied into place, and Django's `migrate` then finds
every migration applied and only checks (content types, permissions) as it always does.

Two users: the test run (`tests/migrated_template.py`, the test database) and `kopdes demo`
(`migrate_with_template`, a new demo database: the template folder is under the data folder).

Correct when migrations change: the key hashes every file of every installed app's migrations
package, the files the data migrations load (MIGRATION_INPUTS), Django's and SQLite's versions
and the database options; any change gives a new key and a fresh migration. Even a stale copy
could only lack a migration, which `migrate` then applies. PostgreSQL and an in-memory SQLite
are migrated as always.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

PACKAGE = Path(__file__).resolve().parent.parent  # src/kopdes
# Files outside a migrations package that a migration reads (relative to the kopdes package).
MIGRATION_INPUTS = ("regions/data",)
KEEP = 4  # templates kept in a folder (one per set of migrations seen lately)
VERSION = "2"  # bump when the way a template is made changes


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def migration_roots() -> list[Path]:
    """Every installed app's migrations package, then MIGRATION_INPUTS."""
    from django.apps import apps

    roots: list[Path] = []
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        spec = importlib.util.find_spec(f"{config.name}.migrations")
        if spec is not None and spec.submodule_search_locations:
            roots.extend(Path(p) for p in spec.submodule_search_locations)
    roots.extend(PACKAGE / extra for extra in MIGRATION_INPUTS)
    return roots


def migrations_key(settings_dict: dict) -> str:
    """A hash of everything a database's migration depends on."""
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


def template_path(folder: Path, settings_dict: dict) -> Path:
    return folder / f"migrated-{migrations_key(settings_dict)}.sqlite3"


def save_template(connection: BaseDatabaseWrapper, template: Path) -> None:
    """A consistent copy of the migrated database, written under a temporary name and renamed
    into place (two runs at once each write their own and the last rename wins: same content);
    the folder keeps the newest KEEP templates."""
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


def migrate_with_template(*, folder: Path | None, migrate: Callable[[], object]) -> str:
    """Run `migrate()` on the default database, starting from the template when the database is
    an empty SQLite file and a template of today's migrations exists; after migrating an empty
    one, keep it as the template. Returns "copied", "saved" or "migrated" (a database with
    tables already, another engine, or no folder)."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if (
        folder is None
        or connection.vendor != "sqlite"
        or connection.creation.is_in_memory_db(name)  # type: ignore[attr-defined]
        or connection.introspection.table_names()
    ):
        migrate()
        return "migrated"
    template = template_path(folder, connection.settings_dict)
    if not template.exists():
        migrate()
        save_template(connection, template)
        return "saved"
    connection.close()
    for leftover in (f"{name}-wal", f"{name}-shm"):  # of the empty database just closed
        if os.path.exists(leftover):
            os.remove(leftover)
    shutil.copyfile(template, name)
    migrate()  # everything applied: only Django's checks (content types, permissions)
    return "copied"
