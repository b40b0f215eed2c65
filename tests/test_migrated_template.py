"""The migrated test-database template (tests/migrated_template.py): keyed by everything the
migrations read, and a complete migration of them."""

import sqlite3
from pathlib import Path

import migrated_template
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from kopdes.core import migrated


def test_the_key_changes_with_any_migration_input(tmp_path, monkeypatch):
    settings = connection.settings_dict
    data = tmp_path / "data"
    data.mkdir()
    (data / "regions.csv").write_text("36.03,Kabupaten Tangerang\n")
    monkeypatch.setattr(migrated, "PACKAGE", tmp_path)
    monkeypatch.setattr(migrated, "MIGRATION_INPUTS", ("data",))
    key = migrated.migrations_key(settings)
    assert migrated.migrations_key(settings) == key
    (data / "regions.csv").write_text("36.03,Kab. Tangerang\n")
    assert migrated.migrations_key(settings) != key
    (data / "more.csv").write_text("")
    assert len({key, migrated.migrations_key(settings)}) == 2


def test_the_key_covers_every_app_with_migrations():
    roots = {str(root) for root in migrated.migration_roots()}
    for app in ("kopdes.ledger", "kopdes.savings", "django.contrib.auth"):
        assert any(root.endswith(app.replace(".", "/") + "/migrations") for root in roots), app
    assert str(migrated_template.ROOT / "src/kopdes/regions/data") in roots


@pytest.mark.django_db
def test_this_run_uses_a_template_with_every_migration_applied():
    """On SQLite, the run's test database was made from (or saved as) the template of today's
    migrations, and that template has every migration on disk applied and the test database's
    schema and regions. Other databases are created by Django as before."""
    create_test_db = type(connection.creation).create_test_db
    if connection.vendor != "sqlite":
        assert not hasattr(create_test_db, "__wrapped__")
        return
    assert hasattr(create_test_db, "__wrapped__")
    folder = migrated_template.template_dir()
    if folder is None:  # KOPDES_TEST_DB_TEMPLATES=off: migrated as before
        return
    key = migrated_template.migrations_key(connection.settings_dict)
    template = folder / f"migrated-{key}.sqlite3"
    assert template.exists()
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    copy = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        applied = set(copy.execute("SELECT app, name FROM django_migrations"))
        schema = set(copy.execute("SELECT type, name, sql FROM sqlite_master"))
        regions = copy.execute("SELECT count(*) FROM regions_village").fetchone()[0]
    finally:
        copy.close()
    assert on_disk <= applied
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, sql FROM sqlite_master")
        assert set(cursor.fetchall()) == schema
        cursor.execute("SELECT count(*) FROM regions_village")
        assert cursor.fetchone()[0] == regions > 0
    assert Path(connection.settings_dict["NAME"]) != template
