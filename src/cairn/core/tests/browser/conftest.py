"""Browser test fixtures: pages in Debian's Chromium, axe-core checks, CSP watch. The browser and
axe themselves are session fixtures in `session.py`, shared by every app's browser tests."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from cairn.access.models import User

# Where the browser is, for benchmarks that start their own (benchmarks/link_chart.py).
from cairn.core.tests.browser.session import CHROMIUM as CHROMIUM
from cairn.core.tests.browser.session import CHROMIUM_ARGS as CHROMIUM_ARGS

# WCAG 2.2 AA, as issue 2 requires of every page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(autouse=True)
def _browser_settings(settings: Any) -> None:
    # The live server runs in this process, so these reach it too.
    settings.CAIRN_REQUIRE_2FA = True
    settings.CAIRN_DEMO = False
    # Argon2 is deliberately slow; these tests are about pages, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class PageProblems:
    """What the browser reported while a test ran: console errors and uncaught exceptions."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    """The live server's database is emptied after each test, taking the migrated reference data
    (the risk screening tool) with it; put it back as the migration made it."""
    from django.apps import apps as django_apps

    from cairn.youngpeople.models import RiskTool, ToolStatus

    if not RiskTool.objects.filter(status=ToolStatus.PUBLISHED).exists():
        seraf = importlib.import_module("cairn.youngpeople.migrations.0003_seraf_screening_tool")
        seraf.create_tool(django_apps, None)


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    browser_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    browser_context.set_default_timeout(10_000)
    yield browser_context
    browser_context.close()


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(context: BrowserContext, problems: PageProblems) -> Page:
    browser_page = context.new_page()
    browser_page.on("console", problems.on_console)
    browser_page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    return browser_page


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# Set to a folder to keep a full-page screenshot of every page checked, to look at the layout.
SCREENSHOTS = os.environ.get("CAIRN_BROWSER_SCREENSHOTS", "")


@pytest.fixture
def assert_page_ok(
    page: Page, axe: Axe, problems: PageProblems, request: pytest.FixtureRequest
) -> Callable[[], None]:
    """Check the current page: no WCAG 2.2 AA violations, no CSP violations, no script errors."""
    checked = 0

    def check() -> None:
        nonlocal checked
        page.wait_for_load_state("load")
        # GOV.UK Frontend's module script ran: the CSP let it load, and nothing inline was needed.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), (
            f"GOV.UK Frontend did not start on {page.url}"
        )
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        assert not violations, format_violations(page.url, violations)
        assert not problems.csp_violations, (
            f"Content Security Policy violations on {page.url}:\n"
            + "\n".join(problems.csp_violations)
        )
        assert not problems.page_errors, f"Script errors on {page.url}:\n" + "\n".join(
            problems.page_errors
        )
        # Reflow (WCAG 1.4.10, which axe cannot test): nothing scrolls sideways at 320px.
        viewport = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("document.documentElement.scrollWidth")
        if SCREENSHOTS:
            name = re.sub(r"\W+", "-", request.node.name).strip("-")
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{checked + 1}-narrow.png"))
        assert viewport is not None
        page.set_viewport_size(viewport)
        assert width <= 320, f"{page.url} is {width}px wide at 320px: it does not reflow"
        if SCREENSHOTS:
            checked += 1
            name = re.sub(r"\W+", "-", request.node.name).strip("-")
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{checked}.png"), full_page=True)

    return check


@pytest.fixture
def sign_in_browser(
    context: BrowserContext, live_server: Any, sign_in: Callable[[User], Any]
) -> Callable[[User], None]:
    """Give the browser the session of `user` signed in with a verified second factor."""

    def signed_in(user: User) -> None:
        client = sign_in(user)
        context.clear_cookies()
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return signed_in
