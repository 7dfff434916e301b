"""The page checks themselves: they must catch an accessibility fault and a CSP violation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_axe_check_reports_an_image_without_a_text_alternative(
    page: Page, assert_page_ok: Callable[[], None]
) -> None:
    page.goto("/sign-in/")
    page.evaluate(
        "document.querySelector('main').append(Object.assign(document.createElement('img'),"
        " {src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw='}))"
    )
    with pytest.raises(AssertionError, match=r"image-alt: Images must have alternative text"):
        assert_page_ok()


def test_csp_check_reports_an_inline_style(page: Page, assert_page_ok: Callable[[], None]) -> None:
    page.goto("/sign-in/")
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'),"
        " {textContent: 'body { color: red }'}))"
    )
    page.wait_for_timeout(100)
    with pytest.raises(AssertionError, match=r"Content Security Policy violations"):
        assert_page_ok()
