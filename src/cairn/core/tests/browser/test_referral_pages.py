"""Referral pages in a browser: the queue, the form and its possible-duplicate check (with htmx
and with the no-JavaScript button), errors, the referral and screening; axe, CSP and reflow on
every page."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from cairn.access.models import LawfulBasis, Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory, share_with_team
from cairn.youngpeople.models import (
    Referral,
    ReferralStatus,
    RiskTool,
    ToolStatus,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.services.record import refresh_name_keys
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_referrals import ReferralFactory

pytestmark = pytest.mark.browser


@dataclass
class World:
    hub: Team
    worker: User
    officer: User
    known: YoungPerson
    hidden: YoungPerson
    referral: Referral


def ensure_screening_tool() -> None:
    """The live server's database is emptied between tests, taking the migrated tool with it."""
    if not RiskTool.objects.filter(status=ToolStatus.PUBLISHED).exists():
        seraf = importlib.import_module("cairn.youngpeople.migrations.0003_seraf_screening_tool")
        seraf.create_tool(django_apps, None)


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    ensure_screening_tool()
    hub = TeamFactory(
        name="Exploitation Hub", organisation=OrganisationFactory(name="Synthetic Charity")
    )
    police = TeamFactory(
        name="Child Protection Unit", organisation=OrganisationFactory(name="Synthetic Police")
    )
    council = TeamFactory(
        name="Safeguarding Team", organisation=OrganisationFactory(name="Synthetic Council")
    )
    worker = make_user(Role.PRACTITIONER, team=hub, first_name="Priya", last_name="Shah")
    officer = make_user(Role.INVESTIGATOR, team=police, first_name="Dana", last_name="Officer")
    known = YoungPersonFactory(
        holding_team=hub,
        given_name="Kayleigh",
        family_name="Smyth",
        date_of_birth=date(2011, 5, 17),
    )
    share_with_team(known, police, LawfulBasis.SAFEGUARDING)
    hidden = YoungPersonFactory(
        holding_team=council,
        given_name="Kaylie",
        family_name="Smithe",
        date_of_birth=date(2011, 5, 17),
    )
    for record in (known, hidden):
        refresh_name_keys(record)
    referral = ReferralFactory(
        receiving_team=hub,
        given_name="Kaylee",
        family_name="Smith",
        date_of_birth=date(2011, 5, 17),
        urgency=Urgency.IMMEDIATE,
        concerns=["going_missing", "cars_unknown_adults"],
    )
    ReferralFactory(receiving_team=hub, given_name="Ola", urgency=Urgency.ROUTINE)
    return World(hub, worker, officer, known, hidden, referral)


def test_the_referral_queue_and_the_referral_with_its_screening_form(
    page: Page, world: World, sign_in_browser, assert_page_ok, live_server
) -> None:
    sign_in_browser(world.worker)

    page.goto("/young-people/referrals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Young people")
    expect(page.get_by_text("Immediate risk")).to_be_visible()
    assert_page_ok()

    page.get_by_role("link", name=world.referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaylee Smith")
    expect(page.get_by_text("Getting into cars driven by unknown adults")).to_be_visible()
    expect(page.get_by_label(f"Attach to Kayleigh Smyth ({world.known.reference})")).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select screening decision")
    assert_page_ok()

    page.get_by_label("Accept and allocate").check()
    page.get_by_label("Reason for the decision").fill("Significant indicators; known to us.")
    page.get_by_label("Key worker").select_option(label="Priya Shah")
    page.get_by_label(f"Attach to Kayleigh Smyth ({world.known.reference})").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page).to_have_url(f"{live_server.url}/young-people/{world.known.pk}/")
    world.referral.refresh_from_db()
    assert world.referral.status == ReferralStatus.ACCEPTED


def test_making_a_referral_with_the_duplicate_check(
    page: Page, world: World, sign_in_browser, assert_page_ok
) -> None:
    sign_in_browser(world.officer)

    page.goto("/young-people/referrals/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral")
    expect(page.get_by_label("Your name")).to_have_value("Dana Officer")
    assert_page_ok()

    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter given name")
    assert_page_ok()

    page.get_by_label("Team to refer to").select_option(label="Synthetic Charity: Exploitation Hub")
    page.get_by_label("Given name").fill("Kaylee")
    page.get_by_label("Family name").fill("Smith")
    page.get_by_label("Date of birth").fill("2011-05-17")
    page.get_by_label("Date of birth").blur()
    # htmx runs the check as the details change: the other team's record shows only as a stub.
    expect(page.get_by_text(world.hidden.reference)).to_be_visible()
    expect(page.get_by_label(f"This is Kayleigh Smyth ({world.known.reference})")).to_be_visible()
    expect(page.locator("#duplicate-check")).not_to_contain_text("Kaylie")
    assert_page_ok()

    page.get_by_label("Why are you referring them?").fill("Seen getting into cars after school.")
    page.get_by_label("Going missing").check()
    page.get_by_label("Urgent (within 1 working day)").check()
    page.get_by_label("Young person or carer consents").check()
    page.get_by_label("Lawful basis for sharing this information").select_option(
        value=LawfulBasis.SAFEGUARDING
    )
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "confirm that none of these is this child"
    )
    assert_page_ok()

    page.get_by_label("None of these is this child").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaylee Smith")
    expect(page.get_by_text("The referrer confirmed that the possible matches")).to_be_visible()
    assert_page_ok()


def test_checking_for_an_existing_record_without_javascript(
    browser, live_server, world: World, sign_in, axe
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    from django.conf import settings

    client = sign_in(world.officer)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto("/young-people/referrals/new/")
    page.get_by_label("Given name").fill("Kaylee")
    page.get_by_label("Family name").fill("Smith")
    page.get_by_label("Date of birth").fill("2011-05-17")
    page.get_by_role("button", name="Check for an existing record").click()

    expect(page.get_by_label(f"This is Kayleigh Smyth ({world.known.reference})")).to_be_visible()
    expect(page.get_by_text(world.hidden.reference)).to_be_visible()
    expect(page.get_by_label("Given name")).to_have_value("Kaylee")
    assert not Referral.objects.filter(given_name="Kaylee", referred_by=world.officer).exists()
    context.close()
