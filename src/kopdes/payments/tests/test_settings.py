"""The payment secret is required in production, like the other secrets."""

import os
import subprocess
import sys


def _production(**extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KOPDES_ENV": "production",
        "KOPDES_SECRET_KEY": "x" * 64,
        "KOPDES_ALLOWED_HOSTS": "kopdes.example.go.id",
        **extra,
    }
    if "KOPDES_PAYMENT_SIMULATOR_SECRET" not in extra:
        env.pop("KOPDES_PAYMENT_SIMULATOR_SECRET", None)
    code = "from kopdes.settings import base as s; print(s.KOPDES_PAYMENT_GATEWAY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_production_needs_the_payment_secret():
    missing = _production()
    assert missing.returncode != 0 and "KOPDES_PAYMENT_SIMULATOR_SECRET" in missing.stderr
    short = _production(KOPDES_PAYMENT_SIMULATOR_SECRET="short")
    assert short.returncode != 0 and "KOPDES_PAYMENT_SIMULATOR_SECRET" in short.stderr
    good = _production(KOPDES_PAYMENT_SIMULATOR_SECRET="s" * 40)
    assert good.returncode == 0 and good.stdout.strip() == "simulator"
