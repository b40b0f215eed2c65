"""Test settings: the same as base, with a fast password hasher and a throwaway data directory.

The database comes from DATABASE_URL when set (CI runs the suite on PostgreSQL that way), else
SQLite; pytest-django creates and destroys the test database either way.
"""

import tempfile
from pathlib import Path

from kopdes.settings.base import *  # noqa: F403
from kopdes.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATA_DIR = Path(tempfile.mkdtemp(prefix="kopdes-test-"))
MEDIA_ROOT = DATA_DIR / "media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(DATA_DIR / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
