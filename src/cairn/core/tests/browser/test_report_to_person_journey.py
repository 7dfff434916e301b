"""From a new report to a linked person, in a browser: the narrative's phone and registration
are suggested and confirmed, a person is added, and saving links them to the person Cairn
already knew (with the real model, trained by an earlier re-link); axe, CSP and reflow on every
page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory
from cairn.intelligence.models import IntelligenceReport, PersonMention
from cairn.linkage import services
from cairn.linkage.models import LinkageModel, LinkStatus, MentionLink
from cairn.linkage.tests.factories import stored_population

pytestmark = pytest.mark.browser


def test_a_new_report_links_its_person_to_the_person_cairn_knew(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
    settings: Any,
) -> None:
    team = TeamFactory(
        name="Intelligence Unit", organisation=OrganisationFactory(name="Synthetic Police")
    )
    # Earlier reports, linked by a full re-link that keeps its trained model.
    world = stored_population(team)
    services.link_run(actor=Actor.system())
    assert LinkageModel.objects.exists()
    known = world["sources"]["M00000"]
    earlier = world["created"]["M00000"]
    person = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(mention=earlier).entity
    settings.CAIRN_LINK_ON_SAVE = True  # with the immediate task backend: linked on commit

    sign_in_browser(make_user(Role.ANALYST, team=team))
    page.goto("/intelligence/new/")
    expect(page.get_by_role("heading", name="Record intelligence")).to_be_visible()
    assert_page_ok()

    page.get_by_label("Who is the source?").select_option("taxi_staff")
    page.get_by_label("Source evaluation").select_option("2")
    page.get_by_label("Intelligence assessment").select_option("B")
    page.get_by_label("Handling code", exact=True).select_option("P")
    name = f"{known.given_name} {known.family_name}"
    narrative = (
        f"{name} was driving a black Golf KX12 ABC outside the takeaway and gave the girls "
        "his number, 07700 900000."
    )
    page.get_by_label("What was reported", exact=True).press_sequentially(narrative, delay=0)
    phone = page.get_by_label("Phone: 07700 900000 (+447700900000)")
    expect(phone).to_be_visible()
    phone.check()
    page.get_by_label("Vehicle: KX12 ABC (KX12ABC)").check()
    page.locator("#id_people-0-name_as_written").fill(name)
    page.locator("#id_people-0-sex").select_option("male")
    page.locator("#id_people-0-date_of_birth").fill(known.date_of_birth.isoformat())
    # The confirmed phone is his: person 1 of this report.
    page.locator("#id_phones-0-number_as_written").fill("07700 900000")
    page.locator("#id_phones-0-person").fill("1")
    assert_page_ok()
    page.get_by_role("button", name="Save report").click()

    report = IntelligenceReport.objects.latest("id")
    expect(page.get_by_role("heading", name=report.reference)).to_be_visible()
    assert_page_ok()

    mention = PersonMention.objects.get(report=report)
    link = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(mention=mention)
    assert link.entity == person
    assert link.status == LinkStatus.AUTOMATIC and link.match_probability > 0.95

    page.goto(person.get_absolute_url())
    expect(page.get_by_role("heading", name=person.reference)).to_be_visible()
    expect(page.get_by_role("link", name=report.reference)).to_be_visible()
    expect(page.get_by_role("link", name=earlier.report.reference)).to_be_visible()
    expect(page.get_by_role("link", name="+447700900000")).to_be_visible()
    assert_page_ok()
