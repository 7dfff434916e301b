"""The browser itself, one per test session: Debian's Chromium driven by Playwright, and axe-core.

Registered once for the whole suite (`pytest_plugins` in `src/cairn/conftest.py`), so that every
app's browser tests share one Playwright instance: two session fixtures of the same name in two
conftests would start two, and Playwright's sync API refuses a second one in the same thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STYLESHEET = Path(django_settings.REPO_DIR) / "frontend" / "build" / "cairn.css"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Debian's Chromium at {CHROMIUM}: "
            "run `sudo apt-get install chromium` (or `make browsers`)."
        )
        if os.environ.get("CI"):
            pytest.fail(message + " Browser tests are required in CI.", pytrace=False)
        pytest.skip(message)
    if not STYLESHEET.exists():
        pytest.fail(f"{STYLESHEET} is missing: run `npm run build` first.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()
