"""Playwright's `expect`, imported when a browser test first calls it.

Importing `playwright.sync_api` takes about half a second of CPU; at module level in the test
modules every run paid it while collecting, even one that runs no browser test (docs/testing.md,
"Collection"). The browser fixtures (conftest.py) import Playwright the same way, on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import expect
else:

    def expect(actual, message=None):
        from playwright.sync_api import expect as playwright_expect

        return playwright_expect(actual, message)


__all__ = ["expect"]
