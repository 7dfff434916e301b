"""Network pages in a browser: the ranked list, a network, and its link chart expanded, filtered
by date and showing a link's records; axe, CSP and reflow on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity
from cairn.networks import services
from cairn.networks.models import Network
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser

NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)


def test_an_analyst_opens_a_network_and_works_its_link_chart(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    team = TeamFactory(name="Intelligence Unit")
    elsewhere = TeamFactory(name="Elsewhere")
    tiger = PersonEntity.objects.create(display_name="Tiger")
    smokey = PersonEntity.objects.create(display_name="Smokey Hidden")
    ellie = YoungPersonFactory(holding_team=team, given_name="Ellie")
    first = resolved_report(
        team, at=NIGHT, people=[tiger], phones=["+447700900123"], young_people=[ellie]
    )
    later = resolved_report(
        team, at=NIGHT + timedelta(days=40), people=[tiger], places=["Station Hotel"]
    )
    resolved_report(elsewhere, at=NIGHT + timedelta(days=5), people=[tiger, smokey])
    services.network_rebuild(actor=Actor.system())
    network = Network.objects.get()
    # A "Tiger" seen alone, which the model thinks may be the network's Tiger.
    alone = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=NIGHT + timedelta(days=60), people=[alone])
    MentionLink.objects.create(
        mention=MentionLink.objects.get(entity=alone).mention,
        entity=tiger,
        status=LinkStatus.PROPOSED,
        paired_with=MentionLink.objects.get(entity=tiger, mention__report=first).mention,
        match_probability=0.7,
    )
    sign_in_browser(make_user(Role.ANALYST, team=team))

    page.goto("/networks/")
    expect(page.get_by_role("heading", name="Networks", exact=True)).to_be_visible()
    assert_page_ok()

    page.get_by_role("link", name=network.reference).click()
    expect(page.get_by_role("heading", name=network.reference)).to_be_visible()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_text("Smokey")).to_have_count(0)
    assert_page_ok()

    page.get_by_role("link", name="1 pair to review").click()
    expect(
        page.get_by_role("heading", name=f"Pairs to review for network {network.reference}")
    ).to_be_visible()
    assert_page_ok()
    page.get_by_role("link", name=f"Back to network {network.reference}").click()

    page.get_by_role("link", name="Link chart around Tiger").click()
    expect(page.get_by_role("heading", name="Link chart")).to_be_visible()
    links = page.locator("#chart-edges tbody tr")
    # Drawn by the script: the tables now offer the chart's actions as buttons.
    expect(page.get_by_role("button", name="Expand +447700900123")).to_be_visible()
    expect(page.locator("canvas").first).to_be_attached()
    expect(links).to_have_count(4)
    expect(page.get_by_text("Restricted", exact=True).first).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Expand +447700900123").click()
    # The phone's link to Ellie joins Tiger's four links.
    expect(links).to_have_count(5)
    expect(page.get_by_role("button", name="Expand +447700900123")).to_have_count(0)
    # An export holds what the chart shows, expanded nodes included.
    expect(page.get_by_role("link", name="GraphML")).to_have_attribute(
        "href", re.compile(r"expand=phone%3A\d+")
    )

    page.get_by_label("From").fill("2026-04-01")
    page.get_by_role("button", name="Apply filters").click()
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("Station Hotel")

    page.get_by_role("button", name="Show records behind link 1").click()
    panel = page.locator("#chart-provenance")
    expect(panel.get_by_role("link", name=later.reference)).to_be_visible()
    expect(panel).to_contain_text("Link between")
    assert_page_ok()
