"""The browser fixtures of `cairn/core/tests/browser` (Debian's Chromium, axe-core, CSP watch)
for the networks app's own browser tests."""

from cairn.core.tests.browser.conftest import (
    _browser_settings,
    _reference_data,
    assert_page_ok,
    axe,
    browser,
    context,
    page,
    problems,
    sign_in_browser,
)

__all__ = [
    "_browser_settings",
    "_reference_data",
    "assert_page_ok",
    "axe",
    "browser",
    "context",
    "page",
    "problems",
    "sign_in_browser",
]
