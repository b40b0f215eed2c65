"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the tests use /usr/bin/chromium (Debian's
`chromium` package; `.ci/run` installs it; KOPDES_CHROMIUM names another binary). Every test in
this folder is marked `browser` (`pytest -m "not browser"` leaves them out) and runs on a
transactional database restored from the serialized test database: the live server needs
committed rows, and the flush after each transactional test would otherwise take the rows that
data migrations load (Kabupaten Tangerang's regions) away from the tests after it.

The flush after each test steps past the append-only triggers (tests/transactional_tests.py).

Fixtures: `browser` (one Chromium per test module), `context` (a fresh profile whose relative
URLs go to the live server) and `page` (with `page.console_errors`, every console error and
uncaught exception of the page, for tests to assert on).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KOPDES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    found = shutil.which(CHROMIUM)
    if found is None:
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def browser(chromium_executable, django_db_setup, django_db_blocker) -> Iterator:
    """Chromium for one test module; Playwright runs only while that module's tests do.

    Playwright's sync API keeps an asyncio loop running in the test's thread. Two consequences:
    Django's ORM refuses to run under a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set
    (safe here: the loop is Playwright's, and Django's code still runs synchronously); and Django
    then keeps a separate set of connection objects for the thread, which lack the serialized
    test database that `serialized_rollback` restores from, so it is handed over to them.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
                with django_db_blocker.unblock():
                    connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser, live_server) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator:
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    page.close()
