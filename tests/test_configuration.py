"""The environment is the configuration: every variable the settings read is in the README, and
a bad value stops `kopdes` with one line that names it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "kopdes" / "settings"


def variables_read() -> set[str]:
    names = set()
    for source in SETTINGS.glob("*.py"):
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source.read_text()))
    names |= set(
        re.findall(r'"(KOPDES_[A-Z_]+)"', (ROOT / "src/kopdes/ledger/signing.py").read_text())
    )
    return names


def test_the_readme_lists_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text()
    names = variables_read()
    assert {"KOPDES_ENV", "DATABASE_URL", "KOPDES_SECRET_KEY"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"README's Configuration table lacks {missing}"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("KOPDES_ENV", "staging", "KOPDES_ENV"),
        ("KOPDES_LOGIN_FAILURE_LIMIT", "many", "KOPDES_LOGIN_FAILURE_LIMIT"),
        ("DATABASE_URL", "nonsense://", "DATABASE_URL"),
    ],
)
def test_a_bad_setting_is_one_clear_line(tmp_path, variable, value, named):
    env = {
        "PATH": "/usr/bin:/bin",
        "KOPDES_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kopdes.settings.base",
        variable: value,
    }
    result = subprocess.run(
        [sys.executable, "-c", "from kopdes.cli import main; main(['check'])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kopdes: configuration error:") and named in lines[0]
