"""Reading settings from the environment, failing loudly on a bad value.

A typo in production configuration must stop the process at start-up with a message naming the
variable, never fall back silently to a default.
"""

import json
import os
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}.")
    return value


def parse_witnesses(value: str) -> list[dict[str, str]]:
    """KOPDES_WITNESSES: a JSON list of {"name", "url", "verifier_key"}; the verifier key must be
    a cosignature/v1 key named like the witness."""
    from kopdes.ledger.cosigning import parse_cosigner_key
    from kopdes.ledger.signing import NoteError

    try:
        witnesses = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"KOPDES_WITNESSES is not valid JSON: {exc}") from None
    if not isinstance(witnesses, list):
        raise ImproperlyConfigured("KOPDES_WITNESSES is a JSON list of witnesses.")
    names = set()
    for number, witness in enumerate(witnesses, start=1):
        if (
            not isinstance(witness, dict)
            or set(witness) != {"name", "url", "verifier_key"}
            or not all(isinstance(v, str) and v for v in witness.values())
        ):
            raise ImproperlyConfigured(
                f"KOPDES_WITNESSES entry {number} must have exactly name, url and verifier_key."
            )
        if not witness["url"].startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"KOPDES_WITNESSES entry {number}: url is http(s)://...")
        try:
            key = parse_cosigner_key(witness["verifier_key"])
        except NoteError as exc:
            raise ImproperlyConfigured(f"KOPDES_WITNESSES entry {number}: {exc}") from None
        if key.name != witness["name"]:
            raise ImproperlyConfigured(
                f"KOPDES_WITNESSES entry {number}: the verifier key is named {key.name!r}, "
                f"not {witness['name']!r}."
            )
        if key.name in names:
            raise ImproperlyConfigured(f"KOPDES_WITNESSES names {key.name!r} twice.")
        names.add(key.name)
    return witnesses


POSTGRESQL = "django.db.backends.postgresql"


def parse_replicas(
    urls: list[str], primary: Mapping[str, Any], conn_max_age: int
) -> dict[str, Any]:
    """KOPDES_DATABASE_REPLICA_URLS (ADR 0036): `replica_1` .. `replica_n`, each a PostgreSQL
    streaming replica of a PostgreSQL primary (the same data, read-only)."""
    import dj_database_url

    if urls and primary.get("ENGINE") != POSTGRESQL:
        raise ImproperlyConfigured(
            "KOPDES_DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL=postgres://...)."
        )
    replicas: dict[str, Any] = {}
    for number, url in enumerate(urls, start=1):
        try:
            replica = dj_database_url.parse(url, conn_max_age=conn_max_age)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"KOPDES_DATABASE_REPLICA_URLS entry {number} is not a valid database URL: {exc}"
            ) from None
        if replica.get("ENGINE") != POSTGRESQL:
            raise ImproperlyConfigured(
                f"KOPDES_DATABASE_REPLICA_URLS entry {number} is not a PostgreSQL URL."
            )
        replicas[f"replica_{number}"] = replica
    return replicas
