"""Intelligence pages in a browser: a new report whose extracted suggestions are confirmed,
saved and read back, a form with errors, the list and a handling-C report; axe, CSP and reflow
on every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory
from cairn.intelligence.models import IntelligenceReport, PhoneMention, VehicleMention
from cairn.intelligence.tests.factories import IntelligenceReportFactory

pytestmark = pytest.mark.browser
NARRATIVE = (
    "A man called Tiger, 30s, silver Astra KX12 ?B?, picked up two girls outside the takeaway "
    "on Station Road, phone 07700 900123"
)


def test_a_new_report_with_confirmed_suggestions_is_saved_and_read(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    team = TeamFactory(
        name="Intelligence Unit", organisation=OrganisationFactory(name="Synthetic Police")
    )
    analyst = make_user(Role.ANALYST, team=team)
    sign_in_browser(analyst)

    page.goto("/intelligence/")
    expect(page.get_by_role("heading", name="Intelligence reports")).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Record intelligence").click()
    expect(page.get_by_role("heading", name="Record intelligence")).to_be_visible()
    assert_page_ok()

    # Saving with nothing filled in shows the errors.
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_page_ok()

    page.get_by_label("Who is the source?").select_option("taxi_staff")
    page.get_by_label("Source evaluation").select_option("2")
    page.get_by_label("Intelligence assessment").select_option("B")
    page.get_by_label("Handling code", exact=True).select_option("C")
    page.get_by_label("Handling conditions (required for handling code C)").fill(
        "Do not disclose to the taxi firm"
    )
    page.get_by_label("What was reported", exact=True).press_sequentially(NARRATIVE, delay=0)
    # htmx asks for suggestions once typing pauses.
    vehicle = page.get_by_label("Vehicle: KX12 ?B? (KX12?B?, partial)")
    expect(vehicle).to_be_visible()
    vehicle.check()
    page.get_by_label("Phone: 07700 900123 (+447700900123)").check()
    page.locator("#id_people-0-name_as_written").fill("Tiger")
    assert_page_ok()
    page.get_by_role("button", name="Save report").click()

    report = IntelligenceReport.objects.get()
    expect(page.get_by_role("heading", name=report.reference)).to_be_visible()
    expect(page.get_by_text("Do not disclose to the taxi firm")).to_be_visible()
    expect(page.get_by_text("Taxi staff")).to_be_visible()  # an analyst may see the source
    assert VehicleMention.objects.get().registration == "KX12?B?"
    assert PhoneMention.objects.get().e164 == "+447700900123"
    assert_page_ok()


def test_a_practitioner_sees_the_conditions_but_not_the_source(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    team = TeamFactory()
    report = IntelligenceReportFactory(
        owning_team=team,
        handling_code="C",
        handling_conditions="Police use only",
        source_roles=["investigator"],
    )
    sign_in_browser(make_user(Role.PRACTITIONER, team=team))
    page.goto(f"/intelligence/{report.pk}/")
    expect(page.get_by_text("Police use only")).to_be_visible()
    expect(page.get_by_text("Source details withheld under handling conditions")).to_be_visible()
    assert_page_ok()
    page.get_by_label("Link a young person").fill("YP-999999")
    page.get_by_role("button", name="Link young person").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_page_ok()
    page.goto(f"/intelligence/{report.pk}/change/")
    expect(page.get_by_role("heading", name="Change intelligence report")).to_be_visible()
    assert_page_ok()
    page.goto("/intelligence/?text=nothing")
    assert_page_ok()
