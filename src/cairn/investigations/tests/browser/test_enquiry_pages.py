"""An investigator finds the lines of enquiry of a case in the browser, dismisses one without and
then with a reason and accepts another; every page passes axe-core's WCAG 2.2 AA checks with no
CSP errors, and reflows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.intelligence.models import LocationMention, VenueType
from cairn.investigations.models import EvidenceItem, LineOfEnquiry, LineOfEnquiryStatus
from cairn.investigations.tests.factories import (
    InvestigationFactory,
    PoliceTeamFactory,
    SuspectFactory,
    VictimFactory,
)
from cairn.linkage.models import PersonEntity
from cairn.networks.services import network_rebuild
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser


def test_an_investigator_finds_dismisses_and_accepts_lines_of_enquiry(
    make_user: Callable[..., User],
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    team = PoliceTeamFactory()
    investigator = make_user(Role.INVESTIGATOR, team=team)
    suspect = PersonEntity.objects.create(display_name="Synthetic Driver")
    child = YoungPersonFactory(holding_team=team)
    resolved_report(
        team,
        at=datetime(2026, 1, 9, 23, 0, tzinfo=UTC),
        people=[suspect],
        phones=["+447700900321"],
        vehicles=["KM19XYZ"],
        places=["Synthetic Lodge Hotel"],
        young_people=[child],
    )
    LocationMention.objects.update(venue_type=VenueType.HOTEL)
    network_rebuild(actor=Actor.system())
    investigation = InvestigationFactory(team=team, operation_name="Operation Synthetic Wren")
    SuspectFactory(investigation=investigation, person=suspect)
    VictimFactory(investigation=investigation, young_person=child)
    sign_in_browser(investigator)
    page.set_default_timeout(30_000)

    page.goto(f"/investigations/{investigation.pk}/enquiries/")
    assert_page_ok()
    page.get_by_role("button", name="Look for lines of enquiry in the network").click()
    expect(page.get_by_text("The lines of enquiry are up to date")).to_be_visible()
    assert_page_ok()
    assert LineOfEnquiry.objects.count() == 3

    page.get_by_role("link", name="Dismiss ANPR for KM19XYZ").click()
    assert_page_ok()
    page.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_page_ok()
    page.get_by_label("Why is this line of enquiry dismissed?").fill("Vehicle already seized")
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Vehicle already seized")).to_be_visible()

    page.get_by_role("button", name="Accept Call data and cell-site for +447700900321").click()
    expect(page.get_by_text("it is now an identified evidence item")).to_be_visible()
    assert_page_ok()
    statuses = dict(LineOfEnquiry.objects.values_list("kind", "status"))
    assert statuses["anpr"] == LineOfEnquiryStatus.DISMISSED
    assert statuses["call_data"] == LineOfEnquiryStatus.ACCEPTED
    assert EvidenceItem.objects.get().phone is not None
