"""pytest plugin (loaded by `-p slow_tests` in pyproject's pytest options): the `slow` tests
(seconds each: the national region load, mypy on a snippet) are left out of a plain
`uv run pytest`, and run in CI.

They run when `CI` is set (`.ci/run` sets it, so both of its pytest steps run them), with
`KOPDES_TEST_SLOW=1`, or when `-m` chooses the tests (`uv run pytest -m slow` runs only them).
Left out, they are reported as deselected ("2 deselected"), never silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest

ON = ("CI", "KOPDES_TEST_SLOW")


def run_slow(markexpr: str, environ: Mapping[str, str]) -> bool:
    if markexpr:
        return True
    return any(environ.get(name, "").lower() not in ("", "0", "false", "no") for name in ON)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if run_slow(config.option.markexpr, os.environ):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
