"""An investigator builds an evidence matrix in the browser and exports the case summary; every
page passes axe-core's WCAG 2.2 AA checks, with no CSP errors, and reflows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.models import Investigation
from cairn.investigations.tests.factories import PoliceTeamFactory
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser


def test_an_investigator_builds_a_matrix_and_exports_the_summary(
    make_user: Callable[..., User],
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    team = PoliceTeamFactory()
    investigator = make_user(Role.INVESTIGATOR, team=team)
    child = YoungPersonFactory(holding_team=team)
    sign_in_browser(investigator)
    # The machine running the suite may be busy; the first page also compiles the templates.
    page.set_default_timeout(30_000)

    page.goto("/investigations/")
    assert_page_ok()
    page.get_by_role("link", name="Open an investigation").click()
    assert_page_ok()
    page.get_by_role("button", name="Open the investigation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter operation name")
    assert_page_ok()
    page.get_by_label("Operation name").fill("Operation Synthetic Curlew")
    page.get_by_label("Sexual activity with a child (Sexual Offences Act 2003, s.9)").check()
    page.get_by_label("Start date").fill("2025-01-06")
    page.get_by_role("button", name="Open the investigation").click()
    expect(page.get_by_role("heading", name="Operation Synthetic Curlew")).to_be_visible()
    assert_page_ok()
    investigation = Investigation.objects.get()

    page.get_by_role("link", name="Add a victim").click()
    page.get_by_label("Name as recorded").fill("Synthetic Child")
    page.get_by_label("Young person's record reference").fill(child.reference)
    page.get_by_label("Achieving Best Evidence (ABE) interview date").fill("2025-01-20")
    assert_page_ok()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a suspect").click()
    page.get_by_label("Name as recorded").fill("Synthetic Adult")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a key date").click()
    page.get_by_label("What the date is for").select_option("arrest")
    page.get_by_label("Date", exact=True).fill("2025-02-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Arrest", exact=True)).to_be_visible()
    assert_page_ok()

    page.get_by_role("link", name="Incidents and offences").click()
    page.get_by_role("link", name="Add an incident").click()
    page.get_by_label("What is alleged to have happened, in brief").fill("Taken to a flat")
    page.get_by_label("Date, or the first date of a range").fill("2024-12-14")
    page.get_by_label("Synthetic Child").check()
    page.get_by_label("Synthetic Adult").check()
    assert_page_ok()
    page.get_by_role("button", name="Save").click()
    assert_page_ok()

    page.get_by_role("link", name="Evidence", exact=True).click()
    page.get_by_role("link", name="Add an evidence item").click()
    page.get_by_label("Type of evidence").select_option(label="Victim's ABE interview")
    page.get_by_label("Where it comes from").select_option("child")
    page.get_by_label("Status").select_option("obtained")
    page.get_by_label("Synthetic Adult").check()
    page.get_by_label("Taken to a flat").check()
    page.get_by_role("button", name="Save").click()
    assert_page_ok()

    page.get_by_role("link", name="Evidence matrix").click()
    status = page.locator("[data-suspect-status]")
    expect(status).to_have_text("Rests on the child's account")
    assert_page_ok()

    page.get_by_role("link", name="Evidence", exact=True).click()
    page.get_by_role("link", name="Add an evidence item").click()
    page.get_by_label("Type of evidence").select_option(label="ANPR")
    page.get_by_label("Where it comes from").select_option("police")
    page.get_by_label("Status").select_option("obtained")
    page.get_by_label("Synthetic Adult").check()
    page.get_by_label("Taken to a flat").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Evidence matrix").click()
    expect(status).to_have_text("Independent corroboration")
    assert_page_ok()

    page.get_by_role("link", name="Case summary for charging advice (PDF)").click()
    assert_page_ok()
    page.get_by_label("Who the summary is for").fill("Charging advice meeting, CPS")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the summary (PDF)").click()
    assert download.value.suggested_filename == f"{investigation.reference}-case-summary.pdf"
    entry = AuditEntry.objects.get(action=Action.DISCLOSURE)
    assert entry.detail["recipient"] == "Charging advice meeting, CPS"

    page.get_by_role("link", name="Outcomes").click()
    page.get_by_role("link", name="Record an outcome").click()
    page.get_by_label("Suspect").select_option(label="Synthetic Adult")
    page.get_by_label("Home Office outcome type").select_option("1")
    assert_page_ok()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="1: Charged or summonsed")).to_be_visible()
    assert_page_ok()
