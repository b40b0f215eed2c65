"""Test settings: the same as base, with a fast password hasher and a throwaway data directory.

The database comes from DATABASE_URL when set (CI runs the suite on PostgreSQL that way; the role
needs CREATEDB: pytest-django creates and drops `test_<name>`), else SQLite in the throwaway
directory.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from kopdes.settings.base import *  # noqa: F403
from kopdes.settings.base import DATABASES, KOPDES_DATABASE_REPLICAS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATA_DIR = Path(tempfile.mkdtemp(prefix="kopdes-test-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
MEDIA_ROOT = DATA_DIR / "media"
# whitenoise warns (an error under pytest's filterwarnings) when STATIC_ROOT does not exist.
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(DATA_DIR / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # Connections are not kept between tests; the live server's thread opens its own.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
# A replica (ADR 0036) reads the test database the primary's `test_<name>` becomes: a test
# mirror takes only the primary's NAME, and keeps its own host and port (CI's hot standby).
for _alias in KOPDES_DATABASE_REPLICAS:
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    DATABASES[_alias]["CONN_MAX_AGE"] = 0
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = False
