"""The subject access export page in a browser: it passes axe-core's WCAG 2.2 AA checks with no
CSP errors and reflows, shows its error when no reason is given, and downloads a PDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def practitioner(team, make_user: Callable[..., User]) -> User:
    return make_user(Role.PRACTITIONER, team=team)


@pytest.fixture
def jade(team) -> YoungPerson:
    return YoungPersonFactory(holding_team=team, given_name="Jade", family_name="Testchild")


def test_the_export_page_passes_wcag_22_aa_without_csp_errors(
    practitioner: User,
    jade: YoungPerson,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(practitioner)

    page.goto(f"/young-people/{jade.pk}/export/")

    expect(page.get_by_role("heading", name="Subject access export")).to_be_visible()
    assert_page_ok()


def test_an_export_without_a_reason_shows_the_error_and_passes_the_checks(
    practitioner: User,
    jade: YoungPerson,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(practitioner)
    page.goto(f"/young-people/{jade.pk}/export/")

    page.get_by_role("button", name="Download JSON").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "subject access request reference or reason", ignore_case=True
    )
    assert_page_ok()
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()


def test_a_pdf_is_downloaded_with_the_reason_given(
    practitioner: User,
    jade: YoungPerson,
    page: Page,
    sign_in_browser: Callable[[User], None],
) -> None:
    sign_in_browser(practitioner)
    page.goto(f"/young-people/{jade.pk}/export/")
    page.get_by_label("Subject access request reference or reason").fill("SAR-2024-031")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()

    assert download.value.suggested_filename == f"{jade.reference}-subject-access.pdf"
    entry = AuditEntry.objects.get(action=Action.DISCLOSURE)
    assert (entry.justification, entry.detail["format"]) == ("SAR-2024-031", "pdf")
