"""`kopdes demo` makes a new database from the template of the same migrations (kopdes.core
.migrated): the first demo in a data folder migrates and keeps the template, the next new
database is that template, complete, instead of a second migration."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from kopdes.core.migrated import migrate_with_template


def _demo(data: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kopdes.settings.base",
        "KOPDES_DATA_DIR": str(data),
    }
    env.pop("DATABASE_URL", None)  # the demo's own SQLite file in `data`
    command = [sys.executable, "-m", "kopdes.cli", "demo", "--no-serve", "--limit", "0"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


def _read(database: Path) -> tuple[set, set]:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        applied = set(db.execute("SELECT app, name, applied FROM django_migrations"))
        schema = set(db.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        db.close()
    return applied, schema


@pytest.mark.slow
def test_a_new_demo_database_is_the_migrated_template(tmp_path):
    database = tmp_path / "kopdes.sqlite3"
    _demo(tmp_path)
    templates = list((tmp_path / "db-templates").glob("migrated-*.sqlite3"))
    assert len(templates) == 1
    first = _read(database)
    for name in ("kopdes.sqlite3", "kopdes.sqlite3-wal", "kopdes.sqlite3-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    _demo(tmp_path)
    second = _read(database)
    # The same migrations applied at the same moments: copied, not migrated a second time.
    assert second[0] == first[0] == _read(templates[0])[0]
    assert second[1] == first[1]
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    assert on_disk <= {(app, name) for app, name, _applied in second[0]}


@pytest.mark.django_db
def test_a_database_with_tables_is_migrated_as_always(tmp_path):
    calls = []
    done = migrate_with_template(folder=tmp_path, migrate=lambda: calls.append("migrate"))
    expected = "migrated"
    assert connection.introspection.table_names()
    assert (done, calls, list(tmp_path.iterdir())) == (expected, ["migrate"], [])
